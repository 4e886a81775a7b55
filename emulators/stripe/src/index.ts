/**
 * The local Stripe emulator: the endpoints the product uses, stateful, enforcing the Stripe rules the
 * mapping depends on, on a loopback port that the official `stripe` package talks to unmodified.
 *
 *   const emulator = await startStripeEmulator();
 *   const stripe = stripeClientFor(emulator);
 *   await stripe.customers.create({ name: 'Acme' });
 *   emulator.requestLog.writes();   // what was sent
 *   await emulator.close();
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { paramsCatalogue } from 'plugin-stripe-cpq/lib/stripe/params/index.js';
import { rollForward } from './billing.js';
import { EmulatorClock } from './clock.js';
import { FaultInjector } from './faults.js';
import { IdempotencyStore } from './idempotency.js';
import { StripeStore } from './objects.js';
import { RateLimiter, TEST_MODE_OPS_PER_SECOND } from './rateLimiter.js';
import { RequestLog } from './requestLog.js';
import { createRequestHandler, type ResponseListener } from './server.js';
import type { EmulatorState } from './state.js';
import { DEFAULT_WEBHOOK_RETRY_DELAYS_MS, WebhookDispatcher } from './webhooks.js';

export { StripeApiError } from './errors.js';
export type { FaultKind, FaultSpec } from './faults.js';
export type { LoggedRequest } from './requestLog.js';
export type { ApiExchange, ResponseListener } from './server.js';
export type { WebhookDelivery } from './webhooks.js';
export { signPayload } from './webhooks.js';
export { EmulatorClock } from './clock.js';
export { StripeStore } from './objects.js';

export const DEFAULT_API_KEY = 'sk_test_emulator';

export interface StripeEmulatorOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Global rate limit; default Stripe's test-mode 25 ops/s. `Infinity` (or 0) turns it off. */
  readonly opsPerSecond?: number;
  /** Host clock in milliseconds (default `Date.now`); the emulator clock starts there. */
  readonly now?: () => number;
  /** The secret key clients must send (default `sk_test_emulator`). */
  readonly apiKey?: string;
  /** Delays between webhook delivery attempts (Stripe's 3-day schedule, compressed). */
  readonly webhookRetryDelaysMs?: readonly number[];
  /** Told of every API answer after it is sent (tests check each one against Stripe's response schemas). */
  readonly onResponse?: ResponseListener;
}

export interface StripeEmulator {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly apiKey: string;
  readonly apiVersion: string;
  readonly requestLog: RequestLog;
  readonly faults: FaultInjector;
  readonly store: StripeStore;
  readonly clock: EmulatorClock;
  readonly webhooks: WebhookDispatcher;
  /** Moves the emulator clock forward and applies what fell due (renewals, phase changes, finalizations). */
  advanceClock(seconds: number): void;
  close(): Promise<void>;
}

export async function startStripeEmulator(options: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
  const host = options.host ?? '127.0.0.1';
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const apiVersion = paramsCatalogue.apiVersion;
  const store = new StripeStore();
  const clock = new EmulatorClock(options.now);
  const webhooks = new WebhookDispatcher(
    store,
    apiVersion,
    options.webhookRetryDelaysMs ?? DEFAULT_WEBHOOK_RETRY_DELAYS_MS,
  );
  const state: EmulatorState = { clock, store, webhooks, url: '', currentRequest: undefined };
  const requestLog = new RequestLog();
  const faults = new FaultInjector();
  const handler = createRequestHandler({
    state,
    apiKey,
    apiVersion,
    requestLog,
    faults,
    idempotency: new IdempotencyStore(),
    rateLimiter: new RateLimiter(options.opsPerSecond ?? TEST_MODE_OPS_PER_SECOND),
    onResponse: options.onResponse,
  });
  const server = createServer({ keepAliveTimeout: 5_000 }, handler);
  await listen(server, options.port ?? 0, host);
  const port = (server.address() as AddressInfo).port;
  state.url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: state.url,
    host,
    port,
    apiKey,
    apiVersion,
    requestLog,
    faults,
    store,
    clock,
    webhooks,
    advanceClock(seconds: number): void {
      clock.advanceBy(seconds);
      rollForward(state, null, clock.now());
    },
    async close(): Promise<void> {
      webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export interface StripeClientOptions {
  /** stripe-node's own retries (connection errors, 409, 429, 5xx), default 2. */
  readonly maxNetworkRetries?: number;
  readonly apiKey?: string;
}

/** The official stripe-node client, pointed at the emulator. */
export function stripeClientFor(
  emulator: Pick<StripeEmulator, 'host' | 'port' | 'apiKey'>,
  options: StripeClientOptions = {},
): Stripe {
  return new Stripe(options.apiKey ?? emulator.apiKey, {
    host: emulator.host,
    port: emulator.port,
    protocol: 'http',
    telemetry: false,
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
  });
}
