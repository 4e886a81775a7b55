/**
 * The request runner: runs the syncs the triggers ask for on a bounded worker pool, one job per Order at
 * a time — sync requests ("Sync now", Preview, the relay's own retries), activated orders (live sync) and
 * POST /sync. A request is taken before it runs (its lock, syncRequests.ts), so a duplicate or late
 * event, or a second relay, never runs it twice; an order's sync takes the contract lock (the engine),
 * and a request's claim and outcome ride in that sync's calls.
 * A retryable failure of a sync without a request becomes a Retrying request in Salesforce, due at its
 * next attempt: no retry lives only in memory. Each change event's `done` is called once the job it
 * started has ended, so the replay checkpoint never passes work that did not happen.
 */
import type { SalesforceClient } from '../salesforce/client.js';
import type { LocatedOrder } from '../salesforce/graphReader.js';
import type { OrderSyncResult } from '../sync/engine.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { RelayMetrics } from './metrics.js';
import { ordersToSync } from './orderSelection.js';
import { runPreview } from './previewRequests.js';
import type { RetryPolicy } from './retries.js';
import type { Scheduler } from './scheduler.js';
import type { SettingsRefresher } from './settingsRefresher.js';
import type { ReceivedEvent } from './subscriber.js';
import {
  claimTaken,
  finishRequest,
  RequestWrites,
  requestRetry,
  takeRequest,
  type SyncRequest,
} from './syncRequests.js';
import { WorkerPool } from './workerPool.js';

/** A request put back to Queued because its contract was busy waits this long before its next claim. */
const BUSY_PAUSE_MS = 1_000;

/** How long the end of an order's sync is remembered, to serve triggers that saw the order before it. */
const FORGET_RUNS_AFTER_MS = 3_600_000;

/** What the runner needs of a request: the rest it reads when it claims it. */
export type RequestRef = Pick<SyncRequest, 'Id' | 'Order__c'> & Partial<SyncRequest>;

export interface RequestRunnerDeps {
  readonly salesforce: SalesforceClient;
  readonly settings: SettingsRefresher;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly metrics: RelayMetrics;
  readonly log: Logger;
  readonly workerId: string;
  readonly leaseMs: number;
  readonly retryPolicy: RetryPolicy;
  readonly concurrency: number;
}

export class RequestRunner {
  private readonly pool: WorkerPool;
  /** `done` callbacks of change events, run when the next job of their key ends. */
  private readonly waiting = new Map<string, Array<() => void>>();
  /** Requests of one order, run one after another in that order's job (the pool merges a key's jobs). */
  private readonly requestsOf = new Map<string, Map<string, RequestRef>>();
  /** Busy requests and when they may be claimed again. */
  private readonly notBefore = new Map<string, number>();
  /** When each order's last sync ended (wall clock): a trigger that saw the order before then is served. */
  private readonly lastRunEnded = new Map<string, number>();
  /** Retries Salesforce refused to save (often the same outage): saved again at each reconciliation. */
  private readonly unsavedRetries = new Map<string, OrderSyncResult>();

  constructor(private readonly deps: RequestRunnerDeps) {
    this.pool = new WorkerPool(deps.concurrency, (key, error) =>
      deps.log.error({ key, err: error }, 'sync job failed'),
    );
  }

  get concurrency(): number {
    return this.pool.concurrency;
  }

  /** Jobs queued and running (the queue depth metric). */
  get size(): { queued: number; running: number } {
    return this.pool.size;
  }

  /**
   * Sync an activated order (change event, reconciliation, POST /sync) that the trigger saw unsynced at
   * `seenAt`. A sync of the order that was running then or started since has the last word on it, so it
   * serves this trigger too: an event and a reconciliation naming the same activation run it once.
   */
  syncOrder(orderId: string, done?: () => void, seenAt = Date.now(), located?: LocatedOrder): void {
    this.enqueue(
      orderId,
      async () => {
        if ((this.lastRunEnded.get(orderId) ?? -Infinity) >= seenAt) return;
        try {
          await this.runOrder(orderId, located);
        } finally {
          this.noteRunEnd(orderId);
        }
      },
      done,
    );
  }

  /** Run a sync request now. */
  runRequest(request: RequestRef, done?: () => void): void {
    const queued = this.requestsOf.get(request.Order__c) ?? new Map<string, RequestRef>();
    queued.set(request.Id, request);
    this.requestsOf.set(request.Order__c, queued);
    this.enqueue(
      request.Order__c,
      async () => {
        for (const [id, next] of queued) {
          queued.delete(id);
          await this.runOne(next);
        }
        if (queued.size === 0 && this.requestsOf.get(request.Order__c) === queued)
          this.requestsOf.delete(request.Order__c);
      },
      done,
    );
  }

  /** Run a sync request when the relay's clock reaches `at` (a Retrying request's next attempt). */
  runRequestAt(request: RequestRef, at: Date): void {
    this.deps.scheduler.at(`request:${request.Id}`, at, () => this.runRequest(request));
  }

  /** Change events of Stripe_Sync_Request__c: the channel sends Queued and Retrying requests only. */
  onRequestEvent({ event, done }: ReceivedEvent): void {
    const orderId = typeof event.fields.Order__c === 'string' ? event.fields.Order__c : undefined;
    const [requestId] = event.recordIds;
    if (!orderId || !requestId || event.changeType === 'DELETE') return done();
    const request: RequestRef = {
      Id: requestId,
      Order__c: orderId,
      Requested_At__c:
        typeof event.fields.Requested_At__c === 'number' ? new Date(event.fields.Requested_At__c).toISOString() : null,
    };
    const nextAttempt =
      typeof event.fields.Next_Attempt_At__c === 'number' ? event.fields.Next_Attempt_At__c : undefined;
    const pause = this.notBefore.get(requestId);
    this.notBefore.delete(requestId);
    // Scheduled requests are durable in Salesforce: a restart finds them through the reconciliation.
    if (event.fields.Status__c === 'Retrying' && nextAttempt !== undefined)
      this.runRequestAt(request, new Date(nextAttempt));
    else if (pause !== undefined && pause > Date.now())
      this.deps.scheduler.after(`request:${requestId}`, pause - Date.now(), () => this.runRequest(request));
    else return this.runRequest(request, done);
    done();
  }

  /** Change events of Order: one query keeps the orders live sync selects (filter, start date, unsynced). */
  async onOrderEvents(events: readonly ReceivedEvent[]): Promise<void> {
    const doneFor = new Map<string, Array<() => void>>();
    for (const { event, done } of events) {
      const ids = event.changeType === 'DELETE' ? [] : event.recordIds;
      if (ids.length === 0) done();
      for (const id of ids) doneFor.set(id, [...(doneFor.get(id) ?? []), done]);
    }
    const finish = (id: string) => doneFor.get(id)?.forEach((done) => done());
    if (doneFor.size === 0) return;
    if (!this.deps.settings.liveSync) return [...doneFor.keys()].forEach(finish);
    const seenAt = Date.now();
    try {
      const selected = new Map(
        (await ordersToSync(this.deps.salesforce, this.deps.settings.orderSelection, [...doneFor.keys()])).map(
          (order) => [order.orderId, order],
        ),
      );
      for (const id of doneFor.keys()) {
        const order = selected.get(id);
        if (order) this.syncOrder(id, () => finish(id), seenAt, order);
        else finish(id);
      }
    } catch (error) {
      this.deps.log.error(
        { err: error, orderIds: [...doneFor.keys()] },
        'orders of change events not checked: the next reconciliation picks them up',
      );
      [...doneFor.keys()].forEach(finish);
    }
  }

  /** Saves the retries Salesforce refused earlier (each reconciliation). */
  async saveUnsavedRetries(): Promise<void> {
    for (const result of [...this.unsavedRetries.values()]) await this.saveRetry(result);
  }

  /** Resolves when no job is queued or running. */
  settled(): Promise<void> {
    return this.pool.settled();
  }

  /** Takes no more work and waits for running jobs; reports retries it could not save. */
  async drain(): Promise<void> {
    await this.pool.drain();
    for (const done of [...this.waiting.values()].flat()) done();
    this.waiting.clear();
    if (this.unsavedRetries.size > 0)
      this.deps.log.error(
        { orderIds: [...this.unsavedRetries.keys()] },
        'retries not saved to Salesforce: sync these orders again',
      );
  }

  private enqueue(key: string, job: () => Promise<void>, done?: () => void): void {
    if (done) this.waiting.set(key, [...(this.waiting.get(key) ?? []), done]);
    const accepted = this.pool.enqueue(key, async () => {
      const waiters = this.waiting.get(key) ?? [];
      this.waiting.delete(key);
      try {
        await job();
      } finally {
        for (const resolve of waiters) resolve();
      }
    });
    // Not taken (the relay is stopping): the event stays behind the checkpoint and comes again.
    if (!accepted) this.waiting.delete(key);
  }

  private noteRunEnd(orderId: string): void {
    const now = Date.now();
    this.lastRunEnded.delete(orderId);
    this.lastRunEnded.set(orderId, now);
    // Triggers are served within minutes; older ends are forgotten (the map is in end order).
    for (const [id, at] of this.lastRunEnded) {
      if (now - at < FORGET_RUNS_AFTER_MS) break;
      this.lastRunEnded.delete(id);
    }
  }

  private async runOrder(orderId: string, located: LocatedOrder | undefined): Promise<void> {
    const startedAt = Date.now();
    const result = await this.deps.settings.engine.syncOrder(orderId, { located });
    this.record(result, startedAt);
    if (result.retryable) await this.saveRetry(result);
  }

  private async runOne(request: RequestRef): Promise<void> {
    const { salesforce, clock, log, workerId, leaseMs, retryPolicy } = this.deps;
    const taken = await takeRequest(salesforce, request.Id, workerId, leaseMs, clock.now(), request.Order__c);
    if (!taken) return;
    log.debug({ requestId: taken.Id, orderId: taken.Order__c, attempt: taken.attempt }, 'sync request taken');
    const engine = this.deps.settings.engine;
    if (taken.Type__c === 'Preview') {
      await claimTaken(salesforce, taken);
      const preview = await runPreview(salesforce, engine, taken, () => clock.now());
      log.info(
        { requestId: taken.Id, orderId: taken.Order__c, problems: preview.errors.length },
        'billing preview written',
      );
      return;
    }
    // The claim and the outcome ride in the sync's own calls; what did not land is finished here.
    const writes = new RequestWrites(salesforce, taken, () => clock.now(), retryPolicy);
    const result = await engine.syncOrder(taken.Order__c, { located: taken.located, alongside: writes });
    const outcome =
      result.alongsideWritten && writes.outcome
        ? writes.outcome
        : await finishRequest(salesforce, taken, result, clock.now(), retryPolicy);
    this.record(result, Date.parse(request.Requested_At__c ?? request.CreatedDate ?? '') || Date.now());
    if (outcome.status === 'Queued') this.notBefore.set(taken.Id, Date.now() + BUSY_PAUSE_MS);
    if (outcome.status === 'Retrying')
      log.info(
        {
          requestId: taken.Id,
          orderId: taken.Order__c,
          attempt: taken.attempt,
          nextAttemptAt: outcome.nextAttemptAt,
        },
        'sync request will be retried',
      );
  }

  private async saveRetry(result: OrderSyncResult): Promise<void> {
    try {
      const requestId = await requestRetry(
        this.deps.salesforce,
        result,
        this.deps.workerId,
        this.deps.clock.now(),
        this.deps.retryPolicy,
      );
      this.unsavedRetries.delete(result.orderId);
      if (requestId)
        this.deps.log.info({ orderId: result.orderId, requestId }, 'retryable failure saved as a sync request');
    } catch (error) {
      this.unsavedRetries.set(result.orderId, result);
      this.deps.log.warn(
        { orderId: result.orderId, err: error },
        'retry request not saved yet; trying again at the next reconciliation',
      );
    }
  }

  private record(result: OrderSyncResult, startedAt: number): void {
    this.deps.metrics.syncs.inc({ outcome: result.status });
    this.deps.metrics.syncLatency.observe((Date.now() - startedAt) / 1000);
    const fields = {
      orderId: result.orderId,
      status: result.status,
      stripeId: result.stripeId,
      writes: result.applied.length,
      ms: Math.round(result.durationMs),
    };
    if (result.status === 'failed')
      this.deps.log.warn({ ...fields, errors: result.errors.map((e) => e.resolutionMessage) }, 'order sync failed');
    else this.deps.log.info(fields, 'order synced');
  }
}
