// Backfill: 10,000 activated orders synced against the Stripe emulator at a configured rate ceiling (the
// emulator answers 429 above it and the gateway paces itself to it, as against real Stripe). Figures: the
// share of the ceiling the backfill sustained, orders that did not end Synced, orders per second, peak memory
// of this process, which also hosts both emulators (RSS, and V8 heap in use), and CPU per order (the figure other
// load on a shared machine moves least).
// BACKFILL_ORDERS (default 10,000), BACKFILL_OPS_PER_SECOND (default 250) and BACKFILL_CONCURRENCY (default 32)
// override. The default ceiling is 2.5 × Stripe's live-mode 100 ops/s (a raised limit, as Stripe grants to large
// accounts): it keeps the 10,000 orders near three and a half minutes, and still below what the engine and both
// emulators sustain on the 2-core bench machine, so the row shows whether the backfill keeps a ceiling full.
import { cpuUsage, memoryUsage } from 'node:process';
import { startSalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { CpqBuilder } from '@stripe-cpq/salesforce-org-emulator/seed/cpqBuilder.js';
import { startStripeEmulator } from '@stripe-cpq/stripe-emulator';
import { WorkerPool } from '../plugin/lib/relay/workerPool.js';
import { SalesforceClient } from '../plugin/lib/salesforce/client.js';
import { createStripeGateway } from '../plugin/lib/stripe/client.js';
import { createSyncEngine } from '../plugin/lib/sync/engine.js';
import type { BenchRow } from './run.ts';

const ORDERS = Number(process.env.BACKFILL_ORDERS ?? 10_000);
const CEILING = Number(process.env.BACKFILL_OPS_PER_SECOND ?? 250);
const CONCURRENCY = Number(process.env.BACKFILL_CONCURRENCY ?? 32);
const ORDERS_PER_ACCOUNT = 10;
const MIB = 2 ** 20;

/** Monthly seat subscriptions, ten orders per account, all on the org's standard catalogue. */
function seedBackfill(org: Awaited<ReturnType<typeof startSalesforceEmulator>>): string[] {
  const cpq = new CpqBuilder(org.org);
  const seat = cpq.product({
    name: 'Backfill Seat',
    listPrice: 25,
    pricing: 'Fixed Price',
    subscriptionType: 'Renewable',
    term: 1,
    billingFrequency: 'Monthly',
    billingType: 'Advance',
  });
  const ids: string[] = [];
  let accountId = '';
  for (let i = 0; i < ORDERS; i++) {
    if (i % ORDERS_PER_ACCOUNT === 0) accountId = cpq.account(`Backfill Account ${i / ORDERS_PER_ACCOUNT}`);
    ids.push(
      cpq.order({
        accountId,
        name: `Backfill ${i}`,
        start: '2030-01-01',
        term: 12,
        lines: [{ product: seat, quantity: 1 + (i % 50) }],
      }).orderId,
    );
  }
  return ids;
}

/** Peak RSS and heap in use, sampled while the backfill runs (RSS often, the dearer heap figures less). */
function memoryPeaks(): { stop: () => { rss: number; heap: number } } {
  let rss = memoryUsage.rss();
  let heap = memoryUsage().heapUsed;
  const fast = setInterval(() => (rss = Math.max(rss, memoryUsage.rss())), 100);
  const slow = setInterval(() => (heap = Math.max(heap, memoryUsage().heapUsed)), 1_000);
  return {
    stop: () => {
      clearInterval(fast);
      clearInterval(slow);
      return { rss: Math.max(rss, memoryUsage.rss()), heap: Math.max(heap, memoryUsage().heapUsed) };
    },
  };
}

export default async function backfill(): Promise<BenchRow[]> {
  const org = await startSalesforceEmulator({ seed: 'empty' });
  const stripe = await startStripeEmulator({ opsPerSecond: CEILING });
  const memory = memoryPeaks();
  try {
    const orderIds = seedBackfill(org);
    const engine = createSyncEngine({
      salesforce: new SalesforceClient({ instanceUrl: org.instanceUrl, accessToken: org.accessToken }),
      stripe: createStripeGateway({
        apiKey: stripe.apiKey,
        host: stripe.host,
        port: stripe.port,
        protocol: 'http',
        opsPerSecond: CEILING,
      }),
      workerId: 'backfill',
    });
    await engine.configuration();
    const pool = new WorkerPool(CONCURRENCY);
    let failed = 0;
    const started = performance.now();
    const cpuBefore = cpuUsage();
    const requestsBefore = stripe.requestLog.entries.length;
    for (const id of orderIds) {
      pool.enqueue(id, async () => {
        const result = await engine.syncOrder(id);
        if (result.status !== 'synced') failed++;
      });
    }
    await pool.settled();
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuUsage(cpuBefore);
    const requests = stripe.requestLog.entries.slice(requestsBefore);
    const served = requests.filter((e) => e.status !== 429).length;
    const sustained = served / seconds;
    const peaks = memory.stop();
    const orders = ORDERS.toLocaleString('en-US');
    return [
      { name: `backfill: ${orders} orders at a ${CEILING} ops/s Stripe ceiling, run time`, value: seconds, unit: 's' },
      { name: 'backfill: orders synced per second', value: ORDERS / seconds, unit: 'orders/s' },
      {
        name: 'backfill: CPU per order (engine and both emulators, one process)',
        value: (cpu.user + cpu.system) / 1000 / ORDERS,
        unit: 'ms',
      },
      { name: 'backfill: Stripe requests served per second', value: sustained, unit: 'ops/s' },
      {
        name: 'backfill: sustained share of the rate ceiling',
        value: (100 * sustained) / CEILING,
        unit: '%',
        goal: '≥ 90 %',
      },
      { name: 'backfill: orders not Synced', value: failed, unit: 'orders', goal: '0' },
      { name: 'backfill: Stripe 429s (retried)', value: requests.length - served, unit: 'requests' },
      { name: 'backfill: Stripe requests per order', value: requests.length / ORDERS, unit: 'requests' },
      { name: 'backfill: peak memory, RSS (both emulators in-process)', value: peaks.rss / MIB, unit: 'MiB' },
      { name: 'backfill: peak memory, V8 heap in use', value: peaks.heap / MIB, unit: 'MiB' },
    ];
  } finally {
    memory.stop();
    await Promise.all([org.close(), stripe.close()]);
  }
}
