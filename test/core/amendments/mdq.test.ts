// S14 and S35: an MDQ ramp deal — one phase per segment — and an amendment of its current segment.
import type Stripe from 'stripe';
import type * as M from '../../../plugin/src/core/models.js';
import { ref, type SyncPlan } from '../../../plugin/src/core/plan.js';
import { toId18 } from '../../../plugin/src/core/salesforceIds.js';
import { ContractFixture, sfId, type FixtureProduct } from './contractFixture.js';
import { INSTANCE_URL, StripeLedger, ts } from './stripeLedger.js';

const orderMeta = (order: M.Order) => ({ salesforce_order_id: toId18(order.Id), salesforce_order_link: `${INSTANCE_URL}/${toId18(order.Id)}` });
const itemMeta = (line: M.OrderItem) => ({ salesforce_order_item_id: toId18(line.Id), salesforce_order_item_link: `${INSTANCE_URL}/${toId18(line.Id)}` });

const DIMENSION = sfId('a0d');
const SEGMENTS = [
  { index: 1, start: '2030-01-01', end: '2030-12-31', label: 'Year 1' },
  { index: 2, start: '2031-01-01', end: '2031-12-31', label: 'Year 2' },
  { index: 3, start: '2032-01-01', end: '2032-12-31', label: 'Year 3' },
];

/** A segment line and its quote line, as CPQ makes them for a Year price dimension. */
function segmentLine(c: ContractFixture, add: (p: FixtureProduct, spec: object) => M.OrderItem, ramp: FixtureProduct, index: number, quantity: number, unitPrice: number, extra: Partial<M.OrderItem> = {}) {
  const segment = SEGMENTS[index - 1]!;
  const quoteLine = { Id: sfId('a0r'), SBQQ__EffectiveStartDate__c: segment.start, SBQQ__EndDate__c: segment.end, SBQQ__SegmentLabel__c: segment.label, SBQQ__SegmentIndex__c: index };
  (c.extra.quoteLines ??= []).push(quoteLine);
  return add(ramp, {
    quantity,
    unitPrice,
    extra: {
      SBQQ__PriceDimension__c: DIMENSION,
      SBQQ__DimensionType__c: 'Year',
      SBQQ__SegmentKey__c: 'K',
      SBQQ__SegmentIndex__c: index,
      SBQQ__QuoteLine__c: quoteLine.Id,
      SBQQ__ProrateMultiplier__c: 1,
      EndDate: segment.end,
      ...extra,
    },
  });
}

function rampDeal(extra: Partial<M.OrderItem> = {}) {
  const c = new ContractFixture('2030-01-01', 36);
  const ramp = c.product({ name: 'Ramp', frequency: 'Annual', price: 1000 });
  const support = c.product({ name: 'Support', frequency: 'Annual', price: 500 });
  const onboarding = c.product({ name: 'Onboarding', price: 2000 });
  const add = (p: FixtureProduct, spec: object) => c.line(p, spec as never);
  const s = c.line(support, { quantity: 1 });
  const o = c.line(onboarding, { quantity: 1 });
  const r = [segmentLine(c, add, ramp, 1, 10, 1000, extra), segmentLine(c, add, ramp, 2, 10, 1100), segmentLine(c, add, ramp, 3, 12, 1200)];
  (c.contract as { SBQQ__AmendmentStartDate__c: string | null }).SBQQ__AmendmentStartDate__c = '2031-06-01';
  return { c, ramp, support, onboarding, s, o, r, stripe: new StripeLedger(c) };
}

const segmentMeta = (index: number) => ({ salesforce_segment_index: String(index), salesforce_segment_label: `Year ${index}` });
const segmentItemMeta = (line: M.OrderItem) => ({ ...itemMeta(line), salesforce_segment_key: 'K' });

function createParams(plan: SyncPlan): Stripe.SubscriptionScheduleCreateParams {
  const create = plan.operations.find((o) => o.op === 'subscriptionSchedules.create');
  if (create?.op !== 'subscriptionSchedules.create') throw new Error('no schedule create');
  return create.params;
}

describe('S14 — MDQ: 3 yearly segments with different prices', () => {
  it('makes one phase per segment, each with the standing lines and its segment line', () => {
    const { c, ramp, support, onboarding, s, o, r, stripe } = rampDeal();
    const plan = stripe.sync(c.initial.order.Id, ts('2029-12-01'));
    const pbe = (p: FixtureProduct) => ref('price', toId18(p.entry.Id));
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
    const amounts = Object.fromEntries(plan.operations.filter((op) => op.op === 'prices.create').map((op) => [op.ref, String((op.params as Stripe.PriceCreateParams).unit_amount_decimal)]));
    expect([amounts[pbe(ramp)], amounts[own(r[1]!)], amounts[own(r[2]!)], amounts[pbe(support)]]).toEqual(['100000', '110000', '120000', '50000']);
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
      resolutionMessage: 'Data Error: MDQ products with Custom segments are not supported. Please use Month, Quarter, Year or One-Time segments.',
      record: { type: 'OrderItem', id: toId18(r[0]!.Id) },
    });
  });
});

describe('S35 — MDQ amendment changing quantity in the current segment', () => {
  function amended() {
    const deal = rampDeal();
    deal.stripe.sync(deal.c.initial.order.Id, ts('2029-12-01'));
    const m = deal.c.amendment('2031-06-01', 19);
    const add = (p: FixtureProduct, spec: object) => m.line(p, spec as never);
    const plus = segmentLine(deal.c, add, deal.ramp, 2, 5, 1100, { SBQQ__RevisedOrderProduct__c: deal.r[1]!.Id });
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
    const before = stripe.schedule(c.initial.order.Stripe_ID__c!).phases.map((p) => p.items.map((i) => String(i.price)));
    const [supportPrice, year2Price] = before[1]!;
    const year3Price = before[2]![1];
    const plan = stripe.sync(m.order.Id, ts('2031-05-20'));
    const update = plan.operations.find((o) => o.op === 'subscriptionSchedules.update');
    if (update?.op !== 'subscriptionSchedules.update') throw new Error('no update');
    expect(update.params.phases!.map((p) => [p.start_date, p.end_date, p.items.map((i) => [i.price, i.quantity]), p.proration_behavior, p.metadata])).toEqual([
      [ts('2031-01-01'), ts('2031-06-01'), [[supportPrice, 1], [year2Price, 10]], 'none', { ...orderMeta(c.initial.order), ...segmentMeta(2) }],
      [ts('2031-06-01'), ts('2032-01-01'), [[supportPrice, 1], [year2Price, 15]], 'none', { ...orderMeta(m.order), ...segmentMeta(2) }],
      [ts('2032-01-01'), ts('2033-01-01'), [[supportPrice, 1], [year3Price, 12]], 'none', { ...orderMeta(c.initial.order), ...segmentMeta(3) }],
    ]);
    expect(update.params.phases![1]!.items[1]!.metadata).toEqual(segmentItemMeta(r[1]!));
    expect(m.order.Stripe_ID__c).toBe(c.initial.order.Stripe_ID__c);
  });

  it("re-applies the amendment order's mapped payment term on the update; unmapped, sends none", () => {
    const { m, stripe } = amended();
    Object.assign(m.order, { SBQQ__PaymentTerm__c: 'Net 60' });
    const updateParams = () => {
      const update = stripe.plan(m.order.Id, ts('2031-05-20')).operations.find((o) => o.op === 'subscriptionSchedules.update');
      if (update?.op !== 'subscriptionSchedules.update') throw new Error('no update');
      return update.params;
    };
    expect(updateParams()).not.toHaveProperty('default_settings');
    stripe.context = { mappings: { fieldMappings: { subscription_schedule: { 'default_settings.invoice_settings.days_until_due': 'SBQQ__PaymentTerm__c' } }, fieldDefaults: {} } };
    expect(updateParams().default_settings).toEqual({ collection_method: 'send_invoice', invoice_settings: { days_until_due: 60 } });
  });

  it("needs the contract's amendment start date, equal to the amendment's start", () => {
    const { c, m, stripe } = amended();
    (c.contract as { SBQQ__AmendmentStartDate__c: string | null }).SBQQ__AmendmentStartDate__c = null;
    expect(errorOf(() => stripe.plan(m.order.Id, ts('2031-05-20')))).toBe("Data Error: Field 'SBQQ__AmendmentStartDate__c' on contract is empty.");
    (c.contract as { SBQQ__AmendmentStartDate__c: string | null }).SBQQ__AmendmentStartDate__c = '2031-07-01';
    expect(errorOf(() => stripe.plan(m.order.Id, ts('2031-05-20')))).toBe("Data Error: Start date on amendment order does not match the corresponding contract's amendment start date field.");
  });

  it('rejects segment dates the initial order does not have', () => {
    const { c, plus, m, stripe } = amended();
    const quoteLine = c.extra.quoteLines!.find((q) => q.Id === plus.SBQQ__QuoteLine__c)!;
    quoteLine.SBQQ__EffectiveStartDate__c = '2031-03-01';
    expect(errorOf(() => stripe.plan(m.order.Id, ts('2031-05-20')))).toBe('Data Error: Amendment order segment dates do not match initial order segment dates.');
  });

  it('cancels the schedule when every segment is terminated', () => {
    const deal = rampDeal();
    deal.stripe.sync(deal.c.initial.order.Id, ts('2029-12-01'));
    const m = deal.c.amendment('2031-06-01', 19);
    m.line(deal.support, { quantity: -1, revises: deal.s });
    for (const line of deal.r) m.line(deal.ramp, { quantity: -line.Quantity, revises: line });
    const scheduleOps = deal.stripe.sync(m.order.Id, ts('2031-05-20')).operations.filter((o) => o.op.startsWith('subscriptionSchedules.'));
    expect(scheduleOps.map((o) => [o.op, o.params])).toEqual([['subscriptionSchedules.cancel', { invoice_now: false, prorate: false }]]);
  });

  it('a full termination whose cancel Stripe already holds (the write-back was cut off) is written back, not refused; a new amendment still is', () => {
    const deal = rampDeal();
    deal.stripe.sync(deal.c.initial.order.Id, ts('2029-12-01'));
    const scheduleId = deal.c.initial.order.Stripe_ID__c!;
    const m = deal.c.amendment('2031-06-01', 19);
    m.line(deal.support, { quantity: -1, revises: deal.s });
    for (const line of deal.r) m.line(deal.ramp, { quantity: -line.Quantity, revises: line });
    deal.stripe.apply(deal.stripe.plan(m.order.Id, ts('2031-05-20')), ts('2031-05-20'), { writeBacks: false });
    expect(deal.stripe.schedule(scheduleId).status).toBe('canceled');

    const replay = deal.stripe.plan(m.order.Id, ts('2031-05-25'));
    expect(replay.operations).toEqual([]);
    expect(replay.writeBacks.filter((w) => w.sobject === 'Order').map((w) => [w.id, w.fields])).toEqual([[toId18(m.order.Id), { Stripe_ID__c: scheduleId }]]);
    expect(replay.syncRecords.map((r) => [r.secondary.id, r.status])).toEqual([[toId18(m.order.Id), 'Success']]);

    Object.assign(m.order, { Stripe_ID__c: scheduleId });
    const later = deal.c.amendment('2031-06-01', 19);
    later.line(deal.support, { quantity: 1 });
    expect(errorOf(() => deal.stripe.plan(later.order.Id, ts('2031-05-25')))).toBe("Data Error: The Stripe subscription schedule has already been cancelled and can't be modified.");
  });
});
