// Backfill: N activated orders (BACKFILL_ORDERS, default 10,000) that the relay never heard of — activated
// before it ran — synced by the relay itself against the Stripe emulator at a configured rate ceiling (the
// emulator answers 429 above it and the gateway paces itself to it, as against real Stripe). The path is the
// product's: the relay (startRelay, as the integration user, subscribed to the org's Pub/Sub API) finds them
// through its reconciliation's order selection, 200 a page, and its request runner syncs them with the engine.
// Both emulators run in another process (backfillEmulators.ts), so this process is the relay's alone: its peak
// RSS and V8 heap are the relay's own memory (issue 15). Figures: the share of the ceiling the backfill
// sustained, orders that did not end Synced, orders per second, the relay's memory and the emulators' beside
// it, CPU per order of each side (the figure other load on a shared machine moves least), and Salesforce API
// calls per order. The run time counts from the relay's start (its first reconciliation waits 2 s) to the poll
// (every 2 s) that finds no order left; with `node --expose-gc` (`npm run bench` passes it) a last row gives the
// heap a full collection leaves at the end — what the relay keeps, against the peak, which is mostly garbage V8
// has not yet collected. BACKFILL_ORDERS, BACKFILL_OPS_PER_SECOND (default 250) and BACKFILL_CONCURRENCY (default 32)
// override. The default ceiling is 2.5 × Stripe's live-mode 100 ops/s (a raised limit, as Stripe grants to large
// accounts), below what the relay and both emulators sustain on the 2-core bench machine, so the row shows
// whether the backfill keeps a ceiling full.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { cpuUsage, memoryUsage } from 'node:process';
import { Writable } from 'node:stream';
import { startRelay } from '../plugin/lib/relay/index.js';
import { createRelayLogger } from '../plugin/lib/relay/logger.js';
import { SalesforceClient } from '../plugin/lib/salesforce/client.js';
import { createStripeGateway } from '../plugin/lib/stripe/client.js';
import type { EmulatorsProgress, EmulatorsReady, EmulatorsStats, ParentMessage } from './backfillEmulators.ts';
import type { BenchRow } from './run.ts';

const ORDERS = Number(process.env.BACKFILL_ORDERS ?? 10_000);
const CEILING = Number(process.env.BACKFILL_OPS_PER_SECOND ?? 250);
const CONCURRENCY = Number(process.env.BACKFILL_CONCURRENCY ?? 32);
const MIB = 2 ** 20;
/** No order synced for this long ends the run: what is left is counted as not synced. */
const STALL_MS = 120_000;

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

/** Asks the emulators' process a question and waits for its answer. */
async function ask<T>(child: ChildProcess, type: 'stats' | 'progress'): Promise<T> {
  const answer = once(child, 'message') as Promise<[T]>;
  child.send({ type } satisfies ParentMessage);
  return (await answer)[0];
}

/** Waits until the relay has synced (or failed) every order, or no order synced for STALL_MS. */
async function backfilled(child: ChildProcess): Promise<EmulatorsProgress> {
  let last = await ask<EmulatorsProgress>(child, 'progress');
  let movedAt = performance.now();
  while (last.unsynced > 0 && performance.now() - movedAt < STALL_MS) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const now = await ask<EmulatorsProgress>(child, 'progress');
    if (now.unsynced !== last.unsynced) movedAt = performance.now();
    last = now;
  }
  return last;
}

/** The heap a full collection leaves (only with `node --expose-gc`): what the relay keeps, not what V8 has yet to free. */
function retainedHeap(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  return memoryUsage().heapUsed;
}

/** The relay logs as in production (JSON lines at info), to nowhere. */
const discardedLogs = () => createRelayLogger({ destination: new Writable({ write: (_c, _e, done) => done() }) });

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
  const salesforce = SalesforceClient.fromSession(ready.salesforce);
  let relay: Awaited<ReturnType<typeof startRelay>> | undefined;
  try {
    child.send({ type: 'mark' } satisfies ParentMessage);
    const started = performance.now();
    const cpuBefore = cpuUsage();
    relay = await startRelay({
      salesforce,
      stripe: createStripeGateway({ ...ready.stripe, protocol: 'http', opsPerSecond: CEILING }),
      port: 0,
      concurrency: CONCURRENCY,
      liveSync: true,
      events: { endpoint: ready.pubSubEndpoint, rejectUnauthorized: false },
      logger: discardedLogs(),
      workerId: 'backfill',
    });
    const left = await backfilled(child);
    await relay.settled();
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuUsage(cpuBefore);
    const emulators = await ask<EmulatorsStats>(child, 'stats');
    const peaks = memory.stop();
    const retained = retainedHeap();
    const sustained = emulators.stripeServed / seconds;
    const orders = ORDERS.toLocaleString('en-US');
    return [
      {
        name: `backfill: seeding ${orders} activated orders in the org emulator (its store, no API)`,
        value: ready.seedSeconds,
        unit: 's',
      },
      {
        name: `backfill: ${orders} orders through the relay at a ${CEILING} ops/s Stripe ceiling, run time`,
        value: seconds,
        unit: 's',
      },
      { name: 'backfill: orders synced per second', value: ORDERS / seconds, unit: 'orders/s' },
      {
        name: 'backfill: CPU per order, relay (reconciler, request runner, sync engine)',
        value: (cpu.user + cpu.system) / 1000 / ORDERS,
        unit: 'ms',
      },
      {
        name: 'backfill: CPU per order, both emulators (another process)',
        value: emulators.cpuMs / ORDERS,
        unit: 'ms',
      },
      {
        name: 'backfill: Salesforce API calls per order (relay, all included)',
        value: salesforce.calls / ORDERS,
        unit: 'calls',
      },
      { name: 'backfill: Stripe requests served per second', value: sustained, unit: 'ops/s' },
      {
        name: 'backfill: sustained share of the rate ceiling',
        value: (100 * sustained) / CEILING,
        unit: '%',
        goal: '≥ 90 %',
      },
      { name: 'backfill: orders not Synced', value: left.unsynced + left.failed, unit: 'orders', goal: '0' },
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
      ...(retained === undefined
        ? []
        : [{ name: `backfill: the relay's heap after a full GC, at the end`, value: retained / MIB, unit: 'MiB' }]),
    ];
  } finally {
    memory.stop();
    await relay?.stop();
    child.send({ type: 'stop' } satisfies ParentMessage);
    await once(child, 'exit');
  }
}
