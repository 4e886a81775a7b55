/**
 * The relay's metrics in Prometheus text format (GET /metrics): syncs by outcome, sync latency
 * (request → done) as a histogram, Stripe calls by outcome and 429s, webhook events by type.
 */
import type { StripeCallObserver } from '../stripe/client.js';

const LATENCY_BUCKETS = [0.25, 0.5, 1, 2, 3, 5, 10, 30, 60] as const;

type Labels = Readonly<Record<string, string>>;

class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels)) ?? 0;
  }

  render(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`, ...[...this.values].map(([labels, v]) => `${this.name}${labels} ${v}`)];
  }
}

class Histogram {
  private readonly counts: number[] = LATENCY_BUCKETS.map(() => 0);
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  observe(seconds: number): void {
    LATENCY_BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) this.counts[i]! += 1;
    });
    this.sum += seconds;
    this.count += 1;
  }

  render(): string[] {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} histogram`,
      ...LATENCY_BUCKETS.map((bound, i) => `${this.name}_bucket{le="${bound}"} ${this.counts[i]}`),
      `${this.name}_bucket{le="+Inf"} ${this.count}`,
      `${this.name}_sum ${this.sum}`,
      `${this.name}_count ${this.count}`,
    ];
  }
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  return entries.length ? `{${entries.map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',')}}` : '';
}

export class RelayMetrics {
  readonly syncs = new Counter('stripe_cpq_syncs_total', 'Order syncs by outcome (synced, failed, busy).');
  readonly syncLatency = new Histogram('stripe_cpq_sync_latency_seconds', 'Seconds from a sync request (or poll) to its outcome.');
  readonly stripeCalls = new Counter('stripe_cpq_stripe_calls_total', 'Stripe API calls by outcome.');
  readonly stripeRateLimited = new Counter('stripe_cpq_stripe_rate_limited_total', 'Stripe answers with HTTP 429.');
  readonly webhooks = new Counter('stripe_cpq_webhook_events_total', 'Stripe webhook events by type and handling.');

  /** Hooks for the Stripe gateway. */
  readonly stripeObserver: StripeCallObserver = {
    onCall: (_name, outcome, status) => {
      this.stripeCalls.inc({ outcome });
      if (status === 429) this.stripeRateLimited.inc();
    },
  };

  render(): string {
    return [...this.syncs.render(), ...this.syncLatency.render(), ...this.stripeCalls.render(), ...this.stripeRateLimited.render(), ...this.webhooks.render()].join('\n') + '\n';
  }
}
