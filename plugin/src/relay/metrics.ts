/**
 * The relay's metrics (GET /metrics, Prometheus text) through prom-client, in a registry of the relay's
 * own (two relays in one process, as in tests, keep apart): syncs by outcome, sync latency (request →
 * done), Stripe calls and 429s, webhook events, and the event-driven relay's health — jobs queued and
 * running, the change event stream's state, how far the stream's checkpoint trails the latest event,
 * and the Salesforce API calls the relay spent today.
 */
import { Counter, Gauge, Histogram, Registry, type LabelValues } from 'prom-client';
import type { StripeCallObserver } from '../stripe/client.js';

const LATENCY_BUCKETS = [0.25, 0.5, 1, 2, 3, 5, 10, 30, 60];
const STREAM_STATES = ['connecting', 'subscribed', 'reconnecting', 'stopped'] as const;

/** Where the gauges read their values when scraped. */
export interface MetricSources {
  jobs(): { queued: number; running: number };
  eventsInFlight(): number;
  salesforceCallsToday(): number;
}

export class RelayMetrics {
  readonly registry = new Registry();
  private sources: MetricSources | undefined;
  readonly syncs = new Counter({
    name: 'stripe_cpq_syncs_total',
    help: 'Order syncs by outcome (synced, failed, busy).',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly syncLatency = new Histogram({
    name: 'stripe_cpq_sync_latency_seconds',
    help: 'Seconds from a sync request (or change event) to its outcome.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly stripeCalls = new Counter({
    name: 'stripe_cpq_stripe_calls_total',
    help: 'Stripe API calls by outcome.',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly stripeRateLimited = new Counter({
    name: 'stripe_cpq_stripe_rate_limited_total',
    help: 'Stripe answers with HTTP 429.',
    registers: [this.registry],
  });
  readonly webhooks = new Counter({
    name: 'stripe_cpq_webhook_events_total',
    help: 'Stripe webhook events by type and handling.',
    labelNames: ['type', 'outcome'],
    registers: [this.registry],
  });
  readonly queueDepth: Gauge<'state'> = new Gauge({
    name: 'stripe_cpq_relay_jobs',
    help: 'Sync jobs queued and running.',
    labelNames: ['state'],
    registers: [this.registry],
    collect: (): void => {
      const jobs = this.sources?.jobs() ?? { queued: 0, running: 0 };
      this.queueDepth.set({ state: 'queued' }, jobs.queued);
      this.queueDepth.set({ state: 'running' }, jobs.running);
    },
  });
  readonly streamState = new Gauge({
    name: 'stripe_cpq_change_event_stream_state',
    help: 'The change event stream: 1 for its current state, 0 for the others.',
    labelNames: ['state'],
    registers: [this.registry],
  });
  readonly eventsInFlight: Gauge = new Gauge({
    name: 'stripe_cpq_change_events_in_flight',
    help: 'Change events received whose work is not done: how far the replay checkpoint trails the stream.',
    registers: [this.registry],
    collect: (): void => this.eventsInFlight.set(this.sources?.eventsInFlight() ?? 0),
  });
  readonly replayLag = new Gauge({
    name: 'stripe_cpq_change_event_lag_seconds',
    help: "Seconds from the last change event's commit in Salesforce to its arrival at the relay.",
    registers: [this.registry],
  });
  readonly salesforceCallsToday: Gauge = new Gauge({
    name: 'stripe_cpq_salesforce_api_calls_today',
    help: 'Salesforce API calls this relay made since 00:00 UTC.',
    registers: [this.registry],
    collect: (): void => this.salesforceCallsToday.set(this.sources?.salesforceCallsToday() ?? 0),
  });

  /** Hooks for the Stripe gateway. */
  readonly stripeObserver: StripeCallObserver = {
    onCall: (_name, outcome, status) => {
      this.stripeCalls.inc({ outcome });
      if (status === 429) this.stripeRateLimited.inc();
    },
  };

  /** Connects the gauges to the running relay's parts. */
  observe(sources: MetricSources): void {
    this.sources = sources;
  }

  setStreamState(state: (typeof STREAM_STATES)[number]): void {
    for (const each of STREAM_STATES) this.streamState.set({ state: each }, each === state ? 1 : 0);
  }

  /** A counter's or gauge's current value for `labels` (0 when never set). */
  async valueOf(metric: Counter | Gauge, labels: LabelValues<string> = {}): Promise<number> {
    const { values } = await metric.get();
    const wanted = Object.entries(labels);
    return (
      values.find(
        (v) => wanted.every(([k, value]) => v.labels[k] === value) && Object.keys(v.labels).length === wanted.length,
      )?.value ?? 0
    );
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
