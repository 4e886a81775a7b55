/**
 * The walk every amendment planner shares — standard, MDQ and evergreen: a contract's amendments in
 * order, with the contract's items after each. An amendment already synced only moves the items on; one
 * Stripe already holds (a run applied it and stopped before its write-back, maybe longer ago than Stripe
 * keeps idempotency keys) is written back with its Success Sync Record, never planned twice.
 */
import { applyAmendmentLines, type ContractItem } from './aggregation.js';
import type { PlanningContext } from '../plan/context.js';
import type { AmendmentOrder } from '../records/contract.js';
import { recordMetadata, type Metadata } from '../mappings/metadata.js';
import type { Order, OrderItem } from '../records/models.js';
import { id18, recordRef } from '../records/records.js';
import type { ScheduleState } from './scheduleState.js';
import { successSyncRecord, type StripeObjectTitle } from '../plan/syncRecords.js';

/** One unsynced amendment on the walk. */
export interface WalkStep<Lines> {
  readonly amendment: AmendmentOrder;
  readonly index: number;
  readonly lines: Lines;
  /** The contract's items before and after this amendment. */
  readonly previous: readonly ContractItem[];
  readonly items: readonly ContractItem[];
}

export interface AmendmentWalk<Lines> {
  /** The Stripe object the contract's amendments belong to, and what it is called on a Sync Record. */
  readonly stripeId: string;
  readonly title?: StripeObjectTitle;
  readonly initialItems: readonly ContractItem[];
  /** The amendment's lines as the planner needs them. */
  linesOf(amendment: AmendmentOrder, index: number): Lines;
  /** The lines that change the contract's recurring items: additions and reductions. */
  changesOf(lines: Lines): readonly OrderItem[];
  /** Whether Stripe already holds this amendment; then it is only written back. */
  alreadyApplied(step: WalkStep<Lines>): boolean;
}

/** The amendments still to plan, in order; the ones Stripe holds are written back on the way. */
export function* amendmentsToPlan<Lines>(
  ctx: PlanningContext,
  amendments: readonly AmendmentOrder[],
  walk: AmendmentWalk<Lines>,
): Generator<WalkStep<Lines>> {
  let items = walk.initialItems;
  for (const [index, amendment] of amendments.entries()) {
    const lines = walk.linesOf(amendment, index);
    const previous = items;
    items = applyAmendmentLines(items, walk.changesOf(lines));
    if (amendment.order.Stripe_ID__c) continue;
    const step: WalkStep<Lines> = { amendment, index, lines, previous, items };
    if (walk.alreadyApplied(step)) {
      recordSynced(ctx, amendment.order, walk.stripeId, walk.title);
      continue;
    }
    yield step;
  }
}

/**
 * Index of the last unsynced amendment whose phase Stripe already holds (its order metadata is on a
 * phase), or -1. Amendments apply in order, so every unsynced one up to it was applied too — even one
 * whose phase a later amendment with the same dates replaced.
 */
export function lastAppliedAmendment(
  ctx: PlanningContext,
  amendments: readonly AmendmentOrder[],
  schedule: ScheduleState,
): number {
  const first = amendments[0];
  if (!first) return -1;
  const orderKey = Object.keys(recordMetadata(recordRef('Order', first.order.Id), ctx.sync))[0]!;
  const onSchedule = new Set(
    schedule.phases.map((p) => (p.metadata as Metadata | undefined)?.[orderKey]).filter(Boolean),
  );
  let last = -1;
  amendments.forEach((a, i) => {
    if (!a.order.Stripe_ID__c && onSchedule.has(id18(a.order.Id))) last = i;
  });
  return last;
}

/** The amendment now belongs to the Stripe object: its Stripe ID, and its own Success Sync Record (decision q23). */
export function recordSynced(
  ctx: PlanningContext,
  order: Order,
  stripeId: string,
  title: StripeObjectTitle = 'Subscription Schedule',
): void {
  const source = recordRef('Order', order.Id);
  ctx.plan.writeBack(source, { Stripe_ID__c: stripeId }, order);
  ctx.plan.syncRecord(successSyncRecord(source, title, stripeId));
}
