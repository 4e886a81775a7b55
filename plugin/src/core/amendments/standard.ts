/**
 * Standard amendments (spec §2.6.3–2.6.4): each unsynced amendment of the contract becomes a new phase
 * on the initial order's schedule — or ends it, for terminations — planned in order on top of the
 * schedule as the previous amendment left it ("stacked amendments"). Items are always rebuilt from
 * Salesforce; Stripe's phases only give the timing and what the past already billed.
 *
 * An amendment whose phase is already on the schedule (the run that applied it stopped before writing
 * its Stripe ID back) counts as synced: it is written back, never planned twice. So does a termination
 * whose cancel or end date Stripe already holds.
 */
import type { ContractItem } from './aggregation.js';
import { activeItems, initialContractItems, remainingQuantity } from './aggregation.js';
import { reappliedMappings } from '../newOrders/collection.js';
import { amendmentPeriod, type OrderPeriod } from './amendmentDates.js';
import type { PlanningContext } from '../plan/context.js';
import type { AmendmentOrder, ContractStructure } from '../records/contract.js';
import { lineDiscounts, orderDiscounts } from '../newOrders/coupons.js';
import { compareDates, fromUnixSeconds, toUnixSeconds } from '../dates.js';
import { assignDistinctPrices } from '../pricing/distinctPrices.js';
import { type RecordRef } from '../errors.js';
import { idempotencyKey } from '../plan/idempotency.js';
import { addInvoiceItem, phaseItem } from '../newOrders/lines.js';
import type { Order, OrderItem } from '../records/models.js';
import { BILLING_FREQUENCY_MONTHS, planAutoArchive, type PriceTerms } from '../pricing/prices.js';
import {
  assertCpqMultiplier,
  cpqProrateMultiplier,
  effectiveTermMonths,
  prorationPrecision,
  termLength,
  type BillingCalendar,
} from '../pricing/prorations.js';
import { id18, recordRef } from '../records/records.js';
import { applyPlannedPhases, type PlannedPhase, type ScheduleState } from './scheduleState.js';
import type { SyncRecordDraft } from '../plan/plan.js';
import { compoundId, DOCUMENTATION_LINKS } from '../plan/syncRecords.js';
import { amendmentPhaseFields } from '../newOrders/schedule.js';
import { stampTerminatedItems, type TerminatedLine } from './terminationMetadata.js';
import type Stripe from 'stripe';
import { amendmentsToPlan, lastAppliedAmendment, recordSynced } from './walk.js';
import { orderError, scheduleCanceled, scheduleMissing } from '../documentedErrors.js';
import type { AmendmentStep, InitialOrderLines } from './step.js';
import { ContractLines } from './contractLines.js';
import { prorationItems } from './prorationWindow.js';
import {
  creditsFor,
  phaseCredit,
  creditPeriod,
  timestampPeriod,
  planCreditInvoiceItems,
  type Credit,
} from './credits.js';
import { placePhase, livePhases } from './phasePlacement.js';

export interface AmendmentOutcome {
  /** The schedule as Stripe will hold it once the plan is applied. */
  readonly schedule: ScheduleState | undefined;
  /**
   * Amendments left for another plan: stacked after one whose phase starts `now`, they need the
   * timestamp Stripe gives that phase, so the engine plans again once this plan is applied.
   */
  readonly deferred: readonly AmendmentOrder[];
}

/** Plans every unsynced amendment of a standard (non-MDQ, non-evergreen) contract. */
export function planAmendments(
  ctx: PlanningContext,
  structure: ContractStructure,
  initial: InitialOrderLines,
  schedule: ScheduleState | undefined,
): AmendmentOutcome {
  const pending = structure.amendments.filter((a) => !a.order.Stripe_ID__c);
  const first = pending[0];
  if (!first) return { schedule, deferred: [] };
  if (!schedule) throw scheduleMissing(first.order);
  const options = { nonAnniversaryAmendments: ctx.sync.settings.features.nonAnniversaryAmendments };
  const periods = structure.amendments.map((a) => amendmentPeriod(a, initial.period.end, options));
  const lines = new ContractLines(ctx);
  let state = schedule;
  const deferred: AmendmentOrder[] = [];
  let deferring = false;
  const appliedThrough = lastAppliedAmendment(ctx, structure.amendments, schedule);
  const walk = amendmentsToPlan(ctx, structure.amendments, {
    stripeId: schedule.id,
    initialItems: initialContractItems(lines.of(structure.initial.order, initial.terms).recurring),
    linesOf: (amendment, i) => lines.of(amendment.order, amendmentTerms(periods[i]!, ctx)),
    changesOf: (orderLines) => [...orderLines.recurring, ...orderLines.reductions],
    alreadyApplied: ({ index }) => index <= appliedThrough,
  });
  for (const { amendment, index, lines: orderLines, previous, items } of walk) {
    if (deferring) {
      deferred.push(amendment);
      continue;
    }
    const step: AmendmentStep = {
      ctx,
      amendment,
      period: periods[index]!,
      previous,
      items,
      oneTime: orderLines.oneTime,
      reductions: orderLines.reductions,
      recurringLineCount: orderLines.recurring.length + orderLines.reductions.length,
      isLast: amendment === pending[pending.length - 1],
      calendar: billingCalendar(initial, items, lines),
    };
    const result = planAmendment(step, lines, state);
    state = result.state;
    deferring = result.startedNow;
  }
  planAutoArchive(lines.usedPrices(), first.order, ctx);
  if (deferred.length > 0)
    ctx.plan.warn(
      `${deferred.length} later amendment(s) of the contract wait for Stripe to start the amendment phase that begins now: the sync plans them once this plan is applied.`,
    );
  for (const { order } of deferred) {
    ctx.plan.syncRecord(deferredSyncRecord(recordRef('Order', order.Id)));
    ctx.plan.defer(recordRef('Order', order.Id));
  }
  return { schedule: state, deferred };
}

/** Decision q22: an amendment left for the plan after this one is `Skipped` until that plan syncs it. */
function deferredSyncRecord(order: RecordRef): SyncRecordDraft {
  return {
    compoundId: compoundId(order, order),
    primary: order,
    secondary: order,
    status: 'Skipped',
    message:
      'An earlier amendment of the contract starts now in Stripe; this amendment is planned on top of it once Stripe has applied it.',
    documentationLink: DOCUMENTATION_LINKS.success,
  };
}

/**
 * Price terms of an amendment's lines. CPQ's UnitPrice covers the amendment's effective term: whole
 * months (a partial month rounded up under Month precision), or months plus days as a fraction of
 * 365/12 under Month + Day — then the divisor is that fraction over the line's billing frequency. A
 * partial month is counted as CPQ counted it or not at all: CPQ's own multiplier must agree with ours
 * (spec §2.6.6), under either precision — a CPQ on Month + Day and a connector on Month would otherwise
 * bill 11 whole months for 10 months and 28 days (recording
 * amendments.test_proration_amendments__translates_non-anniversary_amendment_order_billed_annually).
 */
function amendmentTerms(period: OrderPeriod, ctx: PlanningContext): (line: OrderItem) => PriceTerms {
  const length = termLength(period.start, period.end);
  const precision = prorationPrecision(ctx.sync.settings);
  const effective = effectiveTermMonths(length, precision);
  const checkMultiplier = (line: OrderItem): void => {
    if (length.days === 0) return;
    assertCpqMultiplier(
      cpqProrateMultiplier(length, precision, line.SBQQ__DefaultSubscriptionTerm__c ?? 12),
      line.SBQQ__ProrateMultiplier__c,
      recordRef('OrderItem', line.Id),
    );
  };
  if (effective.isInteger())
    return (line) => {
      checkMultiplier(line);
      return { termMonths: effective.toNumber(), initialOrder: false };
    };
  return (line) => {
    checkMultiplier(line);
    const billingMonths = BILLING_FREQUENCY_MONTHS[line.SBQQ__BillingFrequency__c ?? ''] ?? 1;
    return { termMonths: period.termMonths, initialOrder: false, multiplier: effective.div(billingMonths) };
  };
}

function billingCalendar(
  initial: InitialOrderLines,
  items: readonly ContractItem[],
  lines: ContractLines,
): BillingCalendar {
  const first = items.map((i) => lines.line(i)).find((l) => l?.price.candidate.intervalMonths);
  return { anchor: initial.period.start, billingMonths: first?.price.candidate.intervalMonths ?? 1 };
}

interface StepResult {
  readonly state: ScheduleState;
  readonly startedNow: boolean;
}

function planAmendment(step: AmendmentStep, lines: ContractLines, state: ScheduleState): StepResult {
  const { ctx, amendment, period } = step;
  const order = amendment.order;
  const terminated = activeItems(step.items).length === 0;
  assertAmendmentShape(step, terminated);
  const now = ctx.sync.now;
  const today = fromUnixSeconds(now);
  const startTs = toUnixSeconds(period.start);
  const endTs = toUnixSeconds(period.end);
  const sinceToday = compareDates(period.start, today);
  const startsNow = sinceToday <= 0; // same day or backdated: Stripe can only start the phase now
  const last = state.phases[state.phases.length - 1];
  const identicalRange = last !== undefined && last.start_date === startTs && last.end_date === endTs;
  const cancels = terminated && (startsNow || identicalRange || !state.phases.some((p) => p.start_date < startTs));
  if (terminated && terminationOnSchedule(state, cancels, startTs)) {
    recordSynced(ctx, order, state.id);
    return { state, startedNow: false };
  }
  if (state.status === 'canceled') {
    throw scheduleCanceled(order);
  }

  const start = startsNow ? 'now' : startTs;
  const change: ScheduleChange = {
    step,
    state,
    credits: creditsFor(step, lines, start),
    stamped: ctx.sync.settings.features.terminationMetadata ? terminatedLines(step) : [],
  };
  if (cancels) return planCancel(change);
  const newPhase = terminated ? undefined : buildAmendmentPhase(step, lines, state, start, change.credits);
  const phases = placePhase(ctx, state, newPhase, start, recordRef('Order', order.Id));
  const previous = phases.length - (newPhase ? 2 : 1);
  if (previous >= 0)
    phases[previous] = stampTerminatedItems(ctx, phases[previous]!, amendment.opportunity, change.stamped);
  if (terminated) creditTermination(change, phases);
  planScheduleUpdate(ctx, order, state, { phases, proration_behavior: 'none', ...reappliedMappings(ctx, order) });
  recordSynced(ctx, order, state.id);
  return { state: applyPlannedPhases(state, phases, now), startedNow: startsNow };
}

/** The documented errors of an amendment's lines (spec §2.6.2–2.6.3), whatever the schedule holds. */
function assertAmendmentShape(step: AmendmentStep, terminated: boolean): void {
  const order = step.amendment.order;
  if (terminated && !step.isLast) {
    throw orderError(
      order,
      'A termination order is processing, but more amendments are queued.',
      'Delete or deactivate the amendments after the termination, or sync them before it.',
    );
  }
  if (step.recurringLineCount === 0 && step.oneTime.length > 0) {
    throw orderError(
      order,
      'Amendment order representing all one-time invoices.',
      'Sell one-time products on a new order, not an amendment.',
    );
  }
  if (terminated && step.oneTime.length > 0) {
    throw orderError(
      order,
      'One-time invoice items but terminated order.',
      'Sell the one-time products on a new order; a termination cannot bill them.',
    );
  }
}

/**
 * Whether Stripe already holds this termination — the contract's last amendment — because a run applied it
 * and stopped before its write-back: a termination that cancels finds the schedule canceled; one that
 * ends the schedule finds its last phase ending on the termination date (before, every phase
 * co-terminates later), running or completed since. Credits and termination metadata went to Stripe
 * before either, so only the write-back is left. Any other amendment of a canceled schedule is the
 * documented error.
 */
function terminationOnSchedule(state: ScheduleState, cancels: boolean, startTs: number): boolean {
  if (state.status === 'canceled') return cancels;
  return state.phases[state.phases.length - 1]?.end_date === startTs;
}

/** One amendment's change to the schedule: its credits and the lines whose items get termination metadata. */
interface ScheduleChange {
  readonly step: AmendmentStep;
  readonly state: ScheduleState;
  readonly credits: readonly Credit[];
  readonly stamped: readonly TerminatedLine[];
}

/**
 * Credits with today's API reach the customer as invoice items on the running subscription (the relay
 * bills them at once, like proration items); before the schedule starts nothing was billed yet.
 */
const billedCredits = ({ state, credits }: ScheduleChange): readonly Credit[] => (state.subscription ? credits : []);

/**
 * A termination without a new phase to carry its credits: invoice items on the running subscription, or —
 * when the schedule has not started and will bill its last phase in full — that phase's first invoice.
 */
function creditTermination(change: ScheduleChange, phases: PlannedPhase[]): void {
  const { step, state, credits } = change;
  const last = phases[phases.length - 1];
  if (state.subscription || !last) return planCreditInvoiceItems(step, state, billedCredits(change));
  const carried = credits.map((c) => phaseCredit(c, timestampPeriod(creditPeriod(step, c))));
  phases[phases.length - 1] = { ...last, add_invoice_items: [...(last.add_invoice_items ?? []), ...carried] };
}

/**
 * Same-day, backdated and identical-range terminations cancel the schedule (spec §2.6.4), after their
 * credits (then the cancel's final invoice carries them) and the termination metadata (Stripe keeps a
 * canceled schedule's phases as they were).
 */
function planCancel(change: ScheduleChange): StepResult {
  const { step, state, stamped } = change;
  const { ctx, amendment } = step;
  const order = amendment.order;
  const credits = billedCredits(change);
  planCreditInvoiceItems(step, state, credits);
  const phases = livePhases(
    ctx,
    state.phases.map((p) => ({ ...p })),
    state,
  );
  const last = phases.length - 1;
  if (stamped.length > 0 && last >= 0) {
    phases[last] = stampTerminatedItems(ctx, phases[last]!, amendment.opportunity, stamped);
    planScheduleUpdate(ctx, order, state, { phases, proration_behavior: 'none' });
  }
  ctx.plan.add({
    op: 'subscriptionSchedules.cancel',
    ref: state.ref,
    id: state.id,
    params: { invoice_now: credits.length > 0, prorate: false },
    idempotencyKey: idempotencyKey(ctx.sync.orgId, order, 'subscriptionSchedules.cancel'),
    source: recordRef('Order', order.Id),
  });
  recordSynced(ctx, order, state.id);
  return { state: { ...state, status: 'canceled', currentPhase: null }, startedNow: false };
}

function planScheduleUpdate(
  ctx: PlanningContext,
  order: Order,
  state: ScheduleState,
  params: Stripe.SubscriptionScheduleUpdateParams,
): void {
  ctx.plan.add({
    op: 'subscriptionSchedules.update',
    ref: state.ref,
    id: state.id,
    params,
    idempotencyKey: idempotencyKey(ctx.sync.orgId, order, 'subscriptionSchedules.update'),
    source: recordRef('Order', order.Id),
  });
}

/** Lines this amendment takes the last unit back from, each with the negative line that does it. */
function terminatedLines(step: AmendmentStep): TerminatedLine[] {
  const before = new Map(step.previous.map((item) => [item.line.Id, remainingQuantity(item)]));
  return step.items.flatMap((item) => {
    if (remainingQuantity(item) > 0 || !(before.get(item.line.Id) ?? 0)) return [];
    const reduction = step.reductions.find((r) => sameOrigin(r, item.originId)) ?? item.line;
    return [{ item, reduction }];
  });
}

const sameOrigin = (line: OrderItem, originId: string): boolean =>
  id18(line.SBQQ__RevisedOrderProduct__c ?? line.Id) === id18(originId);

/**
 * The amendment's phase: the whole aggregate as items, the amendment's one-time lines, proration
 * items for its off-cycle lines, (by flag) credits for units it took back, and the amendment order's
 * `subscription_phase` mappings beneath its own record metadata.
 */
export function buildAmendmentPhase(
  step: AmendmentStep,
  lines: ContractLines,
  state: ScheduleState,
  start: number | 'now',
  credits: readonly Credit[] = [],
): PlannedPhase {
  const { ctx, amendment, period } = step;
  const active = activeItems(step.items).filter((item) => lines.line(item));
  const previousItems = state.phases[state.phases.length - 1]?.items ?? [];
  const prices = assignDistinctPrices(
    ctx,
    active.map((item) => ({ item, price: lines.line(item).price })),
    previousItems,
  );
  const items = active.map((item) => {
    const planned = lines.line(item);
    const item_ = phaseItem(planned, lineDiscounts(item.line, ctx), lines.use(prices.get(item)!));
    return planned.quantity === undefined ? item_ : { ...item_, quantity: remainingQuantity(item) };
  });
  const discounts = orderDiscounts(amendment.order, ctx);
  const mapped = amendmentPhaseFields(amendment.order, ctx) as Partial<PlannedPhase>;
  return {
    ...mapped,
    start_date: start,
    end_date: toUnixSeconds(period.end),
    items,
    add_invoice_items: [
      ...step.oneTime.map((line) => addInvoiceItem(line, lineDiscounts(line.item, ctx))),
      ...prorationItems(step, lines, start),
      ...credits.map((credit) =>
        phaseCredit(
          credit,
          credit.window?.period ?? { start: { type: 'phase_start' }, end: { type: 'min_item_period_end' } },
        ),
      ),
    ],
    proration_behavior: 'none',
    ...(discounts.length ? { discounts } : {}),
  };
}
