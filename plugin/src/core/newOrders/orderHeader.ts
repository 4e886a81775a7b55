/**
 * The order-level facts every plan starts from (spec §2.5): the CPQ quote, the start date and the
 * subscription term (required mappings `start_date` and `iterations`, the latter overridable through
 * `subscription_phase.iterations`), and the order's own mapped schedule fields.
 */
import type { PlanningContext } from '../plan/context.js';
import { addMonths, parseDate, type CalendarDate } from '../dates.js';
import { SyncError } from '../errors.js';
import { applyMappings, type MappedFields } from '../mappings/mappings.js';
import type { Order, Quote } from '../records/models.js';
import { recordRef } from '../records/records.js';

export interface OrderHeader {
  readonly order: Order;
  readonly quote: Quote;
  readonly start: CalendarDate;
  /** Whole months. */
  readonly termMonths: number;
  /** start + term months: the schedule's exclusive end. */
  readonly end: CalendarDate;
  /** `subscription_schedule` mappings (start_date and iterations included). */
  readonly scheduleFields: MappedFields;
  /** `subscription_phase` mappings. */
  readonly phaseFields: MappedFields;
}

/** Reads the header, collecting every problem (no quote, missing fields, bad term) before failing. */
export function readOrderHeader(order: Order, ctx: PlanningContext): OrderHeader | SyncError[] {
  const orderRef = recordRef('Order', order.Id);
  const quote = ctx.index.get('quotes', order.SBQQ__Quote__c);
  if (!quote) {
    return [
      new SyncError("There's no CPQ quote associated with the Salesforce order.", {
        kind: 'data',
        record: orderRef,
        field: 'SBQQ__Quote__c',
        fix: 'Create the order from a CPQ quote (SBQQ__Quote__c), then sync again.',
      }),
    ];
  }
  const problems: SyncError[] = [];
  if (ctx.sync.settings.termUnit !== 'month') {
    problems.push(
      new SyncError(`The CPQ subscription term unit "${ctx.sync.settings.termUnit}" is not supported; only month is.`, {
        kind: 'data',
        record: orderRef,
        fix: "Set the connector's subscription term unit to month, matching CPQ's global term unit.",
      }),
    );
  }
  const schedule = applyMappings('subscription_schedule', order, ctx.index, ctx.sync.mappings);
  const phase = applyMappings('subscription_phase', order, ctx.index, ctx.sync.mappings);
  if (schedule.missing.length > 0) {
    problems.push(
      new SyncError(schedule.missing.join(', '), {
        kind: 'missing_fields',
        record: orderRef,
        field: schedule.missing[0],
        fix: 'Fill in the quote start date and subscription term, then sync again.',
      }),
    );
    return problems;
  }
  const start = parseDate(String(schedule.fields.start_date));
  if (!start) {
    problems.push(
      new SyncError(`The start date ${String(schedule.fields.start_date)} is not a date.`, {
        kind: 'data',
        record: orderRef,
        field: 'start_date',
        fix: 'Map start_date to a date field.',
      }),
    );
  }
  const rawTerm = phase.fields.iterations ?? schedule.fields.iterations;
  const termMonths = Number(rawTerm);
  if (!Number.isInteger(termMonths) || termMonths <= 0) {
    problems.push(
      new SyncError(`The subscription term must be a whole, positive number of months; found ${String(rawTerm)}.`, {
        kind: 'data',
        record: recordRef('SBQQ__Quote__c', quote.Id),
        field: 'SBQQ__SubscriptionTerm__c',
        fix: 'Set the quote subscription term to a whole number of months.',
      }),
    );
  }
  if (problems.length > 0 || !start) return problems;
  return {
    order,
    quote,
    start,
    termMonths,
    end: addMonths(start, termMonths),
    scheduleFields: schedule.fields,
    phaseFields: phase.fields,
  };
}
