/**
 * Prices (and their meters) are planned per line before the phases decide which lines stand as their own
 * item: an MDQ line merged into its revision chain, or a changed line that keeps the price its phases
 * already hold, ends up on no item. This pass drops every created price no other operation uses, with
 * its archive update, its write-back and a meter only it needed — a re-sync never makes unused objects.
 */
import { isRef, type SalesforceWriteBack, type StripeOperation, type SyncPlan } from '../plan/plan.js';

const DROPPABLE = new Set<StripeOperation['op']>(['prices.create', 'billing.meters.create']);

export function withoutUnusedPrices(plan: SyncPlan): SyncPlan {
  const operations = plan.operations;
  const unused = new Set(operations.filter((o) => DROPPABLE.has(o.op)).map((o) => o.ref));
  // Schedules, subscriptions and invoice items use them; walked newest first, since a schedule update
  // carries every phase still to come, and stopped as soon as every candidate is seen.
  for (let i = operations.length - 1; i >= 0 && unused.size > 0; i--) {
    if (!DROPPABLE.has(operations[i]!.op)) markMentioned(operations[i]!, unused);
  }
  // What only a kept price names (its meter, a duplicate's original price) is kept with it.
  for (let before = -1; unused.size > 0 && unused.size !== before;) {
    before = unused.size;
    for (const o of operations) if (DROPPABLE.has(o.op) && !unused.has(o.ref)) markMentioned(o, unused);
  }
  if (unused.size === 0) return plan;
  return {
    ...plan,
    operations: operations.filter((o) => !unused.has(o.ref)),
    writeBacks: plan.writeBacks.flatMap((w) => withoutFields(w, unused)),
  };
}

/** Removes from `unused` the references the operation names besides its own (an archive update names only itself). */
function markMentioned(operation: StripeOperation, unused: Set<string>): void {
  if ('id' in operation && operation.id !== operation.ref) mark(operation.id, unused);
  mark(operation.params, unused);
}

function mark(value: unknown, unused: Set<string>): void {
  if (unused.size === 0) return;
  if (typeof value === 'string') {
    if (isRef(value)) unused.delete(value.split('#', 1)[0]!);
  } else if (Array.isArray(value)) {
    for (const v of value) mark(v, unused);
  } else if (value !== null && typeof value === 'object') {
    for (const key in value) mark((value as Record<string, unknown>)[key], unused);
  }
}

function withoutFields(writeBack: SalesforceWriteBack, dropped: ReadonlySet<string>): SalesforceWriteBack[] {
  const fields = Object.fromEntries(
    Object.entries(writeBack.fields).filter(([, v]) => !(typeof v === 'string' && dropped.has(v))),
  );
  return Object.keys(fields).length > 0 ? [{ ...writeBack, fields }] : [];
}
