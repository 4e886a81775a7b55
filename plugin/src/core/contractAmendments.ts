/**
 * The amendment side of the planner's seams (extensions.ts): a contract's amendments go to the
 * evergreen, MDQ or standard amendment planner, on top of the initial order's schedule — the one Stripe
 * holds, or the one this same plan creates when the initial order syncs in this run.
 */
import { planAmendments } from './amendments.js';
import type { PlanningContext } from './context.js';
import { SyncErrors } from './errors.js';
import type { ContractInput } from './extensions.js';
import { isEvergreenLine, planEvergreenAmendments } from './evergreen.js';
import { isMdqLine, planMdqAmendments } from './mdq.js';
import { readOrderHeader } from './orderHeader.js';
import { ref } from './plan.js';
import { recordRef } from './records.js';
import { scheduleStateFromCreate, scheduleStateFromStripe, type ScheduleState } from './scheduleState.js';

/** The initial order's schedule: Stripe's, or the one planned in this run; undefined when neither exists. */
export function initialScheduleState(input: ContractInput, ctx: PlanningContext): ScheduleState | undefined {
  const initial = input.structure.initial.order;
  const scheduleRef = ref('schedule', recordRef('Order', initial.Id).id);
  const linked = input.initialStripeId ?? initial.Stripe_ID__c ?? undefined;
  const retrieved = linked ? ctx.state.subscriptionSchedules?.[linked] : undefined;
  if (retrieved) return scheduleStateFromStripe(retrieved, scheduleRef);
  const create = ctx.plan.createOperation(scheduleRef);
  // An initial order that points at a schedule Stripe no longer has cannot take amendments.
  if (create?.op !== 'subscriptionSchedules.create' || (linked && !linked.startsWith('@ref:'))) return undefined;
  return scheduleStateFromCreate(scheduleRef, create.params, ctx.sync.now);
}

/** Plans the contract's amendments (spec §2.6, §2.7, §2.9). */
export function planContractAmendments(input: ContractInput, ctx: PlanningContext): void {
  const { structure } = input;
  const initialLines = ctx.index.orderItems(structure.initial.order.Id);
  if (initialLines.some(isEvergreenLine)) return planEvergreenAmendments(input, ctx);
  if (initialLines.some(isMdqLine)) return planMdqAmendments(input, ctx);
  const header = readOrderHeader(structure.initial.order, ctx);
  if (Array.isArray(header)) throw new SyncErrors(header);
  planAmendments(
    ctx,
    structure,
    { period: { start: header.start, end: header.end, termMonths: header.termMonths }, terms: { termMonths: header.termMonths, initialOrder: true } },
    initialScheduleState(input, ctx),
  );
}
