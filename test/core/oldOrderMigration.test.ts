// S19 with old-order migration on (spec §2.5 step 3): a pre-integration order, billed outside Stripe until
// today, becomes a subscription backdated to its start and anchored on its next billing date, then a schedule
// from it updated to the order's term — as the reference does in
// amendments.test_old_order_migration__migrates_an_order_billed_outside_of_Stripe_with_annual_pricing.
import { previewBillingSummary } from '../../plugin/src/core/billingSummary/preview.js';
import { nextBillingDate } from '../../plugin/src/core/newOrders/migration.js';
import { parseDate, toUnixSeconds } from '../../plugin/src/core/dates.js';
import { planOrderSync } from '../../plugin/src/core/plan/planner.js';
import type { SettingsInput } from '../../plugin/src/core/settings.js';
import { OrderBuilder, syncContext, ts } from './orderFixture.js';
import { errorsOf, json, link, only, ops } from './planHelpers.js';

const NOW = '2030-01-15T12:00:00Z';
const MIGRATING: SettingsInput = { syncStartDate: '2030-01-01', features: { oldOrderMigration: true } };
/** Activated before the sync start date: billed outside Stripe so far. */
const BEFORE_INTEGRATION = '2029-06-10T09:00:00.000+0000';

function plan(b: OrderBuilder, settings: SettingsInput = MIGRATING) {
  return planOrderSync({ graph: b.graph(), state: {}, context: syncContext(NOW, settings), orderId: b.order.Id });
}

/** Started 2029-06-15 for 24 months, billed yearly: billed outside Stripe for its first year. */
function annualOrder(order: Record<string, unknown> = {}) {
  const b = new OrderBuilder({ start: '2029-06-15', term: 24, order: { ActivatedDate: BEFORE_INTEGRATION, ...order } });
  const platform = b.product({ name: 'Platform', billingFrequency: 'Annual', listPrice: 1200 });
  const line = b.line(platform, { quantity: 2, unitPrice: 2400 });
  return { b, platform, line };
}

describe('S19 — old-order migration', () => {
  it('plans a backdated subscription anchored on the next billing date, a schedule from it, and its update to the term', () => {
    const { b, line } = annualOrder();
    const planned = plan(b);
    const orderId = b.order.Id;
    expect(planned.operations.map((o) => o.op)).toEqual([
      'testClocks.create',
      'customers.create',
      'products.create',
      'prices.create',
      'subscriptions.create',
      'subscriptionSchedules.create',
      'subscriptionSchedules.update',
    ]);
    const metadata = {
      salesforce_order_id: orderId,
      salesforce_order_link: link(orderId),
      salesforce_pre_integration_order: 'true',
    };
    const subscription = only(planned, 'subscriptions.create');
    expect(json(subscription.params)).toEqual({
      customer: `@ref:customer:${b.account.Id}`,
      items: [
        {
          price: `@ref:price:${b.pricebookEntries[0]!.Id}`,
          quantity: 2,
          metadata: { salesforce_order_item_id: line.Id, salesforce_order_item_link: link(line.Id) },
        },
      ],
      metadata,
      collection_method: 'send_invoice',
      days_until_due: 30,
      backdate_start_date: ts('2029-06-15'),
      billing_cycle_anchor: ts('2030-06-15'),
      proration_behavior: 'none',
    });
    const schedule = only(planned, 'subscriptionSchedules.create');
    expect(schedule.params).toEqual({ from_subscription: subscription.ref });
    const update = only(planned, 'subscriptionSchedules.update');
    expect(update.id).toBe(schedule.ref);
    expect(json(update.params)).toMatchObject({
      end_behavior: 'cancel',
      metadata,
      proration_behavior: 'none',
      phases: [
        {
          // Where Stripe starts the schedule's current phase: known once it answers.
          start_date: `${schedule.ref}#phases.0.start_date`,
          end_date: ts('2031-06-15'),
          items: subscription.params.items,
          proration_behavior: 'none',
          metadata: { salesforce_order_id: orderId, salesforce_order_link: link(orderId) },
        },
      ],
    });
    // Three keys, none shared, each stable across runs (the order's version).
    expect(new Set(planned.operations.map((o) => o.idempotencyKey)).size).toBe(planned.operations.length);
    expect(planned.writeBacks.find((w) => w.sobject === 'Order')?.fields).toEqual({ Stripe_ID__c: schedule.ref });
    expect(planned.syncRecords.map((r) => r.message)).toEqual([
      `Created Stripe Subscription Schedule with Id: ${schedule.ref}`,
    ]);
  });

  it("previews what a billing admin will see: the order's lines from today to its end", () => {
    const { b } = annualOrder();
    const summary = previewBillingSummary(plan(b), {}, b.order.Id, undefined, Date.parse(NOW) / 1000)!;
    expect(summary.phases.map((p) => [p.start, p.end, p.items.map((i) => i.quantity)])).toEqual([
      ['2030-01-15', '2031-06-15', ['2']],
    ]);
  });

  it('anchors on the start day of month, counted from the start (a 31st bills on the 28th of February, then the 31st)', () => {
    const start = parseDate('2029-10-31')!;
    const at = (iso: string) => Date.parse(iso) / 1000;
    expect(nextBillingDate(start, 1, at('2030-02-10T00:00:00Z'))).toEqual(parseDate('2030-02-28'));
    expect(nextBillingDate(start, 1, at('2030-03-01T00:00:00Z'))).toEqual(parseDate('2030-03-31'));
    expect(nextBillingDate(start, 3, at('2030-01-15T00:00:00Z'))).toEqual(parseDate('2030-01-31'));
    // A billing date that is now is already billed (outside Stripe): the next one is the anchor.
    expect(nextBillingDate(start, 12, toUnixSeconds(parseDate('2030-10-31')!))).toEqual(parseDate('2031-10-31'));
  });

  it('is only for pre-integration orders that have started: a later activation or a future start syncs as a schedule', () => {
    const activatedAfter = annualOrder({ ActivatedDate: '2030-01-10T09:00:00.000+0000' }).b;
    expect(ops(plan(activatedAfter), 'subscriptions.create')).toEqual([]);
    expect(ops(plan(activatedAfter), 'subscriptionSchedules.create')[0]?.params).toHaveProperty('phases');

    const future = new OrderBuilder({ start: '2030-03-01', term: 12, order: { ActivatedDate: BEFORE_INTEGRATION } });
    future.line(future.product({ name: 'Seat', billingFrequency: 'Monthly', listPrice: 10 }), {
      quantity: 1,
      unitPrice: 120,
    });
    expect(ops(plan(future), 'subscriptions.create')).toEqual([]);
  });

  it('without the setting, the pre-integration order is refused with the setting to turn on', () => {
    const { b } = annualOrder();
    const [error] = errorsOf(() => plan(b, { syncStartDate: '2030-01-01' }));
    expect(error?.message).toMatch(/^Failed to sync pre-integration order/);
    expect(error?.fix).toContain('Old_Order_Migration__c');
  });

  it('refuses an evergreen pre-integration order rather than bill time already billed', () => {
    const b = new OrderBuilder({ start: '2029-06-15', term: 12, order: { ActivatedDate: BEFORE_INTEGRATION } });
    b.line(b.product({ name: 'Support', billingFrequency: 'Monthly', listPrice: 10 }), {
      quantity: 1,
      unitPrice: 10,
      orderItem: { SBQQ__SubscriptionType__c: 'Evergreen' },
    });
    const errors = errorsOf(() => plan(b));
    expect(errors.map((e) => [e.message, e.record])).toEqual([
      [
        'Old-order migration bills standard subscription orders only; this pre-integration order is evergreen.',
        { type: 'Order', id: b.order.Id },
      ],
    ]);
  });

  it('does not bill a one-time line again: it was billed outside Stripe, and the plan says so', () => {
    const { b } = annualOrder();
    const setup = b.line(b.product({ name: 'Setup', listPrice: 500 }), { quantity: 1, unitPrice: 500 });
    const planned = plan(b);
    const update = only(planned, 'subscriptionSchedules.update');
    expect(update.params.phases?.[0]?.add_invoice_items).toEqual([]);
    expect(JSON.stringify(planned.operations)).not.toContain(setup.Id);
    expect(planned.warnings).toEqual([
      `One-time order line ${setup.Id} of a migrated order was billed outside Stripe; it is not billed again.`,
    ]);
  });
});
