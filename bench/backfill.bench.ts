// Backfill: 10,000 activated orders synced against the Stripe emulator at a configured rate ceiling (the
// emulator answers 429 above it and the gateway paces itself to it, as against real Stripe). Both emulators run
// in another process (backfillEmulators.ts), so this process is the relay's side alone: the sync engine on its
// worker pool. Figures: the share of the ceiling the backfill sustained, orders that did not end Synced, orders
// per second, the relay's peak memory (RSS, and V8 heap in use) and the emulators' beside it, and CPU per order
// of each side (the figure other load on a shared machine moves least).
// BACKFILL_ORDERS (default 10,000), BACKFILL_OPS_PER_SECOND (default 250) and BACKFILL_CONCURRENCY (default 32)
// override. The default ceiling is 2.5 × Stripe's live-mode 100 ops/s (a raised limit, as Stripe grants to large
// accounts): it keeps the 10,000 orders near three and a half minutes, and still below what the engine and both
// emulators sustain on the 2-core bench machine, so the row shows whether the backfill keeps a ceiling full.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { cpuUsage, memoryUsage } from 'node:process';
import { WorkerPool } from '../plugin/lib/relay/workerPool.js';
import { SalesforceClient } from '../plugin/lib/salesforce/client.js';
import { createStripeGateway } from '../plugin/lib/stripe/client.js';
import { createSyncEngine } from '../plugin/lib/sync/engine.js';
import type { EmulatorsReady, EmulatorsStats, ParentMessage } from './backfillEmulators.ts';
import type { BenchRow } from './run.ts';

const ORDERS = Number(process.env.BACKFILL_ORDERS ?? 10_000);
const CEILING = Number(process.env.BACKFILL_OPS_PER_SECOND ?? 250);
const CONCURRENCY = Number(process.env.BACKFILL_CONCURRENCY ?? 32);
const MIB = 2 ** 20;

/** Both emulators, seeded with ORDERS orders, in a child process. */
async function startEmulators(): Promise<{ child: ChildProcess; ready: EmulatorsReady }> {
  const child = fork(fileURLToPath(new URL('./backfillEmulators.ts', import.meta.url)), {
    env: { ...process.env, BACKFILL_ORDERS: String(ORDERS), BACKFILL_OPS_PER_SECOND: String(CEILING) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const [ready] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(() => Promise.reject(new Error('the backfill emulators exited before they were ready'))),
  ])) as [EmulatorsReady];
  return { child, ready };
}

/** Asks the emulators' process for its figures since the mark. */
async function emulatorStats(child: ChildProcess): Promise<EmulatorsStats> {
  const answer = once(child, 'message') as Promise<[EmulatorsStats]>;
  child.send({ type: 'stats' } satisfies ParentMessage);
  return (await answer)[0];
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
  const { child, ready } = await startEmulators();
  const memory = memoryPeaks();
  try {
    const engine = createSyncEngine({
      salesforce: SalesforceClient.fromSession(ready.salesforce),
      stripe: createStripeGateway({ ...ready.stripe, protocol: 'http', opsPerSecond: CEILING }),
      workerId: 'backfill',
    });
    await engine.configuration();
    const pool = new WorkerPool(CONCURRENCY);
    let failed = 0;
    child.send({ type: 'mark' } satisfies ParentMessage);
    const started = performance.now();
    const cpuBefore = cpuUsage();
    for (const id of ready.orderIds) {
      pool.enqueue(id, async () => {
        const result = await engine.syncOrder(id);
        if (result.status !== 'synced') failed++;
      });
    }
    await pool.settled();
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuUsage(cpuBefore);
    const emulators = await emulatorStats(child);
    const sustained = emulators.stripeServed / seconds;
    const peaks = memory.stop();
    const orders = ORDERS.toLocaleString('en-US');
    return [
      { name: `backfill: ${orders} orders at a ${CEILING} ops/s Stripe ceiling, run time`, value: seconds, unit: 's' },
      { name: 'backfill: orders synced per second', value: ORDERS / seconds, unit: 'orders/s' },
      {
        name: 'backfill: CPU per order, relay (sync engine and worker pool)',
        value: (cpu.user + cpu.system) / 1000 / ORDERS,
        unit: 'ms',
      },
      {
        name: 'backfill: CPU per order, both emulators (another process)',
        value: emulators.cpuMs / ORDERS,
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
      {
        name: 'backfill: Stripe 429s (retried)',
        value: emulators.stripeRequests - emulators.stripeServed,
        unit: 'requests',
      },
      { name: 'backfill: Stripe requests per order', value: emulators.stripeRequests / ORDERS, unit: 'requests' },
      {
        name: `backfill: the relay's peak memory, RSS (emulators in another process)`,
        value: peaks.rss / MIB,
        unit: 'MiB',
      },
      { name: `backfill: the relay's peak memory, V8 heap in use`, value: peaks.heap / MIB, unit: 'MiB' },
      { name: 'backfill: both emulators, peak RSS (for comparison)', value: emulators.peakRss / MIB, unit: 'MiB' },
    ];
  } finally {
    memory.stop();
    child.send({ type: 'stop' } satisfies ParentMessage);
    await once(child, 'exit');
  }
}
