import { describe, expect, it } from '@jest/globals';
import { tokenMatches } from '../../plugin/src/relay/http.js';
import { InvalidSyncFilter, validatedOrderFilter } from '../../plugin/src/relay/orderSelection.js';
import { WorkerPool } from '../../plugin/src/relay/workerPool.js';
import { RelayMetrics } from '../../plugin/src/relay/metrics.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('validatedOrderFilter', () => {
  it('recomposes a WHERE condition', () => {
    expect(validatedOrderFilter("Status = 'Activated' AND Type = 'New'")).toBe("Status = 'Activated' AND Type = 'New'");
  });

  it.each([
    ["Status = 'Activated' LIMIT 1"],
    ["Status = 'Activated' ORDER BY Name"],
    ["Status = 'Activated') OR (Name != null"],
    [''],
  ])('refuses %p', (filter) => {
    expect(() => validatedOrderFilter(filter)).toThrow(InvalidSyncFilter);
  });
});

describe('tokenMatches', () => {
  it('accepts only the exact bearer token', () => {
    expect(tokenMatches('s3cret', 'Bearer s3cret')).toBe(true);
    expect(tokenMatches('s3cret', 'Bearer s3cre')).toBe(false);
    expect(tokenMatches('s3cret', 's3cret')).toBe(false);
    expect(tokenMatches('s3cret', undefined)).toBe(false);
  });
});

describe('WorkerPool', () => {
  it('runs at most `concurrency` jobs at once', async () => {
    const pool = new WorkerPool(2);
    let running = 0;
    let peak = 0;
    const job = async () => {
      peak = Math.max(peak, ++running);
      await tick();
      running--;
    };
    for (const key of ['a', 'b', 'c', 'd', 'e']) pool.enqueue(key, job);
    await pool.settled();
    expect(peak).toBe(2);
  });

  it('never runs one key twice at once, and runs it again once when re-enqueued while running', async () => {
    const pool = new WorkerPool(4);
    const runs: string[] = [];
    let concurrentSameKey = 0;
    let active = 0;
    const job = (label: string) => async () => {
      concurrentSameKey = Math.max(concurrentSameKey, ++active);
      runs.push(label);
      await tick();
      active--;
    };
    pool.enqueue('order', job('first'));
    pool.enqueue('order', job('second'));
    pool.enqueue('order', job('third'));
    await pool.settled();
    await tick();
    await pool.settled();
    expect(concurrentSameKey).toBe(1);
    expect(runs).toEqual(['first', 'third']);
  });

  it('drain waits for running jobs and refuses new ones', async () => {
    const pool = new WorkerPool(1);
    let finished = false;
    pool.enqueue('a', async () => {
      await tick();
      finished = true;
    });
    pool.enqueue('b', async () => undefined);
    await pool.drain();
    expect(finished).toBe(true);
    expect(pool.enqueue('c', async () => undefined)).toBe(false);
    expect(pool.size).toEqual({ queued: 0, running: 0 });
  });
});

describe('RelayMetrics', () => {
  it('renders counters, the latency histogram and the relay gauges in Prometheus text (prom-client)', async () => {
    const metrics = new RelayMetrics();
    metrics.observe({
      jobs: () => ({ queued: 3, running: 2 }),
      eventsInFlight: () => 4,
      salesforceCallsToday: () => 17,
    });
    metrics.setStreamState('subscribed');
    metrics.syncs.inc({ outcome: 'synced' });
    metrics.syncLatency.observe(0.8);
    metrics.stripeObserver.onCall?.('prices.create', 'error', 429);
    const text = await metrics.render();
    expect(text).toContain('stripe_cpq_relay_jobs{state="queued"} 3');
    expect(text).toContain('stripe_cpq_relay_jobs{state="running"} 2');
    expect(text).toContain('stripe_cpq_change_events_in_flight 4');
    expect(text).toContain('stripe_cpq_salesforce_api_calls_today 17');
    expect(text).toContain('stripe_cpq_change_event_stream_state{state="subscribed"} 1');
    expect(text).toContain('stripe_cpq_change_event_stream_state{state="reconnecting"} 0');
    expect(text).toContain('stripe_cpq_syncs_total{outcome="synced"} 1');
    expect(text).toContain('stripe_cpq_sync_latency_seconds_bucket{le="1"} 1');
    expect(text).toContain('stripe_cpq_sync_latency_seconds_bucket{le="0.5"} 0');
    expect(text).toContain('stripe_cpq_stripe_rate_limited_total 1');
    expect(text).toContain('stripe_cpq_stripe_calls_total{outcome="error"} 1');
  });
});
