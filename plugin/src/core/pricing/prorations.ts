/**
 * Proration money and billing-calendar formulas for amendments (spec §2.6.6), independent of payment
 * terms. CPQ's own proration is the source of truth: a line that starts off the billing cycle gets one
 * debit invoice item worth `unit × p`, where p is the share of a billing period the cycle does not cover
 * (plus the whole cycles a backdated amendment already missed). Amounts are minor units, as decimals.
 */
import { addDays, addMonths, compareDates, wholeMonthsBetween, daysBetween, type CalendarDate } from '../dates.js';
import { SyncError, type RecordRef } from '../errors.js';
import { Decimal, roundForStripe, roundToSalesforcePrecision } from '../money.js';
import type { Settings } from '../settings.js';

/** CPQ's subscription prorate precision setting (spec §2.1, `cpq_prorate_precision`). */
export type ProratePrecision = Settings['proratePrecision'];

/**
 * The precision prices and prorations use: CPQ's Subscription Prorate Precision, or Month + Day when the
 * org turned day prorations on (`Day_Prorations__c`, the reference's `day_prorations` flag; spec S24) —
 * CPQ's own multipliers then count the leftover days (recording
 * amendments.test_amendments__non_anniversary_amendment_order_coterminates_with_initial_order).
 */
export function prorationPrecision(settings: Pick<Settings, 'proratePrecision' | 'features'>): ProratePrecision {
  return settings.features.dayProrations ? 'month+day' : settings.proratePrecision;
}

/** Days per month CPQ uses to turn leftover days into a fraction of a month (Month + Day precision). */
export const DAYS_PER_MONTH = new Decimal(365).div(12);
/** Largest difference tolerated between our multiplier and CPQ's SBQQ__ProrateMultiplier__c. */
const MULTIPLIER_TOLERANCE = new Decimal('1e-10');

/** A term between two dates: whole calendar months plus the days left over. */
export interface TermLength {
  readonly months: number;
  readonly days: number;
}

/** Whole months from `start` to `end` (exclusive) and the days after the last whole month. */
export function termLength(start: CalendarDate, end: CalendarDate): TermLength {
  const months = wholeMonthsBetween(start, end);
  return { months, days: daysBetween(addMonths(start, months), end) };
}

/**
 * The term in months that prices and prorations use: Month precision rounds a partial month up
 * (CPQ does), Month + Day keeps the days as a fraction of 365/12.
 */
export function effectiveTermMonths(term: TermLength, precision: ProratePrecision): Decimal {
  if (term.days === 0) return new Decimal(term.months);
  return precision === 'month'
    ? new Decimal(term.months + 1)
    : new Decimal(term.months).plus(new Decimal(term.days).div(DAYS_PER_MONTH));
}

/**
 * p: the share of one billing period an off-cycle amendment line is billed for up front.
 * `(term % bf) / bf`, or a whole period when the term is a whole number of periods (the same-day and
 * off-anniversary cases, where the next cycle is a full period away).
 */
export function prorationShare(termMonths: Decimal | number | string, billingMonths: number): Decimal {
  const rest = new Decimal(termMonths).mod(billingMonths);
  return rest.isZero() ? new Decimal(1) : rest.div(billingMonths);
}

export interface ProrationAmountInput {
  /** The recurring price per billing period, minor units (`unit_amount_decimal`). */
  readonly unitAmount: Decimal | number | string;
  readonly termMonths: Decimal | number | string;
  readonly billingMonths: number;
  /** Whole billing cycles a backdated amendment has already missed (billed on top). */
  readonly backdatedCycles?: number;
}

/** Per-unit amount of a proration price, before rounding. */
export function prorationAmount(input: ProrationAmountInput): Decimal {
  const unit = new Decimal(input.unitAmount);
  return unit.times(prorationShare(input.termMonths, input.billingMonths)).plus(unit.times(input.backdatedCycles ?? 0));
}

/** A computed amount rounded by money.ts's rules: Stripe's 12 places, or Salesforce's 2 major-unit places. */
export function roundProration(amount: Decimal, currency: string, salesforcePrecision: boolean): Decimal {
  return salesforcePrecision ? roundToSalesforcePrecision(amount, currency) : roundForStripe(amount);
}

/**
 * CPQ's prorate multiplier for a line running `term` on a product whose list price covers
 * `defaultTermMonths` (blank → 12): the effective term over the default term.
 */
export function cpqProrateMultiplier(
  term: TermLength,
  precision: ProratePrecision,
  defaultTermMonths: number,
): Decimal {
  return effectiveTermMonths(term, precision).div(defaultTermMonths);
}

/** Raises the documented connector error when our multiplier and CPQ's disagree (spec §2.6.6). */
export function assertCpqMultiplier(computed: Decimal, cpq: number | null | undefined, record: RecordRef): void {
  if (cpq === null || cpq === undefined) return;
  if (computed.minus(cpq).abs().greaterThan(MULTIPLIER_TOLERANCE)) {
    throw new SyncError('Calculated price multiplier differs from cpq price multiplier.', {
      kind: 'connector',
      record,
      field: 'SBQQ__ProrateMultiplier__c',
      fix: `CPQ says ${cpq}, the dates give ${computed.toSignificantDigits(12).toString()}: check that the CPQ Subscription Prorate Precision setting matches the connector's.`,
    });
  }
}

/** The billing calendar of a schedule: anchored on its first phase start, one date every bf months. */
export interface BillingCalendar {
  readonly anchor: CalendarDate;
  readonly billingMonths: number;
}

/** The k-th billing date, always counted from the anchor so month-end anchors do not drift. */
export const billingDate = (calendar: BillingCalendar, k: number): CalendarDate =>
  addMonths(calendar.anchor, k * calendar.billingMonths);

/** The first billing date strictly after `date`. */
export function nextBillingDate(calendar: BillingCalendar, date: CalendarDate): CalendarDate {
  let k = Math.max(0, Math.floor(wholeMonthsBetween(calendar.anchor, date) / calendar.billingMonths));
  while (compareDates(billingDate(calendar, k), date) <= 0) k++;
  return billingDate(calendar, k);
}

/** True when `date` is a billing date of the calendar. */
export function isBillingDate(calendar: BillingCalendar, date: CalendarDate): boolean {
  return (
    compareDates(date, calendar.anchor) >= 0 && compareDates(nextBillingDate(calendar, addDays(date, -1)), date) === 0
  );
}

/** Billing dates in (start, today]: the cycles a backdated amendment missed. */
export function missedBillingCycles(calendar: BillingCalendar, start: CalendarDate, today: CalendarDate): number {
  let count = 0;
  for (let d = nextBillingDate(calendar, start); compareDates(d, today) <= 0; d = nextBillingDate(calendar, d)) count++;
  return count;
}
