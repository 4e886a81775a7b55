// Test clocks (spec §2.3, §2.6.3, S1): in test mode a new customer gets a test clock of its own, created
// first and referenced by the customer; a customer's clock is the sync's "now", and only a ready clock is.
import type Stripe from 'stripe';
import { clockNow } from '../../plugin/src/core/newOrders/customers.js';
import { planOrderSync } from '../../plugin/src/core/plan/planner.js';
import { parseSettings } from '../../plugin/src/core/settings.js';
import { settingsFromRecord } from '../../plugin/src/salesforce/settingsReader.js';
import { OrderBuilder, ORG_ID, syncContext, ts } from './orderFixture.js';
import { only, ops } from './planHelpers.js';

const NOW = '2030-01-15T12:34:56Z';

function annualOrder() {
  const b = new OrderBuilder({ start: '2030-03-01', term: 12 });
  b.line(b.product({ name: 'Platform', billingFrequency: 'Annual', listPrice: 1200 }), {
    quantity: 5,
    unitPrice: 1200,
  });
  return b;
}

function plan(
  b: OrderBuilder,
  options: { livemode?: boolean; testClocks?: boolean; customers?: Record<string, Stripe.Customer> } = {},
) {
  const context = {
    ...syncContext(NOW, { features: { testClocks: options.testClocks ?? true } }),
    livemode: options.livemode ?? false,
  };
  return planOrderSync({
    graph: b.graph(),
    state: { customers: options.customers ?? {} },
    context,
    orderId: b.order.Id,
  });
}

describe('a new customer in test mode gets its own test clock', () => {
  const b = annualOrder();
  const account = b.account.Id;
  const result = plan(b);

  it('creates the clock first, frozen at the start of the sync day, with its own idempotency key', () => {
    expect(result.operations[0]).toEqual({
      op: 'testClocks.create',
      ref: `@ref:testClock:${account}`,
      params: { frozen_time: ts('2030-01-15'), name: `Salesforce Account ${account}` },
      idempotencyKey: `sfcpq:${ORG_ID}:${account}:v0:testClocks.create`,
      source: { type: 'Account', id: account },
    });
    expect(result.operations[1]?.op).toBe('customers.create');
  });

  it('puts the customer on that clock', () => {
    expect(only(result, 'customers.create').params.test_clock).toBe(`@ref:testClock:${account}`);
  });

  it("keeps the clock's key distinct from every other operation's", () => {
    const keys = result.operations.map((o) => o.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('no test clock', () => {
  const linkedCustomer = (id: string) =>
    ({ id, object: 'customer', deleted: undefined, metadata: {}, test_clock: null }) as unknown as Stripe.Customer;

  it.each([
    ['in live mode', { livemode: true }],
    ['with the testClocks setting off', { testClocks: false }],
  ])('%s: the customer is created without one', (_case, options) => {
    const result = plan(annualOrder(), options);
    expect(ops(result, 'testClocks.create')).toEqual([]);
    expect(only(result, 'customers.create').params).not.toHaveProperty('test_clock');
  });

  it("the org's setting record turns them off with Test_Clocks__c = false, on by default", () => {
    expect(
      parseSettings(settingsFromRecord({ DeveloperName: 'Default', Test_Clocks__c: false })).features.testClocks,
    ).toBe(false);
    expect(parseSettings(settingsFromRecord({ DeveloperName: 'Default' })).features.testClocks).toBe(true);
  });

  it('for an Account already linked to a live customer (its clock, if any, is the one it has)', () => {
    const b = annualOrder();
    b.account.Stripe_ID__c = 'cus_linked';
    const result = plan(b, { customers: { cus_linked: linkedCustomer('cus_linked') } });
    expect(ops(result, 'testClocks.create')).toEqual([]);
    expect(ops(result, 'customers.create')).toEqual([]);
  });
});

describe('"now" on a customer\'s test clock', () => {
  const order = { type: 'Order', id: '801000000000001AAA' };

  it('is the frozen time of a ready clock', () => {
    expect(clockNow({ id: 'clock_1', status: 'ready', frozen_time: ts('2031-06-01') }, order)).toBe(ts('2031-06-01'));
  });

  it('is not known while the clock advances: the documented retryable error on the order', () => {
    let error: unknown;
    try {
      clockNow({ id: 'clock_1', status: 'advancing', frozen_time: ts('2031-06-01') }, order);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      message: 'Test clock still advancing, scheduling a retry.',
      retryable: true,
      record: order,
      resolutionMessage: 'Test clock still advancing, scheduling a retry.',
    });
  });

  it('a clock that failed to advance is an error to fix, not to retry', () => {
    expect(() => clockNow({ id: 'clock_1', status: 'internal_failure', frozen_time: 0 }, order)).toThrow(
      expect.objectContaining({ retryable: false, fix: expect.stringContaining('clock_1') }),
    );
  });
});
