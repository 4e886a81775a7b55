/**
 * The relay: a long-running service around the sync engine (also started by `sf stripe cpq relay start`,
 * the container entry point main.ts and `npm run demo -- --serve`).
 *
 *   const relay = await startRelay({ salesforce, stripe, port: 8787, concurrency: 2,
 *                                    webhookSecret: process.env.STRIPE_WEBHOOK_SECRET });
 *   …
 *   await relay.stop(); // graceful: unsubscribes, finishes running syncs
 *
 * Event-driven (issue 15), in named parts sharing one clock (clock.ts) and one scheduler (scheduler.ts):
 * - the subscriber (subscriber.ts): Change Data Capture events of Order and Stripe_Sync_Request__c on the
 *   package's channel, over the Pub/Sub API — no Salesforce API call;
 * - the request runner (requestRunner.ts): runs what events, the reconciler and POST /sync ask for, on a
 *   bounded worker pool, one job per Order at a time;
 * - the reconciler (reconciler.ts): one composite call at start and every `reconcileSeconds` catching what
 *   events missed, and re-reading the settings for
 * - the settings refresher (settingsRefresher.ts): the configuration and the engine built on it;
 * - the webhook endpoint (webhookEndpoint.ts) and the HTTP server (http.ts).
 * No other periodic Salesforce call. Metrics through prom-client (metrics.ts); logs: pino JSON lines with
 * secrets redacted.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { SalesforceClient } from '../salesforce/client.js';
import type { StripeGateway } from '../stripe/client.js';
import type { SyncEngine } from '../sync/engine.js';
import { clockFrom, type Clock } from './clock.js';
import { createRelayServer } from './http.js';
import { createRelayLogger, type Logger } from './logger.js';
import { RelayMetrics } from './metrics.js';
import { DEFAULT_RECONCILE_SECONDS, Reconciler } from './reconciler.js';
import { ReplayCheckpoint } from './replayCheckpoint.js';
import { RequestRunner } from './requestRunner.js';
import { RETRY_DELAYS_SECONDS } from './retries.js';
import { Scheduler } from './scheduler.js';
import { SettingsRefresher } from './settingsRefresher.js';
import { ChangeEventSubscriber, type StreamState, type SubscriberOptions } from './subscriber.js';
import { webhookEndpoint } from './webhookEndpoint.js';

export interface RelayOptions {
  readonly salesforce: SalesforceClient;
  readonly stripe: StripeGateway;
  /** 0 picks a free port. Default 8787. */
  readonly port?: number;
  /** Default 127.0.0.1; 0.0.0.0 in a container. */
  readonly host?: string;
  readonly concurrency?: number;
  /** The Pub/Sub API the change events come from (default: Salesforce's endpoint). */
  readonly events?: SubscriberOptions;
  /** Seconds between reconciliations (settings, missed requests and orders). Default 600. */
  readonly reconcileSeconds?: number;
  /** Directory for the relay's own state (the change event checkpoint); without it, kept in memory. */
  readonly stateDir?: string;
  readonly webhookSecret?: string;
  readonly syncToken?: string;
  /** Overrides the org's Live_Sync_Enabled__c: whether activated orders sync without a request. */
  readonly liveSync?: boolean;
  readonly leaseMs?: number;
  readonly workerId?: string;
  readonly logger?: Logger;
  /** Waits before each retry of a retryable failure. Default: the reference connector's (retries.ts). */
  readonly retryDelaysSeconds?: readonly number[];
  /** The relay's clock (tests move it on). Default: the wall clock. */
  readonly now?: () => Date;
}

export interface RunningRelay {
  readonly url: string;
  readonly metrics: RelayMetrics;
  /** Seconds between reconciliations. */
  readonly reconcileSeconds: number;
  /** The change event stream: connecting, subscribed, reconnecting or stopped. */
  readonly streamState: StreamState;
  /** The engine with the settings last read from the org. */
  readonly engine: SyncEngine;
  /** Resolves when no job is queued or running (tests, benchmarks). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** The file in the state directory holding the replay checkpoint. */
export const CHECKPOINT_FILE = 'change-events.json';
/** The first reconciliation waits this long for the subscription to be in place (see below). */
const FIRST_RECONCILE_MS = 2_000;

/** Salesforce API calls since 00:00 UTC of the relay's clock, from the client's own count. */
function callsToday(salesforce: SalesforceClient, clock: Clock): () => number {
  let day = '';
  let atDayStart = 0;
  return () => {
    const today = clock.now().toISOString().slice(0, 10);
    if (today !== day) [day, atDayStart] = [today, salesforce.calls];
    return salesforce.calls - atDayStart;
  };
}

export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
  const log = options.logger ?? createRelayLogger();
  const clock = clockFrom(options.now);
  const workerId = options.workerId ?? `relay-${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const reconcileSeconds = options.reconcileSeconds ?? DEFAULT_RECONCILE_SECONDS;
  const salesforce = options.salesforce;
  const metrics = new RelayMetrics();
  options.stripe.observe(metrics.stripeObserver);
  const scheduler = new Scheduler(clock, (name, error) => log.error({ task: name, err: error }, 'relay task failed'));

  const settings = await SettingsRefresher.start({
    salesforce,
    stripe: options.stripe,
    workerId,
    leaseMs,
    liveSync: options.liveSync,
    log,
  });
  const runner = new RequestRunner({
    salesforce,
    settings,
    clock,
    scheduler,
    metrics,
    log,
    workerId,
    leaseMs,
    retryPolicy: { delaysSeconds: options.retryDelaysSeconds ?? RETRY_DELAYS_SECONDS, random: Math.random },
    concurrency: options.concurrency ?? 2,
  });
  const reconciler = new Reconciler({ salesforce, settings, runner, clock, scheduler, log, reconcileSeconds });
  const checkpoint = ReplayCheckpoint.load(options.stateDir ? join(options.stateDir, CHECKPOINT_FILE) : undefined);
  const subscriber = new ChangeEventSubscriber({
    salesforce,
    orgId: settings.configuration.orgId,
    options: options.events ?? {},
    checkpoint,
    clock,
    scheduler,
    log,
    handle: (batch) => {
      for (const received of batch) {
        if (received.event.entity === 'Stripe_Sync_Request__c') runner.onRequestEvent(received);
        else if (received.event.entity !== 'Order') received.done();
      }
      const orders = batch.filter((b) => b.event.entity === 'Order');
      if (orders.length > 0) void runner.onOrderEvents(orders);
    },
    onGap: () => reconciler.afterGap(),
    onState: (state) => metrics.setStreamState(state),
    onLag: (seconds) => metrics.replayLag.set(seconds),
  });
  metrics.observe({
    jobs: () => runner.size,
    eventsInFlight: () => checkpoint.inFlight,
    salesforceCallsToday: callsToday(salesforce, clock),
  });

  let stopping = false;
  const server = createRelayServer({
    ready: () => !stopping,
    metrics: () => metrics.render(),
    syncToken: options.syncToken,
    sync: (ids) => ids.forEach((id) => runner.syncOrder(id)),
    webhook: webhookEndpoint({ stripe: options.stripe, salesforce, secret: options.webhookSecret, metrics, log }),
    onError: (error) => log.error({ err: error }, 'HTTP handler failed'),
  });
  await subscriber.start();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', resolve);
  }).catch((error: unknown) => {
    subscriber.stop();
    throw error;
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;

  // The first reconciliation catches up on what happened while the relay was down. It waits a moment so
  // the subscription is in place first: a change made between the two is then seen by one or the other.
  reconciler.scheduleIn(Math.min(FIRST_RECONCILE_MS, reconcileSeconds * 1000), 'start');
  log.info(
    {
      url,
      workerId,
      liveSync: settings.liveSync,
      reconcileSeconds,
      concurrency: runner.concurrency,
      webhooks: Boolean(options.webhookSecret),
      topic: subscriber.topic,
    },
    'relay started',
  );

  return {
    url,
    metrics,
    get engine() {
      return settings.engine;
    },
    reconcileSeconds,
    get streamState() {
      return subscriber.state;
    },
    settled: () => runner.settled(),
    async stop() {
      stopping = true;
      subscriber.stop();
      scheduler.stop();
      server.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), runner.drain()]);
      log.info({ workerId }, 'relay stopped');
    },
  };
}
