// Backfill: many activated orders synced against the Stripe emulator at a configured rate ceiling (the
// emulator answers 429 above it and the gateway paces itself to it, as against real Stripe). Figures: the
// share of the ceiling the backfill sustained, orders that did not end Synced, peak memory (RSS of this
// process, which also hosts both emulators). BACKFILL_ORDERS (default 1,000), BACKFILL_OPS_PER_SECOND
// (default 100, Stripe's live-mode ceiling) and BACKFILL_CONCURRENCY (default 32) override. Engine and both
// emulators in one process sync about 55 orders/s (≈ 220 Stripe requests/s) on the 2-core bench machine,
// flat with store size, so the default saturates the live ceiling in ≈ 40 s; 10,000 orders cannot fit in two
// minutes at a ceiling the pipeline saturates (that needs ≈ 330 ops/s), hence 1,000. See docs/benchmarks.md.
import { startSalesforceEmulator } from '../plugin/lib/emulators/salesforce/index.js';
import { CpqBuilder } from '../plugin/lib/emulators/salesforce/seed/cpqBuilder.js';
import { startStripeEmulator } from '../plugin/lib/emulators/stripe/index.js';
import { WorkerPool } from '../plugin/lib/relay/workerPool.js';
import { SalesforceClient } from '../plugin/lib/salesforce/client.js';
import { createStripeGateway } from '../plugin/lib/stripe/client.js';
import { createSyncEngine } from '../plugin/lib/sync/engine.js';
import type { BenchRow } from './run.ts';

const ORDERS = Number(process.env.BACKFILL_ORDERS ?? 1_000);
const CEILING = Number(process.env.BACKFILL_OPS_PER_SECOND ?? 100);
const CONCURRENCY = Number(process.env.BACKFILL_CONCURRENCY ?? 32);
const ORDERS_PER_ACCOUNT = 10;

/** Monthly seat subscriptions, ten orders per account, all on the org's standard catalogue. */
function seedBackfill(org: Awaited<ReturnType<typeof startSalesforceEmulator>>): string[] {
  const cpq = new CpqBuilder(org.org);
  const seat = cpq.product({ name: 'Backfill Seat', listPrice: 25, pricing: 'Fixed Price', subscriptionType: 'Renewable', term: 1, billingFrequency: 'Monthly', billingType: 'Advance' });
  const ids: string[] = [];
  let accountId = '';
  for (let i = 0; i < ORDERS; i++) {
    if (i % ORDERS_PER_ACCOUNT === 0) accountId = cpq.account(`Backfill Account ${i / ORDERS_PER_ACCOUNT}`);
    ids.push(cpq.order({ accountId, name: `Backfill ${i}`, start: '2030-01-01', term: 12, lines: [{ product: seat, quantity: 1 + (i % 50) }] }).orderId);
  }
  return ids;
}

export default async function backfill(): Promise<BenchRow[]> {
  const org = await startSalesforceEmulator({ seed: 'empty' });
  const stripe = await startStripeEmulator({ opsPerSecond: CEILING });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    const orderIds = seedBackfill(org);
    const engine = createSyncEngine({
      salesforce: new SalesforceClient({ instanceUrl: org.instanceUrl, accessToken: org.accessToken }),
      stripe: createStripeGateway({ apiKey: stripe.apiKey, host: stripe.host, port: stripe.port, protocol: 'http', opsPerSecond: CEILING }),
      workerId: 'backfill',
    });
    await engine.configuration();
    const pool = new WorkerPool(CONCURRENCY);
    let failed = 0;
    const started = performance.now();
    const requestsBefore = stripe.requestLog.entries.length;
    for (const id of orderIds) {
      pool.enqueue(id, async () => {
        const result = await engine.syncOrder(id);
        if (result.status !== 'synced') failed++;
      });
    }
    await pool.settled();
    const seconds = (performance.now() - started) / 1000;
    const served = stripe.requestLog.entries.slice(requestsBefore).filter((e) => e.status !== 429).length;
    const refused = stripe.requestLog.entries.slice(requestsBefore).length - served;
    const sustained = served / seconds;
    return [
      { name: `backfill: ${ORDERS.toLocaleString('en-US')} orders at a ${CEILING} ops/s Stripe ceiling, run time`, value: seconds, unit: 's', goal: '≤ 120 s' },
      { name: 'backfill: Stripe requests served per second', value: sustained, unit: 'ops/s' },
      { name: 'backfill: sustained share of the rate ceiling', value: (100 * sustained) / CEILING, unit: '%', goal: '≥ 90 %' },
      { name: 'backfill: orders not Synced', value: failed, unit: 'orders', goal: '0' },
      { name: 'backfill: Stripe 429s (retried)', value: refused, unit: 'requests' },
      { name: 'backfill: Stripe requests per order', value: (served + refused) / ORDERS, unit: 'requests' },
      { name: 'backfill: peak memory (RSS, both emulators in-process)', value: peakRss / 2 ** 20, unit: 'MiB' },
    ];
  } finally {
    clearInterval(sampler);
    await Promise.all([org.close(), stripe.close()]);
  }
}
