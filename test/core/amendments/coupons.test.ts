// S7: Quote Stripe Coupons → Stripe coupons on the phase (order-level) and on items (line-level),
// read straight from the quote's coupon associations.
import type Stripe from 'stripe';
import { ref, type SyncPlan } from '../../../plugin/src/core/plan/plan.js';
import { toId18 } from '../../../plugin/src/core/records/salesforceIds.js';
import { ContractFixture, sfId } from './contractFixture.js';
import { INSTANCE_URL, StripeLedger, ts } from './stripeLedger.js';

type Coupon = Record<string, unknown> & { Id: string; Stripe_ID__c?: string | null };

const couponMeta = (coupon: Coupon) => ({
  salesforce_quote_stripe_coupon_id: toId18(coupon.Id),
  salesforce_quote_stripe_coupon_link: `${INSTANCE_URL}/${toId18(coupon.Id)}`,
});

function couponOrder(launch: Partial<Coupon> = {}) {
  const c = new ContractFixture('2030-03-01', 12);
  const seat = c.product({ name: 'Seat', billingFrequency: 'Monthly', listPrice: 100 });
  const quoteLine = sfId('a0r');
  const line = c.line(seat, { quantity: 3, orderItem: { SBQQ__QuoteLine__c: quoteLine } });
  const c1: Coupon = {
    Id: sfId('a1c'),
    Name__c: 'Launch',
    Percent_Off__c: 20,
    Duration__c: 'repeating',
    Duration_In_Months__c: 3,
    ...launch,
  };
  const c2: Coupon = { Id: sfId('a1c'), Name__c: '$50 off', Amount_Off__c: 50, Duration__c: 'once' };
  c.extra.quoteStripeCoupons = [c1, c2];
  c.extra.quoteStripeCouponAssociations = [
    { Id: sfId('a1a'), Quote__c: c.initial.quote.Id, Quote_Stripe_Coupon__c: c1.Id },
  ];
  c.extra.quoteLineStripeCouponAssociations = [
    { Id: sfId('a1b'), Quote_Line__c: quoteLine, Quote_Stripe_Coupon__c: c2.Id },
  ];
  return { c, seat, line, c1, c2, stripe: new StripeLedger(c) };
}

const phasesOf = (plan: SyncPlan) =>
  (
    plan.operations.find((o) => o.op === 'subscriptionSchedules.create')!
      .params as Stripe.SubscriptionScheduleCreateParams
  ).phases!;
const couponCreates = (plan: SyncPlan) =>
  plan.operations.filter((o) => o.op === 'coupons.create').map((o) => [o.ref, o.params]);

function errorOf(fn: () => unknown): { message: string; record: unknown } {
  try {
    fn();
  } catch (e) {
    const first = (e as { errors: { resolutionMessage: string; record: unknown }[] }).errors[0]!;
    return { message: first.resolutionMessage, record: first.record };
  }
  throw new Error('expected an error');
}

describe('S7 — Stripe coupons (order-level and line-level)', () => {
  it('creates both coupons and applies them as phase and item discounts', () => {
    const { c, c1, c2, stripe } = couponOrder();
    const plan = stripe.sync(c.initial.order.Id, ts('2030-02-01'));
    const r1 = ref('coupon', toId18(c1.Id));
    const r2 = ref('coupon', toId18(c2.Id));
    expect(couponCreates(plan)).toEqual([
      [r1, { name: 'Launch', percent_off: 20, duration: 'repeating', duration_in_months: 3, metadata: couponMeta(c1) }],
      [r2, { name: '$50 off', amount_off: 5000, currency: 'usd', duration: 'once', metadata: couponMeta(c2) }],
    ]);
    const [phase] = phasesOf(plan);
    expect(phase!.discounts).toEqual([{ coupon: r1 }]);
    expect(phase!.items[0]!.discounts).toEqual([{ coupon: r2 }]);
    expect(plan.writeBacks).toEqual(
      expect.arrayContaining([
        { sobject: 'Quote_Stripe_Coupon__c', id: toId18(c1.Id), fields: { Stripe_ID__c: r1 } },
        { sobject: 'Quote_Stripe_Coupon__c', id: toId18(c2.Id), fields: { Stripe_ID__c: r2 } },
      ]),
    );
  });

  it('reuses an unchanged coupon on a later order and makes a new one after an edit', () => {
    const first = couponOrder();
    first.stripe.sync(first.c.initial.order.Id, ts('2030-02-01'));
    const second = couponOrder();
    // The second quote uses the same two Salesforce coupons.
    second.c.extra.quoteStripeCoupons = [first.c1, first.c2];
    second.c.extra.quoteStripeCouponAssociations = [
      { Id: sfId('a1a'), Quote__c: second.c.initial.quote.Id, Quote_Stripe_Coupon__c: first.c1.Id },
    ];
    second.c.extra.quoteLineStripeCouponAssociations![0]!.Quote_Stripe_Coupon__c = first.c2.Id;
    Object.assign(second.stripe.state.coupons, first.stripe.state.coupons);
    const reused = second.stripe.plan(second.c.initial.order.Id, ts('2030-02-01'));
    expect(couponCreates(reused)).toEqual([]);
    expect(phasesOf(reused)[0]!.discounts).toEqual([{ coupon: first.c1.Stripe_ID__c }]);

    first.c1.Name__c = 'Launch 2';
    (first.c1 as { SystemModstamp?: string }).SystemModstamp = '2030-02-02T00:00:00.000+0000';
    const edited = second.stripe.plan(second.c.initial.order.Id, ts('2030-02-03'));
    expect(couponCreates(edited).map(([, params]) => (params as Stripe.CouponCreateParams).name)).toEqual(['Launch 2']);
  });

  it('applies the amendment quote coupons to its phase and keeps line coupons on later phases', () => {
    const { c, seat, line, c1, c2, stripe } = couponOrder();
    stripe.sync(c.initial.order.Id, ts('2030-02-01'));
    const m = c.amendment('2030-05-01', 10);
    m.line(seat, { quantity: 1, revises: line.Id });
    c.extra.quoteStripeCouponAssociations!.push({
      Id: sfId('a1a'),
      Quote__c: m.quote.Id,
      Quote_Stripe_Coupon__c: c1.Id,
    });
    const update = stripe
      .plan(m.order.Id, ts('2030-04-01'))
      .operations.find((o) => o.op === 'subscriptionSchedules.update')!;
    const phase = (update.params as Stripe.SubscriptionScheduleUpdateParams).phases![1]!;
    expect(phase.discounts).toEqual([{ coupon: c1.Stripe_ID__c }]);
    expect(phase.items[0]!.discounts).toEqual([{ coupon: c2.Stripe_ID__c }]);
  });

  it('reports order coupon copies that do not match the associations in number', () => {
    const { c, stripe } = couponOrder();
    c.extra.orderStripeCoupons = [
      { Id: sfId('a1o'), Order__c: c.initial.order.Id },
      { Id: sfId('a1o'), Order__c: c.initial.order.Id },
    ];
    expect(errorOf(() => stripe.plan(c.initial.order.Id, ts('2030-02-01')))).toEqual({
      message:
        'Connector Error: There is different number of Quote or Quote Line Associations than Order or Order Item coupons.',
      record: { type: 'Order', id: toId18(c.initial.order.Id) },
    });
  });

  it.each([
    [
      { Amount_Off__c: 10 },
      'Data Error: Received both Percent_Off__c and Amount_Off__c parameters. Please pass in only one.',
    ],
    [{ Percent_Off__c: null }, 'Data Error: Must provide Percent_Off__c or Amount_Off__c.'],
    [{ Percent_Off__c: 120 }, 'Data Error: Percent_Off__c must be greater than 0 and at most 100.'],
    [
      { Duration_In_Months__c: null },
      'Data Error: Duration_In_Months__c is required for repeating coupons and must be a whole number of months.',
    ],
  ])('validates the coupon %j', (change, message) => {
    const { c, c1, stripe } = couponOrder(change as Partial<Coupon>);
    expect(errorOf(() => stripe.plan(c.initial.order.Id, ts('2030-02-01')))).toEqual({
      message,
      record: { type: 'Quote_Stripe_Coupon__c', id: toId18(c1.Id) },
    });
  });
});
