import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { startStripeEmulator, type StripeEmulator } from '@stripe-cpq/stripe-emulator';
import { SalesforceClient } from '../../../plugin/src/salesforce/client.js';
import { createStripeGateway } from '../../../plugin/src/stripe/client.js';
import { createSyncEngine, type SyncEngine } from '../../../plugin/src/sync/engine.js';
import { WRITE_BACK_OUTAGE } from '../../support/syncFaults.js';

let org: SalesforceEmulator;
let stripe: StripeEmulator;
let salesforce: SalesforceClient;

const engineFor = (workerId: string, maxRetries = 2): SyncEngine =>
  createSyncEngine({
    salesforce,
    workerId,
    stripe: createStripeGateway({
      apiKey: stripe.apiKey,
      host: stripe.host,
      port: stripe.port,
      protocol: 'http',
      opsPerSecond: 1000,
      retry: { maxRetries, baseDelayMs: 1, maxDelayMs: 5 },
    }),
  });

const engineStripeClient = () =>
  createStripeGateway({ apiKey: stripe.apiKey, host: stripe.host, port: stripe.port, protocol: 'http' }).stripe;

beforeAll(async () => {
  org = await startSalesforceEmulator();
  stripe = await startStripeEmulator({ opsPerSecond: 0 });
  salesforce = SalesforceClient.fromSession({
    instanceUrl: org.instanceUrl,
    accessToken: org.integrationUser!.accessToken,
  });
});
afterAll(async () => {
  await org.close();
  await stripe.close();
});

const sample = (scenario: string) => org.sample!.orders.find((o) => o.scenario === scenario)!;
const orderRow = (id: string) =>
  org.query(
    `SELECT Stripe_ID__c, Stripe_Sync_Status__c, Stripe_Sync_Message__c, Stripe_Sync_Fix__c, Stripe_Dashboard_Link__c FROM Order WHERE Id = '${id}'`,
  )[0]!;
/** Sync locks still held (syncLock.ts): none once a sync ended, however it ended. */
const heldLocks = () => org.query('SELECT Lock_Key__c FROM Stripe_Sync_Lock__c');
const syncRecords = (id: string) =>
  org.query(
    `SELECT Compound_ID__c, Resolution_Status__c, Resolution_Message__c, Resolution_Fix__c FROM Stripe_Sync_Record__c WHERE Order__c = '${id}'`,
  );
const stripeWrites = () => stripe.requestLog.writes().length;

describe('sync engine over both emulators', () => {
  it('S1: a new annual order becomes a schedule; Stripe ID, status, link and a Success Sync Record are written back', async () => {
    const order = sample('S1');
    const result = await engineFor('w1').syncOrder(order.orderId);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('synced');
    expect(result.applied.map((a) => a.op)).toEqual([
      'testClocks.create',
      'customers.create',
      'products.create',
      'prices.create',
      'subscriptionSchedules.create',
    ]);
    expect(result.stripeId).toMatch(/^sub_sched_/);
    expect(stripe.store.subscriptionSchedules.find(result.stripeId!)).toBeDefined();
    expect(orderRow(order.orderId)).toMatchObject({
      Stripe_ID__c: result.stripeId,
      Stripe_Sync_Status__c: 'Synced',
      Stripe_Dashboard_Link__c: `https://dashboard.stripe.com/test/id/${result.stripeId}`,
    });
    expect(heldLocks()).toEqual([]);
    expect(syncRecords(order.orderId)).toEqual([
      expect.objectContaining({
        Resolution_Status__c: 'Success',
        Resolution_Message__c: `Created Stripe Subscription Schedule with Id: ${result.stripeId}`,
      }),
    ]);
  });

  it('a second run of a synced order makes no Stripe write and reports it in sync', async () => {
    const order = sample('S1');
    const before = stripeWrites();
    const result = await engineFor('w1').syncOrder(order.orderId);
    expect(result.status).toBe('synced');
    expect(result.applied).toEqual([]);
    expect(stripeWrites()).toBe(before);
  });

  it('S5: an all-one-time order becomes a finalized invoice with its payment link on the Order', async () => {
    const order = sample('S5');
    const result = await engineFor('w1').syncOrder(order.orderId);
    expect(result.status).toBe('synced');
    expect(result.stripeId).toMatch(/^in_/);
    const row = org.query(`SELECT Stripe_Invoice_Payment_Link__c FROM Order WHERE Id = '${order.orderId}'`)[0]!;
    expect(row.Stripe_Invoice_Payment_Link__c).toMatch(/^http/);
  });

  it('S38: a decimal quantity fails with the documented Sync Record on the order line, its fix, and no Stripe write', async () => {
    const order = sample('S38');
    const before = stripeWrites();
    const result = await engineFor('w1').syncOrder(order.orderId);
    expect(result.status).toBe('failed');
    expect(stripeWrites()).toBe(before);
    const row = orderRow(order.orderId);
    expect(row).toMatchObject({ Stripe_ID__c: null, Stripe_Sync_Status__c: 'Failed' });
    expect(heldLocks()).toEqual([]);
    expect(String(row.Stripe_Sync_Message__c)).toContain(
      'Quantity specified as a decimal value. Only integers are supported.',
    );
    expect(syncRecords(order.orderId)).toContainEqual(
      expect.objectContaining({
        Resolution_Status__c: 'Error',
        Resolution_Message__c: 'Quantity specified as a decimal value. Only integers are supported.',
        Resolution_Fix__c: expect.any(String),
      }),
    );
  });

  it('a crash after Stripe created everything but before the write-back is finished by the next run without creating anything twice', async () => {
    const order = sample('S2');
    // The write-back fails (the process "dies" after Stripe answered): Salesforce holds no Stripe IDs.
    org.faults.add(WRITE_BACK_OUTAGE);
    const crashed = await engineFor('w1').syncOrder(order.orderId);
    expect(crashed.status).toBe('failed');
    expect(crashed.retryable).toBe(true);
    expect(orderRow(order.orderId)).toMatchObject({ Stripe_ID__c: null });
    expect(heldLocks()).toEqual([]);
    const createdFirst = crashed.applied.map((a) => a.id);
    expect(crashed.applied.map((a) => a.op)).toEqual([
      'testClocks.create',
      'customers.create',
      'products.create',
      'prices.create',
      'products.create',
      'prices.create',
      'subscriptionSchedules.create',
    ]);

    const resumed = await engineFor('w2').syncOrder(order.orderId);
    expect(resumed.status).toBe('synced');
    // Every write of the second run replayed the first run's objects (same deterministic idempotency keys).
    expect(resumed.applied.map((a) => a.id)).toEqual(createdFirst);
    const resumedWrites = stripe.requestLog.writes().slice(-resumed.applied.length);
    expect(resumedWrites.every((w) => w.replayed)).toBe(true);
    expect(orderRow(order.orderId).Stripe_ID__c).toBe(resumed.stripeId);
  });

  it('one contract is synced by one worker at a time: a second worker finds it busy', async () => {
    const order = sample('S6');
    stripe.faults.inject({ kind: 'slow', path: '/v1/customers', delayMs: 300 });
    const [a, b] = await Promise.all([
      engineFor('wa').syncOrder(order.orderId),
      engineFor('wb').syncOrder(order.orderId),
    ]);
    expect([a.status, b.status].sort()).toEqual(['busy', 'synced']);
  });

  it('S42: a Stripe rate limit fails the sync as retryable, with a "Stripe Error" Sync Record linking the request log', async () => {
    const order = sample('S13');
    const limited = await startStripeEmulator({ opsPerSecond: 1 });
    try {
      const engine = createSyncEngine({
        salesforce,
        workerId: 'w-limited',
        stripe: createStripeGateway({
          apiKey: limited.apiKey,
          host: limited.host,
          port: limited.port,
          protocol: 'http',
          opsPerSecond: 1000,
          retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
        }),
      });
      const result = await engine.syncOrder(order.orderId);
      expect(result.status).toBe('failed');
      expect(result.retryable).toBe(true);
      expect(limited.requestLog.entries.some((e) => e.status === 429)).toBe(true);
      const record = org.query(
        `SELECT Resolution_Message__c, Stripe_Request_Dashboard_Link__c FROM Stripe_Sync_Record__c WHERE Order__c = '${order.orderId}' AND Resolution_Status__c = 'Error'`,
      )[0]!;
      expect(String(record.Resolution_Message__c)).toMatch(/^Stripe Error: .*rate limit/i);
      expect(record.Stripe_Request_Dashboard_Link__c).toMatch(/^https:\/\/dashboard\.stripe\.com\/test\/logs\/req_/);
    } finally {
      await limited.close();
    }
  });

  it('plans with the frozen time of the customer\'s test clock as "now" (a backdated order is not backdated on a clock set before its start)', async () => {
    const order = sample('S3');
    const engine = engineFor('w-clock');
    const scheduleParams = async () => {
      const result = await engine.syncOrder(order.orderId, { dryRun: true });
      const create = result.plan?.operations.find((o) => o.op === 'subscriptionSchedules.create');
      return create?.op === 'subscriptionSchedules.create' ? create.params : undefined;
    };
    expect((await scheduleParams())?.phases?.[0]?.proration_behavior).toBeUndefined();

    const clock = await engineStripeClient().testHelpers.testClocks.create({
      frozen_time: Math.floor(Date.UTC(2020, 0, 1) / 1000),
    });
    const customer = await engineStripeClient().customers.create({ name: 'On a clock', test_clock: clock.id });
    org.store.update('Account', order.accountId, { Stripe_ID__c: customer.id });
    expect((await scheduleParams())?.phases?.[0]?.proration_behavior).toBe('none');
  });

  it('a dry run plans without any write', async () => {
    const order = sample('S9');
    const stripeBefore = stripeWrites();
    const sfWritesBefore = org.requestLog.filter((r) => r.method !== 'GET' && !r.path.includes('/composite')).length;
    const result = await engineFor('w1').syncOrder(order.orderId, { dryRun: true });
    expect(result.status).toBe('planned');
    expect(stripeWrites()).toBe(stripeBefore);
    expect(org.requestLog.filter((r) => r.method !== 'GET' && !r.path.includes('/composite')).length).toBe(
      sfWritesBefore,
    );
    // What it planned is exactly what a real sync then does.
    const synced = await engineFor('w1').syncOrder(order.orderId);
    expect(synced.applied.map((a) => a.op)).toEqual(result.plan!.operations.map((o) => o.op));
    expect(synced.applied.map((a) => a.op)).toContain('subscriptionSchedules.create');
  });
});
