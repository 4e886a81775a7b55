// Both emulators, a Salesforce client and a Stripe gateway for relay tests.
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { startStripeEmulator, type StripeEmulator } from '@stripe-cpq/stripe-emulator';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { createStripeGateway, type StripeGateway } from '../../plugin/src/stripe/client.js';
import { createRelayLogger } from '../../plugin/src/relay/logger.js';
import { Writable } from 'node:stream';

export interface Services {
  readonly org: SalesforceEmulator;
  /** The relay's `events` option for the emulated org's Pub/Sub API (self-signed TLS). */
  readonly events: { readonly endpoint: string; readonly rejectUnauthorized: false };
  readonly stripe: StripeEmulator;
  readonly salesforce: SalesforceClient;
  readonly gateway: StripeGateway;
  close(): Promise<void>;
}

/** The sample org's integration user's session: exactly the package's integration set plus CPQ's own. */
export function integrationToken(org: SalesforceEmulator): string {
  if (!org.integrationUser)
    throw new Error('The sample org has no integration user: start it with the sample seed and the package.');
  return org.integrationUser.accessToken;
}

export async function startServices(): Promise<Services> {
  const org = await startSalesforceEmulator({ pubSub: true });
  const stripe = await startStripeEmulator({ opsPerSecond: 0 });
  // The relay runs as the integration user, never as the admin (README, "The relay user").
  const salesforce = new SalesforceClient({ instanceUrl: org.instanceUrl, accessToken: integrationToken(org) });
  const gateway = createStripeGateway({
    apiKey: stripe.apiKey,
    host: stripe.host,
    port: stripe.port,
    protocol: 'http',
    opsPerSecond: 1000,
    retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 },
  });
  return {
    org,
    stripe,
    salesforce,
    gateway,
    events: relayEvents(org),
    close: async () => void (await Promise.all([org.close(), stripe.close()])),
  };
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
