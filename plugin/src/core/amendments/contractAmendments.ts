/**
 * The amendment side of the planner's seams (extensions.ts): a contract's amendments go to the
 * evergreen, MDQ or standard amendment planner, on top of the initial order's schedule — the one Stripe
 * holds, or the one this same plan creates when the initial order syncs in this run.
 */
import { planAmendments } from './standard.js';
import type { PlanningContext } from '../plan/context.js';
import { SyncError, SyncErrors } from '../errors.js';
import { idKey } from '../records/graph.js';
import type { Order } from '../records/models.js';
import type { ContractInput } from '../shapes/inputs.js';
import { initialScheduleState } from './initialSchedule.js';
import { isEvergreenLine, planEvergreenAmendments } from '../shapes/evergreen.js';
import { isMdqLine, planMdqAmendments } from '../shapes/mdq.js';
import { readOrderHeader } from '../newOrders/orderHeader.js';
import { recordRef } from '../records/records.js';

/** Custom order sync filters (spec §2.5 step 4, S20): the contract's orders must all pass them. */
function checkSyncFilters(input: ContractInput, ctx: PlanningContext): void {
  const failing = new Set((ctx.sync.ordersFailingSyncFilter ?? []).map(idKey));
  const pending = input.structure.amendments.filter((a) => !a.order.Stripe_ID__c);
  const first = pending[0];
  if (failing.size === 0 || !first) return;
  const fails = (order: Order) => failing.has(idKey(order.Id));
  if (fails(input.structure.initial.order)) {
    throw new SyncError(
      "The connector attempted to sync the amendment order, but the initial order was skipped because it didn't match custom sync filters.",
      {
        kind: 'data',
        record: recordRef('Order', first.order.Id),
        fix: 'Change the initial order (or the custom order sync filter) so the initial order syncs first.',
      },
    );
  }
  const skipped = pending.find((a) => fails(a.order));
  if (skipped) {
    throw new SyncError(
      "Failed to sync amendment orders since not all amendment orders respect user's custom order filters.",
      {
        kind: 'data',
        record: recordRef('Order', skipped.order.Id),
        fix: 'Change this amendment (or the custom order sync filter) so every amendment of the contract passes it.',
      },
    );
  }
}

/** Plans the contract's amendments (spec §2.6, §2.7, §2.9). */
export function planContractAmendments(input: ContractInput, ctx: PlanningContext): void {
  const { structure } = input;
  checkSyncFilters(input, ctx);
  const initialLines = ctx.index.orderItems(structure.initial.order.Id);
  if (initialLines.some(isEvergreenLine)) return planEvergreenAmendments(input, ctx);
  if (initialLines.some(isMdqLine)) return planMdqAmendments(input, ctx);
  const header = readOrderHeader(structure.initial.order, ctx);
  if (Array.isArray(header)) throw new SyncErrors(header);
  planAmendments(
    ctx,
    structure,
    {
      period: { start: header.start, end: header.end, termMonths: header.termMonths },
      terms: { termMonths: header.termMonths, initialOrder: true },
    },
    initialScheduleState(input, ctx),
  );
}
