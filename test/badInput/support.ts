/**
 * The bad-input world: the sample CPQ org and the Stripe emulator, an engine on them, and the two
 * guards every case ends with — what the refused sync left on the Order, and that Stripe got no write.
 */
import { expect } from '@jest/globals';
import { startSalesforceEmulator, type SalesforceEmulator, type SampleOrder } from '../../plugin/src/emulators/salesforce/index.js';
import { startStripeEmulator, type StripeEmulator } from '../../plugin/src/emulators/stripe/index.js';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { createStripeGateway } from '../../plugin/src/stripe/client.js';
import { createSyncEngine, type SyncEngine } from '../../plugin/src/sync/engine.js';
import { addMapping } from '../mapping/orgSupport.js';
import type { MappingSpec } from '../mapping/support.js';

export interface BadInputWorld {
  readonly org: SalesforceEmulator;
  readonly stripe: StripeEmulator;
  readonly client: SalesforceClient;
  /** A new engine, so it reads the org's mapping records as they are now. */
  engine(): SyncEngine;
  sample(scenario: string): SampleOrder;
  /** Inserts active User mapping records the way a metadata deploy would. */
  map(records: Readonly<Record<string, MappingSpec>>): void;
  close(): Promise<void>;
}

export async function startBadInputWorld(): Promise<BadInputWorld> {
  const [org, stripe] = await Promise.all([startSalesforceEmulator(), startStripeEmulator({ opsPerSecond: 0 })]);
  const client = new SalesforceClient({ instanceUrl: org.instanceUrl, accessToken: org.accessToken });
  const gateway = createStripeGateway({ apiKey: stripe.apiKey, host: stripe.host, port: stripe.port, protocol: 'http', opsPerSecond: 1000, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
  return {
    org,
    stripe,
    client,
    engine: () => createSyncEngine({ salesforce: client, stripe: gateway, workerId: 'bad-input' }),
    sample: (scenario) => {
      const order = org.sample?.orders.find((o) => o.scenario === scenario);
      if (!order) throw new Error(`The sample org has no ${scenario} order.`);
      return order;
    },
    map: (records) => {
      for (const [name, spec] of Object.entries(records)) addMapping(org, name, spec);
    },
    close: async () => {
      await Promise.all([org.close(), stripe.close()]);
    },
  };
}

/** The Order after a refused sync: Failed, no Stripe ID, every message and fix on it. */
export function expectRefusedOrder(world: BadInputWorld, orderId: string, messages: readonly string[], fixes: readonly string[]): void {
  const [row] = world.org.query(`SELECT Stripe_ID__c, Stripe_Sync_Status__c, Stripe_Sync_Message__c, Stripe_Sync_Fix__c FROM Order WHERE Id = '${orderId}'`);
  expect(row).toMatchObject({ Stripe_ID__c: null, Stripe_Sync_Status__c: 'Failed' });
  for (const message of messages) expect(row?.Stripe_Sync_Message__c).toContain(message);
  for (const fix of fixes) expect(row?.Stripe_Sync_Fix__c).toContain(fix);
}

/** Stripe requests that write (POST, DELETE) since `before` = `world.stripe.requestLog.entries.length`. */
export function stripeWritesSince(world: BadInputWorld, before: number) {
  return world.stripe.requestLog.entries.slice(before).filter((e) => e.method === 'POST' || e.method === 'DELETE');
}
