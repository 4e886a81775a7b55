import { parseDate, formatDate, type CalendarDate } from '../../../plugin/src/core/dates.js';
import { SyncError } from '../../../plugin/src/core/errors.js';
import { Decimal } from '../../../plugin/src/core/money.js';
import {
  assertCpqMultiplier,
  cpqProrateMultiplier,
  effectiveTermMonths,
  isBillingDate,
  missedBillingCycles,
  nextBillingDate,
  prorationAmount,
  prorationShare,
  roundProration,
  termLength,
} from '../../../plugin/src/core/pricing/prorations.js';

const d = (text: string): CalendarDate => parseDate(text)!;

describe('proration money formulas (spec §2.6.6)', () => {
  it('S23: the doc formulation (UnitPrice ÷ term × months outside the cycle) equals the per-period one', () => {
    const unitPriceForTerm = new Decimal(18000); // 180.00 USD for 18 months, in cents
    const doc = unitPriceForTerm.div(18).times(6);
    const perPeriod = unitPriceForTerm.div(new Decimal(18).div(12)); // 12000: the recurring item's price
    const src = prorationAmount({ unitAmount: perPeriod, termMonths: 18, billingMonths: 12 });
    expect(perPeriod.toFixed()).toBe('12000');
    expect(src.toFixed()).toBe('6000');
    expect(doc.equals(src)).toBe(true);
  });

  it('bills a whole period when the term is a whole number of periods (same-day and off-cycle starts)', () => {
    expect(prorationShare(10, 1).toFixed()).toBe('1');
    expect(prorationShare(24, 12).toFixed()).toBe('1');
    expect(prorationShare(18, 12).toFixed()).toBe('0.5');
  });

  it('S29: a backdated amendment adds the billing cycles it missed', () => {
    expect(prorationAmount({ unitAmount: 1000, termMonths: 10, billingMonths: 1, backdatedCycles: 1 }).toFixed()).toBe(
      '2000',
    );
  });

  it('S24: Month + Day precision keeps leftover days as a fraction of 365/12', () => {
    const term = termLength(d('2022-02-15'), d('2023-01-01'));
    expect(term).toEqual({ months: 10, days: 17 });
    const effective = effectiveTermMonths(term, 'month+day');
    const amount = roundProration(
      prorationAmount({ unitAmount: 120000, termMonths: effective, billingMonths: 12 }),
      'usd',
      false,
    );
    expect(amount.toFixed()).toBe('105589.041095890411');
    expect(cpqProrateMultiplier(term, 'month+day', 12).toDecimalPlaces(6).toFixed()).toBe('0.879909');
  });

  it('S24: Month precision rounds the partial month up (term 11 of 12)', () => {
    const term = termLength(d('2022-02-15'), d('2023-01-01'));
    expect(effectiveTermMonths(term, 'month').toFixed()).toBe('11');
    expect(prorationShare(effectiveTermMonths(term, 'month'), 12).times(12).toFixed()).toBe('11');
  });

  it('rounds to whole cents with Salesforce precision', () => {
    expect(roundProration(new Decimal('105589.041095890411'), 'usd', true).toFixed()).toBe('105589');
  });

  it("raises the documented connector error when CPQ's multiplier differs", () => {
    const record = { id: 'x', type: 'OrderItem' };
    const computed = cpqProrateMultiplier({ months: 10, days: 17 }, 'month+day', 12);
    expect(() => assertCpqMultiplier(computed, computed.toNumber(), record)).not.toThrow();
    let error: unknown;
    try {
      assertCpqMultiplier(computed, 0.88, record);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).resolutionMessage).toBe(
      'Connector Error: Calculated price multiplier differs from cpq price multiplier.',
    );
  });
});

describe('billing calendar', () => {
  const monthlyFromJan31 = { anchor: d('2030-01-31'), billingMonths: 1 };

  it('counts billing dates from the anchor so month-end anchors do not drift', () => {
    expect(formatDate(nextBillingDate(monthlyFromJan31, d('2030-02-28')))).toBe('2030-03-31');
    expect(isBillingDate(monthlyFromJan31, d('2030-02-28'))).toBe(true);
    expect(isBillingDate(monthlyFromJan31, d('2030-03-28'))).toBe(false);
  });

  it('S29: one cycle (Apr 1) falls in (Mar 1, Apr 10]; the next billing date is May 1', () => {
    const calendar = { anchor: d('2030-01-01'), billingMonths: 1 };
    expect(missedBillingCycles(calendar, d('2030-03-01'), d('2030-04-10'))).toBe(1);
    expect(formatDate(nextBillingDate(calendar, d('2030-04-10')))).toBe('2030-05-01');
  });

  it('S22: an annual contract bills on its anniversaries only', () => {
    const calendar = { anchor: d('2030-01-01'), billingMonths: 12 };
    expect(isBillingDate(calendar, d('2030-07-01'))).toBe(false);
    expect(isBillingDate(calendar, d('2031-01-01'))).toBe(true);
    expect(formatDate(nextBillingDate(calendar, d('2029-06-01')))).toBe('2030-01-01');
  });
});
