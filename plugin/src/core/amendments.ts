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
import { activeItems, applyAmendmentLines, initialContractItems, remainingQuantity } from './aggregation.js';
import { reappliedMappings } from './collection.js';
import { amendmentPeriod, type OrderPeriod } from './amendmentDates.js';
import type { PlanningContext } from './context.js';
import type { AmendmentOrder, ContractStructure } from './contract.js';
import { lineDiscounts, orderDiscounts } from './coupons.js';
import { compareDates, fromUnixSeconds, toUnixSeconds, type CalendarDate } from './dates.js';
import { assignDistinctPrices } from './distinctPrices.js';
import { SyncError, type RecordRef } from './errors.js';
import { idempotencyKey } from './idempotency.js';
import { addInvoiceItem, lineActivationProblem, phaseItem, planOrderLine, type PlannedLine } from './lines.js';
import { flagMetadata, recordMetadata, type Metadata } from './metadata.js';
import type { Order, OrderItem } from './models.js';
import { Decimal, stripeDecimal } from './money.js';
import { BILLING_FREQUENCY_MONTHS, planAutoArchive, planDerivedPrice, type PriceTerms } from './prices.js';
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
  type BillingCalendar,
} from './prorations.js';
import { id18, recordRef } from './records.js';
import { applyPlannedPhases, type InvoiceItemParams, type PlannedPhase, type ScheduleState } from './scheduleState.js';
import { ref, type SyncRecordDraft } from './plan.js';
import { compoundId, DOCUMENTATION_LINKS, successSyncRecord, type StripeObjectTitle } from './syncRecords.js';
import { amendmentPhaseFields } from './schedule.js';
import { stampTerminatedItems, type TerminatedLine } from './terminationMetadata.js';
import type Stripe from 'stripe';

export interface AmendmentOutcome {
  /** The schedule as Stripe will hold it once the plan is applied. */
  readonly schedule: ScheduleState | undefined;
  /**
   * Amendments left for another plan: stacked after one whose phase starts `now`, they need the
   * timestamp Stripe gives that phase, so the engine plans again once this plan is applied.
   */
  readonly deferred: readonly AmendmentOrder[];
}

/** The initial order's priced lines and period: what the amendments build on. */
export interface InitialOrderLines {
  readonly period: OrderPeriod;
  readonly terms: PriceTerms;
}

/** Plans every unsynced amendment of a standard (non-MDQ, non-evergreen) contract. */
export function planAmendments(ctx: PlanningContext, structure: ContractStructure, initial: InitialOrderLines, schedule: ScheduleState | undefined): AmendmentOutcome {
  const pending = structure.amendments.filter((a) => !a.order.Stripe_ID__c);
  const first = pending[0];
  if (!first) return { schedule, deferred: [] };
  if (!schedule) {
    throw amendmentError(first.order, 'Unable to find the corresponding Stripe subscription schedule for the amendment order.', 'The initial order has no Stripe subscription schedule; it was deleted, so the contract cannot sync.');
  }
  const options = { nonAnniversaryAmendments: ctx.sync.settings.features.nonAnniversaryAmendments };
  const periods = structure.amendments.map((a) => amendmentPeriod(a, initial.period.end, options));
  const lines = new ContractLines(ctx);
  let items = initialContractItems(lines.of(structure.initial.order, initial.terms).recurring);
  let state = schedule;
  const deferred: AmendmentOrder[] = [];
  let deferring = false;
  const appliedThrough = lastAppliedAmendment(ctx, structure.amendments, schedule);
  for (const [i, amendment] of structure.amendments.entries()) {
    const period = periods[i]!;
    const orderLines = lines.of(amendment.order, amendmentTerms(period, ctx));
    const previous = items;
    items = applyAmendmentLines(items, [...orderLines.recurring, ...orderLines.reductions]);
    if (amendment.order.Stripe_ID__c) continue;
    if (i <= appliedThrough) {
      recordSynced(ctx, amendment.order, state.id);
      continue;
    }
    if (deferring) {
      deferred.push(amendment);
      continue;
    }
    const step: AmendmentStep = {
      ctx,
      amendment,
      period,
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
  if (deferred.length > 0) ctx.plan.warn(`${deferred.length} later amendment(s) of the contract wait for Stripe to start the amendment phase that begins now: the sync plans them once this plan is applied.`);
  for (const { order } of deferred) {
    ctx.plan.syncRecord(deferredSyncRecord(recordRef('Order', order.Id)));
    ctx.plan.defer(recordRef('Order', order.Id));
  }
  return { schedule: state, deferred };
}

/**
 * Index of the last unsynced amendment whose phase Stripe already holds (its order metadata is on a
 * phase), or -1. Amendments apply in order, so every unsynced one up to it was applied too — even one
 * whose phase a later amendment with the same dates replaced.
 */
export function lastAppliedAmendment(ctx: PlanningContext, amendments: readonly AmendmentOrder[], schedule: ScheduleState): number {
  const first = amendments[0];
  if (!first) return -1;
  const orderKey = Object.keys(recordMetadata(recordRef('Order', first.order.Id), ctx.sync))[0]!;
  const onSchedule = new Set(schedule.phases.map((p) => (p.metadata as Metadata | undefined)?.[orderKey]).filter(Boolean));
  let last = -1;
  amendments.forEach((a, i) => {
    if (!a.order.Stripe_ID__c && onSchedule.has(id18(a.order.Id))) last = i;
  });
  return last;
}

/** Decision q22: an amendment left for the plan after this one is `Skipped` until that plan syncs it. */
function deferredSyncRecord(order: RecordRef): SyncRecordDraft {
  return {
    compoundId: compoundId(order, order),
    primary: order,
    secondary: order,
    status: 'Skipped',
    message: 'An earlier amendment of the contract starts now in Stripe; this amendment is planned on top of it once Stripe has applied it.',
    documentationLink: DOCUMENTATION_LINKS.success,
  };
}

/**
 * Price terms of an amendment's lines. CPQ's UnitPrice covers the amendment's effective term: whole
 * months (a partial month rounded up under Month precision), or months plus days as a fraction of
 * 365/12 under Month + Day — then the divisor is that fraction over the line's billing frequency, and
 * CPQ's own multiplier must agree with ours (spec §2.6.6).
 */
function amendmentTerms(period: OrderPeriod, ctx: PlanningContext): (line: OrderItem) => PriceTerms {
  const length = termLength(period.start, period.end);
  const precision = ctx.sync.settings.proratePrecision;
  const effective = effectiveTermMonths(length, precision);
  if (effective.isInteger()) return () => ({ termMonths: effective.toNumber(), initialOrder: false });
  return (line) => {
    const defaultTerm = line.SBQQ__DefaultSubscriptionTerm__c ?? 12;
    assertCpqMultiplier(cpqProrateMultiplier(length, precision, defaultTerm), line.SBQQ__ProrateMultiplier__c, recordRef('OrderItem', line.Id));
    const billingMonths = BILLING_FREQUENCY_MONTHS[line.SBQQ__BillingFrequency__c ?? ''] ?? 1;
    return { termMonths: period.termMonths, initialOrder: false, multiplier: effective.div(billingMonths) };
  };
}

function amendmentError(order: Order, message: string, fix: string, field?: string): SyncError {
  return new SyncError(message, { kind: 'data', record: recordRef('Order', order.Id), fix, ...(field ? { field } : {}) });
}

/** One order's lines: recurring additions, reductions (negative lines) and one-time lines. */
interface OrderLines {
  readonly recurring: OrderItem[];
  readonly reductions: OrderItem[];
  readonly oneTime: PlannedLine[];
}

/** Each order's lines planned once, with the order's own price terms; and the prices the phases use. */
export class ContractLines {
  private readonly byOrder = new Map<string, OrderLines>();
  private readonly planned = new Map<string, PlannedLine>();
  private readonly prices = new Set<string>();

  /** @param planLine how one line is planned (MDQ lines are priced over their segment). */
  constructor(
    private readonly ctx: PlanningContext,
    private readonly planLine: (line: OrderItem, terms: PriceTerms, ctx: PlanningContext) => PlannedLine | undefined = planOrderLine,
  ) {}

  of(order: Order, terms: PriceTerms | ((line: OrderItem) => PriceTerms)): OrderLines {
    const cached = this.byOrder.get(order.Id);
    if (cached) return cached;
    const result: OrderLines = { recurring: [], reductions: [], oneTime: [] };
    for (const line of this.ctx.index.orderItems(order.Id)) {
      if (line.Quantity < 0) {
        // A reduction gets no price of its own: it only takes units back from the line it revises.
        const problem = lineActivationProblem(line) ?? decimalQuantityProblem(line);
        if (problem) throw problem;
        if (isRecurringLine(line)) result.reductions.push(line);
        continue;
      }
      const planned = this.planLine(line, typeof terms === 'function' ? terms(line) : terms, this.ctx);
      if (!planned) continue;
      this.planned.set(line.Id, planned);
      if (planned.price.candidate.recurring) result.recurring.push(line);
      else result.oneTime.push(planned);
    }
    this.byOrder.set(order.Id, result);
    return result;
  }

  line(item: ContractItem): PlannedLine {
    return this.planned.get(item.line.Id)!;
  }

  use(price: string): string {
    this.prices.add(price);
    return price;
  }

  usedPrices(): Iterable<string> {
    return this.prices;
  }
}

/** Recurring ⇔ SBQQ__SubscriptionPricing__c is set on the line (spec §2.4, order-line prices). */
const isRecurringLine = (line: OrderItem): boolean => line.SBQQ__SubscriptionPricing__c !== null && line.SBQQ__SubscriptionPricing__c !== undefined;

function decimalQuantityProblem(line: OrderItem): SyncError | undefined {
  if (Number.isInteger(line.Quantity)) return undefined;
  return new SyncError('Quantity specified as a decimal value. Only integers are supported.', { kind: 'bare', record: recordRef('OrderItem', line.Id), field: 'Quantity', fix: 'Use whole-number quantities on the quote lines, then sync again.' });
}

function billingCalendar(initial: InitialOrderLines, items: readonly ContractItem[], lines: ContractLines): BillingCalendar {
  const first = items.map((i) => lines.line(i)).find((l) => l?.price.candidate.intervalMonths);
  return { anchor: initial.period.start, billingMonths: first?.price.candidate.intervalMonths ?? 1 };
}

interface AmendmentStep {
  readonly ctx: PlanningContext;
  readonly amendment: AmendmentOrder;
  readonly period: OrderPeriod;
  readonly previous: readonly ContractItem[];
  readonly items: readonly ContractItem[];
  readonly oneTime: readonly PlannedLine[];
  /** The amendment's negative recurring lines. */
  readonly reductions: readonly OrderItem[];
  /** Recurring lines of the amendment, additions and reductions. */
  readonly recurringLineCount: number;
  readonly isLast: boolean;
  readonly calendar: BillingCalendar;
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
    throw amendmentError(order, "The Stripe subscription schedule has already been cancelled and can't be modified.", 'The contract ended in Stripe; create a new order instead of amending it.');
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
  if (previous >= 0) phases[previous] = stampTerminatedItems(ctx, phases[previous]!, amendment.opportunity, change.stamped);
  if (terminated) creditTermination(change, phases);
  planScheduleUpdate(ctx, order, state, { phases, proration_behavior: 'none', ...reappliedMappings(ctx, order) });
  recordSynced(ctx, order, state.id);
  return { state: applyPlannedPhases(state, phases, now), startedNow: startsNow };
}

/** The documented errors of an amendment's lines (spec §2.6.2–2.6.3), whatever the schedule holds. */
function assertAmendmentShape(step: AmendmentStep, terminated: boolean): void {
  const order = step.amendment.order;
  if (terminated && !step.isLast) {
    throw amendmentError(order, 'A termination order is processing, but more amendments are queued.', 'Delete or deactivate the amendments after the termination, or sync them before it.');
  }
  if (step.recurringLineCount === 0 && step.oneTime.length > 0) {
    throw amendmentError(order, 'Amendment order representing all one-time invoices.', 'Sell one-time products on a new order, not an amendment.');
  }
  if (terminated && step.oneTime.length > 0) {
    throw amendmentError(order, 'One-time invoice items but terminated order.', 'Sell the one-time products on a new order; a termination cannot bill them.');
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
  const phases = livePhases(ctx, state.phases.map((p) => ({ ...p })), state);
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

function planScheduleUpdate(ctx: PlanningContext, order: Order, state: ScheduleState, params: Stripe.SubscriptionScheduleUpdateParams): void {
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

const sameOrigin = (line: OrderItem, originId: string): boolean => id18(line.SBQQ__RevisedOrderProduct__c ?? line.Id) === id18(originId);

/** The amendment now belongs to the Stripe object: its Stripe ID, and its own Success Sync Record (decision q23). */
export function recordSynced(ctx: PlanningContext, order: Order, stripeId: string, title: StripeObjectTitle = 'Subscription Schedule'): void {
  const source = recordRef('Order', order.Id);
  ctx.plan.writeBack(source, { Stripe_ID__c: stripeId }, order);
  ctx.plan.syncRecord(successSyncRecord(source, title, stripeId));
}

/**
 * The amendment's phase: the whole aggregate as items, the amendment's one-time lines, proration
 * items for its off-cycle lines, (by flag) credits for units it took back, and the amendment order's
 * `subscription_phase` mappings beneath its own record metadata.
 */
export function buildAmendmentPhase(step: AmendmentStep, lines: ContractLines, state: ScheduleState, start: number | 'now', credits: readonly Credit[] = []): PlannedPhase {
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
      ...credits.map((credit) => phaseCredit(credit, credit.window?.period ?? { start: { type: 'phase_start' }, end: { type: 'min_item_period_end' } })),
    ],
    proration_behavior: 'none',
    ...(discounts.length ? { discounts } : {}),
  };
}

/** How much of a billing period the amendment's off-cycle start bills up front, and for which period. */
interface ProrationWindow {
  readonly termMonths: Decimal;
  readonly backdatedCycles: number;
  readonly period: NonNullable<InvoiceItemParams['period']>;
}

/**
 * Prorated ⇔ the term is not a whole number of billing periods, or the amendment does not start on a
 * billing date still to come (spec §2.6.3). The next billing dates come from the schedule's own
 * calendar (first phase start + n × bf), the same dates Stripe's invoice preview would show.
 */
function prorationWindow(step: AmendmentStep, start: number | 'now'): ProrationWindow | undefined {
  const { ctx, period, calendar } = step;
  const today = fromUnixSeconds(ctx.sync.now);
  const length = termLength(period.start, period.end);
  const termMonths = effectiveTermMonths(length, ctx.sync.settings.proratePrecision);
  const onCycle = compareDates(period.start, today) > 0 && isBillingDate(calendar, period.start) && termMonths.mod(calendar.billingMonths).isZero();
  if (onCycle) return undefined;
  if (compareDates(period.start, today) >= 0 || start !== 'now' || !ctx.sync.settings.features.backdatedAmendments) {
    return { termMonths, backdatedCycles: 0, period: { start: { type: 'phase_start' }, end: { type: 'min_item_period_end' } } };
  }
  const next = nextBillingDate(calendar, today);
  return {
    termMonths,
    backdatedCycles: missedBillingCycles(calendar, period.start, today),
    period: { start: { type: 'timestamp', timestamp: toUnixSeconds(period.start) }, end: { type: 'timestamp', timestamp: toUnixSeconds(next) } },
  };
}

/** Lines added by this amendment that bill their first, partial period through a one-time price. */
function prorationItems(step: AmendmentStep, lines: ContractLines, start: number | 'now'): InvoiceItemParams[] {
  const window = prorationWindow(step, start);
  if (!window) return [];
  const { ctx, amendment } = step;
  return activeItems(step.items)
    .filter((item) => item.orderId === amendment.order.Id && lines.line(item))
    .flatMap((item) => {
      const planned = lines.line(item);
      const { candidate } = planned.price;
      if (!candidate.recurring || candidate.metered || candidate.tiered || !candidate.unitAmount || !candidate.intervalMonths) return [];
      const amount = roundProration(
        prorationAmount({ unitAmount: candidate.unitAmount, termMonths: window.termMonths, billingMonths: candidate.intervalMonths, backdatedCycles: window.backdatedCycles }),
        String(candidate.params.currency),
        ctx.sync.settings.features.salesforcePrecision,
      );
      const price = planDerivedPrice(planned.price, { kind: 'price_proration', line: item.line, flags: ['proration', 'duplicate', 'auto_archive'], unitAmount: amount, oneTime: true }, ctx);
      return [{ price: lines.use(price), quantity: remainingQuantity(item), metadata: { ...planned.metadata, ...flagMetadata(ctx.sync, 'proration') }, period: window.period }];
    });
}

/** Unused prepaid time of units an amendment took back, credited to the customer. */
export interface Credit {
  readonly item: ContractItem;
  readonly quantity: number;
  /** Per unit, minor units, negative. */
  readonly unitAmount: Decimal;
  readonly currency: string;
  readonly product: string;
  readonly taxBehavior: Stripe.PriceCreateParams.TaxBehavior | undefined;
  readonly metadata: Metadata;
  /** The proration window of the amendment; none when it starts on a future billing date. */
  readonly window: ProrationWindow | undefined;
}

/**
 * Credits for units this amendment took back (flags `terminatedOrderItemCredit` for fully terminated
 * lines, `quantityReductionOrderItemCredit` for partial reductions): `−unit × ((term % bf) / bf, or 1)`
 * per unit, over the window a proration would bill (spec §2.6.6). Not for metered or tiered prices.
 */
function creditsFor(step: AmendmentStep, lines: ContractLines, start: number | 'now'): Credit[] {
  const { ctx } = step;
  const features = ctx.sync.settings.features;
  if (!features.terminatedOrderItemCredit && !features.quantityReductionOrderItemCredit) return [];
  const window = prorationWindow(step, start);
  const before = new Map(step.previous.map((item) => [item.line.Id, item.reducedBy]));
  return step.items.flatMap((item) => {
    const reduced = item.reducedBy - (before.get(item.line.Id) ?? item.reducedBy);
    const fully = remainingQuantity(item) === 0;
    if (reduced <= 0 || !(fully ? features.terminatedOrderItemCredit : features.quantityReductionOrderItemCredit)) return [];
    const planned = lines.line(item);
    const { candidate } = planned?.price ?? {};
    if (!planned || !candidate?.recurring || candidate.metered || candidate.tiered || !candidate.unitAmount || !candidate.intervalMonths) return [];
    const share = window ? prorationShare(window.termMonths, candidate.intervalMonths) : new Decimal(1);
    const currency = String(candidate.params.currency);
    return [
      {
        item,
        quantity: reduced,
        unitAmount: roundProration(candidate.unitAmount.times(share).negated(), currency, features.salesforcePrecision),
        currency,
        product: String(candidate.params.product),
        taxBehavior: candidate.params.tax_behavior,
        metadata: { ...planned.metadata, ...flagMetadata(ctx.sync, 'credit', 'proration') },
        window,
      },
    ];
  });
}

/** A credit as a one-time item of a phase (negative `price_data`), billed with the phase's first invoice. */
function phaseCredit(credit: Credit, period: NonNullable<InvoiceItemParams['period']>): InvoiceItemParams {
  return {
    price_data: {
      currency: credit.currency,
      product: credit.product,
      ...(credit.taxBehavior ? { tax_behavior: credit.taxBehavior } : {}),
      unit_amount_decimal: stripeDecimal(credit.unitAmount),
    },
    quantity: credit.quantity,
    metadata: credit.metadata,
    period,
  };
}

/**
 * The dates a credit covers when no phase starts with it: the backdated window's own, else from the
 * amendment start to the next billing date (never past the contract end). Dates, not `now`, so a
 * replayed plan sends the same parameters.
 */
function creditPeriod(step: AmendmentStep, credit: Credit): { start: number; end: number } {
  const { start, end } = credit.window?.period ?? {};
  if (start?.type === 'timestamp' && end?.type === 'timestamp') return { start: start.timestamp!, end: end.timestamp! };
  const next = nextBillingDate(step.calendar, step.period.start);
  return { start: toUnixSeconds(step.period.start), end: toUnixSeconds(earlier(next, step.period.end)) };
}

const earlier = (a: CalendarDate, b: CalendarDate): CalendarDate => (compareDates(a, b) <= 0 ? a : b);

function timestampPeriod(period: { start: number; end: number }): NonNullable<InvoiceItemParams['period']> {
  return { start: { type: 'timestamp', timestamp: period.start }, end: { type: 'timestamp', timestamp: period.end } };
}

/**
 * Credits of a termination that leaves no phase to carry them: pending invoice items on the running
 * subscription, with a negative `unit_amount_decimal` and the product named in the description.
 */
function planCreditInvoiceItems(step: AmendmentStep, state: ScheduleState, credits: readonly Credit[]): void {
  const { ctx, amendment } = step;
  const order = amendment.order;
  for (const credit of credits) {
    const lineId = id18(credit.item.line.Id);
    ctx.plan.add({
      op: 'invoiceItems.create',
      ref: ref('credit', `${id18(order.Id)}:${lineId}`),
      params: {
        customer: state.customer,
        subscription: state.subscription!,
        currency: credit.currency,
        unit_amount_decimal: stripeDecimal(credit.unitAmount),
        quantity: credit.quantity,
        period: creditPeriod(step, credit),
        metadata: credit.metadata,
        description: `Credit for unused time: ${ctx.index.get('products', credit.item.line.Product2Id)?.Name ?? credit.product}`,
        ...(credit.taxBehavior ? { tax_behavior: credit.taxBehavior } : {}),
      },
      idempotencyKey: idempotencyKey(ctx.sync.orgId, order, 'invoiceItems.create', lineId),
      source: recordRef('OrderItem', credit.item.line.Id),
    });
  }
}

/**
 * The schedule's phases with the new phase in place (spec §2.6.3): phases from its start on make way
 * (one with the same start hands it its one-time items: "identical range"), the one before ends where
 * it starts, phases that already ended are left out, and the current phase's one-time items are cleared
 * so Stripe does not bill them again. Without a new phase (a future termination) the schedule just ends.
 */
function placePhase(ctx: PlanningContext, state: ScheduleState, phase: PlannedPhase | undefined, start: number | 'now', source: RecordRef): PlannedPhase[] {
  const boundary = start === 'now' ? ctx.sync.now : start;
  const kept: PlannedPhase[] = state.phases.filter((p) => p.start_date < boundary).map((p) => ({ ...p }));
  const replaced = state.phases.filter((p) => p.start_date >= boundary);
  const carried: InvoiceItemParams[] = [];
  for (const old of replaced) {
    if (old.start_date === start) carried.push(...(old.add_invoice_items ?? []));
    else if (isBackendProration(ctx, old.metadata)) {
      throw new SyncError("The backend prorated order amendment case isn't supported.", {
        kind: 'data',
        record: source,
        fix: 'The initial order was backend-prorated and this amendment does not start where its proration phase does; contact support.',
      });
    }
  }
  const previous = kept[kept.length - 1];
  if (previous) previous.end_date = start;
  const live = livePhases(ctx, kept, state);
  if (!phase) return live;
  return [...live, { ...phase, add_invoice_items: [...(phase.add_invoice_items ?? []), ...carried] }];
}

/** Phases that have not ended, the current one without its one-time items (Stripe would bill them again). */
function livePhases(ctx: PlanningContext, phases: PlannedPhase[], state: ScheduleState): PlannedPhase[] {
  const live = phases.filter((p) => p.end_date === 'now' || p.end_date > ctx.sync.now);
  for (const p of live) if (p.start_date === state.currentPhase?.start_date) p.add_invoice_items = [];
  return live;
}

function isBackendProration(ctx: PlanningContext, metadata: PlannedPhase['metadata']): boolean {
  const key = Object.keys(flagMetadata(ctx.sync, 'backend_proration'))[0]!;
  return typeof metadata === 'object' && metadata !== null && (metadata as Metadata)[key] === 'true';
}

