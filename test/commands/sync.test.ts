import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import type { SinonStub } from 'sinon';
import Sync from '../../plugin/src/commands/stripe/cpq/sync.js';
import type { Engine } from '../../plugin/src/cli/engine.js';
import type { OrderSyncReport } from '../../plugin/src/sync/engine.js';

/** An engine report with the fields a case does not set empty, as the engine builds it. */
const report = (fields: Pick<OrderSyncReport, 'orderId' | 'status'> & Partial<OrderSyncReport>): OrderSyncReport => ({
  stripeId: null,
  message: null,
  fix: null,
  plan: null,
  ...fields,
});
import { toUnixSeconds } from '../../plugin/src/core/dates.js';
import { decimalOf, stripeDecimal } from '../../plugin/src/core/money.js';
import { ref, type SyncPlan } from '../../plugin/src/core/plan/plan.js';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { authenticateToEmulator, PLUGIN_ROOT } from './support/emulatedOrg.js';
import { schemaErrors } from './support/resultSchemas.js';

const ORDER_15 = '801000000000001';
const ORDER = '801000000000001AAA';
const OTHER_ORDER = '801000000000002AAA';

/** A one-year annual order with a coupon and a one-time setup fee, as the core plans it. */
const PLAN: SyncPlan = {
  primary: { id: ORDER, type: 'Order' },
  operations: [
    {
      op: 'customers.create',
      ref: ref('customer', '001A'),
      idempotencyKey: 'k1',
      source: { id: '001000000000001AAA', type: 'Account' },
      params: { name: 'Acme Corp' },
    },
    {
      op: 'products.create',
      ref: ref('product', '01tA'),
      idempotencyKey: 'k2',
      source: { id: '01t000000000001AAA', type: 'Product2' },
      params: { name: 'Platform' },
    },
    {
      op: 'prices.create',
      ref: ref('price', '01uA'),
      idempotencyKey: 'k3',
      source: { id: '01u000000000001AAA', type: 'PricebookEntry' },
      params: {
        currency: 'usd',
        product: ref('product', '01tA'),
        unit_amount_decimal: stripeDecimal(decimalOf('1200050')),
        recurring: { interval: 'year', interval_count: 1 },
      },
    },
    {
      op: 'prices.create',
      ref: ref('price', '01uB'),
      idempotencyKey: 'k4',
      source: { id: '01u000000000002AAA', type: 'PricebookEntry' },
      params: { currency: 'usd', product: ref('product', '01tA'), unit_amount: 50000 },
    },
    {
      op: 'coupons.create',
      ref: ref('coupon', 'a01A'),
      idempotencyKey: 'k5',
      source: { id: 'a01000000000001AAA', type: 'Order_Stripe_Coupon__c' },
      params: { name: 'Launch', percent_off: 10, duration: 'once' },
    },
    {
      op: 'subscriptionSchedules.create',
      ref: ref('schedule', ORDER),
      idempotencyKey: 'k6',
      source: { id: ORDER, type: 'Order' },
      params: {
        customer: ref('customer', '001A'),
        start_date: toUnixSeconds({ year: 2026, month: 1, day: 1 }),
        end_behavior: 'cancel',
        phases: [
          {
            end_date: toUnixSeconds({ year: 2027, month: 1, day: 1 }),
            items: [{ price: ref('price', '01uA'), quantity: 3 }],
            discounts: [{ coupon: ref('coupon', 'a01A') }],
            add_invoice_items: [{ price: ref('price', '01uB'), quantity: 1 }],
          },
        ],
      },
    },
  ],
  writeBacks: [{ sobject: 'Order', id: ORDER, fields: { Stripe_ID__c: ref('schedule', ORDER) } }],
  syncRecords: [],
  warnings: ['Order product 802000000000009AAA has a negative price and was skipped.'],
};

describe('sf stripe cpq sync', () => {
  const $$ = new TestContext();
  let emulator: SalesforceEmulator;
  let ux: ReturnType<typeof stubSfCommandUx>;
  let syncOrders: SinonStub<
    Parameters<Awaited<ReturnType<Engine['createSyncEngine']>>['syncOrders']>,
    Promise<OrderSyncReport[]>
  >;
  let createSyncEngine: SinonStub;

  beforeEach(async () => {
    emulator = await authenticateToEmulator($$, { seed: 'empty' });
    ux = stubSfCommandUx($$.SANDBOX);
    syncOrders = $$.SANDBOX.stub();
    createSyncEngine = $$.SANDBOX.stub().resolves({ syncOrders });
    $$.SANDBOX.stub(Sync, 'loadEngine').resolves({ createSyncEngine, startRelay: $$.SANDBOX.stub() });
    $$.SANDBOX.stub(process, 'env').value({ ...process.env, STRIPE_API_KEY: 'sk_test_123abc' });
    process.exitCode = undefined;
  });

  afterEach(async () => {
    process.exitCode = undefined;
    $$.restore();
    await emulator.close();
  });

  const logged = (): string =>
    ux.log
      .getCalls()
      .map((c) => c.args.join(' '))
      .join('\n');

  it('prints the plan of a --dry-run as a tree of phases, items, amounts, coupons and one-time items', async () => {
    syncOrders.resolves([report({ orderId: ORDER, status: 'planned', plan: PLAN })]);
    const result = await Sync.run(['--target-org', 'cpq', '--order', ORDER, '--dry-run'], PLUGIN_ROOT);
    expect(syncOrders.firstCall.args).toEqual([[ORDER], { dryRun: true }]);
    expect(result.counts).toEqual({ synced: 0, failed: 0, busy: 0, planned: 1 });
    expect(logged()).toContain(
      [
        '├─ Create customer Acme Corp (Account 001000000000001AAA)',
        '├─ Create product Platform (Product2 01t000000000001AAA)',
        '├─ Create price 12000.50 USD every 1 year (PricebookEntry 01u000000000001AAA)',
        '├─ Create price 500.00 USD one-time (PricebookEntry 01u000000000002AAA)',
        '├─ Create coupon Launch 10% off, once',
        '├─ Create subscription schedule from 2026-01-01, cancel at end (Order 801000000000001AAA)',
        '│  └─ Phase 1: schedule start → 2027-01-01',
        '│     ├─ price 12000.50 USD every 1 year (PricebookEntry 01u000000000001AAA) × 3',
        '│     ├─ coupon Launch 10% off, once',
        '│     └─ one-time price 500.00 USD one-time (PricebookEntry 01u000000000002AAA) × 1',
        '└─ Write back to Salesforce (1 records)',
      ].join('\n'),
    );
    expect(ux.warn.firstCall.args[0]).toContain('negative price');
    expect(process.exitCode).toBeUndefined();
    expect(schemaErrors('stripe-cpq-sync', result)).toEqual([]);
  });

  it('hands the engine each order once, in 18-character form, with the org connection and the Stripe key', async () => {
    syncOrders.resolves([report({ orderId: ORDER, status: 'synced', stripeId: 'sub_sched_1' })]);
    const result = await Sync.run(['--target-org', 'cpq', '--order', ORDER_15, '--order', ORDER], PLUGIN_ROOT);
    expect(syncOrders.firstCall.args).toEqual([[ORDER], { dryRun: false }]);
    const options = createSyncEngine.firstCall.args[0] as { stripeApiKey: string; connection: { instanceUrl: string } };
    expect(options.stripeApiKey).toBe('sk_test_123abc');
    expect(options.connection.instanceUrl).toBe(emulator.instanceUrl);
    expect(result.orders).toEqual([
      { orderId: ORDER, status: 'synced', stripeId: 'sub_sched_1', message: null, fix: null, plan: null },
    ]);
    expect(ux.table.firstCall.args[0].data).toEqual([
      { Order: ORDER, Status: 'synced', 'Stripe ID': 'sub_sched_1', Message: '', Fix: '' },
    ]);
  });

  it('exits 68 when some orders synced and some failed, with each failure and its fix in the result', async () => {
    syncOrders.resolves([
      report({ orderId: ORDER, status: 'synced', stripeId: 'sub_sched_1' }),
      report({
        orderId: OTHER_ORDER,
        status: 'failed',
        message: 'Data Error: Order amendments must co-terminate with the initial order.',
        fix: 'Set the end date to 2027-01-01.',
      }),
    ]);
    const result = await Sync.run(['--target-org', 'cpq', '--order', ORDER, '--order', OTHER_ORDER], PLUGIN_ROOT);
    expect(process.exitCode).toBe(68);
    expect(result.counts).toEqual({ synced: 1, failed: 1, busy: 0, planned: 0 });
    expect(result.orders[1]).toMatchObject({ status: 'failed', fix: 'Set the end date to 2027-01-01.' });
    expect(schemaErrors('stripe-cpq-sync', result)).toEqual([]);
  });

  it('exits 1 when no order synced', async () => {
    syncOrders.resolves([
      report({
        orderId: ORDER,
        status: 'failed',
        message: 'Stripe Error: The request rate limit was exceeded.',
        fix: 'Sync again later.',
      }),
    ]);
    await Sync.run(['--target-org', 'cpq', '--order', ORDER], PLUGIN_ROOT);
    expect(process.exitCode).toBe(1);
  });

  it('warns when another worker holds the contract, without calling it a failure', async () => {
    syncOrders.resolves([report({ orderId: ORDER, status: 'busy' })]);
    const result = await Sync.run(['--target-org', 'cpq', '--order', ORDER], PLUGIN_ROOT);
    expect(result.counts.busy).toBe(1);
    expect(ux.warn.firstCall.args[0]).toContain('another worker');
    expect(process.exitCode).toBeUndefined();
  });

  it('fails with the fix when STRIPE_API_KEY is not set, before calling the engine', async () => {
    $$.SANDBOX.stub(process, 'env').value({ ...process.env, STRIPE_API_KEY: '' });
    await expect(Sync.run(['--target-org', 'cpq', '--order', ORDER], PLUGIN_ROOT)).rejects.toMatchObject({
      name: 'MissingStripeKeyError',
      actions: expect.arrayContaining([expect.stringContaining('export STRIPE_API_KEY=sk_test_')]) as unknown,
    });
    expect(createSyncEngine.called).toBe(false);
  });

  it('rejects a key that is not a Stripe secret key', async () => {
    $$.SANDBOX.stub(process, 'env').value({ ...process.env, STRIPE_API_KEY: 'pk_test_publishable' });
    await expect(Sync.run(['--target-org', 'cpq', '--order', ORDER], PLUGIN_ROOT)).rejects.toMatchObject({
      name: 'InvalidStripeKeyError',
    });
  });

  it('rejects an --order that is not an Order ID', async () => {
    await expect(Sync.run(['--target-org', 'cpq', '--order', '001000000000001AAA'], PLUGIN_ROOT)).rejects.toThrow(
      /801/,
    );
    expect(createSyncEngine.called).toBe(false);
  });
});
