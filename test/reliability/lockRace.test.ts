// Several shipped relays (`node plugin/lib/relay/main.js`, child processes) on one strict org emulator — where,
// as in a real org, If-Match guards nothing outside Account rows — race for the same sync requests and the
// same contracts. Exactly one sync runs per order, no request runs twice, and when the relay holding a
// request and its contract is SIGKILLed, its locks are taken over once they expire (not before) by exactly
// one of the relays racing for them. The figures are printed for the issue note.
import { afterAll, describe, expect, it } from '@jest/globals';
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { startStripeEmulator, type StripeEmulator } from '@stripe-cpq/stripe-emulator';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { locateOrder } from '../../plugin/src/salesforce/graphReader.js';
import { contractLockKey, requestLockKey } from '../../plugin/src/salesforce/syncLock.js';
import { relayStarter, type RelayProcess } from './support/relayProcess.js';

const STRIPE_KEY = 'sk_test_RACEsecretKey1a2b3c4d5e6f7';
const ACCESS_TOKEN = '00DEm0000000011!RACEsecretAccessToken5678';
const RACERS = 3;
const DEADLINE_MS = 60_000;

const starter = relayStarter(RACERS);
afterAll(() => starter.close());

interface World {
  readonly org: SalesforceEmulator;
  readonly stripe: StripeEmulator;
  readonly relays: RelayProcess[];
}

async function world(): Promise<World> {
  const org = await startSalesforceEmulator({ accessToken: ACCESS_TOKEN, pubSub: true });
  const stripe = await startStripeEmulator({ opsPerSecond: 0, apiKey: STRIPE_KEY });
  return { org, stripe, relays: [] };
}

async function close(w: World): Promise<void> {
  for (const relay of w.relays) relay.kill('SIGKILL');
  await Promise.all(w.relays.map((r) => r.exited));
  await Promise.all([w.org.close(), w.stripe.close()]);
}

/** A relay serving sync requests only, logging each claim and sync (debug), Stripe slowed so syncs overlap. */
async function startRacer(w: World, stripeOpsPerSecond: number): Promise<RelayProcess> {
  const relay = await starter.start({
    SF_INSTANCE_URL: w.org.instanceUrl,
    SF_ACCESS_TOKEN: ACCESS_TOKEN,
    STRIPE_API_KEY: STRIPE_KEY,
    STRIPE_API_BASE: `http://${w.stripe.host}:${w.stripe.port}`,
    STRIPE_OPS_PER_SECOND: String(stripeOpsPerSecond),
    RELAY_PORT: '0',
    RELAY_CONCURRENCY: '2',
    SF_PUBSUB_ENDPOINT: w.org.pubSub!.endpoint,
    SF_PUBSUB_REJECT_UNAUTHORIZED: 'false',
    RELAY_LIVE_SYNC: 'false',
    LOG_LEVEL: 'debug',
  });
  w.relays.push(relay);
  return relay;
}

const orderOf = (w: World, scenario: string) => w.org.sample!.orders.find((o) => o.scenario === scenario)!.orderId;
const requestSync = (w: World, orderId: string) =>
  w.org.store.insert('Stripe_Sync_Request__c', {
    Order__c: orderId,
    Status__c: 'Queued',
    Requested_At__c: new Date().toISOString(),
  });
/** The key of the order's contract's lock, by the engine's rule. */
const contractKey = async (w: World, orderId: string) =>
  contractLockKey(
    await locateOrder(
      SalesforceClient.fromSession({ instanceUrl: w.org.instanceUrl, accessToken: ACCESS_TOKEN }),
      orderId,
    ),
  );
const request = (w: World, id: string) => w.org.store.get(id)!;
const heldLocks = (w: World) =>
  [...w.org.store.all('Stripe_Sync_Lock__c')].map((l) => ({ key: String(l.Lock_Key__c), by: String(l.Held_By__c) }));

/** Every JSON log line the relays wrote. */
function logLines(relays: readonly RelayProcess[]): Record<string, unknown>[] {
  return relays.flatMap((r) =>
    r.output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  );
}

/** Claims per request and syncs run (not turned away busy) per order, across every relay. */
function figures(relays: readonly RelayProcess[]) {
  const lines = logLines(relays);
  const tally = (values: unknown[]) =>
    values.reduce<Record<string, number>>((n, v) => ({ ...n, [String(v)]: (n[String(v)] ?? 0) + 1 }), {});
  return {
    claimsPerRequest: tally(lines.filter((l) => l.msg === 'sync request taken').map((l) => l.requestId)),
    syncsPerOrder: tally(
      lines
        .filter((l) => (l.msg === 'order synced' || l.msg === 'order sync failed') && l.status !== 'busy')
        .map((l) => l.orderId),
    ),
    busy: lines.filter((l) => l.status === 'busy').length,
  };
}

async function until(condition: () => boolean, what: string, relays: readonly RelayProcess[]): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(
        `Not reached within ${DEADLINE_MS} ms: ${what}\n${relays.map((r) => r.output.join('')).join('\n---\n')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('relay processes racing for the same requests and contracts', () => {
  it('run each request once and each order once', async () => {
    const w = await world();
    try {
      const scenarios = ['S1', 'S5', 'S7', 'S14', 'S36'];
      const requests = scenarios.map((s) => requestSync(w, orderOf(w, s)));
      const relays = await Promise.all(Array.from({ length: RACERS }, () => startRacer(w, 20)));
      // A relay logs a sync once its request's outcome is saved, and a relay that listed a request just before
      // it ended takes its lock, finds it done and lets go: wait for the last log line and the last release.
      const ended = () => requests.every((id) => ['Synced', 'Failed'].includes(String(request(w, id).Status__c)));
      await until(
        () =>
          ended() &&
          Object.keys(figures(relays).syncsPerOrder).length === scenarios.length &&
          heldLocks(w).length === 0,
        'every request ended, logged, its locks released',
        relays,
      );

      const seen = figures(relays);
      console.log(
        `lock race, ${RACERS} relay processes, ${requests.length} requests: claims per request ${JSON.stringify(Object.values(seen.claimsPerRequest))}, syncs run per order ${JSON.stringify(Object.values(seen.syncsPerOrder))}, turned away busy ${seen.busy}`,
      );
      expect(requests.map((id) => request(w, id).Status__c)).toEqual(requests.map(() => 'Synced'));
      expect(Object.keys(seen.claimsPerRequest).sort()).toEqual([...requests].sort());
      expect(Object.values(seen.claimsPerRequest).filter((n) => n > 1)).toEqual([]);
      expect(Object.values(seen.syncsPerOrder)).toEqual(scenarios.map(() => 1));
      expect(requests.map((id) => request(w, id).Attempts__c)).toEqual(requests.map(() => 1));
      expect(
        w.stripe.store.subscriptionSchedules.all().filter((s) => s.metadata?.salesforce_order_id === orderOf(w, 'S1')),
      ).toHaveLength(1);
    } finally {
      await close(w);
    }
  }, 120_000);

  it('take over a SIGKILLed holder’s locks once they expire, not before, and run its request once more', async () => {
    const w = await world();
    try {
      const orderId = orderOf(w, 'S14');
      const requestId = requestSync(w, orderId);
      // Stripe at 2 writes a second: the holder is mid-sync, holding both locks, when it is killed.
      const holder = await startRacer(w, 2);
      await until(() => heldLocks(w).length === 2, 'the relay holds the request and its contract', [holder]);
      holder.kill('SIGKILL');
      expect(await holder.exited).toBe('SIGKILL');
      const dead = heldLocks(w);
      expect(dead.map((l) => l.key).sort()).toEqual([await contractKey(w, orderId), requestLockKey(requestId)].sort());

      // Live locks: relays polling for a second take nothing over.
      const early = await Promise.all(Array.from({ length: RACERS - 1 }, () => startRacer(w, 1000)));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(heldLocks(w)).toEqual(dead);
      expect(request(w, requestId).Status__c).toBe('Syncing');

      // "Five minutes later": the dead relay's locks and its claim run out; a fresh relay recovers the request.
      const past = new Date(Date.now() - 60_000).toISOString();
      for (const lock of [...w.org.store.all('Stripe_Sync_Lock__c')])
        w.org.store.update('Stripe_Sync_Lock__c', String(lock.Id), { Expires_At__c: past });
      w.org.store.update('Stripe_Sync_Request__c', requestId, { Lease_Expires__c: past });
      const late = await startRacer(w, 1000);
      const racers = [...early, late];
      await until(
        () =>
          request(w, requestId).Status__c === 'Synced' &&
          Object.keys(figures(racers).syncsPerOrder).length === 1 &&
          heldLocks(w).length === 0,
        'the request ended Synced, logged, its locks released',
        racers,
      );

      const seen = figures(racers);
      console.log(
        `lock takeover, ${racers.length} relay processes after a SIGKILL: claims of the request ${JSON.stringify(Object.values(seen.claimsPerRequest))}, syncs run ${JSON.stringify(Object.values(seen.syncsPerOrder))}`,
      );
      expect(seen.claimsPerRequest).toEqual({ [requestId]: 1 });
      expect(seen.syncsPerOrder).toEqual({ [orderId]: 1 });
      expect(request(w, requestId).Attempts__c).toBe(2);
      expect(
        w.stripe.store.subscriptionSchedules.all().filter((s) => s.metadata?.salesforce_order_id === orderId),
      ).toHaveLength(1);
    } finally {
      await close(w);
    }
  }, 120_000);
});
