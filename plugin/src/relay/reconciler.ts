/**
 * The reconciler: the relay's safety net and its settings re-read in one Salesforce API call. At start
 * and every `reconcileSeconds` (default 10 minutes), one composite request reads the org's settings and
 * mappings, the sync requests that are due or stale, and (with live sync on) activated orders not yet
 * synced — what an outage, a dropped stream or a replay id past retention could have left behind.
 * Composite allows at most five queries (REST API Developer Guide, "Composite"); this sends four. Other
 * calls only when there is work: stale requests to queue again, Sync Records beyond retention (checked
 * once a day). A full page of orders (a backfill) means more may wait: the next reconciliation follows as
 * soon as the runner has synced this page, not `reconcileSeconds` later — one call per
 * RECONCILE_ORDER_LIMIT orders, instead of a 10,000-order backfill taking 50 intervals (over eight hours).
 */
import type { SalesforceClient } from '../salesforce/client.js';
import { orgConfigurationFrom, orgConfigurationQueries, type OrgConfiguration } from '../salesforce/settingsReader.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import { locatedFrom, type LocatedOrder } from '../salesforce/graphReader.js';
import { ordersToSyncQuery, RECONCILE_ORDER_LIMIT } from './orderSelection.js';
import type { RequestRunner } from './requestRunner.js';
import { enforceSyncRecordRetention } from './retention.js';
import type { Scheduler } from './scheduler.js';
import type { SettingsRefresher } from './settingsRefresher.js';
import { openRequestsQuery, recoverStaleRequests, type SyncRequest } from './syncRequests.js';

export const DEFAULT_RECONCILE_SECONDS = 600;
const RETENTION_EVERY_MS = 86_400_000;

export interface Reconciliation {
  /** The settings read; undefined when the record could not be read (see `settingsError`). */
  readonly configuration: OrgConfiguration | undefined;
  readonly settingsError: unknown;
  readonly dueRequests: readonly SyncRequest[];
  /** Requests stuck in Syncing past their lease (their relay died). */
  readonly staleRequests: number;
  /** Activated orders to sync, located (empty when live sync is off). */
  readonly orders: readonly LocatedOrder[];
}

/**
 * One composite call. `previous` supplies the organization (read once at start) and the sync filter the
 * order query uses; a filter changed in this very read applies from the next tick.
 */
export async function reconcile(
  client: SalesforceClient,
  previous: OrgConfiguration,
  liveSync: boolean,
  now: Date,
): Promise<Reconciliation> {
  const { settings, mappings } = orgConfigurationQueries();
  const rows = await client.queries({
    settings,
    mappings,
    requests: openRequestsQuery(now),
    ...(liveSync
      ? {
          orders: ordersToSyncQuery({
            filter: previous.settings.orderSyncFilter,
            syncStartDate: previous.settings.syncStartDate,
          }),
        }
      : {}),
  });
  const requests = (rows.requests ?? []) as unknown as Array<SyncRequest & { Status__c: string }>;
  let configuration: OrgConfiguration | undefined;
  let settingsError: unknown;
  try {
    configuration = orgConfigurationFrom({
      settings: rows.settings,
      mappings: rows.mappings,
      organization: [{ Id: previous.orgId, IsSandbox: previous.sandbox }],
    });
  } catch (error) {
    settingsError = error;
  }
  return {
    configuration,
    settingsError,
    dueRequests: requests.filter((r) => r.Status__c !== 'Syncing'),
    staleRequests: requests.filter((r) => r.Status__c === 'Syncing').length,
    orders: (rows.orders ?? []).map(locatedFrom),
  };
}

export interface ReconcilerDeps {
  readonly salesforce: SalesforceClient;
  readonly settings: SettingsRefresher;
  readonly runner: RequestRunner;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly log: Logger;
  readonly reconcileSeconds: number;
}

export class Reconciler {
  private lastRetention: number | undefined;

  constructor(private readonly deps: ReconcilerDeps) {}

  /**
   * The next reconciliation in `ms` (replacing the one scheduled), then every `reconcileSeconds` — or, after
   * a full page of orders, as soon as the runner has synced it (the interval stays the fallback should the
   * runner never be idle; a stopped relay has no reconciliation left to bring forward).
   */
  scheduleIn(ms: number, reason: 'start' | 'interval' | 'gap' | 'backlog'): void {
    const { scheduler, runner, reconcileSeconds } = this.deps;
    scheduler.after('reconcile', ms, async () => {
      const backlog = await this.tick(reason);
      this.scheduleIn(reconcileSeconds * 1000, 'interval');
      if (backlog)
        void runner.settled().then(() => {
          if (scheduler.has('reconcile')) this.scheduleIn(0, 'backlog');
        });
    });
  }

  /** Reconcile as soon as possible: the stream lost events. */
  afterGap(): void {
    this.scheduleIn(0, 'gap');
  }

  /**
   * One reconciliation; a failure is logged and the next tick tries again. True when it queued a full page
   * of orders: more may be waiting.
   */
  async tick(reason: string): Promise<boolean> {
    const { salesforce, settings, runner, clock, log } = this.deps;
    log.debug({ reason }, 'reconciling');
    try {
      const seenAt = Date.now();
      const found = await reconcile(salesforce, settings.configuration, settings.liveSync, clock.now());
      settings.apply(found.configuration, found.settingsError);
      if (found.staleRequests > 0) {
        const recovered = await recoverStaleRequests(salesforce, clock.now());
        if (recovered > 0) log.warn({ recovered }, 'stale sync requests queued again');
      }
      await runner.saveUnsavedRetries();
      for (const request of found.dueRequests) runner.runRequest(request);
      const queued = found.orders.length > 0 && (await this.syncMissedOrders(found.orders, seenAt));
      await this.enforceRetention();
      return queued && found.orders.length >= RECONCILE_ORDER_LIMIT;
    } catch (error) {
      log.error({ err: error }, 'reconciliation failed: the next one tries again');
      return false;
    }
  }

  /** Orders the events missed, unless the org's API use is above its configured share; whether they were queued. */
  private async syncMissedOrders(orders: readonly LocatedOrder[], seenAt: number): Promise<boolean> {
    const { salesforce, settings, runner, log } = this.deps;
    // The composite call's own response reported the usage: no call of its own.
    const used = await salesforce.dailyApiUsagePercent();
    if (used >= settings.configuration.apiPercentageLimit) {
      log.warn(
        { used, limit: settings.configuration.apiPercentageLimit, orders: orders.length },
        'daily Salesforce API allowance above the configured share: missed orders wait for the next reconciliation',
      );
      return false;
    }
    log.info({ orders: orders.length }, 'reconciliation found activated orders to sync');
    for (const order of orders) runner.syncOrder(order.orderId, undefined, seenAt, order);
    return true;
  }

  private async enforceRetention(): Promise<void> {
    const at = this.deps.clock.now().getTime();
    if (this.lastRetention !== undefined && at - this.lastRetention < RETENTION_EVERY_MS) return;
    this.lastRetention = at;
    const keep = this.deps.settings.configuration.syncRecordRetention;
    const deleted = await enforceSyncRecordRetention(this.deps.salesforce, keep);
    if (deleted > 0) this.deps.log.info({ deleted, keep }, 'old Sync Records deleted');
  }
}
