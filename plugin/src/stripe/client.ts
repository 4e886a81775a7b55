/**
 * The Stripe client the product uses: the official `stripe` package at its pinned API version, with the
 * SDK's own retries off (the gateway retries, so the rate limiter and metrics see every attempt), and a
 * gateway that puts every call through the rate limiter, the retry policy and the call observer.
 *
 *   const gateway = createStripeGateway({ apiKey: process.env.STRIPE_API_KEY! });
 *   await gateway.call('customers.retrieve', () => gateway.stripe.customers.retrieve('cus_…'));
 */
import Stripe from 'stripe';
import { RateLimiter, STRIPE_OPS_PER_SECOND } from './rateLimiter.js';
import { DEFAULT_STRIPE_RETRY_POLICY, withRetries, type StripeRetryPolicy } from './retry.js';

export interface StripeClientOptions {
  readonly apiKey: string;
  /** For a local server (the emulator): host, port and protocol. */
  readonly host?: string;
  readonly port?: number;
  readonly protocol?: 'http' | 'https';
  /** Connect: act on this connected account (`Stripe-Account`). */
  readonly stripeAccount?: string;
  readonly timeoutMs?: number;
}

/** True for `sk_live_…` / `rk_live_…` keys. */
export function isLiveKey(apiKey: string): boolean {
  return /^(sk|rk)_live_/.test(apiKey);
}

export function createStripeClient(options: StripeClientOptions): Stripe {
  return new Stripe(options.apiKey, {
    maxNetworkRetries: 0,
    telemetry: false,
    timeout: options.timeoutMs ?? 30_000,
    appInfo: { name: 'stripe-cpq-billing', version: '0.1.0' },
    ...(options.host ? { host: options.host } : {}),
    ...(options.port ? { port: options.port } : {}),
    ...(options.protocol ? { protocol: options.protocol } : {}),
    ...(options.stripeAccount ? { stripeAccount: options.stripeAccount } : {}),
  });
}

/** What the relay's metrics count about Stripe calls. */
export interface StripeCallObserver {
  onCall?(name: string, outcome: 'ok' | 'error', statusCode: number | undefined): void;
  onRetry?(name: string, statusCode: number | undefined): void;
}

export interface StripeGatewayOptions extends StripeClientOptions {
  /** Calls per second across this process; defaults to Stripe's test (25) or live (100) ceiling. */
  readonly opsPerSecond?: number;
  readonly retry?: StripeRetryPolicy;
  readonly observer?: StripeCallObserver;
}

export interface StripeGateway {
  readonly stripe: Stripe;
  readonly livemode: boolean;
  /** Runs one Stripe call under the rate limiter and the retry policy. */
  call<T>(name: string, request: () => Promise<T>): Promise<T>;
  /** Adds an observer of every call (the relay's metrics). */
  observe(observer: StripeCallObserver): void;
}

const statusOf = (error: unknown): number | undefined => (error as { statusCode?: number } | null)?.statusCode;

export function createStripeGateway(options: StripeGatewayOptions & { readonly stripe?: Stripe }): StripeGateway {
  const livemode = isLiveKey(options.apiKey);
  const stripe = options.stripe ?? createStripeClient(options);
  const limiter = new RateLimiter(options.opsPerSecond ?? STRIPE_OPS_PER_SECOND[livemode ? 'live' : 'test']);
  const policy = options.retry ?? DEFAULT_STRIPE_RETRY_POLICY;
  const observers: StripeCallObserver[] = options.observer ? [options.observer] : [];
  const observer: Required<StripeCallObserver> = {
    onCall: (...args) => observers.forEach((o) => o.onCall?.(...args)),
    onRetry: (...args) => observers.forEach((o) => o.onRetry?.(...args)),
  };
  return {
    stripe,
    livemode,
    observe: (added) => observers.push(added),
    call: (name, request) =>
      withRetries(
        async () => {
          await limiter.take();
          try {
            const result = await request();
            observer.onCall(name, 'ok', 200);
            return result;
          } catch (error) {
            observer.onCall(name, 'error', statusOf(error));
            throw error;
          }
        },
        policy,
        { onRetry: (error) => observer.onRetry(name, statusOf(error)) },
      ),
  };
}

/**
 * Reads each distinct id once, in parallel, each through `gateway.call`; id → object. `ifMissing` turns an
 * error into undefined (the id is then left out) or rethrows it.
 */
export async function retrieveEach<T>(
  gateway: StripeGateway,
  name: string,
  ids: readonly string[],
  retrieve: (id: string) => Promise<T>,
  ifMissing: (error: unknown) => undefined = (error) => {
    throw error;
  },
): Promise<Map<string, T>> {
  const unique = [...new Set(ids.filter(Boolean))];
  const found = await Promise.all(unique.map((id) => gateway.call(name, () => retrieve(id)).catch(ifMissing)));
  return new Map(unique.flatMap((id, i) => (found[i] === undefined ? [] : [[id, found[i]] as const])));
}

/** A list page's parameters: 100 items (Stripe's most), after the last one read. */
export interface PageParams {
  readonly limit: 100;
  readonly starting_after?: string;
}

/**
 * Every item of a Stripe list, 100 a page, each page through `gateway.call`: `page` spreads the page's
 * parameters into its list call. `first` is a page already in hand (a list an object embeds, like an invoice's
 * first lines): only what follows it is read.
 */
export async function listAll<T extends { id?: string }>(
  gateway: StripeGateway,
  name: string,
  page: (params: PageParams) => Promise<{ data: T[]; has_more: boolean }>,
  first?: { data: readonly T[]; has_more: boolean },
): Promise<T[]> {
  const items: T[] = [];
  let current = first ?? (await gateway.call(name, () => page({ limit: 100 })));
  for (;;) {
    items.push(...current.data);
    const last = items.at(-1)?.id;
    if (!current.has_more || !last) return items;
    current = await gateway.call(name, () => page({ limit: 100, starting_after: last }));
  }
}
