/**
 * MDQ ramp deals (spec §2.9): an order whose lines have price dimensions becomes one schedule with one
 * phase per segment (Year 1, Year 2, …), each holding its segment's lines beside every non-segmented
 * line. Amendments rebuild the phases from the amendment start on: the current segment's phase is split
 * there, later segments' phases are replaced, taking the amendment order's `subscription_phase` mappings. An
 * amendment whose order metadata is already on a phase (a run applied it and stopped before its write-back)
 * is written back, not planned again.
 *
 * Decision (spec §6 q30): a segment line's UnitPrice covers its segment, so its price is divided by
 * segment months ÷ billing months whatever the `mdq` flag says — never by the whole quote term.
 */
import type { ContractItem } from '../amendments/aggregation.js';
import { activeItems, initialContractItems, remainingQuantity } from '../amendments/aggregation.js';
import type { PlanningContext } from '../plan/context.js';
import type { ContractInput, InitialOrderInput } from './inputs.js';
import type { AmendmentOrder } from '../records/contract.js';
import { lineDiscounts, orderDiscounts } from '../newOrders/coupons.js';
import { initialScheduleState } from '../amendments/initialSchedule.js';
import {
  addDays,
  compareDates,
  formatDate,
  fromUnixSeconds,
  parseDate,
  toUnixSeconds,
  type CalendarDate,
} from '../dates.js';
import { SyncError, SyncErrors } from '../errors.js';
import { idempotencyKey } from '../plan/idempotency.js';
import { addInvoiceItem, phaseItem, planOrderLine, type PlannedLine } from '../newOrders/lines.js';
import type { Metadata } from '../mappings/metadata.js';
import type { OrderItem, QuoteLine } from '../records/models.js';
import { readOrderHeader } from '../newOrders/orderHeader.js';
import { BILLING_FREQUENCY_MONTHS, planAutoArchive, pricesEqual, type PriceTerms } from '../pricing/prices.js';
import { effectiveTermMonths, prorationPrecision, termLength } from '../pricing/prorations.js';
import { recordRef } from '../records/records.js';
import {
  amendmentPhaseFields,
  distinctPhaseItems,
  orderPhaseFields,
  planSchedule,
  scheduleHeaderParams,
  type SchedulePhase,
} from '../newOrders/schedule.js';
import { applyPlannedPhases, type PlannedPhase, type ScheduleState } from '../amendments/scheduleState.js';
import { ContractLines, isRecurringLine } from '../amendments/contractLines.js';
import { amendmentsToPlan, lastAppliedAmendment, recordSynced } from '../amendments/walk.js';
import { amendmentStartDateMissing, orderError, scheduleCanceled, scheduleMissing } from '../documentedErrors.js';
import { reappliedMappings } from '../newOrders/collection.js';
import { orderLineProblems } from '../plan/validation.js';
import { assignDistinctPrices } from '../pricing/distinctPrices.js';

/** Literal keys (not prefix-dependent), as the reference writes them. */
export const SEGMENT_INDEX_KEY = 'salesforce_segment_index';
export const SEGMENT_LABEL_KEY = 'salesforce_segment_label';
export const SEGMENT_KEY_KEY = 'salesforce_segment_key';

export const isMdqLine = (line: OrderItem): boolean => !!line.SBQQ__PriceDimension__c;
/**
 * A recurring line of a segment. A One Time price dimension also gets a segment key (index 0, no end
 * date), but its line has no subscription pricing: it is a one-time item of the first phase (recording
 * _legacy_root__sync_a_salesforce_order_with_a_mdq_licensed_product_and_one-time_fee).
 */
const isSegmentLine = (line: OrderItem): boolean => !!line.SBQQ__SegmentKey__c && isRecurringLine(line);

/** Custom segments have no fixed length, so they cannot become phases. */
function assertSupportedSegments(lines: readonly OrderItem[]): void {
  const custom = lines.find((l) => l.SBQQ__DimensionType__c === 'Custom');
  if (custom) {
    throw new SyncError(
      'MDQ products with Custom segments are not supported. Please use Month, Quarter, Year or One-Time segments.',
      {
        kind: 'data',
        record: recordRef('OrderItem', custom.Id),
        field: 'SBQQ__DimensionType__c',
        fix: 'Use a Year, Quarter, Month or One-Time price dimension for the product.',
      },
    );
  }
}

/** A segment line's bounds: its quote line's dates (EndDate inclusive), else the order line's. */
function segmentBounds(line: OrderItem, ctx: PlanningContext): { start: CalendarDate; end: CalendarDate } {
  const quoteLine: QuoteLine | undefined = ctx.index.get('quoteLines', line.SBQQ__QuoteLine__c);
  const start = parseDate(quoteLine?.SBQQ__EffectiveStartDate__c ?? line.ServiceDate ?? '');
  const last = parseDate(quoteLine?.SBQQ__EndDate__c ?? line.EndDate ?? '');
  if (!start || !last) {
    throw new SyncError('The MDQ segment has no start or end date.', {
      kind: 'data',
      record: recordRef('OrderItem', line.Id),
      field: 'SBQQ__QuoteLine__c.SBQQ__EndDate__c',
      fix: 'Fill the segment dates on the quote line (SBQQ__EffectiveStartDate__c, SBQQ__EndDate__c).',
    });
  }
  return { start, end: addDays(last, 1) };
}

/** Price terms of a segment line: the segment's months over the line's billing months. */
function segmentTerms(line: OrderItem, base: PriceTerms, ctx: PlanningContext): PriceTerms {
  if (!isSegmentLine(line)) return base;
  const { start, end } = segmentBounds(line, ctx);
  const months = effectiveTermMonths(termLength(start, end), prorationPrecision(ctx.sync.settings));
  const billingMonths = BILLING_FREQUENCY_MONTHS[line.SBQQ__BillingFrequency__c ?? ''] ?? 1;
  return { ...base, multiplier: months.div(billingMonths) };
}

function planLine(line: OrderItem, base: PriceTerms, ctx: PlanningContext): PlannedLine | undefined {
  return planOrderLine(line, segmentTerms(line, base, ctx), ctx);
}

const withSegmentKey = (line: PlannedLine): PlannedLine => ({
  ...line,
  metadata: { ...line.metadata, [SEGMENT_KEY_KEY]: String(line.item.SBQQ__SegmentKey__c) },
});

/** Phase metadata of a segment: its index (from the order line) and label (from the quote line: OrderItem has none in CPQ). */
function segmentMetadata(line: OrderItem, ctx: PlanningContext): Metadata {
  const quoteLine = ctx.index.get('quoteLines', line.SBQQ__QuoteLine__c);
  const label = quoteLine?.SBQQ__SegmentLabel__c;
  return {
    [SEGMENT_INDEX_KEY]: String(line.SBQQ__SegmentIndex__c ?? ''),
    ...(label ? { [SEGMENT_LABEL_KEY]: label } : {}),
  };
}

/** A new MDQ order → a schedule with one phase per segment (spec §2.9, S14). */
export function planMdqOrder(input: InitialOrderInput, ctx: PlanningContext): void {
  const { header } = input;
  assertSupportedSegments(input.items);
  const base: PriceTerms = { termMonths: header.termMonths, initialOrder: true };
  const problems: SyncError[] = [];
  const planned: PlannedLine[] = [];
  for (const item of input.items) {
    try {
      const line = planLine(item, base, ctx);
      if (line) planned.push(isSegmentLine(item) ? withSegmentKey(line) : line);
    } catch (error) {
      if (!(error instanceof SyncError)) throw error;
      problems.push(error);
    }
  }
  if (problems.length > 0) throw new SyncErrors(problems);
  const recurring = planned.filter((l) => l.price.candidate.recurring);
  const oneTime = planned.filter((l) => !l.price.candidate.recurring);
  const standing = recurring.filter((l) => !isSegmentLine(l.item));
  const segments = groupBySegment(
    recurring.filter((l) => isSegmentLine(l.item)),
    ctx,
  );
  // Stripe's limits apply per phase: the standing lines and one segment's lines at a time.
  const seen = new Set<string>();
  for (const segment of segments.length > 0 ? segments : [{ lines: [] }]) {
    for (const problem of orderLineProblems(header.order, [...standing, ...segment.lines], oneTime)) {
      const key = `${problem.record.id}:${problem.message}`;
      if (!seen.has(key)) problems.push(problem);
      seen.add(key);
    }
  }
  if (problems.length > 0) throw new SyncErrors(problems);
  const discounts = orderDiscounts(header.order, ctx);
  const phases: SchedulePhase[] = segments.map((segment, i) => {
    const mapped = orderPhaseFields(header, ctx, i);
    return {
      ...mapped,
      items: distinctPhaseItems([...standing, ...segment.lines], ctx, { lineDiscounts }),
      add_invoice_items: i === 0 ? oneTime.map((l) => addInvoiceItem(l, lineDiscounts(l.item, ctx))) : [],
      end_date: toUnixSeconds(i === segments.length - 1 ? header.end : segment.end),
      metadata: { ...mapped.metadata, ...segmentMetadata(segment.lines[0]!.item, ctx) },
      ...(discounts.length > 0 ? { discounts } : {}),
      proration_behavior: i === 0 && header.order.Skip_Past_Initial_Invoices__c !== true ? 'create_prorations' : 'none',
    };
  });
  planSchedule(header, { ...scheduleHeaderParams(header, input.customer, ctx), phases }, ctx);
}

interface Segment {
  readonly index: number;
  readonly end: CalendarDate;
  readonly lines: PlannedLine[];
}

/** Segment lines by SBQQ__SegmentIndex__c; lines of one segment must end together. */
function groupBySegment(lines: readonly PlannedLine[], ctx: PlanningContext): Segment[] {
  const byIndex = new Map<number, PlannedLine[]>();
  for (const line of lines) {
    const index = line.item.SBQQ__SegmentIndex__c ?? 0;
    byIndex.set(index, [...(byIndex.get(index) ?? []), line]);
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, group]) => {
      const ends = new Set(group.map((l) => formatDate(segmentBounds(l.item, ctx).end)));
      if (ends.size > 1) {
        throw new SyncError(`The lines of MDQ segment ${index} end on different dates (${[...ends].join(', ')}).`, {
          kind: 'data',
          record: group[0]!.ref,
          field: 'EndDate',
          fix: 'Give every line of a segment the same end date.',
        });
      }
      return { index, end: segmentBounds(group[0]!.item, ctx).end, lines: group };
    });
}

/** Plans the unsynced amendments of an MDQ contract (spec §2.9, S35). */
export function planMdqAmendments(input: ContractInput, ctx: PlanningContext): void {
  const { structure } = input;
  const pending = structure.amendments.filter((a) => !a.order.Stripe_ID__c);
  const latest = pending[pending.length - 1];
  if (!latest) return;
  const header = readOrderHeader(structure.initial.order, ctx);
  if (Array.isArray(header)) throw new SyncErrors(header);
  let state = initialScheduleState(input, ctx);
  if (!state) throw scheduleMissing(pending[0]!.order);
  const lines = new ContractLines(ctx, (line, base) => {
    const planned = planLine(line, base, ctx);
    return planned && isSegmentLine(line) ? withSegmentKey(planned) : planned;
  });
  for (const order of [structure.initial.order, ...structure.amendments.map((a) => a.order)])
    assertSupportedSegments(ctx.index.orderItems(order.Id));
  const initialLines = lines.of(structure.initial.order, { termMonths: header.termMonths, initialOrder: true });
  const segmentStarts = new Set(
    initialLines.recurring.filter(isSegmentLine).map((l) => formatDate(segmentBounds(l, ctx).start)),
  );
  const appliedThrough = lastAppliedAmendment(ctx, structure.amendments, state);
  const walk = amendmentsToPlan(ctx, structure.amendments, {
    stripeId: state.id,
    initialItems: initialContractItems(initialLines.recurring),
    linesOf: (amendment) =>
      lines.of(amendment.order, {
        termMonths: amendment.quote.SBQQ__SubscriptionTerm__c ?? header.termMonths,
        initialOrder: false,
      }),
    changesOf: (orderLines) => [...orderLines.recurring, ...orderLines.reductions],
    // Its phases are on the schedule, or — the full termination, always the latest — its cancel is.
    alreadyApplied: ({ index, amendment, items }) =>
      index <= appliedThrough ||
      (state!.status === 'canceled' && amendment === latest && activeItems(items).length === 0),
  });
  for (const { amendment, lines: orderLines, items } of walk) {
    const start = parseDate(amendment.quote.SBQQ__StartDate__c ?? '');
    if (!start) throw amendmentStartDateMissing(amendment.order);
    checkAmendment(
      amendment,
      start,
      amendment === latest,
      orderLines.recurring,
      segmentStarts,
      structure.contract?.SBQQ__AmendmentStartDate__c,
      state,
      ctx,
    );
    state = planMdqAmendment(ctx, state, amendment, start, items, orderLines.oneTime, lines, amendment === latest);
  }
  planAutoArchive(lines.usedPrices(), latest.order, ctx);
}

/** The documented MDQ amendment checks (spec §2.9 [SRC]). */
function checkAmendment(
  amendment: AmendmentOrder,
  start: CalendarDate,
  isLatest: boolean,
  recurring: readonly OrderItem[],
  segmentStarts: ReadonlySet<string>,
  contractAmendmentStart: string | null | undefined,
  state: ScheduleState,
  ctx: PlanningContext,
): void {
  const order = amendment.order;
  if (state.status === 'canceled') {
    throw scheduleCanceled(order);
  }
  // The contract holds the amendment start of its latest amendment only; earlier ones were checked when they were made.
  if (isLatest) {
    if (!contractAmendmentStart) {
      throw new SyncError("Field 'SBQQ__AmendmentStartDate__c' on contract is empty.", {
        kind: 'data',
        record: recordRef(
          'Contract',
          String(order.OpportunityId && ctx.index.get('opportunities', order.OpportunityId)?.SBQQ__AmendedContract__c),
        ),
        field: 'SBQQ__AmendmentStartDate__c',
        fix: "Set the contract's amendment start date to the amendment quote's start date.",
      });
    }
    if (contractAmendmentStart !== formatDate(start)) {
      throw orderError(
        order,
        "Start date on amendment order does not match the corresponding contract's amendment start date field.",
        "Make the contract's SBQQ__AmendmentStartDate__c equal the amendment quote's start date.",
        'SBQQ__Quote__c.SBQQ__StartDate__c',
      );
    }
  }
  const stray = recurring
    .filter(isSegmentLine)
    .find(
      (l) =>
        !segmentStarts.has(formatDate(segmentBounds(l, ctx).start)) &&
        compareDates(segmentBounds(l, ctx).start, start) !== 0,
    );
  if (stray) {
    throw new SyncError('Amendment order segment dates do not match initial order segment dates.', {
      kind: 'data',
      record: recordRef('OrderItem', stray.Id),
      field: 'SBQQ__QuoteLine__c.SBQQ__EffectiveStartDate__c',
      fix: 'Amend the MDQ product without changing its segments (the ramp period must stay as it was).',
    });
  }
}

/** One MDQ amendment: every phase from its start on is rebuilt from the aggregate. */
function planMdqAmendment(
  ctx: PlanningContext,
  state: ScheduleState,
  amendment: AmendmentOrder,
  start: CalendarDate,
  items: readonly ContractItem[],
  oneTime: readonly PlannedLine[],
  lines: ContractLines,
  isLatest: boolean,
): ScheduleState {
  const order = amendment.order;
  const source = recordRef('Order', order.Id);
  const active = activeItems(items);
  if (active.length === 0) {
    if (!isLatest)
      throw orderError(
        order,
        'A termination order is processing, but more amendments are queued.',
        'Delete or deactivate the amendments after the termination, or sync them before it.',
      );
    ctx.plan.add({
      op: 'subscriptionSchedules.cancel',
      ref: state.ref,
      id: state.id,
      params: { invoice_now: false, prorate: false },
      idempotencyKey: idempotencyKey(ctx.sync.orgId, order, 'subscriptionSchedules.cancel'),
      source,
    });
    recordSynced(ctx, order, state.id);
    return { ...state, status: 'canceled', currentPhase: null };
  }
  const now = ctx.sync.now;
  const startsNow = compareDates(start, fromUnixSeconds(now)) <= 0;
  const boundary = startsNow ? now : toUnixSeconds(start);
  const bound: number | 'now' = startsNow ? 'now' : boundary;
  const mapped = amendmentPhaseFields(order, ctx) as Partial<PlannedPhase> & { metadata: Metadata };
  const phases: PlannedPhase[] = [];
  let oneTimePending = oneTime.map((l) => addInvoiceItem(l, lineDiscounts(l.item, ctx)));
  for (const phase of state.phases) {
    if (phase.end_date <= now) continue;
    const current = phase.start_date === state.currentPhase?.start_date;
    const kept = { ...phase, add_invoice_items: current ? [] : phase.add_invoice_items };
    const items = phase.end_date <= boundary ? undefined : segmentPhaseItems(ctx, active, phase, lines);
    // A phase whose items the amendment does not change stays as it is ("unchanged unless amended").
    if (!items || (oneTimePending.length === 0 && sameItems(items, phase.items))) {
      phases.push(kept);
      continue;
    }
    const rebuilt: PlannedPhase = {
      ...phase,
      ...mapped,
      start_date: phase.start_date < boundary ? bound : phase.start_date,
      items,
      add_invoice_items: [...(phase.start_date < boundary ? [] : (kept.add_invoice_items ?? [])), ...oneTimePending],
      proration_behavior: 'none',
      metadata: { ...(phase.metadata as Metadata | undefined), ...mapped.metadata, ...segmentKeys(phase.metadata) },
    };
    oneTimePending = [];
    if (phase.start_date < boundary) phases.push({ ...kept, end_date: bound });
    phases.push(rebuilt);
  }
  // No top-level proration_behavior (spec §2.9 saves the schedule as it is): Stripe's default prorates a change to the current period.
  ctx.plan.add({
    op: 'subscriptionSchedules.update',
    ref: state.ref,
    id: state.id,
    params: { phases, ...reappliedMappings(ctx, order) },
    idempotencyKey: idempotencyKey(ctx.sync.orgId, order, 'subscriptionSchedules.update'),
    source,
  });
  recordSynced(ctx, order, state.id);
  return applyPlannedPhases(state, phases, now);
}

/** The segment's own index and label, which no mapping may overwrite. */
function segmentKeys(metadata: PlannedPhase['metadata']): Metadata {
  const source = (metadata ?? {}) as Metadata;
  return Object.fromEntries(
    [SEGMENT_INDEX_KEY, SEGMENT_LABEL_KEY].filter((key) => source[key] !== undefined).map((key) => [key, source[key]!]),
  );
}

const sameItems = (a: PlannedPhase['items'], b: PlannedPhase['items']): boolean =>
  a.length === b.length && a.every((item, i) => item.price === b[i]?.price && item.quantity === b[i]?.quantity);

/**
 * Whether a line's dates (its quote line's, else its own; EndDate inclusive) leave out the phase. CPQ gives
 * an amendment's MDQ line no segment key, only its segment's dates: it is billed within them alone.
 */
function outsidePhase(line: OrderItem, phase: { start_date: number; end_date: number }, ctx: PlanningContext): boolean {
  const quoteLine: QuoteLine | undefined = ctx.index.get('quoteLines', line.SBQQ__QuoteLine__c);
  const first = parseDate(quoteLine?.SBQQ__EffectiveStartDate__c ?? line.ServiceDate ?? '');
  const last = parseDate(quoteLine?.SBQQ__EndDate__c ?? line.EndDate ?? '');
  return (
    (!!last && toUnixSeconds(addDays(last, 1)) <= phase.start_date) ||
    (!!first && toUnixSeconds(first) >= phase.end_date)
  );
}

/**
 * A segment phase's items: every non-segmented line whose dates reach into the phase, and the segment lines
 * that end with the phase.
 * Units a revision chain holds in one segment at equal price terms are one item (10 + 5 → 15), at the
 * price of the chain's first line there.
 */
function segmentPhaseItems(
  ctx: PlanningContext,
  active: readonly ContractItem[],
  phase: { start_date: number; end_date: number; items: PlannedPhase['items'] },
  lines: ContractLines,
) {
  const inPhase = active.filter(
    (item) =>
      lines.line(item) &&
      !outsidePhase(item.line, phase, ctx) &&
      (!isSegmentLine(item.line) || toUnixSeconds(segmentBounds(item.line, ctx).end) === phase.end_date),
  );
  const entries: { item: ContractItem; quantity: number }[] = [];
  for (const item of inPhase) {
    const { params } = lines.line(item).price.candidate;
    const same = entries.find(
      (e) =>
        e.item.originId === item.originId &&
        pricesEqual(lines.line(e.item).price.candidate.params, params, recordRef('OrderItem', item.line.Id)),
    );
    if (same) same.quantity += remainingQuantity(item);
    else entries.push({ item, quantity: remainingQuantity(item) });
  }
  const prices = assignDistinctPrices(
    ctx,
    entries.map(({ item }) => ({ item, price: lines.line(item).price })),
    phase.items,
  );
  return entries.map(({ item, quantity }) => {
    const planned = lines.line(item);
    const params = phaseItem(planned, lineDiscounts(item.line, ctx), lines.use(prices.get(item)!));
    return planned.quantity === undefined ? params : { ...params, quantity };
  });
}
