// Spec §5 scenarios for amendments (S21–S35): each contract is synced the way the product does it —
// the initial order first, then its amendments — and the test asserts the exact Stripe calls planned.
import type Stripe from 'stripe';
import type * as M from '../../../plugin/src/core/records/models.js';
import { ref, type StripeOperation, type SyncPlan } from '../../../plugin/src/core/plan/plan.js';
import { only } from '../planHelpers.js';
import { toId18 } from '../../../plugin/src/core/records/salesforceIds.js';
import { ContractFixture } from './contractFixture.js';
import { itemMeta, orderMeta, StripeLedger, syncedContract, ts } from './stripeLedger.js';

type Op<N extends StripeOperation['op']> = Extract<StripeOperation, { op: N }>;
function ops<N extends StripeOperation['op']>(plan: SyncPlan, name: N): Op<N>[] {
  return plan.operations.filter((o): o is Op<N> => o.op === name);
}
function onlyUpdate(plan: SyncPlan): Stripe.SubscriptionScheduleUpdateParams {
  const updates = ops(plan, 'subscriptionSchedules.update');
  expect(updates).toHaveLength(1);
  return updates[0]!.params;
}

describe('S21 — insertion amendment on anniversary (doc example)', () => {
  it('ends the initial phase at the amendment start and adds a phase with the aggregate, same price ids', () => {
    const c = new ContractFixture('2022-01-01', 12);
    const A = c.product({ name: 'A', billingFrequency: 'Monthly', term: 1, listPrice: 10 });
    const B = c.product({ name: 'B', billingFrequency: 'Monthly', term: 1, listPrice: 20 });
    const a = c.line(A, { quantity: 10 });
    const stripe = new StripeLedger(c);
    const initialPlan = stripe.sync(c.initial.order.Id, ts('2021-12-15'));
    const scheduleId = c.initial.order.Stripe_ID__c!;
    const priceA = A.pricebookEntry.Stripe_ID__c!;
    expect(initialPlan.operations.map((o) => o.op)).toContain('subscriptionSchedules.create');

    const m = c.amendment('2022-02-01', 11);
    const reduction = m.line(A, { quantity: -4, revises: a.Id });
    const b = m.line(B, { quantity: 5 });
    const plan = stripe.sync(m.order.Id, ts('2022-01-15'));

    expect(ops(plan, 'subscriptionSchedules.update').map((o) => o.id)).toEqual([scheduleId]);
    expect(onlyUpdate(plan)).toEqual({
      proration_behavior: 'none',
      phases: [
        {
          start_date: ts('2022-01-01'),
          end_date: ts('2022-02-01'),
          items: [{ price: priceA, quantity: 10, metadata: itemMeta(a) }],
          add_invoice_items: [],
          metadata: orderMeta(c.initial.order),
          proration_behavior: 'none',
        },
        {
          start_date: ts('2022-02-01'),
          end_date: ts('2023-01-01'),
          items: [
            { price: priceA, quantity: 6, metadata: itemMeta(a) },
            { price: ref('price', toId18(B.pricebookEntry.Id)), quantity: 5, metadata: itemMeta(b) },
          ],
          add_invoice_items: [],
          proration_behavior: 'none',
          metadata: orderMeta(m.order),
        },
      ],
    });
    expect(reduction.Stripe_ID__c ?? null).toBeNull();
    expect(m.order.Stripe_ID__c).toBe(scheduleId);
    expect(plan.syncRecords).toContainEqual(
      expect.objectContaining({
        status: 'Success',
        message: `Created Stripe Subscription Schedule with Id: ${scheduleId}`,
      }),
    );
    // Synced: planning again changes nothing.
    expect(stripe.plan(m.order.Id, ts('2022-01-16')).operations).toEqual([]);
  });
});

const contract = syncedContract;

function errorOf(fn: () => unknown): { message: string; record: unknown } {
  try {
    fn();
  } catch (error) {
    const first = (error as { errors?: { resolutionMessage: string; record: unknown }[] }).errors?.[0];
    if (first) return { message: first.resolutionMessage, record: first.record };
    throw error;
  }
  throw new Error('expected the plan to fail');
}

const orderRecord = (order: M.Order) => ({ type: 'Order', id: toId18(order.Id) });

describe('S22 — prorated amendment adding quantity mid-cycle (annual billing)', () => {
  it('adds the units with a duplicate price and bills the 6 months outside the cycle once', () => {
    const { c, A, a, stripe, priceA } = contract('2030-01-01', 24, 'Annual', 120, 1);
    const m = c.amendment('2030-07-01', 18);
    const added = m.line(A, { quantity: 2, revises: a.Id });
    const plan = stripe.sync(m.order.Id, ts('2030-06-01'));
    const addedId = toId18(added.Id);
    const duplicate = ref('price_duplicate', addedId);
    const proration = ref('price_proration', addedId);

    const [p1, p2] = onlyUpdate(plan).phases!;
    expect(p1).toMatchObject({
      start_date: ts('2030-01-01'),
      end_date: ts('2030-07-01'),
      items: [{ price: priceA, quantity: 1 }],
    });
    expect(p2).toEqual({
      start_date: ts('2030-07-01'),
      end_date: ts('2032-01-01'),
      items: [
        { price: priceA, quantity: 1, metadata: itemMeta(a) },
        { price: duplicate, quantity: 2, metadata: itemMeta(added) },
      ],
      add_invoice_items: [
        {
          price: proration,
          quantity: 2,
          metadata: { ...itemMeta(added), salesforce_proration: 'true' },
          period: { start: { type: 'phase_start' }, end: { type: 'min_item_period_end' } },
        },
      ],
      proration_behavior: 'none',
      metadata: orderMeta(m.order),
    });
    const created = Object.fromEntries(ops(plan, 'prices.create').map((o) => [o.ref, o.params]));
    expect(created[duplicate]).toMatchObject({
      unit_amount_decimal: expect.anything(),
      recurring: { interval: 'month', interval_count: 12 },
    });
    expect(String(created[duplicate]!.unit_amount_decimal)).toBe('12000');
    expect(created[duplicate]!.metadata).toMatchObject({
      salesforce_duplicate: 'true',
      salesforce_auto_archive: 'true',
      salesforce_original_stripe_price_id: priceA,
    });
    expect(created[proration]!.recurring).toBeUndefined();
    expect(String(created[proration]!.unit_amount_decimal)).toBe('6000');
    expect(created[proration]!.metadata).toMatchObject({
      salesforce_proration: 'true',
      salesforce_duplicate: 'true',
      salesforce_auto_archive: 'true',
      salesforce_original_stripe_price_id: priceA,
    });
    // Both one-off prices are archived once the schedule holds them.
    expect(ops(plan, 'prices.update').map((o) => [o.id, o.params])).toEqual([
      [duplicate, { active: false }],
      [proration, { active: false }],
    ]);
  });
});

describe('S24 — non-anniversary amendment (Month + Day precision)', () => {
  const settings = { proratePrecision: 'month+day' as const, features: { nonAnniversaryAmendments: true } };
  const multiplier = (10 + 17 / (365 / 12)) / 12;

  function amend(unitPrice: number, options: { term?: number; settings?: object; cpqMultiplier?: number } = {}) {
    const { c, A, stripe } = contract('2022-01-01', 12, 'Annual', 1200, 1, options.settings ?? settings);
    const m = c.amendment('2022-02-15', options.term ?? 10, { endDate: '2022-12-31' });
    const line = m.line(A, {
      quantity: 1,
      unitPrice,
      orderItem: { SBQQ__ProrateMultiplier__c: options.cpqMultiplier ?? multiplier },
    });
    return { c, m, line, plan: () => stripe.sync(m.order.Id, ts('2022-02-01')) };
  }

  it('co-terminates on the CPQ end date + 1 day and bills (10 months + 17 days) / 12 of the annual price', () => {
    const { m, line, plan } = amend(1200 * multiplier);
    const result = plan();
    const phase = onlyUpdate(result).phases![1]!;
    expect(phase).toMatchObject({
      start_date: ts('2022-02-15'),
      end_date: ts('2023-01-01'),
      metadata: orderMeta(m.order),
    });
    const proration = ops(result, 'prices.create').find((o) => o.ref === ref('price_proration', toId18(line.Id)))!;
    // 120000 × 0.879908675799… = 105589.04 cents for the one unit.
    expect(Number(String(proration.params.unit_amount_decimal))).toBeCloseTo(105589.041096, 5);
    expect(phase.add_invoice_items).toEqual([expect.objectContaining({ price: proration.ref, quantity: 1 })]);
  });

  it('counts the days when the org turns day prorations on, whatever its prorate precision (recording amendments.test_amendments__non_anniversary_amendment_order_coterminates_with_initial_order)', () => {
    const { line, plan } = amend(1200 * multiplier, {
      settings: { proratePrecision: 'month', features: { nonAnniversaryAmendments: true, dayProrations: true } },
    });
    const result = plan();
    // The line bills the annual price again (Month precision alone divided its price by 11 whole months: 115188).
    const recurring = ops(result, 'prices.create').find((o) => o.ref === ref('price', toId18(line.Id)))!;
    expect(Number(String(recurring.params.unit_amount_decimal))).toBeCloseTo(120000, 6);
    const proration = ops(result, 'prices.create').find((o) => o.ref === ref('price_proration', toId18(line.Id)))!;
    expect(Number(String(proration.params.unit_amount_decimal))).toBeCloseTo(105589.041096, 5);
  });

  it("raises the connector error when CPQ's prorate multiplier differs from the dates'", () => {
    const { line, plan } = amend(1200 * multiplier, { cpqMultiplier: 0.88 });
    expect(errorOf(plan)).toEqual({
      message: 'Connector Error: Calculated price multiplier differs from cpq price multiplier.',
      record: { type: 'OrderItem', id: toId18(line.Id) },
    });
  });

  it("raises the connector error when CPQ counted the leftover days and the connector's Month precision rounds them up (recording amendments.test_proration_amendments__translates_non-anniversary_amendment_order_billed_annually)", () => {
    // CPQ priced 10 months + 17 days (its Month + Day multiplier); Month precision would bill 11 whole months.
    const { line, plan } = amend(1200 * multiplier, {
      settings: { proratePrecision: 'month', features: { nonAnniversaryAmendments: true } },
    });
    expect(errorOf(plan)).toEqual({
      message: 'Connector Error: Calculated price multiplier differs from cpq price multiplier.',
      record: { type: 'OrderItem', id: toId18(line.Id) },
    });
  });

  it('needs non-anniversary amendments turned on', () => {
    const { m, plan } = amend(1100, { settings: {} });
    expect(errorOf(plan)).toEqual({
      message:
        'Data Error: Amendment orders must start on the same day of the month as the initial order. Enable the feature for non-anniversary amendments to sync this order.',
      record: orderRecord(m.order),
    });
  });

  it('needs the term to be the whole months between start and end', () => {
    const { m, plan } = amend(1100, { term: 11 });
    expect(errorOf(plan)).toEqual({
      message:
        "Data Error: The amendment order subscription term doesn't equal the number of whole months between the start and end date.",
      record: orderRecord(m.order),
    });
  });

  it('with Month precision treats the partial month as a whole one (11 of 12 months)', () => {
    // CPQ under Month precision rounds the partial month up as well: its multiplier is 11/12.
    const { line, plan } = amend(1100, {
      settings: { features: { nonAnniversaryAmendments: true } },
      cpqMultiplier: 11 / 12,
    });
    const proration = ops(plan(), 'prices.create').find((o) => o.ref === ref('price_proration', toId18(line.Id)))!;
    // UnitPrice 1100 covers 11 months of an annual price: 120000 per year, 11/12 of it billed now.
    expect(String(proration.params.unit_amount_decimal)).toBe('110000');
  });
});

describe('S25 — amendment removing a product', () => {
  function removeB(settings = {}) {
    const c = new ContractFixture('2030-01-01', 12);
    const A = c.product({ name: 'A', billingFrequency: 'Monthly', term: 1, listPrice: 10 });
    const B = c.product({ name: 'B', billingFrequency: 'Monthly', term: 1, listPrice: 20 });
    const a = c.line(A, { quantity: 2 });
    const b = c.line(B, { quantity: 1 });
    const stripe = new StripeLedger(c, settings);
    stripe.sync(c.initial.order.Id, ts('2029-12-01'));
    const m = c.amendment('2030-04-01', 9);
    m.line(B, { quantity: -1, revises: b.Id });
    return { a, b, B, m, plan: stripe.sync(m.order.Id, ts('2030-03-15')), priceA: A.pricebookEntry.Stripe_ID__c! };
  }

  it('drops the terminated item from the new phase, with no proration and no credit', () => {
    const { a, m, plan, priceA } = removeB();
    const [p1, p2] = onlyUpdate(plan).phases!;
    expect(p1).toMatchObject({ end_date: ts('2030-04-01'), add_invoice_items: [] });
    expect(p2).toEqual({
      start_date: ts('2030-04-01'),
      end_date: ts('2031-01-01'),
      items: [{ price: priceA, quantity: 2, metadata: itemMeta(a) }],
      add_invoice_items: [],
      proration_behavior: 'none',
      metadata: orderMeta(m.order),
    });
  });

  it('with terminated-line credits, credits the unused period of the removed unit', () => {
    const { b, B, plan } = removeB({ features: { terminatedOrderItemCredit: true } });
    const credit = onlyUpdate(plan).phases![1]!.add_invoice_items!;
    expect(credit).toHaveLength(1);
    expect(credit[0]).toMatchObject({
      price_data: { currency: 'usd', product: B.product.Stripe_ID__c },
      quantity: 1,
      metadata: { ...itemMeta(b), salesforce_credit: 'true', salesforce_proration: 'true' },
      period: { start: { type: 'phase_start' }, end: { type: 'min_item_period_end' } },
    });
    expect(String(credit[0]!.price_data!.unit_amount_decimal)).toBe('-2000');
  });
});

describe('S27 — full termination in the future', () => {
  it('ends the last phase at the termination date and adds no phase', () => {
    const { c, A, a, stripe, priceA, scheduleId } = contract('2030-01-01', 12, 'Monthly', 10, 2);
    const m = c.amendment('2030-07-01', 6);
    m.line(A, { quantity: -2, revises: a.Id });
    const plan = stripe.sync(m.order.Id, ts('2030-05-10'));
    expect(onlyUpdate(plan)).toEqual({
      proration_behavior: 'none',
      phases: [
        {
          start_date: ts('2030-01-01'),
          end_date: ts('2030-07-01'),
          items: [{ price: priceA, quantity: 2, metadata: itemMeta(a) }],
          add_invoice_items: [],
          metadata: orderMeta(c.initial.order),
          proration_behavior: 'none',
        },
      ],
    });
    expect(m.order.Stripe_ID__c).toBe(scheduleId);
  });

  it('refuses amendments queued after a termination', () => {
    const { c, A, a, stripe } = contract('2030-01-01', 12, 'Monthly', 10, 2);
    const termination = c.amendment('2030-07-01', 6);
    termination.line(A, { quantity: -2, revises: a.Id });
    c.amendment('2030-08-01', 5).line(A, { quantity: 1 });
    expect(errorOf(() => stripe.plan(termination.order.Id, ts('2030-05-10')))).toEqual({
      message: 'Data Error: A termination order is processing, but more amendments are queued.',
      record: orderRecord(termination.order),
    });
  });

  it('refuses a termination greater than the aggregate quantity', () => {
    const { c, A, a, stripe } = contract('2030-01-01', 12, 'Monthly', 10, 2);
    const m = c.amendment('2030-07-01', 6);
    const over = m.line(A, { quantity: -3, revises: a.Id });
    expect(errorOf(() => stripe.plan(m.order.Id, ts('2030-05-10')))).toEqual({
      message: 'Data Error: The termination quantity is greater than the aggregate quantity for the order item.',
      record: { type: 'OrderItem', id: toId18(over.Id) },
    });
  });
});

describe('S28 — same-day amendments and terminations', () => {
  it('cancels the schedule when the order is terminated on the day it starts', () => {
    const c = new ContractFixture('2030-03-01', 12);
    const A = c.product({ name: 'A', billingFrequency: 'Monthly', term: 1, listPrice: 10 });
    const a = c.line(A, { quantity: 1 });
    const stripe = new StripeLedger(c);
    stripe.sync(c.initial.order.Id, ts('2030-03-01', '08:00:00'));
    const m = c.amendment('2030-03-01', 12);
    m.line(A, { quantity: -1, revises: a.Id });
    const plan = stripe.sync(m.order.Id, ts('2030-03-01', '10:00:00'));
    expect(plan.operations.map((o) => [o.op, o.params])).toEqual([
      ['subscriptionSchedules.cancel', { invoice_now: false, prorate: false }],
    ]);
    expect(m.order.Stripe_ID__c).toBe(c.initial.order.Stripe_ID__c);
  });

  it('starts a same-day amendment now, ends the current phase now, and bills a full period for the new units', () => {
    const { c, a, stripe, priceA } = contract('2030-01-01', 12, 'Monthly', 10, 1);
    const B = c.product({ name: 'B', billingFrequency: 'Monthly', term: 1, listPrice: 15 });
    const m = c.amendment('2030-03-01', 10);
    const b = m.line(B, { quantity: 1 });
    const plan = stripe.sync(m.order.Id, ts('2030-03-01', '10:00:00'));
    const [p1, p2] = onlyUpdate(plan).phases!;
    expect(p1).toEqual({
      start_date: ts('2030-01-01'),
      end_date: 'now',
      items: [{ price: priceA, quantity: 1, metadata: itemMeta(a) }],
      add_invoice_items: [],
      metadata: orderMeta(c.initial.order),
      proration_behavior: 'none',
    });
    expect(p2).toMatchObject({ start_date: 'now', end_date: ts('2031-01-01'), proration_behavior: 'none' });
    const proration = ops(plan, 'prices.create').find((o) => o.ref === ref('price_proration', toId18(b.Id)))!;
    expect(String(proration.params.unit_amount_decimal)).toBe('1500');
    expect(p2!.add_invoice_items).toEqual([
      {
        price: proration.ref,
        quantity: 1,
        metadata: { ...itemMeta(b), salesforce_proration: 'true' },
        period: { start: { type: 'phase_start' }, end: { type: 'min_item_period_end' } },
      },
    ]);
  });

  function futureContract() {
    const c = new ContractFixture('2030-06-01', 12);
    const A = c.product({ name: 'A', billingFrequency: 'Monthly', term: 1, listPrice: 10 });
    const setup = c.product({ name: 'Setup', listPrice: 500 });
    const a = c.line(A, { quantity: 1 });
    const s = c.line(setup, { quantity: 1 });
    const stripe = new StripeLedger(c);
    stripe.sync(c.initial.order.Id, ts('2030-01-01'));
    return { c, A, a, s, setup, stripe };
  }

  it('replaces the phase of a future schedule when the amendment has the same dates, keeping its one-time items', () => {
    const { c, a, s, setup, stripe } = futureContract();
    const B = c.product({ name: 'B', billingFrequency: 'Monthly', term: 1, listPrice: 20 });
    const m = c.amendment('2030-06-01', 12);
    const b = m.line(B, { quantity: 3 });
    const plan = stripe.sync(m.order.Id, ts('2030-01-10'));
    expect(onlyUpdate(plan).phases).toEqual([
      {
        start_date: ts('2030-06-01'),
        end_date: ts('2031-06-01'),
        items: [
          { price: c.pricebookEntries[0]!.Stripe_ID__c, quantity: 1, metadata: itemMeta(a) },
          { price: ref('price', toId18(B.pricebookEntry.Id)), quantity: 3, metadata: itemMeta(b) },
        ],
        add_invoice_items: [
          {
            price: setup.pricebookEntry.Stripe_ID__c,
            quantity: 1,
            metadata: itemMeta(s),
            period: { start: { type: 'max_item_period_start' }, end: { type: 'min_item_period_end' } },
          },
        ],
        proration_behavior: 'none',
        metadata: orderMeta(m.order),
      },
    ]);
  });

  it('cancels a future schedule terminated with the same dates', () => {
    const { c, A, a, stripe } = futureContract();
    const m = c.amendment('2030-06-01', 12);
    m.line(A, { quantity: -1, revises: a.Id });
    expect(stripe.sync(m.order.Id, ts('2030-01-10')).operations.map((o) => o.op)).toEqual([
      'subscriptionSchedules.cancel',
    ]);
  });
});

describe('S29 — backdated amendment', () => {
  it('starts now and bills the missed cycle on top of the current one, over an explicit period', () => {
    const { c, stripe } = contract('2030-01-01', 12, 'Monthly', 10, 1);
    const B = c.product({ name: 'B', billingFrequency: 'Monthly', term: 1, listPrice: 10 });
    const m = c.amendment('2030-03-01', 10);
    const b = m.line(B, { quantity: 1 });
    const plan = stripe.sync(m.order.Id, ts('2030-04-10', '12:00:00'));
    const [p1, p2] = onlyUpdate(plan).phases!;
    expect(p1).toMatchObject({ start_date: ts('2030-01-01'), end_date: 'now' });
    expect(p2).toMatchObject({ start_date: 'now', end_date: ts('2031-01-01') });
    const proration = ops(plan, 'prices.create').find((o) => o.ref === ref('price_proration', toId18(b.Id)))!;
    expect(String(proration.params.unit_amount_decimal)).toBe('2000');
    expect(p2!.add_invoice_items).toEqual([
      {
        price: proration.ref,
        quantity: 1,
        metadata: { ...itemMeta(b), salesforce_proration: 'true' },
        period: {
          start: { type: 'timestamp', timestamp: ts('2030-03-01') },
          end: { type: 'timestamp', timestamp: ts('2030-05-01') },
        },
      },
    ]);
  });

  it('leaves phases that already ended out of the update', () => {
    const { c, A, a, stripe } = contract('2030-01-01', 12, 'Monthly', 10, 1);
    const m1 = c.amendment('2030-03-01', 10);
    m1.line(A, { quantity: 1, revises: a.Id });
    stripe.sync(m1.order.Id, ts('2030-02-01'));
    const m2 = c.amendment('2030-06-01', 7);
    m2.line(A, { quantity: 1, revises: a.Id });
    const phases = onlyUpdate(stripe.sync(m2.order.Id, ts('2030-04-10'))).phases!;
    expect(phases.map((p) => [p.start_date, p.end_date])).toEqual([
      [ts('2030-03-01'), ts('2030-06-01')],
      [ts('2030-06-01'), ts('2031-01-01')],
    ]);
  });
});

describe('S30 — stacked amendments in one run', () => {
  it('plans M1 then M2 as two updates; M2 takes back units from the line M1 added first', () => {
    const { c, A, a, stripe, priceA, scheduleId } = contract('2030-01-01', 12, 'Monthly', 10, 1);
    const m1 = c.amendment('2030-03-01', 10);
    const added = m1.line(A, { quantity: 2, revises: a.Id });
    const m2 = c.amendment('2030-06-01', 7);
    m2.line(A, { quantity: -1, revises: a.Id });
    const plan = stripe.sync(m2.order.Id, ts('2030-02-01'));
    const updates = ops(plan, 'subscriptionSchedules.update');
    expect(updates.map((u) => u.source.id)).toEqual([toId18(m1.order.Id), toId18(m2.order.Id)]);
    const duplicate = ref('price_duplicate', toId18(added.Id));
    const itemsOf = (params: Stripe.SubscriptionScheduleUpdateParams) =>
      params.phases!.map((p) => p.items.map((i) => [i.price, i.quantity]));
    expect(itemsOf(updates[0]!.params)).toEqual([
      [[priceA, 1]],
      [
        [priceA, 1],
        [duplicate, 2],
      ],
    ]);
    expect(itemsOf(updates[1]!.params)).toEqual([
      [[priceA, 1]],
      [
        [priceA, 1],
        [duplicate, 2],
      ],
      [
        [priceA, 1],
        [duplicate, 1],
      ],
    ]);
    expect([m1.order.Stripe_ID__c, m2.order.Stripe_ID__c]).toEqual([scheduleId, scheduleId]);
    // Decision q23: each amendment gets its own Success Sync Record, whichever order was synced.
    expect(plan.syncRecords.filter((r) => r.status === 'Success').map((r) => [r.compoundId, r.message])).toEqual(
      [m1, m2].map((m) => [
        `${toId18(m.order.Id)}-${toId18(m.order.Id)}`,
        `Created Stripe Subscription Schedule with Id: ${scheduleId}`,
      ]),
    );
    expect(stripe.plan(c.initial.order.Id, ts('2030-02-02')).operations).toEqual([]);
  });

  it('leaves later amendments for another plan when an earlier one starts now', () => {
    const { c, A, a, stripe } = contract('2030-01-01', 12, 'Monthly', 10, 1);
    const m1 = c.amendment('2030-03-01', 10);
    m1.line(A, { quantity: 1, revises: a.Id });
    const m2 = c.amendment('2030-06-01', 7);
    m2.line(A, { quantity: 1, revises: a.Id });
    const first = stripe.sync(m2.order.Id, ts('2030-03-10'));
    expect(ops(first, 'subscriptionSchedules.update').map((u) => u.source.id)).toEqual([toId18(m1.order.Id)]);
    expect(first.warnings).toContainEqual(expect.stringContaining('the sync plans them once this plan is applied'));
    // Decision q22: the amendment left for another plan is named for the engine, and Skipped until then.
    expect(first.deferred).toEqual([orderRecord(m2.order)]);
    expect(first.syncRecords.filter((r) => r.status === 'Skipped').map((r) => r.secondary.id)).toEqual([
      toId18(m2.order.Id),
    ]);
    expect(m2.order.Stripe_ID__c ?? null).toBeNull();
    const second = stripe.sync(m2.order.Id, ts('2030-03-10', '00:05:00'));
    expect(ops(second, 'subscriptionSchedules.update').map((u) => u.source.id)).toEqual([toId18(m2.order.Id)]);
  });

  it('plans the next one from the phase Stripe started now, even within the same second (recording amendments.test_amendments__syncs_stacked_amendments_-_both_backdated_and_start_on_same_day)', () => {
    const { c, A, a, stripe, scheduleId } = contract('2030-01-01', 12, 'Monthly', 10, 1);
    const m1 = c.amendment('2030-03-01', 10);
    m1.line(A, { quantity: 3, revises: a.Id });
    const m2 = c.amendment('2030-03-01', 10);
    m2.line(A, { quantity: 1, revises: a.Id });
    // A customer on a test clock: the engine plans the deferred amendment at the clock time Stripe started M1's phase.
    const now = ts('2030-03-10');
    stripe.sync(m2.order.Id, now);
    const started = stripe.schedule(scheduleId).phases[1]!.start_date;
    expect(started).toBe(now);
    const phases = onlyUpdate(stripe.sync(m2.order.Id, now)).phases!;
    // The initial phase ended when M1's began: Stripe takes the update from the current phase on, and a phase
    // of no length cannot end it, so M2's phase takes the current one's place, M1's one-time items already billed.
    expect(phases.map((p) => [p.start_date, p.end_date, p.items.map((i) => i.quantity)])).toEqual([
      [started, ts('2031-01-01'), [1, 3, 1]],
    ]);
    expect(phases[0]!.metadata).toEqual(orderMeta(m2.order));
    expect(phases[0]!.add_invoice_items!.map((i) => i.quantity)).toEqual([1]);
    expect(m2.order.Stripe_ID__c).toBe(scheduleId);
  });
});

describe('S30 — amendments Stripe holds but Salesforce does not know yet (a run stopped before its write-back)', () => {
  function stackedNow() {
    const { c, A, a, stripe, scheduleId } = contract('2030-01-01', 12, 'Monthly', 10, 1);
    const m1 = c.amendment('2030-03-01', 10);
    m1.line(A, { quantity: 1, revises: a.Id });
    const m2 = c.amendment('2030-06-01', 7);
    m2.line(A, { quantity: 1, revises: a.Id });
    return { c, stripe, scheduleId, m1, m2 };
  }

  it('writes back the amendment whose phase is on the schedule and plans only the next one', () => {
    const { c, stripe, scheduleId, m1, m2 } = stackedNow();
    stripe.apply(stripe.plan(m2.order.Id, ts('2030-03-10')), ts('2030-03-10'), { writeBacks: false });
    const phasesBefore = stripe.schedule(scheduleId).phases;
    expect(m1.order.Stripe_ID__c ?? null).toBeNull();

    const resumed = stripe.plan(m2.order.Id, ts('2030-03-10', '00:00:05'));
    expect(ops(resumed, 'subscriptionSchedules.update').map((u) => u.source.id)).toEqual([toId18(m2.order.Id)]);
    expect(resumed.deferred).toBeUndefined();
    expect(resumed.writeBacks.filter((w) => w.sobject === 'Order').map((w) => [w.id, w.fields])).toEqual([
      [toId18(m1.order.Id), { Stripe_ID__c: scheduleId }],
      [toId18(m2.order.Id), { Stripe_ID__c: scheduleId }],
    ]);
    expect(resumed.syncRecords.map((r) => [r.secondary.id, r.status])).toEqual([
      [toId18(m1.order.Id), 'Success'],
      [toId18(m2.order.Id), 'Success'],
    ]);
    // M2's phase goes on top of M1's as Stripe stamped it; M1's phase is not added again.
    const phases = only(resumed, 'subscriptionSchedules.update').params.phases!;
    expect(phases.map((p) => [p.start_date, p.end_date, p.items.map((i) => i.quantity)])).toEqual([
      [phasesBefore[1]!.start_date, ts('2030-06-01'), [1, 1]],
      [ts('2030-06-01'), ts('2031-01-01'), [1, 1, 1]],
    ]);
    expect(c.initial.order.Stripe_ID__c).toBe(scheduleId);
  });

  it('plans nothing for Stripe when every amendment is already on the schedule', () => {
    const { stripe, m1, m2 } = stackedNow();
    stripe.apply(stripe.plan(m2.order.Id, ts('2030-03-10')), ts('2030-03-10'), { writeBacks: false });
    stripe.apply(stripe.plan(m2.order.Id, ts('2030-03-10', '00:00:05')), ts('2030-03-10', '00:00:05'), {
      writeBacks: false,
    });
    const replay = stripe.plan(m2.order.Id, ts('2030-03-10', '00:00:09'));
    expect(replay.operations.filter((o) => o.op.startsWith('subscriptionSchedules'))).toEqual([]);
    expect(replay.writeBacks.filter((w) => w.sobject === 'Order').map((w) => w.id)).toEqual([
      toId18(m1.order.Id),
      toId18(m2.order.Id),
    ]);
  });
});

describe('S20 — orders failing the custom sync filter', () => {
  it('refuses amendments when the initial order fails the filter, or when one of the amendments does', () => {
    const { c, A, a, stripe } = contract('2030-01-01', 12, 'Monthly', 10, 1);
    const m1 = c.amendment('2030-03-01', 10);
    m1.line(A, { quantity: 1, revises: a.Id });
    const m2 = c.amendment('2030-05-01', 8);
    m2.line(A, { quantity: 1, revises: a.Id });
    stripe.context = { ordersFailingSyncFilter: [c.initial.order.Id] };
    expect(errorOf(() => stripe.plan(m1.order.Id, ts('2030-02-01')))).toEqual({
      message:
        "Data Error: The connector attempted to sync the amendment order, but the initial order was skipped because it didn't match custom sync filters.",
      record: orderRecord(m1.order),
    });
    stripe.context = { ordersFailingSyncFilter: [m2.order.Id] };
    expect(errorOf(() => stripe.plan(m1.order.Id, ts('2030-02-01')))).toEqual({
      message:
        "Data Error: Failed to sync amendment orders since not all amendment orders respect user's custom order filters.",
      record: orderRecord(m2.order),
    });
    stripe.context = {};
    expect(ops(stripe.plan(m1.order.Id, ts('2030-02-01')), 'subscriptionSchedules.update')).toHaveLength(2);
  });
});

describe('q9 — amendments of a backend-prorated order (18 months billed annually)', () => {
  function backendProrated() {
    const c = new ContractFixture('2030-01-01', 18);
    const A = c.product({ name: 'A', billingFrequency: 'Annual', listPrice: 1200 });
    const a = c.line(A, { quantity: 1 });
    const stripe = new StripeLedger(c);
    stripe.sync(c.initial.order.Id, ts('2029-12-01'));
    return { c, A, a, stripe };
  }

  it('refuses an amendment that would swallow the backend proration phase', () => {
    const { c, A, a, stripe } = backendProrated();
    const m = c.amendment('2030-07-01', 12);
    m.line(A, { quantity: 1, revises: a.Id });
    expect(errorOf(() => stripe.plan(m.order.Id, ts('2030-06-01')))).toEqual({
      message: "Data Error: The backend prorated order amendment case isn't supported.",
      record: orderRecord(m.order),
    });
  });

  it('carries the backend proration items into an amendment phase that starts with it', () => {
    const { c, A, a, stripe } = backendProrated();
    const backend = stripe.schedule(c.initial.order.Stripe_ID__c!).phases[1]!.add_invoice_items;
    expect(backend).toHaveLength(1);
    const m = c.amendment('2031-01-01', 6);
    m.line(A, { quantity: 1, revises: a.Id });
    const phases = onlyUpdate(stripe.plan(m.order.Id, ts('2030-06-01'))).phases!;
    expect(phases.map((p) => [p.start_date, p.end_date])).toEqual([
      [ts('2030-01-01'), ts('2031-01-01')],
      [ts('2031-01-01'), ts('2031-07-01')],
    ]);
    // Its own 6-month proration first, then the initial order's backend proration items, unchanged.
    const carried = phases[1]!.add_invoice_items!.slice(1);
    expect(carried.map((i) => [i.price, i.quantity, i.metadata, i.period])).toEqual(
      backend.map((i) => [i.price, i.quantity, i.metadata, i.period]),
    );
    expect(phases[1]!.add_invoice_items![0]!.price).toBe(ref('price_proration', toId18(m.fixture.lines[0]!.Id)));
  });
});

describe('S31–S34 — amendment errors', () => {
  it('S31: an amendment that does not co-terminate', () => {
    const { c, A, stripe } = contract('2030-01-01', 12, 'Monthly', 10, 1);
    const m = c.amendment('2030-03-01', 9);
    m.line(A, { quantity: 1 });
    expect(errorOf(() => stripe.plan(m.order.Id, ts('2030-02-01')))).toEqual({
      message: 'Data Error: Order amendments must coterminate with the initial order.',
      record: orderRecord(m.order),
    });
  });

  it('S32: an amendment revising a skipped line', () => {
    const c = new ContractFixture('2030-01-01', 12);
    const A = c.product({ name: 'A', billingFrequency: 'Monthly', term: 1, listPrice: 10 });
    c.line(A, { quantity: 1 });
    const skipped = c.line(A, { quantity: 2, orderItem: { Skip_Line_Item__c: true } });
    const stripe = new StripeLedger(c);
    stripe.sync(c.initial.order.Id, ts('2029-12-01'));
    const m = c.amendment('2030-03-01', 10);
    m.line(A, { quantity: -1, revises: skipped.Id });
    expect(errorOf(() => stripe.plan(m.order.Id, ts('2030-02-01'))).message).toBe(
      `Data Error: Any order items, revising order items in a previous order, must not be skipped in the previous order. Order line with ID '${skipped.Id}' could not be found.`,
    );
  });

  it('S33: amending a canceled schedule, and a schedule Stripe no longer has', () => {
    const { c, A, a, stripe } = contract('2030-01-01', 12, 'Monthly', 10, 1);
    stripe.state.subscriptionSchedules[c.initial.order.Stripe_ID__c!] = {
      ...stripe.schedule(c.initial.order.Stripe_ID__c!),
      status: 'canceled',
    } as Stripe.SubscriptionSchedule;
    const m = c.amendment('2030-03-01', 10);
    m.line(A, { quantity: 1, revises: a.Id });
    expect(errorOf(() => stripe.plan(m.order.Id, ts('2030-02-01')))).toEqual({
      message: "Data Error: The Stripe subscription schedule has already been cancelled and can't be modified.",
      record: orderRecord(m.order),
    });
    delete stripe.state.subscriptionSchedules[c.initial.order.Stripe_ID__c!];
    expect(errorOf(() => stripe.plan(m.order.Id, ts('2030-02-01')))).toEqual({
      message: 'Data Error: Unable to find the corresponding Stripe subscription schedule for the amendment order.',
      record: orderRecord(m.order),
    });
  });

  it('S34: an amendment of one-time lines only; one-time lines beside recurring changes are billed on the new phase', () => {
    const { c, A, a, stripe } = contract('2030-01-01', 12, 'Monthly', 10, 1);
    const fee = c.product({ name: 'Fee', listPrice: 99 });
    const only = c.amendment('2030-03-01', 10);
    only.line(fee, { quantity: 1 });
    expect(errorOf(() => stripe.plan(only.order.Id, ts('2030-02-01')))).toEqual({
      message: 'Data Error: Amendment order representing all one-time invoices.',
      record: orderRecord(only.order),
    });
    only.line(A, { quantity: 1, revises: a.Id });
    const feeLine = only.fixture.lines[0]!;
    const phase = onlyUpdate(stripe.plan(only.order.Id, ts('2030-02-01'))).phases![1]!;
    expect(phase.add_invoice_items).toEqual([
      { price: ref('price', toId18(fee.pricebookEntry.Id)), quantity: 1, metadata: itemMeta(feeLine) },
    ]);
  });
});
