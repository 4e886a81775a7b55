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
 * one per Order at a time; the engine's lease keeps other relay processes off the same contract.
 * Sync Records beyond the org's retention setting are deleted, oldest first, once an hour.
 * Retryable failures (rate limits, outages) are retried with backoff (60 s, 5 min, 10 min, 30 min, 1 h;
 * × 1–2 jitter). HTTP: see http.ts. Logs: pino JSON lines with secrets redacted.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { SalesforceClient } from '../salesforce/client.js';
import type { StripeGateway } from '../stripe/client.js';
import { createSyncEngine, type OrderSyncResult, type SyncEngine } from '../sync/engine.js';
import { createRelayServer } from './http.js';
import { createRelayLogger, type Logger } from './logger.js';
import { RelayMetrics } from './metrics.js';
import { pollOrders } from './orderPoller.js';
import { enforceSyncRecordRetention } from './retention.js';
import { claimRequest, finishRequest, queuedRequests, recoverStaleRequests, type SyncRequest } from './syncRequests.js';
import { handleEvent, InvalidSignature, SeenEvents, verifyEvent } from './webhooks.js';
import { WorkerPool } from './workerPool.js';

export const RETRY_DELAYS_SECONDS = [60, 300, 600, 1800, 3600] as const;

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
}

export interface RunningRelay {
  readonly url: string;
  readonly metrics: RelayMetrics;
  readonly engine: SyncEngine;
  /** Resolves when no job is queued or running (tests, benchmarks). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
  const log = options.logger ?? createRelayLogger();
  const workerId = options.workerId ?? `relay-${randomUUID().slice(0, 8)}`;
  const metrics = new RelayMetrics();
  options.stripe.observe(metrics.stripeObserver);
  const engine = createSyncEngine({ salesforce: options.salesforce, stripe: options.stripe, workerId, ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}) });
  const config = await engine.configuration();
  const pool = new WorkerPool(options.concurrency ?? 2, (key, error) => log.error({ key, err: error }, 'sync job failed'));
  const timers = new Set<NodeJS.Timeout>();
  let stopping = false;

  const later = (ms: number, task: () => Promise<void> | void) => {
    if (stopping) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void Promise.resolve(task()).catch((error: unknown) => log.error({ err: error }, 'relay task failed'));
    }, ms);
    timers.add(timer);
  };

  const record = (result: OrderSyncResult, startedAt: number) => {
    metrics.syncs.inc({ outcome: result.status });
    metrics.syncLatency.observe((Date.now() - startedAt) / 1000);
    const fields = { orderId: result.orderId, status: result.status, stripeId: result.stripeId, writes: result.applied.length, ms: Math.round(result.durationMs) };
    if (result.status === 'failed') log.warn({ ...fields, errors: result.errors.map((e) => e.resolutionMessage) }, 'order sync failed');
    else log.info(fields, 'order synced');
  };

  const syncWithRetries = (orderId: string, attempt = 0) =>
    pool.enqueue(orderId, async () => {
      const startedAt = Date.now();
      const result = await engine.syncOrder(orderId);
      record(result, startedAt);
      const delay = RETRY_DELAYS_SECONDS[attempt];
      if (result.retryable && delay !== undefined) later(delay * 1000 * (1 + Math.random()), () => void syncWithRetries(orderId, attempt + 1));
    });

  const runRequest = (request: SyncRequest) =>
    pool.enqueue(request.Order__c, async () => {
      const claimed = await claimRequest(options.salesforce, request.Id, workerId, options.leaseMs ?? 5 * 60_000);
      if (!claimed) return;
      const result = await engine.syncOrder(request.Order__c);
      await finishRequest(options.salesforce, request.Id, result);
      record(result, Date.parse(request.Requested_At__c ?? request.CreatedDate ?? '') || Date.now());
      // A rate limit or outage is not the admin's to fix: the relay tries again on its own.
      if (result.status === 'failed' && result.retryable) later(RETRY_DELAYS_SECONDS[0] * 1000 * (1 + Math.random()), () => void syncWithRetries(request.Order__c, 1));
    });

  let lastRecovery = 0;
  let lastRetention = 0;
  const pollRequests = async () => {
    try {
      if (Date.now() - lastRecovery > 30_000) {
        lastRecovery = Date.now();
        const recovered = await recoverStaleRequests(options.salesforce);
        if (recovered > 0) log.warn({ recovered }, 'stale sync requests queued again');
      }
      if (Date.now() - lastRetention > 3_600_000) {
        lastRetention = Date.now();
        const deleted = await enforceSyncRecordRetention(options.salesforce, config.syncRecordRetention);
        if (deleted > 0) log.info({ deleted, keep: config.syncRecordRetention }, 'old Sync Records deleted');
      }
      for (const request of await queuedRequests(options.salesforce)) runRequest(request);
    } catch (error) {
      log.error({ err: error }, 'sync request poll failed');
    }
    later((options.requestPollSeconds ?? 1) * 1000, pollRequests);
  };

  const liveSync = options.liveSync ?? config.liveSyncEnabled;
  const pollSeconds = options.pollIntervalSeconds ?? config.pollIntervalSeconds;
  let cursor = options.pollFrom ?? new Date(0);
  const pollActivatedOrders = async () => {
    // SOQL datetimes have whole seconds: the window ends on one, and the next window starts there.
    const to = new Date(Math.floor(Date.now() / 1000) * 1000);
    try {
      const used = await options.salesforce.dailyApiUsagePercent();
      if (used >= config.apiPercentageLimit) {
        log.warn({ used, limit: config.apiPercentageLimit }, 'daily Salesforce API allowance above the configured share: activated-order poll skipped');
        later(pollSeconds * 1000, pollActivatedOrders);
        return;
      }
      const ids = await pollOrders(options.salesforce, { from: cursor, to }, { filter: config.settings.orderSyncFilter, syncStartDate: config.settings.syncStartDate });
      for (const id of ids) syncWithRetries(id);
      cursor = to;
    } catch (error) {
      log.error({ err: error }, 'activated-order poll failed');
    }
    later(pollSeconds * 1000, pollActivatedOrders);
  };

  const seen = new SeenEvents();
  const webhookSecret = options.webhookSecret;
  const server = createRelayServer({
    ready: () => !stopping,
    metrics: () => metrics.render(),
    syncToken: options.syncToken,
    sync: (ids) => ids.forEach((id) => syncWithRetries(id)),
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

  void pollRequests();
  if (liveSync) void pollActivatedOrders();
  log.info({ url, workerId, liveSync, pollSeconds, concurrency: pool.concurrency, webhooks: Boolean(webhookSecret) }, 'relay started');

  return {
    url,
    metrics,
    engine,
    settled: () => pool.settled(),
    async stop() {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), pool.drain()]);
      log.info({ workerId }, 'relay stopped');
    },
  };
}
