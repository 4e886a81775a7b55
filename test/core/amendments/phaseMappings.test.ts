// The amendment order's `subscription_phase` mappings reach the phase the amendment makes, as a new
// order's reach its phases: metadata beneath the product's own keys, other fields as mapped, never
// `trial_end` (the contract has started) — on standard and MDQ amendments. Phases the amendment does
// not make keep what they had, and a contract synced with mappings re-plans to nothing.
import type { MappingConfig } from '../../../plugin/src/core/mappings/mappings.js';
import type { SyncPlan } from '../../../plugin/src/core/plan/plan.js';
import { toId18 } from '../../../plugin/src/core/records/salesforceIds.js';
import { only, ops } from '../planHelpers.js';
import { rampDeal, rampYear, segmentMeta } from './mdqFixture.js';
import { orderMeta, syncedContract, ts } from './stripeLedger.js';

const PHASE_MAPPINGS: MappingConfig = {
  fieldDefaults: {
    subscription_phase: {
      'metadata.region': 'EMEA',
      'metadata.salesforce_order_id': 'spoofed',
      'metadata.salesforce_segment_index': '9',
      trial_end: ts('2031-06-01'),
    },
  },
  fieldMappings: { subscription_phase: { description: 'OrderNumber', 'metadata.deal': 'Deal_Code__c' } },
};

/** Each phase of the update: its bounds, metadata, description and trial end. */
const phasesOf = (plan: SyncPlan) =>
  only(plan, 'subscriptionSchedules.update').params.phases!.map((p) => ({
    start: p.start_date,
    end: p.end_date,
    metadata: p.metadata,
    description: p.description,
    trial_end: p.trial_end,
  }));

describe('standard amendments: the amendment phase takes the amendment order’s phase mappings', () => {
  const cases: [string, MappingConfig | undefined, Record<string, string>, string | undefined][] = [
    [
      'mapped metadata beneath the order keys, description mapped, no trial',
      PHASE_MAPPINGS,
      { region: 'EMEA', salesforce_segment_index: '9', deal: 'D-7' },
      'ORD-102',
    ],
    [
      'a null mapped field sends nothing',
      { fieldDefaults: {}, fieldMappings: { subscription_phase: { 'metadata.deal': 'Missing_Code__c' } } },
      {},
      undefined,
    ],
    ['unmapped: only the order keys', undefined, {}, undefined],
  ];

  it.each(cases)('%s', (_name, mappings, mapped, description) => {
    const { c, A, a, stripe } = syncedContract('2030-01-01', 12, 'Monthly', 10, 1);
    if (mappings) stripe.context = { mappings };
    const m = c.amendment('2030-03-01', 10);
    m.line(A, { quantity: 1, revises: a.Id });
    Object.assign(m.order, { OrderNumber: 'ORD-102', Deal_Code__c: 'D-7' });
    expect(phasesOf(stripe.plan(m.order.Id, ts('2030-02-01')))).toEqual([
      {
        start: ts('2030-01-01'),
        end: ts('2030-03-01'),
        metadata: orderMeta(c.initial.order),
        description: undefined,
        trial_end: undefined,
      },
      {
        start: ts('2030-03-01'),
        end: ts('2031-01-01'),
        metadata: { ...mapped, ...orderMeta(m.order) },
        description,
        trial_end: undefined,
      },
    ]);
  });

  it('stacked amendments each carry their own order’s values; earlier phases keep theirs; a re-plan is empty', () => {
    const { c, A, a, stripe } = syncedContract('2030-01-01', 12, 'Monthly', 10, 1);
    stripe.context = { mappings: PHASE_MAPPINGS };
    const m1 = c.amendment('2030-03-01', 10);
    m1.line(A, { quantity: 1, revises: a.Id });
    Object.assign(m1.order, { OrderNumber: 'ORD-1', Deal_Code__c: 'D-1' });
    const m2 = c.amendment('2030-06-01', 7);
    m2.line(A, { quantity: 1, revises: a.Id });
    Object.assign(m2.order, { OrderNumber: 'ORD-2', Deal_Code__c: 'D-2' });
    const updates = ops(stripe.sync(m2.order.Id, ts('2030-02-01')), 'subscriptionSchedules.update');
    expect(updates.map((u) => u.source.id)).toEqual([m1.order.Id, m2.order.Id].map(toId18));
    const schedule = stripe.schedule(c.initial.order.Stripe_ID__c!);
    expect(schedule.phases.map((p) => [p.metadata?.salesforce_order_id, p.metadata?.deal])).toEqual([
      [orderMeta(c.initial.order).salesforce_order_id, undefined],
      [orderMeta(m1.order).salesforce_order_id, 'D-1'],
      [orderMeta(m2.order).salesforce_order_id, 'D-2'],
    ]);
    expect(updates[1]!.params.phases!.map((p) => p.description)).toEqual([undefined, 'ORD-1', 'ORD-2']);
    expect(stripe.plan(m2.order.Id, ts('2030-02-02')).operations).toEqual([]);
  });

  it('an applied amendment with mapped metadata is recognised on replay (the order key wins over a spoofing mapping)', () => {
    const { c, A, a, stripe, scheduleId } = syncedContract('2030-01-01', 12, 'Monthly', 10, 1);
    stripe.context = { mappings: PHASE_MAPPINGS };
    const m = c.amendment('2030-03-01', 10);
    m.line(A, { quantity: 1, revises: a.Id });
    stripe.apply(stripe.plan(m.order.Id, ts('2030-02-01')), ts('2030-02-01'), { writeBacks: false });
    const replay = stripe.plan(m.order.Id, ts('2030-02-04'));
    expect([replay.operations, replay.writeBacks.map((w) => w.fields)]).toEqual([[], [{ Stripe_ID__c: scheduleId }]]);
  });
});

describe('MDQ amendments: rebuilt phases take the amendment order’s phase mappings', () => {
  it('the split and later rebuilt phases carry them beneath the order and segment keys; the phase before the split keeps the initial order’s', () => {
    const deal = rampDeal();
    deal.stripe.sync(deal.c.initial.order.Id, ts('2029-12-01'));
    deal.stripe.context = { mappings: PHASE_MAPPINGS };
    const m = deal.c.amendment('2031-06-01', 19);
    m.line(deal.ramp, { quantity: 5, unitPrice: 1100, segment: rampYear(2), revises: deal.r[1]!.Id });
    m.line(deal.ramp, { quantity: 2, unitPrice: 1200, segment: rampYear(3), revises: deal.r[2]!.Id });
    Object.assign(m.order, { OrderNumber: 'ORD-MDQ', Deal_Code__c: 'D-9' });
    const mapped = { region: 'EMEA', deal: 'D-9' };
    expect(phasesOf(deal.stripe.plan(m.order.Id, ts('2031-05-20')))).toEqual([
      {
        start: ts('2031-01-01'),
        end: ts('2031-06-01'),
        metadata: { ...orderMeta(deal.c.initial.order), ...segmentMeta(2) },
        description: undefined,
        trial_end: undefined,
      },
      {
        start: ts('2031-06-01'),
        end: ts('2032-01-01'),
        metadata: { ...mapped, ...orderMeta(m.order), ...segmentMeta(2) },
        description: 'ORD-MDQ',
        trial_end: undefined,
      },
      {
        start: ts('2032-01-01'),
        end: ts('2033-01-01'),
        metadata: { ...mapped, ...orderMeta(m.order), ...segmentMeta(3) },
        description: 'ORD-MDQ',
        trial_end: undefined,
      },
    ]);
  });
});
