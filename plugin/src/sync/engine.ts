/**
 * The sync engine: one order of a contract → Stripe objects and Salesforce write-backs, exactly once.
 *
 *   const engine = createSyncEngine({ salesforce, stripe });
 *   const results = await engine.syncOrders(['801…'], { dryRun: false, onProgress });
 *
 * Per order, four Salesforce calls (plus one per further page of a long list): locate its contract (1,
 * none when the caller read the order with LOCATE_FIELDS and passes `located`);
 * take the contract's lock (syncLock.ts: one worker per contract, across processes) in one call with the
 * Order's "Syncing" status and the contract's graph queries (2); read the products' consumption schedules
 * (3); load the Stripe objects its records link to; ask the core for a plan; apply it to Stripe with the
 * plan's idempotency keys; write Stripe IDs, the Order's status, message, fix and links, the Sync Records
 * and the lock's release in one all-or-none call (4). A caller's own writes can ride in calls 2 and 4
 * (`alongside`: the relay claims and finishes a sync request there). The Order's billing summary (what
 * Stripe now bills) rides on that same Order update; a dry run carries the summary of what its plan would
 * bill instead. A plan that defers stacked amendments (one before them starts `now`) is followed, in the
 * same run, by plans for them on the same graph (planRounds.ts). A run that fails part-way still
 * writes back every object it created, and the idempotency keys replay whatever a crash left unwritten,
 * so the next run creates nothing twice.
 */
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { previewBillingSummary } from '../core/billingSummary/preview.js';
import { summaryFieldText, type BillingSummary } from '../core/billingSummary/schema.js';
import type { StripeState, SyncContext } from '../core/plan/context.js';
import { clockNow } from '../core/newOrders/customers.js';
import { SyncError, SyncErrors, type RecordRef } from '../core/errors.js';
import { parseGraph, type CpqGraphInput } from '../core/records/graph.js';
import { buildContractStructure } from '../core/records/contract.js';
import type { SalesforceWriteBack, SyncPlan } from '../core/plan/plan.js';
import { planOrderSync } from '../core/plan/planner.js';
import { recordRef } from '../core/records/records.js';
import { sameId } from '../core/records/salesforceIds.js';
import { DOCUMENTATION_LINKS } from '../core/plan/syncRecords.js';
import { SalesforceApiError, type CompositeSubrequest, type SalesforceClient } from '../salesforce/client.js';
import {
  contractGraphFrom,
  contractGraphQueries,
  locateOrder,
  OrderNotFound,
  type LocatedOrder,
} from '../salesforce/graphReader.js';
import { mappedFieldFailure, mappedFields } from '../salesforce/mappedFields.js';
import { assertUsableMappings } from '../salesforce/mappingRecordCheck.js';
import { readOrgConfiguration, type OrgConfiguration } from '../salesforce/settingsReader.js';
import { contractLockKey, releaseLock, takeLock, type SyncLock, type TakenLock } from '../salesforce/syncLock.js';
import { errorSyncRecordRows, writeSyncOutcome, type SyncRecordRow } from '../salesforce/syncWriter.js';
import { readBillingSummary } from '../stripe/billingSummary.js';
import type { StripeGateway } from '../stripe/client.js';
import { stripeSyncError } from '../stripe/errors.js';
import { loadLinkedObjects } from '../stripe/linkedObjects.js';
import { dashboardLink } from '../stripe/links.js';
import type { AppliedOperation } from '../stripe/planApplier.js';
import { applyPlanRounds } from './planRounds.js';
import { salesforceInstantMs } from '../core/dates.js';

export { resolveWriteBacks } from './planRounds.js';

export interface SyncEngineOptions {
  readonly salesforce: SalesforceClient;
  readonly stripe: StripeGateway;
  /** Names this worker on its locks; default `worker-<uuid>`. */
  readonly workerId?: string;
  /** How long a contract's lock holds when its worker dies mid-sync. Default 5 minutes. */
  readonly leaseMs?: number;
  readonly now?: () => Date;
  /** Settings and mappings; read from the org's Custom Metadata once when absent. */
  readonly configuration?: OrgConfiguration;
  /** Where warnings that do not fail a sync go (the relay's pino logger fits). */
  readonly logger?: EngineLogger;
}

/** The part of a (pino) logger the engine uses. */
export interface EngineLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export type OrderSyncStatus = 'synced' | 'failed' | 'busy' | 'planned';

export interface OrderSyncResult {
  readonly orderId: string;
  readonly status: OrderSyncStatus;
  /** The Order's Stripe object (schedule, subscription or invoice), when it has one. */
  readonly stripeId: string | undefined;
  /** Stripe operations applied in this run (0 on a re-sync of a synced order). */
  readonly applied: readonly AppliedOperation[];
  readonly errors: readonly SyncError[];
  /** True when a retry without any change can succeed (rate limits, locks, outages). */
  readonly retryable: boolean;
  readonly warnings: readonly string[];
  /** The plan, for dry runs (and for inspection after a run). */
  readonly plan: SyncPlan | undefined;
  /** What Stripe bills for the order: read back after a sync, or what the plan would bill in a dry run. */
  readonly summary?: BillingSummary;
  readonly durationMs: number;
  /** With `SyncOptions.alongside`: its `withOutcome` writes landed with the write-back (else the caller's to write). */
  readonly alongsideWritten?: boolean;
}

/** One order's result as commands print it and `--json` returns it: built once, here. */
export interface OrderSyncReport {
  readonly orderId: string;
  readonly status: OrderSyncStatus;
  readonly stripeId: string | null;
  /** The Sync Record messages of the failures, and their fixes. */
  readonly message: string | null;
  readonly fix: string | null;
  /** With a dry run: the plan, as the mapping core produced it. */
  readonly plan: SyncPlan | null;
}

export function syncReport(result: OrderSyncResult): OrderSyncReport {
  const failed = result.errors.length > 0;
  return {
    orderId: result.orderId,
    status: result.status,
    stripeId: result.stripeId ?? null,
    message: failed ? result.errors.map((e) => e.resolutionMessage).join('\n') : null,
    fix: failed ? result.errors.map((e) => e.fix).join('\n') : null,
    plan: result.plan ?? null,
  };
}

export interface SyncOptions {
  /** Plan only: no lock, no Stripe writes, no Salesforce writes. */
  readonly dryRun?: boolean;
  /**
   * With dryRun: plan a draft order as activation would leave it — its order products activated (CPQ
   * activates them with the order) — so a preview shows the order's real problems, not that it is a draft.
   */
  readonly asActivated?: boolean;
  /** Where the order's contract is, when the caller read it with the order (graphReader's LOCATE_FIELDS). */
  readonly located?: LocatedOrder;
  /** The caller's writes to make in the sync's own calls (not with dryRun). */
  readonly alongside?: AlongsideWrites;
}

/**
 * A caller's own writes riding in the sync's all-or-none calls, at no call of their own: the relay's sync
 * request, claimed with the contract's lock and finished with the write-back. The engine only places them.
 */
export interface AlongsideWrites {
  /** In the call that takes the contract's lock: written only with the lock, and the lock only with them. */
  readonly withLock: readonly CompositeSubrequest[];
  /**
   * In the write-back's last call, given how the sync ended (not when it ends busy). Refused by Salesforce,
   * they are dropped and the outcome written without them: `alongsideWritten` tells the caller.
   */
  withOutcome(result: OrderSyncResult): readonly CompositeSubrequest[];
}

export interface SyncEngine {
  readonly workerId: string;
  syncOrder(orderId: string, options?: SyncOptions): Promise<OrderSyncResult>;
  syncOrders(
    orderIds: readonly string[],
    options?: SyncOptions & { onProgress?: (result: OrderSyncResult, done: number, total: number) => void },
  ): Promise<OrderSyncResult[]>;
  configuration(): Promise<OrgConfiguration>;
}

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const workerId = options.workerId ?? `worker-${randomUUID()}`;
  const now = options.now ?? (() => new Date());
  let configuration: Promise<OrgConfiguration> | undefined = options.configuration
    ? Promise.resolve(options.configuration)
    : undefined;
  const engine: SyncEngine = {
    workerId,
    configuration: () => (configuration ??= readOrgConfiguration(options.salesforce)),
    syncOrder: (orderId, syncOptions = {}) =>
      syncOrder({ ...options, workerId, now, configuration: engine.configuration }, orderId, syncOptions),
    async syncOrders(orderIds, syncOptions = {}) {
      const results: OrderSyncResult[] = [];
      for (const id of orderIds) {
        results.push(await engine.syncOrder(id, syncOptions));
        syncOptions.onProgress?.(results[results.length - 1]!, results.length, orderIds.length);
      }
      return results;
    },
  };
  return engine;
}

interface EngineRun {
  readonly logger?: EngineLogger;
  readonly salesforce: SalesforceClient;
  readonly stripe: StripeGateway;
  readonly workerId: string;
  readonly leaseMs?: number;
  readonly now: () => Date;
  readonly configuration: () => Promise<OrgConfiguration>;
}

async function syncOrder(run: EngineRun, orderId: string, options: SyncOptions): Promise<OrderSyncResult> {
  const started = performance.now();
  const alongside = options.dryRun ? undefined : options.alongside;
  const result = (fields: Omit<OrderSyncResult, 'orderId' | 'durationMs'>): OrderSyncResult => ({
    orderId,
    durationMs: performance.now() - started,
    ...(alongside ? { alongsideWritten: false } : {}),
    ...fields,
  });
  const orderRef = recordRef('Order', orderId);
  let lock: SyncLock | undefined;
  let applied: readonly AppliedOperation[] = [];
  const written = (outcome: OrderSyncResult, alongsideWritten: boolean): OrderSyncResult => ({
    ...outcome,
    durationMs: performance.now() - started,
    ...(alongside ? { alongsideWritten } : {}),
  });
  /** Writes the outcome of the ended sync, the caller's writes with it, and releases the lock. */
  const ended = async (outcome: OrderSyncResult, done: Finish): Promise<OrderSyncResult> => {
    const alongsideWritten = await finish(run, lock, done, alongside?.withOutcome(outcome));
    lock = undefined;
    return written(outcome, alongsideWritten);
  };
  try {
    const config = await run.configuration();
    assertUsableMappings(config, orderRef);
    const located =
      options.located && sameId(options.located.orderId, orderId)
        ? options.located
        : await locateOrder(run.salesforce, orderId);
    const readOptions = { extra: mappedFields(config.mappings), located, multiCurrency: config.currency.multiCurrency };
    const queries = contractGraphQueries(located, readOptions);
    let rows: Record<string, Record<string, unknown>[]>;
    try {
      if (options.dryRun) rows = await run.salesforce.queries(queries);
      else {
        const taken = await lockContract(run, located, [
          ...(alongside?.withLock ?? []),
          ...run.salesforce.queryRequests(queries),
        ]);
        if (!taken)
          return result({
            status: 'busy',
            stripeId: undefined,
            applied: [],
            errors: [],
            retryable: true,
            warnings: [],
            plan: undefined,
          });
        lock = taken.lock;
        rows = await run.salesforce.queryRecords(
          Object.fromEntries(Object.keys(queries).map((ref) => [ref, taken.results[ref]])),
        );
      }
    } catch (error) {
      throw mappedFieldFailure(error, config.mappingRecords, orderRef);
    }
    const read = await contractGraphFrom(run.salesforce, rows, readOptions);
    const graph = withOrderVersions(options.dryRun && options.asActivated ? asActivated(read, orderId) : read);
    const state = await loadLinkedObjects(graph, run.stripe);
    const linkedStripeId =
      (graph.orders as { Id: string; Stripe_ID__c?: string | null }[] | undefined)?.find((o) => sameId(o.Id, orderId))
        ?.Stripe_ID__c ?? undefined;
    const planWith = async (g: CpqGraphInput, s: StripeState): Promise<SyncPlan> =>
      planOrderSync({
        graph: g,
        state: s,
        context: syncContext(run, config, await testClockTime(run.stripe, s, orderRef)),
        orderId,
      });
    let plan: SyncPlan;
    try {
      plan = await planWith(graph, state);
    } catch (error) {
      if (!(error instanceof SyncErrors)) throw error;
      if (options.dryRun)
        return result({
          status: 'failed',
          stripeId: linkedStripeId,
          applied: [],
          errors: error.errors,
          retryable: false,
          warnings: [],
          plan: undefined,
        });
      return await ended(
        result({
          status: 'failed',
          stripeId: linkedStripeId,
          applied: [],
          errors: error.errors,
          retryable: error.errors.every((e) => e.retryable),
          warnings: [],
          plan: undefined,
        }),
        {
          orderId,
          stripeId: linkedStripeId,
          writeBacks: [],
          records: errorSyncRecordRows(orderRef, error.errors),
          errors: error.errors,
        },
      );
    }
    if (options.dryRun) {
      const summary = previewBillingSummary(
        plan,
        state,
        orderId,
        linkedStripeId,
        Math.floor(run.now().getTime() / 1000),
      );
      return result({
        status: 'planned',
        stripeId: linkedStripeId,
        applied: [],
        errors: [],
        retryable: false,
        warnings: plan.warnings,
        plan,
        ...(summary ? { summary } : {}),
      });
    }

    // q22: amendments deferred behind one that starts `now` are planned again and applied in this run.
    const rounds = await applyPlanRounds(plan, graph, run.stripe, planWith, {
      now: run.now,
      ...earlierAttempts(graph, located),
    });
    applied = rounds.applied;
    const { writeBacks, errors } = rounds;
    const orderWriteBack = writeBacks.find((w) => w.sobject === 'Order' && sameId(w.id, orderId));
    const stripeId = (orderWriteBack?.fields.Stripe_ID__c as string | undefined) ?? linkedStripeId;
    const records: SyncRecordRow[] = [...rounds.syncRecords, ...errorSyncRecordRows(orderRef, errors)];
    // Only a run that changed Stripe changes what it bills: a re-sync that wrote nothing keeps the summary.
    const readBack = stripeId && rounds.applied.length > 0 ? await billingSummary(run, orderId, stripeId) : {};
    const { summary } = readBack;
    return await ended(
      result({
        status: errors.length > 0 ? 'failed' : 'synced',
        stripeId,
        applied: rounds.applied,
        errors,
        retryable: errors.length > 0 && errors.every((e) => e.retryable),
        warnings: [...rounds.plan.warnings, ...(readBack.warning ? [readBack.warning] : [])],
        plan: rounds.plan,
        ...(summary ? { summary } : {}),
      }),
      {
        orderId,
        stripeId,
        writeBacks,
        records,
        errors,
        summary,
        initialOrderId: initialOrderOf(graph, located),
      },
    );
  } catch (error) {
    const failures =
      error instanceof SyncErrors
        ? error.errors
        : [unexpectedFailure(error, orderRef, await syncUser(run.salesforce, error))];
    const failed = result({
      status: 'failed',
      stripeId: undefined,
      applied,
      errors: failures,
      retryable: failures.every((f) => f.retryable),
      warnings: [],
      plan: undefined,
    });
    if (options.dryRun) return failed;
    return written(failed, await recordFailure(run, lock, failed, alongside?.withOutcome(failed)));
  }
}

/**
 * The contract's initial order, as the planner found it (core/records/contract.ts: the order made from the
 * contract's quote that amends nothing), not the contract's SBQQ__Order__c, which CPQ may point at an amendment.
 * The plan was made from this graph, so its structure is known to build.
 */
function initialOrderOf(graph: CpqGraphInput, located: LocatedOrder): string {
  if (!located.amendment) return located.orderId;
  return buildContractStructure(located.orderId, parseGraph(graph).graph).initial.order.Id;
}

function syncContext(run: EngineRun, config: OrgConfiguration, clockTime: number | undefined): SyncContext {
  return {
    orgId: config.orgId,
    instanceUrl: run.salesforce.instanceUrl,
    livemode: run.stripe.livemode,
    sandbox: config.sandbox,
    now: clockTime ?? Math.floor(run.now().getTime() / 1000),
    settings: config.settings,
    mappings: config.mappings,
  };
}

/** "Now" for a customer on a Stripe test clock is the clock's frozen time; a clock still advancing means retry later. */
async function testClockTime(stripe: StripeGateway, state: StripeState, order: RecordRef): Promise<number | undefined> {
  const clockId = Object.values(state.customers ?? {}).find(
    (c): c is Stripe.Customer => !c.deleted && Boolean(c.test_clock),
  )?.test_clock;
  if (!clockId) return undefined;
  const id = typeof clockId === 'string' ? clockId : clockId.id;
  return clockNow(
    await stripe.call('testClocks.retrieve', () => stripe.stripe.testHelpers.testClocks.retrieve(id)),
    order,
  );
}

/**
 * After an unexpected failure (Salesforce or Stripe unreachable, …): the Order shows it and the lock
 * goes, best effort — if Salesforce is the problem, the lock simply expires. Write-backs are not
 * retried here; the next run replays its Stripe writes and writes them.
 */
async function recordFailure(
  run: EngineRun,
  lock: SyncLock | undefined,
  failed: OrderSyncResult,
  alongside: readonly CompositeSubrequest[] | undefined,
): Promise<boolean> {
  const { orderId, errors } = failed;
  const records = errorSyncRecordRows(recordRef('Order', orderId), errors);
  try {
    return await finish(run, lock, { orderId, stripeId: undefined, writeBacks: [], records, errors }, alongside);
  } catch {
    if (lock) await releaseLock(run.salesforce, lock).catch(() => undefined);
    return false;
  }
}

/**
 * The contract's lock (contractLockKey: one key for all its orders), taken in one call with the contract's
 * graph queries (`reads`, answered only once the lock is held), the caller's writes (`alongside`) and, for an
 * order that is no amendment, its "Syncing" status (a lock not taken writes no status). An amendment is not
 * touched before the contract is read: its LastModifiedDate orders amendments that start the same day (the
 * order CPQ applied them in), and a status write would move it to the end. Undefined while another worker
 * syncs the contract.
 */
async function lockContract(
  run: EngineRun,
  located: LocatedOrder,
  reads: readonly CompositeSubrequest[],
): Promise<TakenLock | undefined> {
  const syncing = {
    method: 'PATCH' as const,
    url: `${run.salesforce.basePath}/sobjects/Order/${located.orderId}`,
    referenceId: 'syncing',
    body: { Stripe_Sync_Status__c: 'Syncing' },
  };
  return takeLock(run.salesforce, contractLockKey(located), {
    owner: run.workerId,
    ttlMs: run.leaseMs ?? 5 * 60_000,
    now: run.now(),
    alongside: [...(located.amendment ? [] : [syncing]), ...reads],
  });
}

interface Finish {
  readonly orderId: string;
  readonly stripeId: string | undefined;
  readonly writeBacks: readonly SalesforceWriteBack[];
  readonly records: readonly SyncRecordRow[];
  readonly errors: readonly SyncError[];
  /** Written on the Order and, for an amendment, on its contract's initial Order (both show one schedule). */
  readonly summary?: BillingSummary;
  readonly initialOrderId?: string;
}

/**
 * The billing Stripe holds after the sync. Only reads: a Stripe hiccup here leaves the previous summary
 * in place (the next webhook or sync refreshes it) rather than failing a sync that succeeded — reported as
 * the result's warning and logged, never swallowed.
 */
async function billingSummary(
  run: EngineRun,
  orderId: string,
  stripeId: string,
): Promise<{ summary?: BillingSummary; warning?: string }> {
  try {
    const summary = await readBillingSummary(run.stripe, stripeId, run.now());
    return summary ? { summary } : {};
  } catch (error) {
    const warning = `The billing summary of ${stripeId} could not be read back from Stripe (${error instanceof Error ? error.message : String(error)}); the Order keeps its previous summary until the next sync or Stripe event.`;
    run.logger?.warn({ orderId, stripeId, err: error }, warning);
    return { warning };
  }
}

/** Twelve lines with the same problem show its message and fix once on the Order (each keeps its Sync Record). */
const distinctLines = (texts: readonly string[]): string => [...new Set(texts)].join('\n');

/**
 * The Order's status fields, written with the write-backs and Sync Records, the lock's release and the
 * caller's writes: one call. Returns whether the caller's writes were written.
 */
async function finish(
  run: EngineRun,
  lock: SyncLock | undefined,
  done: Finish,
  alongside: readonly CompositeSubrequest[] = [],
): Promise<boolean> {
  const livemode = run.stripe.livemode;
  const first = done.errors[0];
  const status = first
    ? {
        Stripe_Sync_Status__c: 'Failed',
        Stripe_Sync_Message__c: distinctLines(done.errors.map((e) => e.resolutionMessage)),
        Stripe_Sync_Fix__c: distinctLines(done.errors.map((e) => e.fix)),
        Stripe_Sync_Doc_Link__c: first.docUrl ?? DOCUMENTATION_LINKS.error,
      }
    : {
        Stripe_Sync_Status__c: 'Synced',
        Stripe_Sync_Message__c:
          done.records.find((r) => r.status === 'Success')?.message ?? 'In sync with Stripe: nothing to change.',
        Stripe_Sync_Fix__c: null,
        Stripe_Sync_Doc_Link__c: DOCUMENTATION_LINKS.success,
      };
  const orderFields: Record<string, Record<string, unknown>> = {
    [done.orderId]: {
      ...status,
      Stripe_Last_Sync__c: run.now().toISOString(),
      ...(done.stripeId ? { Stripe_Dashboard_Link__c: dashboardLink(done.stripeId, livemode) } : {}),
      ...customerLink(done.writeBacks, livemode),
    },
  };
  if (done.summary) {
    const summary = { Stripe_Billing_Summary__c: summaryFieldText(done.summary) };
    for (const id of new Set([done.orderId, done.initialOrderId ?? done.orderId]))
      orderFields[id] = { ...orderFields[id], ...summary };
  }
  return writeSyncOutcome(
    run.salesforce,
    { writeBacks: done.writeBacks, syncRecords: done.records, orderFields, orderId: done.orderId, livemode, alongside },
    lock,
  );
}

function customerLink(writeBacks: readonly SalesforceWriteBack[], livemode: boolean): Record<string, string> {
  const customer = writeBacks.find((w) => w.sobject === 'Account')?.fields.Stripe_ID__c;
  return typeof customer === 'string' ? { Stripe_Customer_Link__c: dashboardLink(customer, livemode) } : {};
}

/**
 * Idempotency keys carry the record's version (core/idempotency.ts). An Order's SystemModstamp moves with
 * status the sync itself writes, which would give a resumed run new keys and a second
 * schedule; an activated order's content cannot change, so its version is its ActivatedDate.
 */
function withOrderVersions(graph: CpqGraphInput): CpqGraphInput {
  const orders = (graph.orders ?? []) as Record<string, unknown>[];
  return { ...graph, orders: orders.map((o) => (o.ActivatedDate ? { ...o, SystemModstamp: o.ActivatedDate } : o)) };
}

/**
 * Since when earlier attempts may have sent creates they never wrote back (recoveredCreates.ts): the order's
 * activation, as no run syncs a draft. Only when the order was left "Syncing" or "Failed" — a first sync never
 * looks — or for an amendment, whose sync writes no "Syncing" on it (engine's lock).
 */
function earlierAttempts(graph: CpqGraphInput, located: LocatedOrder): { earlierAttemptsSince?: Date } {
  if (!located.unfinishedSync && !located.amendment) return {};
  const order = (graph.orders as { Id: string; ActivatedDate?: string | null }[] | undefined)?.find((o) =>
    sameId(o.Id, located.orderId),
  );
  const ms = order?.ActivatedDate ? salesforceInstantMs(order.ActivatedDate) : NaN;
  return Number.isNaN(ms) ? {} : { earlierAttemptsSince: new Date(ms) };
}

/** The order's products as activation leaves them (deleted ones stay deleted, and still refused). */
function asActivated(graph: CpqGraphInput, orderId: string): CpqGraphInput {
  const items = (graph.orderItems ?? []) as Record<string, unknown>[];
  return {
    ...graph,
    orderItems: items.map((i) =>
      sameId(String(i.OrderId), orderId) && i.IsDeleted !== true ? { ...i, SBQQ__Activated__c: true } : i,
    ),
  };
}

/** The sync user's name for an access error's Sync Record (a failed lookup leaves it unnamed). */
async function syncUser(salesforce: SalesforceClient, error: unknown): Promise<string | undefined> {
  if (!(error instanceof SalesforceApiError) || !error.accessProblem) return undefined;
  return salesforce.username().catch(() => undefined);
}

function unexpectedFailure(error: unknown, order: { id: string; type: string }, user?: string): SyncError {
  if (error instanceof SyncError) return error;
  if (error instanceof SalesforceApiError) return error.toSyncError(order, user);
  if (error instanceof OrderNotFound)
    return new SyncError(error.message, {
      kind: 'data',
      record: order,
      fix: "Check the Order Id and the sync user's access to it.",
    });
  return stripeSyncError(error, order);
}
