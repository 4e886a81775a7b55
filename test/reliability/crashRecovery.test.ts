// Kill the relay anywhere, restart it, and the result is a clean run's. For each scenario class the orders'
// syncs are asked for as the Order page asks (a Stripe_Sync_Request__c per order) and served by the shipped
// relay running as a child process (`node plugin/lib/relay/main.js`), which is SIGKILLed at a request and
// then, once its locks have run out, replaced by a fresh relay process serving the same requests. Stripe
// (objects by metadata), the write-backs, the Sync Records and the Orders' status must equal a clean run's —
// no duplicate object — and every request must end Synced. No log line, output or record of any run may
// hold the Stripe key or the access token.
//
// Where it is killed: a kill leaves the services in one of a few states, and the restart (a fresh process)
// sees only that state. A kill before a request, or after a read (Salesforce query, Stripe retrieve), leaves
// them as the kill just after the last write before it did. So killing after every write — Stripe POST or
// Salesforce write, its response lost — and once before the first reaches every state that a kill before or
// after any request of the clean run can leave, each restarted by a real process; the equivalent kills are
// not run again (they would double the test's minutes for no new state).
import { afterAll, describe, expect, it } from '@jest/globals';
import { startSalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { startStripeEmulator } from '@stripe-cpq/stripe-emulator';
import { startCrashingForwarders, type CrashPoint, type StepLog } from './support/crashingForwarders.js';
import { relayStarter, type RelayProcess } from './support/relayProcess.js';
import { leakedSecrets, outcomeTexts } from './support/secrets.js';
import { salesforceSnapshot, stripeSnapshot } from './support/syncState.js';

/** Scenario class → the sample orders synced, one sync request each, in order. */
const SCENARIO_CLASSES: Readonly<Record<string, readonly string[]>> = {
  'new subscription (S1)': ['S1'],
  'one-time invoice (S5)': ['S5'],
  'MDQ ramp (S14)': ['S14'],
  'coupons (S7)': ['S7'],
  'evergreen (S36)': ['S36'],
  'amendment (S21 after its initial order)': ['S21_INITIAL', 'S21'],
  'amendment that terminates (S27 after its initial order)': ['S27_INITIAL', 'S27'],
};

const STRIPE_KEY = 'sk_test_CRASHsecretKey7f6e5d4c3b2a1';
// A session id starts with the org's id (the Pub/Sub API client sends it as the tenant id).
const ACCESS_TOKEN = '00DEm0000000003!CRASHsecretAccessToken9876';
/** One clock for the services in every run, so "now"-dated objects (evergreen starts) compare equal. */
const NOW = Date.now();
/** Crash points run two at a time, each in its own services with its own relays. */
const PARALLEL_POINTS = 2;
/** A relay that has not finished by then is stuck (a retry waiting, a lock never freed). */
const RELAY_DEADLINE_MS = 60_000;

const starter = relayStarter(2 * PARALLEL_POINTS);
afterAll(() => starter.close());

async function world(scenarios: readonly string[]) {
  const org = await startSalesforceEmulator({
    now: () => new Date(NOW),
    integrationAccessToken: ACCESS_TOKEN,
    pubSub: true,
  });
  const stripe = await startStripeEmulator({ opsPerSecond: 0, now: () => NOW, apiKey: STRIPE_KEY });
  const network = await startCrashingForwarders(Number(new URL(org.instanceUrl).port), stripe.port);
  for (const scenario of scenarios) {
    const orderId = org.sample!.orders.find((o) => o.scenario === scenario)!.orderId;
    org.store.insert('Stripe_Sync_Request__c', {
      Order__c: orderId,
      Status__c: 'Queued',
      Requested_At__c: new Date(NOW).toISOString(),
    });
  }
  const requests = () => [...org.store.all('Stripe_Sync_Request__c')];
  return {
    org,
    pubSubEndpoint: org.pubSub!.endpoint,
    stripe,
    network,
    /** Every request ended Synced or Failed. */
    settled: () => requests().every((r) => r.Status__c === 'Synced' || r.Status__c === 'Failed'),
    requestOutcomes: () => requests().map((r) => String(r.Status__c)),
    /** Everything its relays printed. */
    relayOutput: [] as string[][],
    close: () => Promise.all([network.close(), org.close(), stripe.close()]),
  };
}
type World = Awaited<ReturnType<typeof world>>;

/** A relay process on the world's services, through its crashing network; at `crash` it is SIGKILLed. */
async function startRelayProcess(w: World, crash?: CrashPoint) {
  // The kill runs at a step, long after `relay` is set: a process makes no request before it starts.
  const traffic = w.network.newProcess(crash && { at: crash, kill: () => relay.kill('SIGKILL') });
  const relay = await starter.start({
    SF_INSTANCE_URL: w.network.salesforceUrl,
    SF_ACCESS_TOKEN: ACCESS_TOKEN,
    STRIPE_API_KEY: STRIPE_KEY,
    STRIPE_API_BASE: w.network.stripeUrl,
    STRIPE_OPS_PER_SECOND: '1000',
    RELAY_PORT: '0',
    SF_PUBSUB_ENDPOINT: w.pubSubEndpoint,
    SF_PUBSUB_REJECT_UNAUTHORIZED: 'false',
    // One request at a time and one reconciliation (at start): the same requests in the same order every run.
    RELAY_CONCURRENCY: '1',
    RELAY_RECONCILE_SECONDS: '3600',
    RELAY_LIVE_SYNC: 'false',
    LOG_LEVEL: 'debug',
  });
  w.relayOutput.push(relay.output);
  return { relay, traffic };
}

async function until(condition: () => boolean, what: string, relay: RelayProcess): Promise<void> {
  let exited: number | NodeJS.Signals | undefined;
  void relay.exited.then((code) => (exited = code));
  const deadline = Date.now() + RELAY_DEADLINE_MS;
  while (!condition()) {
    if (exited !== undefined || Date.now() > deadline)
      throw new Error(
        `The relay ${exited === undefined ? 'was still running' : `exited (${exited})`} before ${what}:\n${relay.output.join('')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Runs a relay until every request has ended, then stops it as an operator would (SIGTERM). */
async function serveUntilSettled(w: World): Promise<StepLog[]> {
  const { relay, traffic } = await startRelayProcess(w);
  let started = false;
  await until(
    () => (started ||= relay.output.join('').includes('"msg":"relay started"')) && w.settled(),
    'every request ended',
    relay,
  );
  relay.kill('SIGTERM');
  // 0: the relay's own SIGTERM handler stopped it; 'SIGTERM': the signal came before main.js set that handler.
  expect([0, 'SIGTERM']).toContain(await relay.exited);
  return traffic.steps;
}

/** "Five minutes later": the killed relay's locks on the contract and on its sync request have run out. */
function letLeasesExpire(w: World) {
  const past = new Date(NOW - 60_000).toISOString();
  for (const lock of [...w.org.store.all('Stripe_Sync_Lock__c')])
    w.org.store.update('Stripe_Sync_Lock__c', String(lock.Id), { Expires_At__c: past });
  for (const request of w.org.store.all('Stripe_Sync_Request__c'))
    if (request.Status__c === 'Syncing')
      w.org.store.update('Stripe_Sync_Request__c', String(request.Id), { Lease_Expires__c: past });
}

/** What a run left behind: the comparable state, and every text a secret could leak into. */
function outcome(w: World) {
  const stripe = stripeSnapshot(w.stripe);
  return {
    snapshot: {
      stripe: stripe.objects,
      salesforce: salesforceSnapshot(w.org, stripe.names),
      requests: w.requestOutcomes(),
    },
    texts: [...w.relayOutput.flat(), ...outcomeTexts(w.org)],
  };
}

/** The clean run: what it left behind and every request the relay made (the crash points). */
async function cleanRun(scenarios: readonly string[]) {
  const w = await world(scenarios);
  try {
    const steps = await serveUntilSettled(w);
    return { steps, ...outcome(w) };
  } finally {
    await w.close();
  }
}

/** The relay is killed at `crash`, then a new relay process serves the same requests. */
async function killAndRestart(scenarios: readonly string[], crash: CrashPoint) {
  const w = await world(scenarios);
  try {
    const { relay, traffic } = await startRelayProcess(w, crash);
    let crashed = false;
    void traffic.crashed.then(() => (crashed = true));
    await until(() => crashed, `its crash point, step ${crash.step}`, relay);
    expect(await relay.exited).toBe('SIGKILL');
    letLeasesExpire(w);
    await serveUntilSettled(w);
    return outcome(w);
  } finally {
    await w.close();
  }
}

/** Maps `items` through `task`, `parallel` at a time, keeping their order. */
async function inParallel<T, R>(items: readonly T[], parallel: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await task(items[index]!);
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}

/** Before the first write (the services untouched), and after each write with its response lost. */
function crashPoints(steps: readonly StepLog[]): { step: StepLog; point: CrashPoint }[] {
  const writes = steps.flatMap((step, index) => (step.writes ? [{ step, index }] : []));
  const first = writes[0]!;
  return [
    { step: first.step, point: { step: first.index + 1, moment: 'before' } },
    ...writes.map(({ step, index }) => ({ step, point: { step: index + 1, moment: 'after' as const } })),
  ];
}
const describePoint = (step: StepLog, point: CrashPoint) =>
  `${point.moment} step ${point.step}: ${step.service} ${step.method} ${decodeURIComponent(step.path).slice(0, 90)}`;

describe('a relay process killed at any request, then restarted, ends as a clean run does', () => {
  it.each(Object.entries(SCENARIO_CLASSES))(
    '%s',
    async (_name, scenarios) => {
      const clean = await cleanRun(scenarios);
      expect(clean.snapshot.requests).toEqual(scenarios.map(() => 'Synced'));
      expect(clean.steps.filter((s) => s.service === 'stripe' && s.method === 'POST').length).toBeGreaterThan(0);

      const runs = await inParallel(crashPoints(clean.steps), PARALLEL_POINTS, async ({ step, point }) => ({
        where: describePoint(step, point),
        ...(await killAndRestart(scenarios, point)),
      }));
      for (const run of runs)
        expect({ where: run.where, ...run.snapshot }).toEqual({ where: run.where, ...clean.snapshot });

      const texts = [clean.texts, ...runs.map((r) => r.texts)].flat();
      expect(texts.some((text) => text.includes('"msg":"order synced"'))).toBe(true);
      expect(leakedSecrets(texts, [STRIPE_KEY, ACCESS_TOKEN])).toEqual([]);
    },
    600_000,
  );
});
