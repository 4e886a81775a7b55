// A "Sync now" through the relay within the API budget (issue 15: at most 4 Salesforce calls per order
// sync in all): the request's claim rides in the engine's lock call and its outcome in the engine's
// write-back, and its failure paths stay whole — a failed sync ends its request Failed with the error, a
// busy contract claims nothing, and a relay dying after it took or claimed a request leaves it to the next.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { startRelay, type RelayOptions, type RunningRelay } from '../../plugin/src/relay/index.js';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { locateOrder } from '../../plugin/src/salesforce/graphReader.js';
import { contractLockKey, releaseLock, requestLockKey, takeLock } from '../../plugin/src/salesforce/syncLock.js';
import { integrationToken, memoryLogger, sampleOrder, startServices, waitFor, type Services } from './support.js';

let services: Services;
const running: RunningRelay[] = [];

beforeAll(async () => {
  services = await startServices();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
  services.org.faults.clear();
});
afterAll(async () => {
  await services.close();
});

/** A relay on a Salesforce client of its own (its `calls` are the relay's), once its start-up is over. */
async function relay(options: Partial<RelayOptions> = {}) {
  const salesforce = SalesforceClient.fromSession({
    instanceUrl: services.org.instanceUrl,
    accessToken: integrationToken(services.org),
  });
  const log = memoryLogger();
  const started = await startRelay({
    salesforce,
    events: services.events,
    stripe: services.gateway,
    port: 0,
    liveSync: false,
    // One reconciliation, at start: what follows is the change events' doing.
    reconcileSeconds: 3600,
    logger: log.logger,
    ...options,
  });
  running.push(started);
  await waitFor(() => log.lines.some((l) => l.includes('"reconciling"')) || undefined);
  await waitFor(() => services.org.pubSub!.openStreams > 0 || undefined);
  await started.settled();
  await idle(salesforce);
  return { relay: started, salesforce, log };
}

/** Resolves once the client made no call for half a second (the start-up reconciliation is over). */
async function idle(salesforce: SalesforceClient): Promise<void> {
  for (let calls = -1; calls !== salesforce.calls;) {
    calls = salesforce.calls;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** "Sync now" as the Order page makes it: a Queued request written by the user's session, not the relay's. */
const syncNow = (orderId: string) =>
  services.org.store.insert('Stripe_Sync_Request__c', {
    Order__c: orderId,
    Status__c: 'Queued',
    Requested_At__c: new Date().toISOString(),
  });
const requestRow = (id: string) =>
  services.org.query(
    `SELECT Status__c, Attempts__c, Claimed_By__c, Started_At__c, Finished_At__c, Message__c FROM Stripe_Sync_Request__c WHERE Id = '${id}'`,
  )[0]!;
const whenEnded = (id: string, timeoutMs?: number) =>
  waitFor(
    () => (['Synced', 'Failed'].includes(String(requestRow(id).Status__c)) ? requestRow(id) : undefined),
    timeoutMs,
  );
const orderRow = (id: string) =>
  services.org.query(
    `SELECT Stripe_ID__c, Stripe_Sync_Status__c, Stripe_Sync_Message__c, Stripe_Sync_Fix__c FROM Order WHERE Id = '${id}'`,
  )[0]!;
/** A request's outcome in a write's body (the engine's write-back, the request's own write). */
const REQUEST_ENDED = '"Status__c":"(Retrying|Failed|Synced|Queued)"';
const heldLocks = () => services.org.query('SELECT Lock_Key__c FROM Stripe_Sync_Lock__c');
const schedulesOf = (orderId: string) =>
  services.stripe.store.subscriptionSchedules.all().filter((s) => s.metadata?.salesforce_order_id === orderId);

/** The relay's calls while a "Sync now" of the order runs to its end. */
async function callsOfSyncNow(r: Awaited<ReturnType<typeof relay>>, orderId: string) {
  const before = r.salesforce.calls;
  const id = syncNow(orderId);
  const ended = await whenEnded(id);
  await r.relay.settled();
  return { calls: r.salesforce.calls - before, ended, id };
}

describe('"Sync now" through the relay', () => {
  it("costs at most 4 Salesforce calls, first sync and re-sync alike: the claim and outcome ride in the engine's calls", async () => {
    const order = sampleOrder(services.org, 'S1');
    const r = await relay({ workerId: 'relay-count' });

    const first = await callsOfSyncNow(r, order.orderId);
    expect(first.ended).toMatchObject({ Status__c: 'Synced', Attempts__c: 1, Claimed_By__c: 'relay-count' });
    expect(first.ended.Started_At__c).toEqual(expect.any(String));
    expect(orderRow(order.orderId)).toMatchObject({ Stripe_Sync_Status__c: 'Synced' });
    expect(first.calls).toBeLessThanOrEqual(4);

    const again = await callsOfSyncNow(r, order.orderId);
    expect(again.ended).toMatchObject({ Status__c: 'Synced', Attempts__c: 1 });
    expect(String(again.ended.Message__c)).toBe('Synced: already in sync, nothing to change.');
    expect(again.calls).toBeLessThanOrEqual(4);
    expect(heldLocks()).toEqual([]);
    expect(schedulesOf(order.orderId)).toHaveLength(1);
  });

  it('a sync the engine refuses ends its request Failed with the error and its fix, in the same calls', async () => {
    const order = sampleOrder(services.org, 'S16');
    const r = await relay();

    const { calls, ended } = await callsOfSyncNow(r, order.orderId);
    expect(ended).toMatchObject({ Status__c: 'Failed', Attempts__c: 1, Finished_At__c: expect.any(String) });
    const shown = orderRow(order.orderId);
    expect(shown.Stripe_Sync_Status__c).toBe('Failed');
    expect(String(ended.Message__c)).toContain(`${String(shown.Stripe_Sync_Message__c)} Fix: `);
    expect(calls).toBeLessThanOrEqual(4);
    expect(heldLocks()).toEqual([]);
  });

  it('a request whose order Salesforce would not read with its lock is run all the same: the engine reads it', async () => {
    const order = sampleOrder(services.org, 'S11');
    await relay();
    // The first call taking a lock with a query in it: the request's, with its order's read.
    services.org.faults.add({
      code: 'UNABLE_TO_LOCK_ROW',
      method: 'POST',
      path: '/composite',
      body: /Stripe_Sync_Lock__c.*query\?q=/,
    });
    const id = syncNow(order.orderId);
    expect(await whenEnded(id)).toMatchObject({ Status__c: 'Synced', Attempts__c: 1 });
    expect(services.org.faults.pending).toBe(0);
    expect(heldLocks()).toEqual([]);
  });

  it('a request whose contract another worker is syncing is queued again without an attempt, then runs', async () => {
    const order = sampleOrder(services.org, 'S3');
    const contractKey = contractLockKey(await locateOrder(services.salesforce, order.orderId));
    const other = (await takeLock(services.salesforce, contractKey, { owner: 'another-relay', ttlMs: 60_000 }))!;
    await relay();
    const id = syncNow(order.orderId);

    const queued = await waitFor(() => {
      const row = requestRow(id);
      return row.Status__c === 'Queued' && row.Message__c ? row : undefined;
    });
    expect(queued).toMatchObject({ Attempts__c: 0, Claimed_By__c: null });
    expect(String(queued.Message__c)).toBe('Another sync of this contract was running; queued again.');
    // The rolled-back claim wrote no "Syncing" either: the other worker's sync owns the Order's status.
    expect(orderRow(order.orderId).Stripe_Sync_Status__c).not.toBe('Syncing');
    expect(schedulesOf(order.orderId)).toEqual([]);

    await releaseLock(services.salesforce, other.lock);
    expect(await whenEnded(id)).toMatchObject({ Status__c: 'Synced', Attempts__c: 1 });
  });

  it('a relay that dies after claiming a request leaves it Syncing until its lease runs out; the next relay syncs it once', async () => {
    const order = sampleOrder(services.org, 'S6');
    // Salesforce out from the write-back on: the outcome, the failure, the request's own outcome and every
    // lock release fail, as for a relay that died after its Stripe writes.
    const outage = { code: 'SERVER_UNAVAILABLE' as const, times: Infinity };
    const first = await relay({ leaseMs: 1_000, workerId: 'relay-dies' });
    services.org.faults.add({
      ...outage,
      method: 'POST',
      path: '/composite',
      body: new RegExp(`Stripe_Last_Sync__c|${REQUEST_ENDED}`),
    });
    services.org.faults.add({ ...outage, method: 'DELETE', path: 'Stripe_Sync_Lock__c' });
    const id = syncNow(order.orderId);
    await waitFor(() => (schedulesOf(order.orderId).length > 0 ? true : undefined));
    await first.relay.settled();
    expect(requestRow(id)).toMatchObject({ Status__c: 'Syncing', Attempts__c: 1, Claimed_By__c: 'relay-dies' });
    expect(orderRow(order.orderId).Stripe_ID__c).toBeNull();
    await first.relay.stop();
    services.org.faults.clear();

    // Its lease (1 s) is over by the next relay's first reconciliation (2 s after its start).
    await relay({ workerId: 'relay-next' });
    const ended = await whenEnded(id);
    expect(ended).toMatchObject({ Status__c: 'Synced', Attempts__c: 2, Claimed_By__c: 'relay-next' });
    const synced = orderRow(order.orderId);
    expect(schedulesOf(order.orderId).map((s) => s.id)).toEqual([synced.Stripe_ID__c]);
    expect(heldLocks()).toEqual([]);
  });

  it('a relay that dies after taking a request, before claiming it, leaves it Queued; the next relay syncs it', async () => {
    const order = sampleOrder(services.org, 'S9');
    // Salesforce out from the call carrying the claim (the engine's lock call) on.
    const outage = { code: 'SERVER_UNAVAILABLE' as const, times: Infinity };
    const first = await relay({ leaseMs: 1_000 });
    services.org.faults.add({
      ...outage,
      method: 'POST',
      path: '/composite',
      body: new RegExp(`"Status__c":"Syncing"|${REQUEST_ENDED}`),
    });
    services.org.faults.add({ ...outage, method: 'DELETE', path: 'Stripe_Sync_Lock__c' });
    const id = syncNow(order.orderId);
    await waitFor(() => (heldLocks().length > 0 ? true : undefined));
    await first.relay.settled();
    expect(requestRow(id)).toMatchObject({ Status__c: 'Queued', Attempts__c: null, Claimed_By__c: null });
    expect(heldLocks().map((l) => l.Lock_Key__c)).toEqual([requestLockKey(id)]);
    await first.relay.stop();
    services.org.faults.clear();

    await relay();
    expect(await whenEnded(id)).toMatchObject({ Status__c: 'Synced', Attempts__c: 1 });
    expect(schedulesOf(order.orderId)).toHaveLength(1);
    expect(heldLocks()).toEqual([]);
  });
});
