// Re-sync never plans unused objects: every price a plan creates stands on some phase item, invoice item
// or schedule, and a line's archived order-line price is reused while its billing data is unchanged.
import { ref, type SyncPlan } from '../../../plugin/src/core/plan/plan.js';
import { toId18 } from '../../../plugin/src/core/records/salesforceIds.js';
import { ContractFixture } from './contractFixture.js';
import { rampYear } from './mdqFixture.js';
import { unusedPrices } from '../planHelpers.js';
import { StripeLedger, ts } from './stripeLedger.js';

const createdPrices = (plan: SyncPlan): string[] =>
  plan.operations.filter((o) => o.op === 'prices.create').map((o) => o.ref);

describe('order-line prices across runs', () => {
  /** A discounted initial line (its own, auto-archived price) and a later amendment adding a product. */
  function discountedContract() {
    const c = new ContractFixture('2030-01-01', 12);
    const A = c.product({ name: 'A', billingFrequency: 'Monthly', term: 1, listPrice: 10 });
    const B = c.product({ name: 'B', billingFrequency: 'Monthly', term: 1, listPrice: 20 });
    const a = c.line(A, { quantity: 10, unitPrice: 108 }); // 9 a month: not the book's 10
    const stripe = new StripeLedger(c);
    const initial = stripe.sync(c.initial.order.Id, ts('2029-12-01'));
    return { c, A, B, a, stripe, initial };
  }

  it('archives the line price after the schedule holds it, then reuses it in the amendment instead of planning a new one', () => {
    const { c, B, a, stripe, initial } = discountedContract();
    const linePrice = a.Stripe_ID__c!;
    expect(createdPrices(initial)).toEqual([ref('price', toId18(a.Id))]);
    expect(stripe.state.prices[linePrice]!.active).toBe(false);

    const m = c.amendment('2030-04-01', 9);
    m.line(B, { quantity: 1 });
    const plan = stripe.sync(m.order.Id, ts('2030-03-15'));
    expect(createdPrices(plan)).toEqual([ref('price', toId18(B.pricebookEntry.Id))]);
    const update = plan.operations.find((o) => o.op === 'subscriptionSchedules.update');
    if (update?.op !== 'subscriptionSchedules.update') throw new Error('no schedule update');
    expect(update.params.phases!.map((p) => p.items.map((i) => i.price))).toEqual([
      [linePrice],
      [linePrice, ref('price', toId18(B.pricebookEntry.Id))],
    ]);
    expect(a.Stripe_ID__c).toBe(linePrice);
  });

  it('keeps the price a changed line holds in its phases, and plans no unused replacement', () => {
    const { c, B, a, stripe } = discountedContract();
    const old = a.Stripe_ID__c!;
    a.UnitPrice = 96; // 8 a month now
    const m = c.amendment('2030-04-01', 9);
    m.line(B, { quantity: 1 });
    const plan = stripe.plan(m.order.Id, ts('2030-03-15'));
    expect(createdPrices(plan)).toEqual([ref('price', toId18(B.pricebookEntry.Id))]);
    expect(unusedPrices(plan)).toEqual([]);
    const update = plan.operations.find((o) => o.op === 'subscriptionSchedules.update');
    if (update?.op !== 'subscriptionSchedules.update') throw new Error('no schedule update');
    expect(update.params.phases!.map((p) => p.items[0]!.price)).toEqual([old, old]);
  });
});

describe('MDQ: a line merged into its revision chain', () => {
  it('gets no price of its own (S35: 10 + 5 units at the segment price are one item)', () => {
    const c = new ContractFixture('2030-01-01', 24);
    const ramp = c.product({ name: 'Ramp', billingFrequency: 'Annual', listPrice: 1000 });
    const line = (quantity: number, unitPrice: number, year: number) => ({
      quantity,
      unitPrice,
      segment: rampYear(year),
    });
    c.line(ramp, line(10, 1000, 1));
    const year2 = c.line(ramp, line(10, 1100, 2));
    (c.contract as { SBQQ__AmendmentStartDate__c: string | null }).SBQQ__AmendmentStartDate__c = '2031-06-01';
    const stripe = new StripeLedger(c);
    stripe.sync(c.initial.order.Id, ts('2029-12-01'));

    const m = c.amendment('2031-06-01', 7);
    const plus = m.line(ramp, { ...line(5, 1100, 2), revises: year2.Id });
    const plan = stripe.sync(m.order.Id, ts('2031-05-20'));
    expect(createdPrices(plan)).not.toContain(ref('price', toId18(plus.Id)));
    expect(unusedPrices(plan)).toEqual([]);
    expect(plus.Stripe_ID__c ?? null).toBeNull();
  });
});
