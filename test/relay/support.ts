// Both emulators, a Salesforce client and a Stripe gateway for relay tests.
import { type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
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
