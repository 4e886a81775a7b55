/** The schedule a contract's amendments build on. */
import type { PlanningContext } from '../plan/context.js';
import type { ContractInput } from '../shapes/inputs.js';
import { ref } from '../plan/plan.js';
import { recordRef } from '../records/records.js';
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
