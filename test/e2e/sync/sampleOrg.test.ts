// Every sample order of the org emulator through the engine: the expected Stripe object, or the
// documented error on a Failed Order — then a second pass that writes nothing to Stripe.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { startStripeEmulator, type StripeEmulator } from '@stripe-cpq/stripe-emulator';
import { SalesforceClient } from '../../../plugin/src/salesforce/client.js';
import { createStripeGateway } from '../../../plugin/src/stripe/client.js';
import { createSyncEngine, type OrderSyncResult, type SyncEngine } from '../../../plugin/src/sync/engine.js';

/** Scenario → the Order's Stripe object prefix, or the error text its Sync Record carries. */
const EXPECTED: Readonly<Record<string, { stripeId: RegExp } | { error: string }>> = {
  S1: { stripeId: /^sub_sched_/ },
  S2: { stripeId: /^sub_sched_/ },
  S3: { stripeId: /^sub_sched_/ },
  S5: { stripeId: /^in_/ },
  S6: { stripeId: /^sub_sched_/ },
  S7: { stripeId: /^sub_sched_/ },
  S9: { stripeId: /^sub_sched_/ },
  S11: { stripeId: /^sub_sched_/ },
  S12: { stripeId: /^sub_sched_/ },
  S13: { stripeId: /^sub_sched_/ },
  S14: { stripeId: /^sub_sched_/ },
  S15: { stripeId: /^sub_sched_/ },
  S36: { stripeId: /^sub_/ },
  S21_INITIAL: { stripeId: /^sub_sched_/ },
  S21: { stripeId: /^sub_sched_/ },
  S27_INITIAL: { stripeId: /^sub_sched_/ },
  S27: { stripeId: /^sub_sched_/ },
  S16: { error: 'All recurring order lines must have the same billing frequency' },
  S38: { error: 'Quantity specified as a decimal value. Only integers are supported.' },
  S39: { error: 'Data Error: The following required fields are missing: SBQQ__Quote__c.SBQQ__StartDate__c' },
  S39_TERM: {
    error: 'Data Error: The following required fields are missing: SBQQ__Quote__c.SBQQ__SubscriptionTerm__c',
  },
  S40: { error: 'Data Error: The order line is deleted or not activated.' },
};

/** Runs in a single-currency org (the default, no S15) and in a multi-currency one (with the EUR order S15). */
describe.each([
  ['a single-currency org', { multiCurrency: false }],
  ['a multi-currency org', { multiCurrency: true }],
])('the sample org through the sync engine, in %s', (_name, options) => {
  let org: SalesforceEmulator;
  let stripe: StripeEmulator;
  let engine: SyncEngine;
  const results = new Map<string, OrderSyncResult>();
  const expected = Object.entries(EXPECTED).filter(([scenario]) => options.multiCurrency || scenario !== 'S15');

  beforeAll(async () => {
    org = await startSalesforceEmulator(options);
    stripe = await startStripeEmulator({ opsPerSecond: 0 });
    const salesforce = SalesforceClient.fromSession({
      instanceUrl: org.instanceUrl,
      accessToken: org.integrationUser!.accessToken,
    });
    engine = createSyncEngine({
      salesforce,
      workerId: 'sample',
      stripe: createStripeGateway({
        apiKey: stripe.apiKey,
        host: stripe.host,
        port: stripe.port,
        protocol: 'http',
        opsPerSecond: 1000,
      }),
    });
    for (const order of org.sample!.orders.filter((o) => o.scenario in EXPECTED))
      results.set(order.scenario, await engine.syncOrder(order.orderId));
  });
  afterAll(async () => {
    await org.close();
    await stripe.close();
  });

  it('seeds every scenario the org can hold (S15, a EUR order, only in a multi-currency org)', () => {
    expect([...results.keys()].sort()).toEqual(expected.map(([scenario]) => scenario).sort());
  });

  it.each(expected)('%s', (scenario, expectation) => {
    const result = results.get(scenario)!;
    const order = org.query(
      `SELECT Stripe_ID__c, Stripe_Sync_Status__c, Stripe_Sync_Message__c FROM Order WHERE Id = '${result.orderId}'`,
    )[0]!;
    if ('stripeId' in expectation) {
      expect(result.errors.map((e) => e.resolutionMessage)).toEqual([]);
      expect(order.Stripe_ID__c).toMatch(expectation.stripeId);
      expect(order.Stripe_Sync_Status__c).toBe('Synced');
    } else {
      expect(order.Stripe_ID__c).toBeNull();
      expect(order.Stripe_Sync_Status__c).toBe('Failed');
      expect(String(order.Stripe_Sync_Message__c)).toContain(expectation.error);
    }
  });

  it('a second pass over every synced order makes no Stripe write', async () => {
    const synced = [...results.values()].filter((r) => r.status === 'synced');
    const before = stripe.requestLog.writes().length;
    const again = await engine.syncOrders(synced.map((r) => r.orderId));
    expect(again.map((r) => r.status)).toEqual(synced.map(() => 'synced'));
    expect(again.flatMap((r) => r.applied)).toEqual([]);
    expect(stripe.requestLog.writes().length).toBe(before);
  });
});
