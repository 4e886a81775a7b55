/**
 * Amendment date rules (spec §2.6.5): every amendment must co-terminate with the initial order, CPQ's
 * inclusive end dates become exclusive Stripe end dates (+1 day), and an amendment that starts on a
 * different day of the month than the initial order (non-anniversary) needs its own end date and a
 * term of whole months.
 */
import type { ContractOrder } from '../records/contract.js';
import {
  addDays,
  addMonths,
  compareDates,
  daysInMonth,
  parseDate,
  wholeMonthsBetween,
  type CalendarDate,
} from '../dates.js';
import { SyncError, type RecordRef } from '../errors.js';
import type { Quote } from '../records/models.js';
import { recordRef } from '../records/records.js';

/** An order's place in time: its start, exclusive end and whole-month term. */
export interface OrderPeriod {
  readonly start: CalendarDate;
  readonly end: CalendarDate;
  /** Whole months; the days past them (non-anniversary amendments) are in `end`. */
  readonly termMonths: number;
}

const orderRef = (order: ContractOrder): RecordRef => recordRef('Order', order.order.Id);

function missing(order: ContractOrder, path: string): SyncError {
  return new SyncError(path, {
    kind: 'missing_fields',
    record: orderRef(order),
    field: path,
    fix: `Fill ${path} and sync again.`,
  });
}

export function quoteStart(order: ContractOrder): CalendarDate {
  const start = order.quote.SBQQ__StartDate__c ? parseDate(order.quote.SBQQ__StartDate__c) : undefined;
  if (!start) throw missing(order, 'SBQQ__Quote__c.SBQQ__StartDate__c');
  return start;
}

/** The quote's term in whole months, undefined when blank; a fractional term is the documented error. */
export function quoteTerm(order: ContractOrder): number | undefined {
  const term = order.quote.SBQQ__SubscriptionTerm__c;
  if (term === null || term === undefined) return undefined;
  if (!Number.isInteger(term)) {
    throw new SyncError('The subscription term is specified as a decimal value. Only whole months are supported.', {
      kind: 'data',
      record: recordRef('SBQQ__Quote__c', order.quote.Id),
      field: 'SBQQ__SubscriptionTerm__c',
      fix: 'Set the quote subscription term to a whole number of months.',
    });
  }
  return term;
}

/** CPQ's last day (inclusive) → Stripe's exclusive end. */
export function exclusiveEnd(quote: Quote): CalendarDate | undefined {
  const end = quote.SBQQ__EndDate__c ? parseDate(quote.SBQQ__EndDate__c) : undefined;
  return end ? addDays(end, 1) : undefined;
}

/** The initial order's period: start + term months, else CPQ end date + 1 day. */
export function initialOrderPeriod(initial: ContractOrder): OrderPeriod {
  const start = quoteStart(initial);
  const term = quoteTerm(initial);
  if (term !== undefined) return { start, end: addMonths(start, term), termMonths: term };
  const end = exclusiveEnd(initial.quote);
  if (!end) throw missing(initial, 'SBQQ__Quote__c.SBQQ__SubscriptionTerm__c');
  return { start, end, termMonths: wholeMonthsBetween(start, end) };
}

export interface AmendmentDateOptions {
  readonly nonAnniversaryAmendments: boolean;
}

/**
 * An amendment's period, end normalised against the initial order's end, and the co-termination check.
 * Raises the documented errors on the amendment order.
 */
export function amendmentPeriod(
  amendment: ContractOrder,
  initialEnd: CalendarDate,
  options: AmendmentDateOptions,
): OrderPeriod {
  const start = quoteStart(amendment);
  const term = quoteTerm(amendment);
  const cpqEnd = exclusiveEnd(amendment.quote);
  if (term === undefined && !cpqEnd) {
    throw new SyncError('Please specify either the subscription term or the end date on the Salesforce amendment.', {
      kind: 'data',
      record: orderRef(amendment),
      field: 'SBQQ__Quote__c.SBQQ__SubscriptionTerm__c',
      fix: 'Set the amendment quote subscription term or end date.',
    });
  }
  let end = term !== undefined ? addMonths(start, term) : cpqEnd!;
  const daysDiff = initialEnd.day - end.day;
  if (daysDiff !== 0) {
    if (start.day === daysInMonth(start.year, start.month) && daysDiff > 0 && daysDiff <= 3) {
      // A month-end start (Sep 30 → Feb 28) lands a few days short of the anniversary: snap forward.
      end = { ...end, day: Math.min(initialEnd.day, daysInMonth(end.year, end.month)) };
    } else {
      end = nonAnniversaryEnd(amendment, start, term, cpqEnd, options);
    }
  }
  if (compareDates(end, initialEnd) !== 0) {
    throw new SyncError('Order amendments must coterminate with the initial order.', {
      kind: 'data',
      record: orderRef(amendment),
      field: 'SBQQ__Quote__c.SBQQ__SubscriptionTerm__c',
      fix: "Set the amendment's end date (usually through its subscription term) to the initial order's end date.",
    });
  }
  return { start, end, termMonths: term ?? wholeMonthsBetween(start, end) };
}

function nonAnniversaryEnd(
  amendment: ContractOrder,
  start: CalendarDate,
  term: number | undefined,
  cpqEnd: CalendarDate | undefined,
  options: AmendmentDateOptions,
): CalendarDate {
  if (!options.nonAnniversaryAmendments) {
    throw new SyncError(
      'Amendment orders must start on the same day of the month as the initial order. Enable the feature for non-anniversary amendments to sync this order.',
      {
        kind: 'data',
        record: orderRef(amendment),
        field: 'SBQQ__Quote__c.SBQQ__StartDate__c',
        fix: 'Start the amendment on the initial order’s day of the month, or turn on non-anniversary amendments.',
      },
    );
  }
  if (!cpqEnd) throw missing(amendment, 'SBQQ__Quote__c.SBQQ__EndDate__c');
  if (term !== undefined && term !== wholeMonthsBetween(start, cpqEnd)) {
    throw new SyncError(
      "The amendment order subscription term doesn't equal the number of whole months between the start and end date.",
      {
        kind: 'data',
        record: orderRef(amendment),
        field: 'SBQQ__Quote__c.SBQQ__SubscriptionTerm__c',
        fix: `Set the subscription term to ${wholeMonthsBetween(start, cpqEnd)}, the whole months between the amendment's start and end dates.`,
      },
    );
  }
  return cpqEnd;
}
