// Both emulators, a Salesforce client and a Stripe gateway for relay tests.
import { type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import Stripe from 'stripe';
import { startRelay, type RunningRelay } from '../../plugin/src/relay/index.js';
import { createRelayLogger } from '../../plugin/src/relay/logger.js';
import type { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { startEmulatedServices, type EmulatedServices } from '../support/emulatedServices.js';
import { Writable } from 'node:stream';

export { integrationToken } from '../support/emulatedServices.js';

export interface Services extends EmulatedServices {
  /** The relay's `events` option for the emulated org's Pub/Sub API (self-signed TLS). */
  readonly events: { readonly endpoint: string; readonly rejectUnauthorized: false };
  /** The integration user's client (the relay's name for `client`). */
  readonly salesforce: SalesforceClient;
}

/** The services with the org's Pub/Sub API, and a gateway that retries as the relay's does. */
export async function startServices(): Promise<Services> {
  const services = await startEmulatedServices({ pubSub: true, stripeRetries: 2, checkConformance: false });
  return { ...services, salesforce: services.client, events: relayEvents(services.org) };
}

/** The secret the relays the tests start check Stripe webhooks' signatures with. */
export const WEBHOOK_SECRET = 'whsec_test_relay';

/** A relay on the services that takes signed Stripe webhooks; the test syncs itself (no live sync). */
export const startWebhookRelay = (services: Services): Promise<RunningRelay> =>
  startRelay({
    salesforce: services.salesforce,
    events: services.events,
    stripe: services.gateway,
    port: 0,
    liveSync: false,
    webhookSecret: WEBHOOK_SECRET,
    logger: memoryLogger().logger,
  });

let eventCounter = 0;
/** An event about the object, as Stripe sends it. */
export function stripeEvent(type: string, object: { id: string }, id = `evt_test_${++eventCounter}`) {
  return {
    id,
    object: 'event',
    type,
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: { object },
    pending_webhooks: 1,
    request: null,
  };
}

/** Posts the event to the relay's webhook endpoint, signed as Stripe signs (or with another secret, or time). */
export function deliverWebhook(
  relay: RunningRelay,
  body: unknown,
  options: { secret?: string; timestamp?: number } = {},
): Promise<Response> {
  const payload = JSON.stringify(body);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? WEBHOOK_SECRET,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });
  return fetch(`${relay.url}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });
}

/** The relay's `events` option for an emulated org. */
export const relayEvents = (org: SalesforceEmulator) => ({
  endpoint: org.pubSub!.endpoint,
  rejectUnauthorized: false as const,
});

/** A logger that keeps its lines, so tests can read them (and the suite's output stays quiet). */
export function memoryLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createRelayLogger({ destination, level: 'debug' }), lines };
}

export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('Timed out waiting for the condition.');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const sampleOrder = (org: SalesforceEmulator, scenario: string) => {
  const found = org.sample!.orders.find((o) => o.scenario === scenario);
  if (!found) throw new Error(`no sample order ${scenario}`);
  return found;
};
