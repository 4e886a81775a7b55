// The MDQ ramp deal of S14/S35: three yearly segments of a Ramp product beside Support and a one-time
// Onboarding line, and the helpers that make segment lines as CPQ does.
import type * as M from '../../../plugin/src/core/records/models.js';
import type { Catalogue } from '../orderFixture.js';
import { ContractFixture, sfId } from './contractFixture.js';
import { itemMeta, StripeLedger } from './stripeLedger.js';

const DIMENSION = sfId('a0d');
const SEGMENTS = [
  { index: 1, start: '2030-01-01', end: '2030-12-31', label: 'Year 1' },
  { index: 2, start: '2031-01-01', end: '2031-12-31', label: 'Year 2' },
  { index: 3, start: '2032-01-01', end: '2032-12-31', label: 'Year 3' },
];

/** A segment line and its quote line, as CPQ makes them for a Year price dimension. */
export function segmentLine(
  c: ContractFixture,
  add: (p: Catalogue, spec: object) => M.OrderItem,
  ramp: Catalogue,
  index: number,
  quantity: number,
  unitPrice: number,
  extra: Partial<M.OrderItem> = {},
) {
  const segment = SEGMENTS[index - 1]!;
  const quoteLine = {
    Id: sfId('a0r'),
    SBQQ__EffectiveStartDate__c: segment.start,
    SBQQ__EndDate__c: segment.end,
    SBQQ__SegmentLabel__c: segment.label,
    SBQQ__SegmentIndex__c: index,
  };
  (c.extra.quoteLines ??= []).push(quoteLine);
  return add(ramp, {
    quantity,
    unitPrice,
    orderItem: {
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

/** A 36-month ramp deal from 2030-01-01 (Ramp 10/10/12 units by year, Support, Onboarding), its amendment start 2031-06-01. */
export function rampDeal(extra: Partial<M.OrderItem> = {}) {
  const c = new ContractFixture('2030-01-01', 36);
  const ramp = c.product({ name: 'Ramp', billingFrequency: 'Annual', listPrice: 1000 });
  const support = c.product({ name: 'Support', billingFrequency: 'Annual', listPrice: 500 });
  const onboarding = c.product({ name: 'Onboarding', listPrice: 2000 });
  const add = (p: Catalogue, spec: object) => c.line(p, spec as never);
  const s = c.line(support, { quantity: 1 });
  const o = c.line(onboarding, { quantity: 1 });
  const r = [
    segmentLine(c, add, ramp, 1, 10, 1000, extra),
    segmentLine(c, add, ramp, 2, 10, 1100),
    segmentLine(c, add, ramp, 3, 12, 1200),
  ];
  (c.contract as { SBQQ__AmendmentStartDate__c: string | null }).SBQQ__AmendmentStartDate__c = '2031-06-01';
  return { c, ramp, support, onboarding, s, o, r, stripe: new StripeLedger(c) };
}

export const segmentMeta = (index: number) => ({
  salesforce_segment_index: String(index),
  salesforce_segment_label: `Year ${index}`,
});
export const segmentItemMeta = (line: M.OrderItem) => ({ ...itemMeta(line), salesforce_segment_key: 'K' });
