/**
 * Prices (and their meters) are planned per line before the phases decide which lines stand as their own
 * item: an MDQ line merged into its revision chain, or a changed line that keeps the price its phases
 * already hold, ends up on no item. This pass drops every created price no other operation uses, with
 * its archive update, its write-back and a meter only it needed — a re-sync never makes unused objects.
 */
import { isRef, type SalesforceWriteBack, type StripeOperation, type SyncPlan } from './plan.js';

const DROPPABLE = new Set<StripeOperation['op']>(['prices.create', 'billing.meters.create']);

export function withoutUnusedPrices(plan: SyncPlan): SyncPlan {
  let operations = plan.operations;
  const dropped = new Set<string>();
  for (;;) {
    const used = referencedByOthers(operations);
    const unused = operations.filter((o) => DROPPABLE.has(o.op) && !used.has(o.ref));
    if (unused.length === 0) break;
    for (const o of unused) dropped.add(o.ref);
    operations = operations.filter((o) => !dropped.has(o.ref));
  }
  if (dropped.size === 0) return plan;
  return { ...plan, operations, writeBacks: plan.writeBacks.flatMap((w) => withoutFields(w, dropped)) };
}

/** References each operation mentions, except the one it is known by (its own archive update included). */
function referencedByOthers(operations: readonly StripeOperation[]): Set<string> {
  const used = new Set<string>();
  for (const o of operations) collectRefs(o.params, used, o.ref);
  for (const o of operations) if ('id' in o && o.id !== o.ref) used.add(o.id);
  return used;
}

function collectRefs(value: unknown, into: Set<string>, self: string): void {
  if (isRef(value)) {
    if (value !== self) into.add(value.split('#')[0]!);
  } else if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, into, self);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) collectRefs(v, into, self);
  }
}

function withoutFields(writeBack: SalesforceWriteBack, dropped: ReadonlySet<string>): SalesforceWriteBack[] {
  const fields = Object.fromEntries(Object.entries(writeBack.fields).filter(([, v]) => !(typeof v === 'string' && dropped.has(v))));
  return Object.keys(fields).length > 0 ? [{ ...writeBack, fields }] : [];
}
