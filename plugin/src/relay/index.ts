/**
 * The relay: a long-running service around the sync engine (also started by `sf stripe cpq relay start`).
 *
 *   const relay = await startRelay({ salesforce, stripe, port: 8787, concurrency: 2, pollIntervalSeconds: 90,
 *                                    webhookSecret: process.env.STRIPE_WEBHOOK_SECRET });
 *   …
 *   await relay.stop(); // graceful: stops polling, finishes running syncs
 *
 * Triggers: Stripe_Sync_Request__c records (polled every `requestPollSeconds`, default 1 s; stale claims
 * recovered) and, when live sync is on, activated orders not yet synced (every `pollIntervalSeconds`,
 * cursor on LastModifiedDate, the org's sync filter and start date; skipped while the org's daily API
 * use is above API_Percentage_Limit__c). Jobs run on a bounded worker pool,
 * one per Order at a time; the engine's contract lock keeps other relay processes off the same contract.
 * Sync Records beyond the org's retention setting are deleted, oldest first, once an hour.
 * Retryable failures (rate limits, outages) wait in Salesforce as Retrying requests with their next
 * attempt's time (retries.ts; a poll- or /sync-triggered failure becomes such a request), so a restarted
 * relay picks them up; no retry lives in memory. The org's settings are re-read every
 * `settingsRefreshSeconds`: live sync, the sync filter, the poll interval and mappings change without a
 * restart. HTTP: see http.ts. Logs: pino JSON lines with secrets redacted.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { SalesforceClient } from '../salesforce/client.js';
import { readOrgConfiguration, validatedOrderFilter, type OrgConfiguration } from '../salesforce/settingsReader.js';
import type { StripeGateway } from '../stripe/client.js';
import { createSyncEngine, type OrderSyncResult, type SyncEngine } from '../sync/engine.js';
import { createRelayServer } from './http.js';
import { createRelayLogger, type Logger } from './logger.js';
import { RelayMetrics } from './metrics.js';
import { pollOrders } from './orderPoller.js';
import { runPreview } from './previewRequests.js';
import { enforceSyncRecordRetention } from './retention.js';
import { RETRY_DELAYS_SECONDS, type RetryPolicy } from './retries.js';
import { claimRequest, dueRequests, finishRequest, recoverStaleRequests, requestRetry, type SyncRequest } from './syncRequests.js';
import { handleEvent, InvalidSignature, SeenEvents, verifyEvent } from './webhooks.js';
import { WorkerPool } from './workerPool.js';

export interface RelayOptions {
  readonly salesforce: SalesforceClient;
  readonly stripe: StripeGateway;
  /** 0 picks a free port. Default 8787. */
  readonly port?: number;
  /** Default 127.0.0.1; 0.0.0.0 in a container. */
  readonly host?: string;
  readonly concurrency?: number;
  /** Activated-order poll interval, seconds (default: the org's setting, 90). */
  readonly pollIntervalSeconds?: number;
  /** Sync-request poll interval, seconds. Default 1. */
  readonly requestPollSeconds?: number;
  readonly webhookSecret?: string;
  readonly syncToken?: string;
  /** Overrides the org's Live_Sync_Enabled__c for the activated-order poller. */
  readonly liveSync?: boolean;
  /** Where the first order poll starts (default: the epoch — every unsynced order the filter admits). */
  readonly pollFrom?: Date;
  readonly leaseMs?: number;
  readonly workerId?: string;
  readonly logger?: Logger;
  /** Seconds between re-reads of the org's settings and mappings. Default 60. */
  readonly settingsRefreshSeconds?: number;
  /** Waits before each retry of a retryable failure. Default: the reference connector's (retries.ts). */
  readonly retryDelaysSeconds?: readonly number[];
  /** The relay's clock for retry times and request claims (tests move it on). Default: the wall clock. */
  readonly now?: () => Date;
}

export interface RunningRelay {
  readonly url: string;
  readonly metrics: RelayMetrics;
  /** Seconds between activated-order polls: the option, else the org's setting as last read. */
  readonly pollIntervalSeconds: number;
  /** The engine with the settings last read from the org. */
  readonly engine: SyncEngine;
  /** Resolves when no job is queued or running (tests, benchmarks). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
  const log = options.logger ?? createRelayLogger();
  const workerId = options.workerId ?? `relay-${randomUUID().slice(0, 8)}`;
  const now = options.now ?? (() => new Date());
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const retryPolicy: RetryPolicy = { delaysSeconds: options.retryDelaysSeconds ?? RETRY_DELAYS_SECONDS, random: Math.random };
  const metrics = new RelayMetrics();
  options.stripe.observe(metrics.stripeObserver);
  const engineWith = (configuration: OrgConfiguration) => createSyncEngine({ salesforce: options.salesforce, stripe: options.stripe, workerId, leaseMs, configuration });
  let config = await readOrgConfiguration(options.salesforce);
  let engine = engineWith(config);
  const liveSync = () => options.liveSync ?? config.liveSyncEnabled;
  // A filter the poller would refuse stops the start, where the admin sees it, not in each poll's log.
  if (liveSync()) validatedOrderFilter(config.settings.orderSyncFilter);
  const pollSeconds = () => options.pollIntervalSeconds ?? config.pollIntervalSeconds;
  const pool = new WorkerPool(options.concurrency ?? 2, (key, error) => log.error({ key, err: error }, 'sync job failed'));
  const timers = new Set<NodeJS.Timeout>();
  let stopping = false;

  const later = (ms: number, task: () => Promise<void>) => {
    if (stopping) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void task().catch((error: unknown) => log.error({ err: error }, 'relay task failed'));
    }, ms);
    timers.add(timer);
  };
  /** Runs `task` now, then again `seconds()` after each run ends, until the relay stops. */
  const every = (seconds: () => number, task: () => Promise<void>) => {
    const tick = async () => {
      await task().catch((error: unknown) => log.error({ err: error }, 'relay task failed'));
      later(seconds() * 1000, tick);
    };
    void tick();
  };

  const record = (result: OrderSyncResult, startedAt: number) => {
    metrics.syncs.inc({ outcome: result.status });
    metrics.syncLatency.observe((Date.now() - startedAt) / 1000);
    const fields = { orderId: result.orderId, status: result.status, stripeId: result.stripeId, writes: result.applied.length, ms: Math.round(result.durationMs) };
    if (result.status === 'failed') log.warn({ ...fields, errors: result.errors.map((e) => e.resolutionMessage) }, 'order sync failed');
    else log.info(fields, 'order synced');
  };

  // Retries of syncs the relay started itself, whose request Salesforce refused (it is often the outage):
  // saved again at each request poll rather than dropped.
  const unsavedRetries = new Map<string, OrderSyncResult>();
  const saveRetry = async (result: OrderSyncResult) => {
    try {
      const requestId = await requestRetry(options.salesforce, result, workerId, now(), retryPolicy);
      unsavedRetries.delete(result.orderId);
      if (requestId) log.info({ orderId: result.orderId, requestId }, 'retryable failure saved as a sync request');
    } catch (error) {
      unsavedRetries.set(result.orderId, result);
      log.warn({ orderId: result.orderId, err: error }, 'retry request not saved yet; trying again at the next request poll');
    }
  };

  /** An order from the poller or POST /sync; a retryable failure becomes a durable request. */
  const syncOrder = (orderId: string) =>
    pool.enqueue(orderId, async () => {
      const startedAt = Date.now();
      const result = await engine.syncOrder(orderId);
      record(result, startedAt);
      if (result.retryable) await saveRetry(result);
    });

  const runRequest = (request: SyncRequest) =>
    pool.enqueue(request.Order__c, async () => {
      const claimed = await claimRequest(options.salesforce, request.Id, workerId, leaseMs, now());
      if (!claimed) return;
      log.debug({ requestId: claimed.Id, orderId: claimed.Order__c, attempt: claimed.attempt }, 'sync request claimed');
      if (claimed.Type__c === 'Preview') {
        const preview = await runPreview(options.salesforce, engine, claimed, now);
        log.info({ requestId: claimed.Id, orderId: claimed.Order__c, problems: preview.errors.length }, 'billing preview written');
        return;
      }
      const result = await engine.syncOrder(claimed.Order__c);
      const outcome = await finishRequest(options.salesforce, claimed, result, now(), retryPolicy);
      record(result, Date.parse(request.Requested_At__c ?? request.CreatedDate ?? '') || Date.now());
      if (outcome.status === 'Retrying') log.info({ requestId: claimed.Id, orderId: claimed.Order__c, attempt: claimed.attempt, nextAttemptAt: outcome.nextAttemptAt }, 'sync request will be retried');
    });

  let lastRecovery = 0;
  let lastRetention = 0;
  const pollRequests = async () => {
    try {
      if (Date.now() - lastRecovery > 30_000) {
        lastRecovery = Date.now();
        const recovered = await recoverStaleRequests(options.salesforce, now());
        if (recovered > 0) log.warn({ recovered }, 'stale sync requests queued again');
      }
      if (Date.now() - lastRetention > 3_600_000) {
        lastRetention = Date.now();
        const deleted = await enforceSyncRecordRetention(options.salesforce, config.syncRecordRetention);
        if (deleted > 0) log.info({ deleted, keep: config.syncRecordRetention }, 'old Sync Records deleted');
      }
      for (const result of [...unsavedRetries.values()]) await saveRetry(result);
      for (const request of await dueRequests(options.salesforce, now())) runRequest(request);
    } catch (error) {
      log.error({ err: error }, 'sync request poll failed');
    }
  };

  let cursor = options.pollFrom ?? new Date(0);
  const pollActivatedOrders = async () => {
    if (!liveSync()) return;
    // SOQL datetimes have whole seconds: the window ends on one, and the next window starts there.
    const to = new Date(Math.floor(Date.now() / 1000) * 1000);
    try {
      const used = await options.salesforce.dailyApiUsagePercent();
      if (used >= config.apiPercentageLimit) {
        log.warn({ used, limit: config.apiPercentageLimit }, 'daily Salesforce API allowance above the configured share: activated-order poll skipped');
        return;
      }
      const ids = await pollOrders(options.salesforce, { from: cursor, to }, { filter: config.settings.orderSyncFilter, syncStartDate: config.settings.syncStartDate });
      for (const id of ids) syncOrder(id);
      cursor = to;
    } catch (error) {
      log.error({ err: error }, 'activated-order poll failed');
    }
  };

  /** A bad or unreadable settings record keeps the last good one in force, with an error in the log. */
  const refreshSettings = async () => {
    try {
      const fresh = await readOrgConfiguration(options.salesforce);
      if (fresh.liveSyncEnabled !== config.liveSyncEnabled || fresh.settings.orderSyncFilter !== config.settings.orderSyncFilter || fresh.pollIntervalSeconds !== config.pollIntervalSeconds) {
        log.info({ liveSync: fresh.liveSyncEnabled, filter: fresh.settings.orderSyncFilter, pollSeconds: fresh.pollIntervalSeconds }, 'sync settings changed');
      }
      config = fresh;
      engine = engineWith(fresh);
    } catch (error) {
      log.error({ err: error }, 'settings re-read failed: the previous settings stay in force');
    }
  };

  const seen = new SeenEvents();
  const webhookSecret = options.webhookSecret;
  const server = createRelayServer({
    ready: () => !stopping,
    metrics: () => metrics.render(),
    syncToken: options.syncToken,
    sync: (ids) => ids.forEach((id) => syncOrder(id)),
    webhook: webhookSecret
      ? async (raw, signature) => {
          let event;
          try {
            event = verifyEvent({ stripe: options.stripe, secret: webhookSecret }, raw, signature);
          } catch (error) {
            if (!(error instanceof InvalidSignature)) throw error;
            metrics.webhooks.inc({ type: 'unverified', outcome: 'rejected' });
            log.warn({ reason: error.message }, 'webhook signature rejected');
            return 400;
          }
          const outcome = await handleEvent({ stripe: options.stripe, salesforce: options.salesforce, secret: webhookSecret, seen }, event);
          metrics.webhooks.inc({ type: event.type, outcome });
          return 200;
        }
      : undefined,
    onError: (error) => log.error({ err: error }, 'HTTP handler failed'),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;

  every(() => options.requestPollSeconds ?? 1, pollRequests);
  every(pollSeconds, pollActivatedOrders);
  const settingsRefreshSeconds = () => options.settingsRefreshSeconds ?? 60;
  later(settingsRefreshSeconds() * 1000, async () => every(settingsRefreshSeconds, refreshSettings));
  log.info({ url, workerId, liveSync: liveSync(), pollSeconds: pollSeconds(), concurrency: pool.concurrency, webhooks: Boolean(webhookSecret) }, 'relay started');

  return {
    url,
    metrics,
    get engine() {
      return engine;
    },
    get pollIntervalSeconds() {
      return pollSeconds();
    },
    settled: () => pool.settled(),
    async stop() {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), pool.drain()]);
      if (unsavedRetries.size > 0) log.error({ orderIds: [...unsavedRetries.keys()] }, 'retries not saved to Salesforce: sync these orders again');
      log.info({ workerId }, 'relay stopped');
    },
  };
}
