// S14 and S35: an MDQ ramp deal — one phase per segment — and an amendment of its current segment.
import type Stripe from 'stripe';
import type * as M from '../../../plugin/src/core/records/models.js';
import { ref, type SyncPlan } from '../../../plugin/src/core/plan/plan.js';
import { toId18 } from '../../../plugin/src/core/records/salesforceIds.js';
import type { Catalogue } from '../orderFixture.js';
import { sfId } from './contractFixture.js';
import { rampDeal, rampYear, segmentItemMeta, segmentMeta } from './mdqFixture.js';
import { itemMeta, orderMeta, ts } from './stripeLedger.js';

function createParams(plan: SyncPlan): Stripe.SubscriptionScheduleCreateParams {
  const create = plan.operations.find((o) => o.op === 'subscriptionSchedules.create');
  if (create?.op !== 'subscriptionSchedules.create') throw new Error('no schedule create');
  return create.params;
}

describe('S14 — MDQ: 3 yearly segments with different prices', () => {
  it('makes one phase per segment, each with the standing lines and its segment line', () => {
    const { c, ramp, support, onboarding, s, o, r, stripe } = rampDeal();
    const plan = stripe.sync(c.initial.order.Id, ts('2029-12-01'));
    const pbe = (p: Catalogue) => ref('price', toId18(p.pricebookEntry.Id));
    const own = (line: M.OrderItem) => ref('price', toId18(line.Id));
    expect(createParams(plan).phases).toEqual([
      {
        items: [
          { price: pbe(support), quantity: 1, metadata: itemMeta(s) },
          { price: pbe(ramp), quantity: 10, metadata: segmentItemMeta(r[0]!) },
        ],
        add_invoice_items: [{ price: pbe(onboarding), quantity: 1, metadata: itemMeta(o) }],
        end_date: ts('2031-01-01'),
        metadata: { ...orderMeta(c.initial.order), ...segmentMeta(1) },
        proration_behavior: 'create_prorations',
      },
      {
        items: [
          { price: pbe(support), quantity: 1, metadata: itemMeta(s) },
          { price: own(r[1]!), quantity: 10, metadata: segmentItemMeta(r[1]!) },
        ],
        add_invoice_items: [],
        end_date: ts('2032-01-01'),
        metadata: { ...orderMeta(c.initial.order), ...segmentMeta(2) },
        proration_behavior: 'none',
      },
      {
        items: [
          { price: pbe(support), quantity: 1, metadata: itemMeta(s) },
          { price: own(r[2]!), quantity: 12, metadata: segmentItemMeta(r[2]!) },
        ],
        add_invoice_items: [],
        end_date: ts('2033-01-01'),
        metadata: { ...orderMeta(c.initial.order), ...segmentMeta(3) },
        proration_behavior: 'none',
      },
    ]);
    // Segment prices use the segment's length (CPQ multiplier 1), never the quote term (÷ 3 → 33333).
    const amounts = Object.fromEntries(
      plan.operations
        .filter((op) => op.op === 'prices.create')
        .map((op) => [op.ref, String((op.params as Stripe.PriceCreateParams).unit_amount_decimal)]),
    );
    expect([amounts[pbe(ramp)], amounts[own(r[1]!)], amounts[own(r[2]!)], amounts[pbe(support)]]).toEqual([
      '100000',
      '110000',
      '120000',
      '50000',
    ]);
  });

  it('bills a One Time price dimension line once, on the first phase, though CPQ gives it no end date (recording _legacy_root__sync_a_salesforce_order_with_a_mdq_licensed_product_and_one-time_fee)', () => {
    const { c, onboarding, o, stripe } = rampDeal();
    // CPQ's one-time segment: a segment key and index 0, a start and no end, no subscription pricing.
    const quoteLine = { Id: sfId('a0r'), SBQQ__EffectiveStartDate__c: '2030-01-01', SBQQ__EndDate__c: null };
    (c.extra.quoteLines ??= []).push(quoteLine);
    Object.assign(o, {
      SBQQ__PriceDimension__c: sfId('a0d'),
      SBQQ__DimensionType__c: 'One Time',
      SBQQ__SegmentKey__c: 'O',
      SBQQ__SegmentIndex__c: 0,
      SBQQ__QuoteLine__c: quoteLine.Id,
      EndDate: null,
    });
    const phases = createParams(stripe.sync(c.initial.order.Id, ts('2029-12-01'))).phases!;
    expect(phases.map((p) => p.add_invoice_items)).toEqual([
      [{ price: ref('price', toId18(onboarding.pricebookEntry.Id)), quantity: 1, metadata: itemMeta(o) }],
      [],
      [],
    ]);
    expect(phases.map((p) => p.metadata?.salesforce_segment_index)).toEqual(['1', '2', '3']);
  });

  it('rejects Custom segments on the line', () => {
    const { c, r, stripe } = rampDeal({ SBQQ__DimensionType__c: 'Custom' });
    let error: { errors?: { resolutionMessage: string; record: unknown }[] } = {};
    try {
      stripe.plan(c.initial.order.Id, ts('2029-12-01'));
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.errors?.[0]).toMatchObject({
      resolutionMessage:
        'Data Error: MDQ products with Custom segments are not supported. Please use Month, Quarter, Year or One-Time segments.',
      record: { type: 'OrderItem', id: toId18(r[0]!.Id) },
    });
  });
});

describe('S35 — MDQ amendment changing quantity in the current segment', () => {
  function amended() {
    const deal = rampDeal();
    deal.stripe.sync(deal.c.initial.order.Id, ts('2029-12-01'));
    const m = deal.c.amendment('2031-06-01', 19);
    const plus = m.line(deal.ramp, { quantity: 5, unitPrice: 1100, segment: rampYear(2), revises: deal.r[1]!.Id });
    return { ...deal, m, plus };
  }

  const errorOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return (e as { errors: { resolutionMessage: string }[] }).errors[0]!.resolutionMessage;
    }
    throw new Error('expected an error');
  };

  it('splits the current segment phase at the amendment start and leaves the later segment alone', () => {
    const { c, r, m, stripe } = amended();
    // The prices each segment's items hold in Stripe before the amendment.
    const before = stripe
      .schedule(c.initial.order.Stripe_ID__c!)
      .phases.map((p) => p.items.map((i) => String(i.price)));
    const [supportPrice, year2Price] = before[1]!;
    const year3Price = before[2]![1];
    const plan = stripe.sync(m.order.Id, ts('2031-05-20'));
    const update = plan.operations.find((o) => o.op === 'subscriptionSchedules.update');
    if (update?.op !== 'subscriptionSchedules.update') throw new Error('no update');
    expect(
      update.params.phases!.map((p) => [
        p.start_date,
        p.end_date,
        p.items.map((i) => [i.price, i.quantity]),
        p.proration_behavior,
        p.metadata,
      ]),
    ).toEqual([
      [
        ts('2031-01-01'),
        ts('2031-06-01'),
        [
          [supportPrice, 1],
          [year2Price, 10],
        ],
        'none',
        { ...orderMeta(c.initial.order), ...segmentMeta(2) },
      ],
      [
        ts('2031-06-01'),
        ts('2032-01-01'),
        [
          [supportPrice, 1],
          [year2Price, 15],
        ],
        'none',
        { ...orderMeta(m.order), ...segmentMeta(2) },
      ],
      [
        ts('2032-01-01'),
        ts('2033-01-01'),
        [
          [supportPrice, 1],
          [year3Price, 12],
        ],
        'none',
        { ...orderMeta(c.initial.order), ...segmentMeta(3) },
      ],
    ]);
    expect(update.params.phases![1]!.items[1]!.metadata).toEqual(segmentItemMeta(r[1]!));
    expect(m.order.Stripe_ID__c).toBe(c.initial.order.Stripe_ID__c);
  });

  it("leaves the update's own proration behaviour to Stripe, so a change to the current period is prorated (recording amendments.test_mdq_product_amendments__same_day_amend_the_current_phase_of_salesforce_order_with_a_mdq_product)", () => {
    const { m, stripe } = amended();
    const update = stripe
      .plan(m.order.Id, ts('2031-06-01', '10:00:00'))
      .operations.find((o) => o.op === 'subscriptionSchedules.update');
    if (update?.op !== 'subscriptionSchedules.update') throw new Error('no update');
    expect(update.params).not.toHaveProperty('proration_behavior');
  });

  it("re-applies the amendment order's mapped payment term on the update; unmapped, sends none", () => {
    const { m, stripe } = amended();
    Object.assign(m.order, { SBQQ__PaymentTerm__c: 'Net 60' });
    const updateParams = () => {
      const update = stripe
        .plan(m.order.Id, ts('2031-05-20'))
        .operations.find((o) => o.op === 'subscriptionSchedules.update');
      if (update?.op !== 'subscriptionSchedules.update') throw new Error('no update');
      return update.params;
    };
    expect(updateParams()).not.toHaveProperty('default_settings');
    stripe.context = {
      mappings: {
        fieldMappings: {
          subscription_schedule: { 'default_settings.invoice_settings.days_until_due': 'SBQQ__PaymentTerm__c' },
        },
        fieldDefaults: {},
      },
    };
    expect(updateParams().default_settings).toEqual({
      collection_method: 'send_invoice',
      invoice_settings: { days_until_due: 60 },
    });
  });

  it("needs the contract's amendment start date, equal to the amendment's start", () => {
    const { c, m, stripe } = amended();
    (c.contract as { SBQQ__AmendmentStartDate__c: string | null }).SBQQ__AmendmentStartDate__c = null;
    expect(errorOf(() => stripe.plan(m.order.Id, ts('2031-05-20')))).toBe(
      "Data Error: Field 'SBQQ__AmendmentStartDate__c' on contract is empty.",
    );
    (c.contract as { SBQQ__AmendmentStartDate__c: string | null }).SBQQ__AmendmentStartDate__c = '2031-07-01';
    expect(errorOf(() => stripe.plan(m.order.Id, ts('2031-05-20')))).toBe(
      "Data Error: Start date on amendment order does not match the corresponding contract's amendment start date field.",
    );
  });

  it('rejects segment dates the initial order does not have', () => {
    const { c, plus, m, stripe } = amended();
    const quoteLine = c.extra.quoteLines!.find((q) => q.Id === plus.SBQQ__QuoteLine__c)!;
    quoteLine.SBQQ__EffectiveStartDate__c = '2031-03-01';
    expect(errorOf(() => stripe.plan(m.order.Id, ts('2031-05-20')))).toBe(
      'Data Error: Amendment order segment dates do not match initial order segment dates.',
    );
  });

  it('cancels the schedule when every segment is terminated', () => {
    const deal = rampDeal();
    deal.stripe.sync(deal.c.initial.order.Id, ts('2029-12-01'));
    const m = deal.c.amendment('2031-06-01', 19);
    m.line(deal.support, { quantity: -1, revises: deal.s.Id });
    for (const line of deal.r) m.line(deal.ramp, { quantity: -line.Quantity, revises: line.Id });
    const scheduleOps = deal.stripe
      .sync(m.order.Id, ts('2031-05-20'))
      .operations.filter((o) => o.op.startsWith('subscriptionSchedules.'));
    expect(scheduleOps.map((o) => [o.op, o.params])).toEqual([
      ['subscriptionSchedules.cancel', { invoice_now: false, prorate: false }],
    ]);
  });

  it('a full termination whose cancel Stripe already holds (the write-back was cut off) is written back, not refused; a new amendment still is', () => {
    const deal = rampDeal();
    deal.stripe.sync(deal.c.initial.order.Id, ts('2029-12-01'));
    const scheduleId = deal.c.initial.order.Stripe_ID__c!;
    const m = deal.c.amendment('2031-06-01', 19);
    m.line(deal.support, { quantity: -1, revises: deal.s.Id });
    for (const line of deal.r) m.line(deal.ramp, { quantity: -line.Quantity, revises: line.Id });
    deal.stripe.apply(deal.stripe.plan(m.order.Id, ts('2031-05-20')), ts('2031-05-20'), { writeBacks: false });
    expect(deal.stripe.schedule(scheduleId).status).toBe('canceled');

    const replay = deal.stripe.plan(m.order.Id, ts('2031-05-25'));
    expect(replay.operations).toEqual([]);
    expect(replay.writeBacks.filter((w) => w.sobject === 'Order').map((w) => [w.id, w.fields])).toEqual([
      [toId18(m.order.Id), { Stripe_ID__c: scheduleId }],
    ]);
    expect(replay.syncRecords.map((r) => [r.secondary.id, r.status])).toEqual([[toId18(m.order.Id), 'Success']]);

    Object.assign(m.order, { Stripe_ID__c: scheduleId });
    const later = deal.c.amendment('2031-06-01', 19);
    later.line(deal.support, { quantity: 1 });
    expect(errorOf(() => deal.stripe.plan(later.order.Id, ts('2031-05-25')))).toBe(
      "Data Error: The Stripe subscription schedule has already been cancelled and can't be modified.",
    );
  });
});

describe('MDQ amendment lines with no segment of their own', () => {
  // As CPQ made them in the recordings: the Price Dimension set, no segment key or index, their segment's dates.
  const unsegmented = (
    deal: ReturnType<typeof rampDeal>,
    m: ReturnType<ReturnType<typeof rampDeal>['c']['amendment']>,
    revises: M.OrderItem,
    ServiceDate: string,
  ) =>
    m.line(deal.ramp, {
      quantity: 2,
      unitPrice: 1100,
      revises: revises.Id,
      orderItem: {
        SBQQ__PriceDimension__c: revises.SBQQ__PriceDimension__c,
        SBQQ__DimensionType__c: 'Year',
        ServiceDate,
        EndDate: revises.EndDate,
      },
    });

  it('are each billed within their own dates, never past their end or before their start (recordings amendments.test_mdq_product_amendments__amend_a_future_phase_of_a_salesforce_order_with_a_mdq_product, …amend_all_future_phases_of_a_salesforce_order_with_mdq_product)', () => {
    const deal = rampDeal();
    deal.stripe.sync(deal.c.initial.order.Id, ts('2029-12-01'));
    (deal.c.contract as { SBQQ__AmendmentStartDate__c: string | null }).SBQQ__AmendmentStartDate__c = '2031-01-01';
    const m = deal.c.amendment('2031-01-01', 24);
    const year2 = unsegmented(deal, m, deal.r[1]!, '2031-01-01');
    const year3 = unsegmented(deal, m, deal.r[2]!, '2032-01-01');
    const update = deal.stripe
      .plan(m.order.Id, ts('2030-06-01'))
      .operations.find((o) => o.op === 'subscriptionSchedules.update');
    if (update?.op !== 'subscriptionSchedules.update') throw new Error('no update');
    const holding = (line: M.OrderItem) =>
      update.params.phases!.map((p) => p.items.some((i) => i.metadata?.salesforce_order_item_id === toId18(line.Id)));
    expect([holding(year2), holding(year3)]).toEqual([
      [false, true, false],
      [false, false, true],
    ]);
  });
});

describe('MDQ amendments Stripe already holds (the run stopped before the write-back) are written back, not planned again', () => {
  /** The ramp deal synced; an amendment of its Year 2 (5 more units) applied in Stripe only; then `later` more amendments like it. */
  function appliedOnce(later: number) {
    const deal = rampDeal();
    deal.stripe.sync(deal.c.initial.order.Id, ts('2029-12-01'));
    const amend = () => {
      const m = deal.c.amendment('2031-06-01', 19);
      m.line(deal.ramp, { quantity: 5, unitPrice: 1100, segment: rampYear(2), revises: deal.r[1]!.Id });
      return m;
    };
    const first = amend();
    deal.stripe.apply(deal.stripe.plan(first.order.Id, ts('2031-06-01', '10:00:00')), ts('2031-06-01', '10:00:00'), {
      writeBacks: false,
    });
    return {
      ...deal,
      made: [first, ...Array.from({ length: later }, amend)],
      scheduleId: deal.c.initial.order.Stripe_ID__c!,
    };
  }

  const outcome = (plan: SyncPlan) => ({
    updates: plan.operations.filter((o) => o.op === 'subscriptionSchedules.update').map((o) => o.source.id),
    orders: plan.writeBacks.filter((w) => w.sobject === 'Order').map((w) => w.id),
    records: plan.syncRecords.map((r) => [r.secondary.id, r.status]),
  });

  // [case, amendments after the applied one, replayed at, the updates the replay sends (by amendment index), write-backs]
  const cases: [string, number, string, number[], number[]][] = [
    ['a same-day amendment replayed two days later (past the key window)', 0, '2031-06-03', [], [0]],
    ['replayed the same day', 0, '2031-06-01', [], [0]],
    [
      'an applied amendment and a new one after it: the first written back, the second planned',
      1,
      '2031-06-03',
      [1],
      [0, 1],
    ],
  ];

  it.each(cases)('%s', (_name, later, replayedAt, updates, writtenBack) => {
    const { made, stripe } = appliedOnce(later);
    const orderIds = made.map((m) => toId18(m.order.Id));
    expect(outcome(stripe.plan(made[later]!.order.Id, ts(replayedAt, '12:00:00')))).toEqual({
      updates: updates.map((i) => orderIds[i]),
      orders: writtenBack.map((i) => orderIds[i]),
      records: writtenBack.map((i) => [orderIds[i], 'Success']),
    });
  });

  it('the replayed write-back carries the schedule id, and the phases Stripe holds keep a single split', () => {
    const { made, stripe, scheduleId } = appliedOnce(0);
    const phasesBefore = stripe.schedule(scheduleId).phases.length;
    stripe.sync(made[0]!.order.Id, ts('2031-06-03'));
    expect(made[0]!.order.Stripe_ID__c).toBe(scheduleId);
    expect(stripe.schedule(scheduleId).phases.length).toBe(phasesBefore);
  });
});
