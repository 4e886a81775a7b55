// Test clocks through the engine on both emulators (spec §2.3, §2.6.3): a test-mode sync puts the new
// customer on a clock of its own; advancing that clock moves the sync's "today"; a clock still advancing
// fails the sync as retryable, with the documented message, and writes nothing to Stripe.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { startStripeEmulator, type StripeEmulator } from '@stripe-cpq/stripe-emulator';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { createStripeGateway, type StripeGateway } from '../../plugin/src/stripe/client.js';
import { createSyncEngine, type SyncEngine } from '../../plugin/src/sync/engine.js';

let org: SalesforceEmulator;
let stripe: StripeEmulator;
let gateway: StripeGateway;
let engine: SyncEngine;

beforeAll(async () => {
  org = await startSalesforceEmulator();
  stripe = await startStripeEmulator({ opsPerSecond: 0 });
  gateway = createStripeGateway({
    apiKey: stripe.apiKey,
    host: stripe.host,
    port: stripe.port,
    protocol: 'http',
    opsPerSecond: 1000,
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
  });
  engine = createSyncEngine({
    salesforce: SalesforceClient.fromSession({
      instanceUrl: org.instanceUrl,
      accessToken: org.integrationUser!.accessToken,
    }),
    stripe: gateway,
    workerId: 'clock-test',
  });
});
afterAll(async () => {
  await org.close();
  await stripe.close();
});

const sample = (scenario: string) => org.sample!.orders.find((o) => o.scenario === scenario)!;
const accountStripeId = (accountId: string) =>
  String(org.query(`SELECT Stripe_ID__c FROM Account WHERE Id = '${accountId}'`)[0]!.Stripe_ID__c);
const utcMidnight = (seconds: number) => Math.floor(seconds / 86_400) * 86_400;
const firstOfNextMonth = () => {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) / 1000;
};

async function readyClock(id: string) {
  for (let i = 0; i < 200; i++) {
    const clock = await gateway.stripe.testHelpers.testClocks.retrieve(id);
    if (clock.status !== 'advancing') return clock;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`test clock ${id} never finished advancing`);
}

/** The start of the phase the amendment adds, as the plan sends it. */
async function amendmentPhaseStart(orderId: string) {
  const result = await engine.syncOrder(orderId, { dryRun: true });
  expect(result.errors).toEqual([]);
  const update = result.plan?.operations.find((o) => o.op === 'subscriptionSchedules.update');
  if (update?.op !== 'subscriptionSchedules.update') throw new Error('the amendment plan has no schedule update');
  return update.params.phases?.at(-1)?.start_date;
}

describe('test clocks through the sync engine', () => {
  let clockId: string;
  let amendmentOpportunity: string;
  let amendedContract: string;

  it('a new customer is created on its own test clock, frozen at the start of the sync day', async () => {
    const initial = sample('S21_INITIAL');
    // The amendment comes later: until then its opportunity amends no contract, so this run syncs the initial order only.
    amendmentOpportunity = String(
      org.query(`SELECT OpportunityId FROM Order WHERE Id = '${sample('S21').orderId}'`)[0]!.OpportunityId,
    );
    amendedContract = String(
      org.query(`SELECT SBQQ__AmendedContract__c FROM Opportunity WHERE Id = '${amendmentOpportunity}'`)[0]!
        .SBQQ__AmendedContract__c,
    );
    org.store.update('Opportunity', amendmentOpportunity, { SBQQ__AmendedContract__c: null });
    const result = await engine.syncOrder(initial.orderId);
    expect(result.status).toBe('synced');
    expect(result.applied.slice(0, 2).map((a) => a.op)).toEqual(['testClocks.create', 'customers.create']);
    const customer = stripe.store.customers.get(accountStripeId(initial.accountId));
    clockId = String(customer.test_clock);
    expect(clockId).toBe(result.applied[0]!.id);
    const clock = stripe.store.testClocks.get(clockId);
    expect(clock).toMatchObject({ status: 'ready', frozen_time: utcMidnight(Date.now() / 1000) });
    // The schedule follows the customer's clock.
    expect(stripe.store.subscriptionSchedules.get(result.stripeId!).test_clock).toBe(clockId);
  });

  it('advancing the clock past an amendment\'s start makes the amendment start "now" for the sync', async () => {
    const amendment = sample('S21');
    org.store.update('Opportunity', amendmentOpportunity, { SBQQ__AmendedContract__c: amendedContract });
    const amendmentStart = firstOfNextMonth();
    expect(await amendmentPhaseStart(amendment.orderId)).toBe(amendmentStart);

    await gateway.stripe.testHelpers.testClocks.advance(clockId, { frozen_time: amendmentStart + 86_400 });
    expect((await readyClock(clockId)).status).toBe('ready');
    expect(await amendmentPhaseStart(amendment.orderId)).toBe('now');
  });

  it('while the clock is advancing, the sync fails as retryable with the documented message and writes nothing to Stripe', async () => {
    const amendment = sample('S21');
    stripe.store.testClocks.get(clockId).status = 'advancing';
    const writesBefore = stripe.requestLog.writes().length;
    const result = await engine.syncOrder(amendment.orderId);
    expect(result).toMatchObject({ status: 'failed', retryable: true });
    expect(result.errors.map((e) => e.message)).toEqual(['Test clock still advancing, scheduling a retry.']);
    expect(stripe.requestLog.writes()).toHaveLength(writesBefore);
    const order = org.query(
      `SELECT Stripe_Sync_Status__c, Stripe_Sync_Message__c FROM Order WHERE Id = '${amendment.orderId}'`,
    )[0]!;
    expect(order).toMatchObject({
      Stripe_Sync_Status__c: 'Failed',
      Stripe_Sync_Message__c: 'Test clock still advancing, scheduling a retry.',
    });

    stripe.store.testClocks.get(clockId).status = 'ready';
    const retried = await engine.syncOrder(amendment.orderId);
    expect(retried.errors).toEqual([]);
    expect(retried.status).toBe('synced');
  });
});
