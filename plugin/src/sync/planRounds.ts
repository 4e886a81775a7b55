/**
 * Applying a contract's plan — in rounds when it must (decision q22). An amendment whose phase starts
 * `now` gets its timestamp from Stripe, so the core defers the amendments stacked after it
 * (`SyncPlan.deferred`). Rather than leave them for another run, the engine applies the plan, gives the
 * graph it already read the plan's write-backs, reads the linked Stripe objects again and plans again —
 * at most once per order of the contract. No Salesforce read is repeated, and the idempotency keys are
 * the plans' own: a crash in any round replays on the next run (the core writes back an amendment
 * Stripe already holds instead of planning it twice).
 */
import type { StripeState } from '../core/plan/context.js';
import { SyncErrors, type SyncError } from '../core/errors.js';
import type { CpqGraphInput } from '../core/records/graph.js';
import { isRef, type SalesforceWriteBack, type SyncPlan, type SyncRecordDraft } from '../core/plan/plan.js';
import { sameId } from '../core/records/salesforceIds.js';
import type { StripeGateway } from '../stripe/client.js';
import { loadLinkedObjects } from '../stripe/linkedObjects.js';
import { applyPlan, type AppliedOperation, type ApplyHooks } from '../stripe/planApplier.js';
import type { ReferenceTable } from '../stripe/references.js';

/** Plans the contract again on the graph and the Stripe objects it links to (throws `SyncErrors`). */
export type Replan = (graph: CpqGraphInput, state: StripeState) => Promise<SyncPlan>;

export interface PlanRoundsOutcome {
  /** Every round's plan in one (operations in the order applied). */
  readonly plan: SyncPlan;
  readonly applied: readonly AppliedOperation[];
  /** Resolved, one per record: what every applied operation allows Salesforce to know. */
  readonly writeBacks: readonly SalesforceWriteBack[];
  /** Sync Records of the rounds fully applied, the latest per compound id, references made readable. */
  readonly syncRecords: readonly SyncRecordDraft[];
  /** Why the last round stopped: a Stripe failure, or the problems of a later round's plan. */
  readonly errors: readonly SyncError[];
}

export async function applyPlanRounds(
  first: SyncPlan,
  graph: CpqGraphInput,
  stripe: StripeGateway,
  replan: Replan,
  clock: Pick<ApplyHooks, 'now' | 'earlierAttemptsSince'> = {},
): Promise<PlanRoundsOutcome> {
  const plans: SyncPlan[] = [];
  const applied: AppliedOperation[] = [];
  const writeBacks: SalesforceWriteBack[] = [];
  const records = new Map<string, SyncRecordDraft>();
  const maxRounds = Math.max(1, graph.orders?.length ?? 1);
  let plan = first;
  let errors: readonly SyncError[] = [];
  for (let round = 1; ; round++) {
    plans.push(plan);
    const outcome = await applyPlan(plan, stripe, clock);
    applied.push(...outcome.applied);
    const unfinished = new Set(plan.operations.slice(outcome.applied.length).map((op) => op.ref));
    const resolved = resolveWriteBacks(plan.writeBacks, outcome.references, unfinished);
    writeBacks.push(...resolved);
    if (outcome.failure) {
      errors = [outcome.failure];
      break;
    }
    for (const r of plan.syncRecords)
      records.set(r.compoundId, { ...r, message: resolveText(r.message, outcome.references) });
    if (!plan.deferred?.length || round >= maxRounds) break;
    graph = withWriteBacks(graph, resolved);
    try {
      plan = await replan(graph, await loadLinkedObjects(graph, stripe));
    } catch (error) {
      if (!(error instanceof SyncErrors)) throw error;
      errors = error.errors;
      break;
    }
  }
  return {
    plan: combined(plans),
    applied,
    writeBacks: mergedByRecord(writeBacks),
    syncRecords: [...records.values()],
    errors,
  };
}

/**
 * Write-backs with references replaced by what the run created. A field whose object was not created —
 * or still had an operation to go when the run stopped (an amendment's schedule update that failed) —
 * is left out, so Salesforce never marks as done what Stripe has not fully received.
 */
export function resolveWriteBacks(
  writeBacks: readonly SalesforceWriteBack[],
  references: ReferenceTable,
  unfinished: ReadonlySet<string> = new Set(),
): SalesforceWriteBack[] {
  return writeBacks.flatMap((w) => {
    const fields = Object.fromEntries(
      Object.entries(w.fields).flatMap(([field, value]) => {
        if (!isRef(value)) return [[field, value]];
        if (unfinished.has(value.split('#')[0]!)) return [];
        try {
          return [[field, references.lookup(value) as SalesforceWriteBack['fields'][string]]];
        } catch {
          return [];
        }
      }),
    );
    return Object.keys(fields).length > 0 ? [{ ...w, fields }] : [];
  });
}

/** A message with references inside ("Created Stripe Invoice with Id: @ref:invoice:…") made readable. */
function resolveText(text: string, references: ReferenceTable): string {
  return text.replace(/@ref:[A-Za-z0-9_:.#-]+/g, (reference) => {
    try {
      return String(references.lookup(reference as `@ref:${string}`));
    } catch {
      return reference;
    }
  });
}

/** The graph as Salesforce will hold it once the write-backs land (Stripe IDs on their records). */
function withWriteBacks(graph: CpqGraphInput, writeBacks: readonly SalesforceWriteBack[]): CpqGraphInput {
  if (writeBacks.length === 0) return graph;
  const fieldsOf = (id: unknown) =>
    writeBacks.filter((w) => typeof id === 'string' && sameId(w.id, id)).map((w) => w.fields);
  return Object.fromEntries(
    Object.entries(graph).map(([name, records]) => [
      name,
      (records ?? []).map((record) => {
        const updates = fieldsOf((record as { Id?: unknown }).Id);
        return updates.length > 0 ? Object.assign({}, record, ...updates) : record;
      }),
    ]),
  ) as CpqGraphInput;
}

/** One write-back per record (a composite update refuses the same Id twice); later fields win. */
function mergedByRecord(writeBacks: readonly SalesforceWriteBack[]): SalesforceWriteBack[] {
  const merged = new Map<string, SalesforceWriteBack>();
  for (const w of writeBacks) {
    const key = `${w.sobject}:${w.id}`;
    const earlier = merged.get(key);
    merged.set(key, earlier ? { ...earlier, fields: { ...earlier.fields, ...w.fields } } : w);
  }
  return [...merged.values()];
}

function combined(plans: readonly SyncPlan[]): SyncPlan {
  const last = plans[plans.length - 1]!;
  if (plans.length === 1) return last;
  return {
    primary: last.primary,
    operations: plans.flatMap((p) => p.operations),
    writeBacks: plans.flatMap((p) => p.writeBacks),
    syncRecords: plans.flatMap((p) => p.syncRecords),
    warnings: [...new Set(plans.flatMap((p) => p.warnings))],
    ...(last.deferred ? { deferred: last.deferred } : {}),
  };
}
