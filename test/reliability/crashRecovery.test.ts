// Crash anywhere, restart, and the result is the clean run's: for each scenario class the sync process
// dies before and after every request it makes (each Stripe call, each Salesforce read and write), a new
// process re-runs the same orders, and Stripe (objects by metadata), the write-backs, the Sync Records
// and the Orders' status equal a clean run's — no duplicate object, every order Synced.
import { describe, expect, it } from '@jest/globals';
import { startSalesforceEmulator } from '../../plugin/src/emulators/salesforce/index.js';
import { startStripeEmulator } from '../../plugin/src/emulators/stripe/index.js';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { createStripeGateway } from '../../plugin/src/stripe/client.js';
import { createSyncEngine } from '../../plugin/src/sync/engine.js';
import { startCrashableProcess, type CrashPoint, type StepLog } from './support/crashableProcess.js';
import { salesforceSnapshot, stripeSnapshot } from './support/syncState.js';

/** Scenario class → the sample orders one job syncs, in order. */
const SCENARIO_CLASSES: Readonly<Record<string, readonly string[]>> = {
  'new subscription (S1)': ['S1'],
  'one-time invoice (S5)': ['S5'],
  'MDQ ramp (S14)': ['S14'],
  'coupons (S7)': ['S7'],
  'evergreen (S36)': ['S36'],
  'amendment that terminates (S27 after its initial order)': ['S27_INITIAL', 'S27'],
};

const FAST_RETRIES = { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 };
/** One clock for every run, so "now"-dated objects (evergreen starts) compare equal across runs. */
const NOW = Date.now();

async function services() {
  const org = await startSalesforceEmulator({ now: () => new Date(NOW) });
  const stripe = await startStripeEmulator({ opsPerSecond: 0, now: () => NOW });
  const orderIds = (scenarios: readonly string[]) => scenarios.map((s) => org.sample!.orders.find((o) => o.scenario === s)!.orderId);
  return { org, stripe, orderIds, close: () => Promise.all([org.close(), stripe.close()]) };
}
type Services = Awaited<ReturnType<typeof services>>;

/** A sync process talking to the services through its (crashable) forwarders. */
function engineOn(s: Services, instanceUrl: string, stripePort: number, workerId: string, leaseMs?: number) {
  return createSyncEngine({
    salesforce: new SalesforceClient({ instanceUrl, accessToken: s.org.accessToken }),
    stripe: createStripeGateway({ apiKey: s.stripe.apiKey, host: '127.0.0.1', port: stripePort, protocol: 'http', opsPerSecond: 1000, retry: FAST_RETRIES }),
    workerId,
    now: () => new Date(NOW),
    ...(leaseMs === undefined ? {} : { leaseMs }),
  });
}

function snapshot(s: Services) {
  const stripe = stripeSnapshot(s.stripe);
  return { stripe: stripe.objects, salesforce: salesforceSnapshot(s.org, stripe.names) };
}

/** The clean run: its snapshot and every request it made (the crash points). */
async function cleanRun(scenarios: readonly string[]) {
  const s = await services();
  const process = await startCrashableProcess(Number(new URL(s.org.instanceUrl).port), s.stripe.port);
  try {
    const results = await engineOn(s, process.salesforceUrl, process.stripePort, 'clean').syncOrders(s.orderIds(scenarios));
    return { results, snapshot: snapshot(s), steps: [...process.steps] };
  } finally {
    await process.close();
    await s.close();
  }
}

/** Dies at `crash`, then a new process re-runs the job; returns the snapshot after the restart. */
async function crashAndRestart(scenarios: readonly string[], crash: CrashPoint) {
  const s = await services();
  const process = await startCrashableProcess(Number(new URL(s.org.instanceUrl).port), s.stripe.port, crash);
  try {
    // The dead process holds its lease; a lease that ends at once stands for "the restart came after it expired".
    const doomed = engineOn(s, process.salesforceUrl, process.stripePort, 'doomed', 0).syncOrders(s.orderIds(scenarios));
    const finished = await Promise.race([process.died.then(() => false), doomed.then(() => true)]);
    expect(finished).toBe(false);
    await process.close();
    // Let the shared HTTP pool see the dead process's sockets close (a new process would have its own).
    await new Promise((resolve) => setTimeout(resolve, 20));
    const ports = { salesforce: Number(new URL(process.salesforceUrl).port), stripe: process.stripePort };
    const restart = await startCrashableProcess(Number(new URL(s.org.instanceUrl).port), s.stripe.port, undefined, ports);
    try {
      const results = await engineOn(s, restart.salesforceUrl, restart.stripePort, 'restarted').syncOrders(s.orderIds(scenarios));
      return { results, snapshot: snapshot(s) };
    } finally {
      await restart.close();
    }
  } finally {
    await process.close();
    await s.close();
  }
}

const describeStep = (step: StepLog, index: number, moment: string) => `${moment} step ${index + 1}: ${step.service} ${step.method} ${decodeURIComponent(step.path).slice(0, 90)}`;

describe('a crash before or after any request, then a restart, ends as a clean run does', () => {
  it.each(Object.entries(SCENARIO_CLASSES))('%s', async (_name, scenarios) => {
    const clean = await cleanRun(scenarios);
    expect(clean.results.map((r) => r.status)).toEqual(scenarios.map(() => 'synced'));
    expect(clean.steps.filter((s) => s.service === 'stripe' && s.method === 'POST').length).toBeGreaterThan(0);
    for (const [index, step] of clean.steps.entries()) {
      for (const moment of ['before', 'after'] as const) {
        const where = describeStep(step, index, moment);
        const restarted = await crashAndRestart(scenarios, { step: index + 1, moment });
        expect({ where, outcomes: restarted.results.map((r) => [r.status, ...r.errors.map((e) => e.resolutionMessage)]) }).toEqual({ where, outcomes: scenarios.map(() => ['synced']) });
        expect({ where, ...restarted.snapshot }).toEqual({ where, ...clean.snapshot });
      }
    }
  });
});
