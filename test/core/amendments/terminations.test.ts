// Terminations and reductions beyond the plain S25/S27/S28 shapes: credits for unused prepaid time
// (§2.6.6) wherever the termination leaves a phase or not, and termination metadata (§2.6.3, §2.2).
import { toId18 } from '../../../plugin/src/core/records/salesforceIds.js';
import type { SettingsInput } from '../../../plugin/src/core/settings.js';
import { json, only, ops } from '../planHelpers.js';
import { ContractFixture } from './contractFixture.js';
import { itemMeta, orderMeta, StripeLedger, syncedContract, ts } from './stripeLedger.js';

const CREDITS: SettingsInput = { features: { terminatedOrderItemCredit: true } };
const creditMeta = { salesforce_credit: 'true', salesforce_proration: 'true' };

/** An annual contract (1,200 USD a year per unit) running since 2030-01-01, terminated from `start`. */
function terminatedAnnual(
  start: string,
  term: number,
  quantity: number,
  settings: SettingsInput,
  options: { closeDate?: string } = {},
) {
  const synced = syncedContract('2030-01-01', 12, 'Annual', 1200, quantity, settings);
  const m = synced.c.amendment(start, term, options);
  const reduction = m.line(synced.A, { quantity: -quantity, revises: synced.a.Id });
  return { ...synced, m, reduction };
}

describe('credits when a termination leaves no new phase (decision: invoice items on the running subscription)', () => {
  it('S27 on a running schedule: a pending credit item on the subscription for Jul–Dec, then the update that ends the schedule', () => {
    const { c, a, m, stripe, scheduleId, priceA } = terminatedAnnual('2030-07-01', 6, 2, CREDITS);
    const plan = stripe.sync(m.order.Id, ts('2030-05-10'));
    expect(plan.operations.map((o) => o.op)).toEqual(['invoiceItems.create', 'subscriptionSchedules.update']);
    const credit = only(plan, 'invoiceItems.create');
    // 120000 a year per unit × 6/12 unused, for each of the two units.
    expect(json(credit.params)).toEqual({
      customer: c.account.Stripe_ID__c,
      subscription: `sub_of_${scheduleId}`,
      currency: 'usd',
      unit_amount_decimal: '-60000',
      quantity: 2,
      period: { start: ts('2030-07-01'), end: ts('2031-01-01') },
      metadata: { ...itemMeta(a), ...creditMeta },
      description: 'Credit for unused time: A',
    });
    expect(credit.idempotencyKey).toMatch(
      new RegExp(`:${toId18(m.order.Id)}:.*:invoiceItems\\.create:${toId18(a.Id)}$`),
    );
    expect(credit.source).toEqual({ type: 'OrderItem', id: toId18(a.Id) });
    expect(only(plan, 'subscriptionSchedules.update').params.phases).toEqual([
      {
        start_date: ts('2030-01-01'),
        end_date: ts('2030-07-01'),
        items: [{ price: priceA, quantity: 2, metadata: itemMeta(a) }],
        add_invoice_items: [],
        metadata: orderMeta(c.initial.order),
        proration_behavior: 'none',
      },
    ]);
  });

  it('a schedule that has not started: the credit rides on the last phase, billed with its first invoice', () => {
    const c = new ContractFixture('2030-06-01', 12);
    const A = c.product({ name: 'A', billingFrequency: 'Annual', listPrice: 1200 });
    const a = c.line(A, { quantity: 1 });
    const stripe = new StripeLedger(c, CREDITS);
    stripe.sync(c.initial.order.Id, ts('2030-01-01'));
    const m = c.amendment('2030-09-01', 9);
    m.line(A, { quantity: -1, revises: a.Id });
    const plan = stripe.sync(m.order.Id, ts('2030-01-10'));
    expect(ops(plan, 'invoiceItems.create')).toEqual([]);
    const [phase, ...rest] = only(plan, 'subscriptionSchedules.update').params.phases!;
    expect(rest).toEqual([]);
    expect(phase).toMatchObject({ start_date: ts('2030-06-01'), end_date: ts('2030-09-01') });
    // The full year billed on 2030-06-01 less the 9 months after the termination.
    expect(json(phase!.add_invoice_items)).toEqual([
      {
        price_data: { currency: 'usd', product: A.product.Stripe_ID__c, unit_amount_decimal: '-90000' },
        quantity: 1,
        metadata: { ...itemMeta(a), ...creditMeta },
        period: {
          start: { type: 'timestamp', timestamp: ts('2030-09-01') },
          end: { type: 'timestamp', timestamp: ts('2031-06-01') },
        },
      },
    ]);
  });

  it('S28 same-day termination of a running schedule: the credit item first, then a cancel whose final invoice carries it', () => {
    const { a, m, stripe, scheduleId } = terminatedAnnual('2030-03-01', 10, 1, CREDITS);
    const plan = stripe.sync(m.order.Id, ts('2030-03-01', '10:00:00'));
    expect(plan.operations.map((o) => [o.op, o.op === 'invoiceItems.create' ? null : o.params])).toEqual([
      ['invoiceItems.create', null],
      ['subscriptionSchedules.cancel', { invoice_now: true, prorate: false }],
    ]);
    expect(json(only(plan, 'invoiceItems.create').params)).toMatchObject({
      subscription: `sub_of_${scheduleId}`,
      unit_amount_decimal: '-100000',
      quantity: 1,
      period: { start: ts('2030-03-01'), end: ts('2031-01-01') },
      metadata: { ...itemMeta(a), ...creditMeta },
    });
  });

  it('S29 backdated termination: the credit covers the backdated window up to the next billing date', () => {
    const { m, stripe } = terminatedAnnual('2030-03-01', 10, 1, CREDITS);
    const plan = stripe.sync(m.order.Id, ts('2030-04-10', '12:00:00'));
    expect(plan.operations.map((o) => o.op)).toEqual(['invoiceItems.create', 'subscriptionSchedules.cancel']);
    expect(json(only(plan, 'invoiceItems.create').params)).toMatchObject({
      unit_amount_decimal: '-100000',
      period: { start: ts('2030-03-01'), end: ts('2031-01-01') },
    });
  });

  it('without the flag a termination credits nothing and the cancel sends no invoice', () => {
    const { m, stripe } = terminatedAnnual('2030-03-01', 10, 1, {});
    const plan = stripe.sync(m.order.Id, ts('2030-03-01', '10:00:00'));
    expect(plan.operations.map((o) => [o.op, o.params])).toEqual([
      ['subscriptionSchedules.cancel', { invoice_now: false, prorate: false }],
    ]);
  });

  it('canceling a schedule that never started credits nothing: nothing was billed', () => {
    const c = new ContractFixture('2030-06-01', 12);
    const A = c.product({ name: 'A', billingFrequency: 'Annual', listPrice: 1200 });
    const a = c.line(A, { quantity: 1 });
    const stripe = new StripeLedger(c, CREDITS);
    stripe.sync(c.initial.order.Id, ts('2030-01-01'));
    const m = c.amendment('2030-06-01', 12);
    m.line(A, { quantity: -1, revises: a.Id });
    const plan = stripe.sync(m.order.Id, ts('2030-01-10'));
    expect(plan.operations.map((o) => [o.op, o.params])).toEqual([
      ['subscriptionSchedules.cancel', { invoice_now: false, prorate: false }],
    ]);
  });
});

describe('credits for partial reductions', () => {
  function reduceByOne(settings: SettingsInput) {
    const { c, A, a, stripe } = syncedContract('2030-01-01', 12, 'Monthly', 10, 3, settings);
    const m = c.amendment('2030-04-01', 9);
    m.line(A, { quantity: -1, revises: a.Id });
    return {
      a,
      phase: only(stripe.sync(m.order.Id, ts('2030-03-15')), 'subscriptionSchedules.update').params.phases![1]!,
    };
  }

  it('with quantityReductionOrderItemCredit the new phase credits the unit taken back', () => {
    const { a, phase } = reduceByOne({ features: { quantityReductionOrderItemCredit: true } });
    expect(phase.items).toEqual([expect.objectContaining({ quantity: 2 })]);
    expect(json(phase.add_invoice_items)).toEqual([
      expect.objectContaining({
        price_data: expect.objectContaining({ unit_amount_decimal: '-1000' }),
        quantity: 1,
        metadata: { ...itemMeta(a), ...creditMeta },
      }),
    ]);
  });

  it('the terminated-line flag alone does not credit a line that keeps units', () => {
    expect(reduceByOne(CREDITS).phase.add_invoice_items).toEqual([]);
  });
});

describe('termination metadata (flag terminationMetadata)', () => {
  const STAMP: SettingsInput = { features: { terminationMetadata: true } };

  it('S27: the terminated item on the phase that ends carries the amendment Opportunity CloseDate', () => {
    const { a, m, stripe, priceA } = terminatedAnnual('2030-07-01', 6, 2, STAMP, { closeDate: '2030-06-15' });
    const phases = only(stripe.sync(m.order.Id, ts('2030-05-10')), 'subscriptionSchedules.update').params.phases!;
    expect(phases.map((p) => p.items)).toEqual([
      [
        {
          price: priceA,
          quantity: 2,
          metadata: { ...itemMeta(a), salesforce_effective_termination_date: '2030-06-15' },
        },
      ],
    ]);
  });

  it('without the flag nothing is stamped', () => {
    const { a, m, stripe } = terminatedAnnual('2030-07-01', 6, 2, {}, { closeDate: '2030-06-15' });
    const phases = only(stripe.sync(m.order.Id, ts('2030-05-10')), 'subscriptionSchedules.update').params.phases!;
    expect(phases[0]!.items[0]!.metadata).toEqual(itemMeta(a));
  });

  it('S25: only the removed product is stamped, with the sbc_termination mappings of its reduction line; the new phase is untouched', () => {
    const c = new ContractFixture('2030-01-01', 12);
    const A = c.product({ name: 'A', billingFrequency: 'Monthly', term: 1, listPrice: 10 });
    const B = c.product({ name: 'B', billingFrequency: 'Monthly', term: 1, listPrice: 20 });
    const a = c.line(A, { quantity: 2 });
    const b = c.line(B, { quantity: 1 });
    const stripe = new StripeLedger(c, STAMP);
    stripe.context = {
      mappings: {
        fieldMappings: {
          subscription_item: { 'sbc_termination.metadata.termination_reason': 'Termination_Reason__c' },
        },
        fieldDefaults: { subscription_item: { 'sbc_termination.metadata.terminated_by': 'CPQ' } },
      },
    };
    stripe.sync(c.initial.order.Id, ts('2029-12-01'));
    const m = c.amendment('2030-04-01', 9, { closeDate: '2030-03-20' });
    m.line(B, { quantity: -1, revises: b.Id, orderItem: { Termination_Reason__c: 'Budget cut' } });
    const [p1, p2] = only(stripe.sync(m.order.Id, ts('2030-03-15')), 'subscriptionSchedules.update').params.phases!;
    expect(p1!.items.map((i) => i.metadata)).toEqual([
      itemMeta(a),
      {
        ...itemMeta(b),
        termination_reason: 'Budget cut',
        terminated_by: 'CPQ',
        salesforce_effective_termination_date: '2030-03-20',
      },
    ]);
    expect(p2!.items.map((i) => i.metadata)).toEqual([itemMeta(a)]);
  });

  it('S28: a same-day termination stamps the current phase in an update before the cancel', () => {
    const { a, m, stripe, priceA, c } = terminatedAnnual('2030-03-01', 10, 1, STAMP, { closeDate: '2030-02-25' });
    const plan = stripe.sync(m.order.Id, ts('2030-03-01', '10:00:00'));
    expect(plan.operations.map((o) => o.op)).toEqual(['subscriptionSchedules.update', 'subscriptionSchedules.cancel']);
    expect(only(plan, 'subscriptionSchedules.update').params).toEqual({
      proration_behavior: 'none',
      phases: [
        {
          start_date: ts('2030-01-01'),
          end_date: ts('2031-01-01'),
          items: [
            {
              price: priceA,
              quantity: 1,
              metadata: { ...itemMeta(a), salesforce_effective_termination_date: '2030-02-25' },
            },
          ],
          add_invoice_items: [],
          metadata: orderMeta(c.initial.order),
          proration_behavior: 'none',
        },
      ],
    });
  });
});
