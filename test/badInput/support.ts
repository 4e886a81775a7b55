/**
 * The bad-input world: the sample CPQ org and the Stripe emulator, an engine on them, and the two
 * guards every case ends with — what the refused sync left on the Order, and that Stripe got no write.
 */
import { expect } from '@jest/globals';
import type { SalesforceEmulator, SampleOrder } from '@stripe-cpq/salesforce-org-emulator';
import type { StripeEmulator } from '@stripe-cpq/stripe-emulator';
import type { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import type { SyncEngine } from '../../plugin/src/sync/engine.js';
import { startEmulatedServices } from '../support/emulatedServices.js';
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
  const services = await startEmulatedServices();
  const { org } = services;
  return {
    org,
    stripe: services.stripe,
    client: services.client,
    engine: () => services.engine('bad-input'),
    sample: (scenario) => {
      const order = org.sample?.orders.find((o) => o.scenario === scenario);
      if (!order) throw new Error(`The sample org has no ${scenario} order.`);
      return order;
    },
    map: (records) => {
      for (const [name, spec] of Object.entries(records)) addMapping(org, name, spec);
    },
    close: () => services.close(),
  };
}

/** The Order after a refused sync: Failed, no Stripe ID, every message and fix on it. */
export function expectRefusedOrder(
  world: BadInputWorld,
  orderId: string,
  messages: readonly string[],
  fixes: readonly string[],
): void {
  const [row] = world.org.query(
    `SELECT Stripe_ID__c, Stripe_Sync_Status__c, Stripe_Sync_Message__c, Stripe_Sync_Fix__c FROM Order WHERE Id = '${orderId}'`,
  );
  expect(row).toMatchObject({ Stripe_ID__c: null, Stripe_Sync_Status__c: 'Failed' });
  for (const message of messages) expect(row?.Stripe_Sync_Message__c).toContain(message);
  for (const fix of fixes) expect(row?.Stripe_Sync_Fix__c).toContain(fix);
}

/** Stripe requests that write (POST, DELETE) since `before` = `world.stripe.requestLog.entries.length`. */
export function stripeWritesSince(world: BadInputWorld, before: number) {
  return world.stripe.requestLog.entries.slice(before).filter((e) => e.method === 'POST' || e.method === 'DELETE');
}
