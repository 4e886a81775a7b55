// The MDQ ramp deal of S14/S35: three yearly segments of a Ramp product beside Support and a one-time
// Onboarding line, and the Ramp's yearly segments.
import type * as M from '../../../plugin/src/core/records/models.js';
import type { Segment } from '@stripe-cpq/salesforce-org-emulator/seed/cpqRecords.js';
import { ContractFixture, sfId } from './contractFixture.js';
import { itemMeta, StripeLedger } from './stripeLedger.js';

const DIMENSION = sfId('a0d');

/** Year `index` (1–3, from 2030) of the Ramp's Year price dimension, as CPQ segments it. */
export function rampYear(index: number): Segment {
  const year = 2029 + index;
  return {
    key: 'K',
    index,
    label: `Year ${index}`,
    start: `${year}-01-01`,
    end: `${year}-12-31`,
    dimension: DIMENSION,
    dimensionType: 'Year',
  };
}

/** A 36-month ramp deal from 2030-01-01 (Ramp 10/10/12 units by year, Support, Onboarding), its amendment start 2031-06-01. */
export function rampDeal(extra: Partial<M.OrderItem> = {}) {
  const c = new ContractFixture('2030-01-01', 36);
  const ramp = c.product({ name: 'Ramp', billingFrequency: 'Annual', listPrice: 1000 });
  const support = c.product({ name: 'Support', billingFrequency: 'Annual', listPrice: 500 });
  const onboarding = c.product({ name: 'Onboarding', listPrice: 2000 });
  const s = c.line(support, { quantity: 1 });
  const o = c.line(onboarding, { quantity: 1 });
  const r = [
    c.line(ramp, { quantity: 10, unitPrice: 1000, segment: rampYear(1), orderItem: extra }),
    c.line(ramp, { quantity: 10, unitPrice: 1100, segment: rampYear(2) }),
    c.line(ramp, { quantity: 12, unitPrice: 1200, segment: rampYear(3) }),
  ];
  (c.contract as { SBQQ__AmendmentStartDate__c: string | null }).SBQQ__AmendmentStartDate__c = '2031-06-01';
  return { c, ramp, support, onboarding, s, o, r, stripe: new StripeLedger(c) };
}

export const segmentMeta = (index: number) => ({
  salesforce_segment_index: String(index),
  salesforce_segment_label: `Year ${index}`,
});
export const segmentItemMeta = (line: M.OrderItem) => ({ ...itemMeta(line), salesforce_segment_key: 'K' });
