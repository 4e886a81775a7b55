/**
 * The sync engine: one order of a contract → Stripe objects and Salesforce write-backs, exactly once.
 *
 *   const engine = createSyncEngine({ salesforce, stripe });
 *   const results = await engine.syncOrders(['801…'], { dryRun: false, onProgress });
 *
 * Per order: locate its contract and take the lease on the initial Order (one worker per contract,
 * across processes); read the contract's graph (3 Salesforce calls); load the Stripe objects its
 * records link to; ask the core for a plan; apply it to Stripe with the plan's idempotency keys; write
 * Stripe IDs, the Order's status, message, fix and links, and the Sync Records back in two batched calls,
 * releasing the lease. A plan that defers stacked amendments (one before them starts `now`) is followed,
 * in the same run, by plans for them on the same graph (planRounds.ts). A run that fails part-way still
 * writes back every object it created, and the idempotency keys replay whatever a crash left unwritten,
 * so the next run creates nothing twice.
 */
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { StripeState, SyncContext } from '../core/context.js';
import { clockNow } from '../core/customers.js';
import { SyncError, SyncErrors, type RecordRef } from '../core/errors.js';
import type { CpqGraphInput } from '../core/graph.js';
import type { SalesforceWriteBack, SyncPlan } from '../core/plan.js';
import { planOrderSync } from '../core/planner.js';
import { recordRef } from '../core/records.js';
import { sameId } from '../core/salesforceIds.js';
import { DOCUMENTATION_LINKS } from '../core/syncRecords.js';
import { SalesforceApiError, type SalesforceClient } from '../salesforce/client.js';
import { locateOrder, OrderNotFound, readContractGraph } from '../salesforce/graphReader.js';
import { mappedFieldFailure, mappedFields } from '../salesforce/mappedFields.js';
import { claimLease, LEASE_RELEASED, releaseLease, type Lease } from '../salesforce/lease.js';
import { assertUsableMappings } from '../salesforce/mappingRecordCheck.js';
import { readOrgConfiguration, type OrgConfiguration } from '../salesforce/settingsReader.js';
import { errorSyncRecordRows, writeSyncOutcome, type SyncRecordRow } from '../salesforce/syncWriter.js';
import type { StripeGateway } from '../stripe/client.js';
import { stripeSyncError } from '../stripe/errors.js';
import { loadLinkedObjects } from '../stripe/linkedObjects.js';
import { dashboardLink } from '../stripe/links.js';
import type { AppliedOperation } from '../stripe/planApplier.js';
import { applyPlanRounds } from './planRounds.js';

export { resolveWriteBacks } from './planRounds.js';

export interface SyncEngineOptions {
  readonly salesforce: SalesforceClient;
  readonly stripe: StripeGateway;
  /** Names this worker on leases; default `<hostname-ish>-<uuid>`. */
  readonly workerId?: string;
  /** How long a lease holds when its worker dies mid-sync. Default 5 minutes. */
  readonly leaseMs?: number;
  readonly now?: () => Date;
  /** Settings and mappings; read from the org's Custom Metadata once when absent. */
  readonly configuration?: OrgConfiguration;
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
  readonly durationMs: number;
}

export interface SyncOptions {
  /** Plan only: no lease, no Stripe writes, no Salesforce writes. */
  readonly dryRun?: boolean;
}

export interface SyncEngine {
  readonly workerId: string;
  syncOrder(orderId: string, options?: SyncOptions): Promise<OrderSyncResult>;
  syncOrders(orderIds: readonly string[], options?: SyncOptions & { onProgress?: (result: OrderSyncResult, done: number, total: number) => void }): Promise<OrderSyncResult[]>;
  configuration(): Promise<OrgConfiguration>;
}

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const workerId = options.workerId ?? `worker-${randomUUID()}`;
  const now = options.now ?? (() => new Date());
  let configuration: Promise<OrgConfiguration> | undefined = options.configuration ? Promise.resolve(options.configuration) : undefined;
  const engine: SyncEngine = {
    workerId,
    configuration: () => (configuration ??= readOrgConfiguration(options.salesforce)),
    syncOrder: (orderId, syncOptions = {}) => syncOrder({ ...options, workerId, now, configuration: engine.configuration }, orderId, syncOptions),
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
  readonly salesforce: SalesforceClient;
  readonly stripe: StripeGateway;
  readonly workerId: string;
  readonly leaseMs?: number;
  readonly now: () => Date;
  readonly configuration: () => Promise<OrgConfiguration>;
}

async function syncOrder(run: EngineRun, orderId: string, options: SyncOptions): Promise<OrderSyncResult> {
  const started = performance.now();
  const result = (fields: Omit<OrderSyncResult, 'orderId' | 'durationMs'>): OrderSyncResult => ({ orderId, durationMs: performance.now() - started, ...fields });
  const orderRef = recordRef('Order', orderId);
  let lease: Lease | undefined;
  let applied: readonly AppliedOperation[] = [];
  try {
    const config = await run.configuration();
    assertUsableMappings(config, orderRef);
    const located = await locateOrder(run.salesforce, orderId);
    if (!options.dryRun) {
      const leaseOrder = located.initialOrderId ?? located.orderId;
      // The card shows "Syncing" on the order asked for; an amendment's initial order keeps its status.
      const syncing = sameId(leaseOrder, orderId) ? { Stripe_Sync_Status__c: 'Syncing' } : {};
      lease = await claimLease(run.salesforce, leaseOrder, run.workerId, run.leaseMs ?? 5 * 60_000, run.now(), syncing);
      if (!lease) return result({ status: 'busy', stripeId: undefined, applied: [], errors: [], retryable: true, warnings: [], plan: undefined });
    }
    const read = readContractGraph(run.salesforce, orderId, mappedFields(config.mappings), located).catch((error: unknown) => {
      throw mappedFieldFailure(error, config.mappingRecords, orderRef);
    });
    const graph = withOrderVersions(await read);
    const state = await loadLinkedObjects(graph, run.stripe);
    const linkedStripeId = (graph.orders as { Id: string; Stripe_ID__c?: string | null }[] | undefined)?.find((o) => sameId(o.Id, orderId))?.Stripe_ID__c ?? undefined;
    const planWith = async (g: CpqGraphInput, s: StripeState): Promise<SyncPlan> =>
      planOrderSync({ graph: g, state: s, context: syncContext(run, config, await testClockTime(run.stripe, s, orderRef)), orderId });
    let plan: SyncPlan;
    try {
      plan = await planWith(graph, state);
    } catch (error) {
      if (!(error instanceof SyncErrors)) throw error;
      if (options.dryRun) return result({ status: 'failed', stripeId: linkedStripeId, applied: [], errors: error.errors, retryable: false, warnings: [], plan: undefined });
      await finish(run, lease, { orderId, stripeId: linkedStripeId, writeBacks: [], records: errorSyncRecordRows(orderRef, error.errors), errors: error.errors });
      lease = undefined;
      return result({ status: 'failed', stripeId: linkedStripeId, applied: [], errors: error.errors, retryable: error.errors.every((e) => e.retryable), warnings: [], plan: undefined });
    }
    if (options.dryRun) return result({ status: 'planned', stripeId: linkedStripeId, applied: [], errors: [], retryable: false, warnings: plan.warnings, plan });

    // q22: amendments deferred behind one that starts `now` are planned again and applied in this run.
    const rounds = await applyPlanRounds(plan, graph, run.stripe, planWith);
    applied = rounds.applied;
    const { writeBacks, errors } = rounds;
    const orderWriteBack = writeBacks.find((w) => w.sobject === 'Order' && sameId(w.id, orderId));
    const stripeId = (orderWriteBack?.fields.Stripe_ID__c as string | undefined) ?? linkedStripeId;
    const records: SyncRecordRow[] = [...rounds.syncRecords, ...errorSyncRecordRows(orderRef, errors)];
    await finish(run, lease, { orderId, stripeId, writeBacks, records, errors });
    lease = undefined;
    return result({
      status: errors.length > 0 ? 'failed' : 'synced',
      stripeId,
      applied: rounds.applied,
      errors,
      retryable: errors.length > 0 && errors.every((e) => e.retryable),
      warnings: rounds.plan.warnings,
      plan: rounds.plan,
    });
  } catch (error) {
    const failures = error instanceof SyncErrors ? error.errors : [unexpectedFailure(error, orderRef, await syncUser(run.salesforce, error))];
    if (!options.dryRun) await recordFailure(run, lease, orderId, failures);
    return result({ status: 'failed', stripeId: undefined, applied, errors: failures, retryable: failures.every((f) => f.retryable), warnings: [], plan: undefined });
  }
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
  const clockId = Object.values(state.customers ?? {}).find((c): c is Stripe.Customer => !c.deleted && Boolean(c.test_clock))?.test_clock;
  if (!clockId) return undefined;
  const id = typeof clockId === 'string' ? clockId : clockId.id;
  return clockNow(await stripe.call('testClocks.retrieve', () => stripe.stripe.testHelpers.testClocks.retrieve(id)), order);
}

/**
 * After an unexpected failure (Salesforce or Stripe unreachable, …): the Order shows it and the lease
 * goes, best effort — if Salesforce is the problem, the lease simply expires. Write-backs are not
 * retried here; the next run replays its Stripe writes and writes them.
 */
async function recordFailure(run: EngineRun, lease: Lease | undefined, orderId: string, failures: readonly SyncError[]): Promise<void> {
  try {
    await finish(run, lease, { orderId, stripeId: undefined, writeBacks: [], records: errorSyncRecordRows(recordRef('Order', orderId), failures), errors: failures });
  } catch {
    if (lease) await releaseLease(run.salesforce, lease).catch(() => undefined);
  }
}

interface Finish {
  readonly orderId: string;
  readonly stripeId: string | undefined;
  readonly writeBacks: readonly SalesforceWriteBack[];
  readonly records: readonly SyncRecordRow[];
  readonly errors: readonly SyncError[];
}

/** Twelve lines with the same problem show its message and fix once on the Order (each keeps its Sync Record). */
const distinctLines = (texts: readonly string[]): string => [...new Set(texts)].join('\n');

/** The Order's status fields and the released lease, written with the write-backs and Sync Records. */
async function finish(run: EngineRun, lease: Lease | undefined, done: Finish): Promise<void> {
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
        Stripe_Sync_Message__c: done.records.find((r) => r.status === 'Success')?.message ?? 'In sync with Stripe: nothing to change.',
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
  if (lease) orderFields[lease.orderId] = { ...orderFields[lease.orderId], ...LEASE_RELEASED };
  await writeSyncOutcome(run.salesforce, { writeBacks: done.writeBacks, syncRecords: done.records, orderFields, orderId: done.orderId, livemode });
}

function customerLink(writeBacks: readonly SalesforceWriteBack[], livemode: boolean): Record<string, string> {
  const customer = writeBacks.find((w) => w.sobject === 'Account')?.fields.Stripe_ID__c;
  return typeof customer === 'string' ? { Stripe_Customer_Link__c: dashboardLink(customer, livemode) } : {};
}

/**
 * Idempotency keys carry the record's version (core/idempotency.ts). An Order's SystemModstamp moves with
 * every lease and status the sync itself writes, which would give a resumed run new keys and a second
 * schedule; an activated order's content cannot change, so its version is its ActivatedDate.
 */
function withOrderVersions(graph: CpqGraphInput): CpqGraphInput {
  const orders = (graph.orders ?? []) as Record<string, unknown>[];
  return { ...graph, orders: orders.map((o) => (o.ActivatedDate ? { ...o, SystemModstamp: o.ActivatedDate } : o)) };
}

/** The sync user's name for an access error's Sync Record (a failed lookup leaves it unnamed). */
async function syncUser(salesforce: SalesforceClient, error: unknown): Promise<string | undefined> {
  if (!(error instanceof SalesforceApiError) || !error.accessProblem) return undefined;
  return salesforce.username().catch(() => undefined);
}

function unexpectedFailure(error: unknown, order: { id: string; type: string }, user?: string): SyncError {
  if (error instanceof SyncError) return error;
  if (error instanceof SalesforceApiError) return error.toSyncError(order, user);
  if (error instanceof OrderNotFound) return new SyncError(error.message, { kind: 'data', record: order, fix: 'Check the Order Id and the sync user\'s access to it.' });
  return stripeSyncError(error, order);
}
