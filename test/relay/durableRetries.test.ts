// Retries that survive the relay: a retryable failure waits in Salesforce as a Retrying request with its
// next attempt's time, a relay started later runs it once it is due, two relays never run it twice, and
// when the backoff is used up the request ends Failed with the error and its fix. Clocks are moved on
// (the relay's `now`) instead of waiting out real backoff.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { startRelay, type RelayOptions, type RunningRelay } from '../../plugin/src/relay/index.js';
import { claimRequest, finishRequest, recoverStaleRequests } from '../../plugin/src/relay/syncRequests.js';
import { memoryLogger, sampleOrder, startServices, waitFor, type Services } from './support.js';

let services: Services;
const log = memoryLogger();
const running: RunningRelay[] = [];
const HOUR_MS = 3_600_000;

beforeAll(async () => {
  services = await startServices();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
  services.stripe.faults.clear();
  services.org.faults.clear();
});
afterAll(async () => {
  await services.close();
});

async function relay(options: Partial<RelayOptions> = {}): Promise<RunningRelay> {
  const started = await startRelay({
    salesforce: services.salesforce,
    events: services.events,
    stripe: services.gateway,
    port: 0,
    liveSync: false,
    logger: log.logger,
    ...options,
  });
  running.push(started);
  return started;
}

/** A clock `offsetMs` ahead of the wall clock. */
const ahead = (offsetMs: number) => () => new Date(Date.now() + offsetMs);

/** Stripe refuses every write (HTTP 500) until the test ends the outage. */
const stripeOutage = () => services.stripe.faults.inject({ kind: 'api_error', method: 'POST', times: 10_000 });

const requestSync = (orderId: string) =>
  services.salesforce.createRecord('Stripe_Sync_Request__c', {
    Order__c: orderId,
    Requested_At__c: new Date().toISOString(),
  });

const requestRow = (id: string) =>
  services.org.query(
    `SELECT Status__c, Attempts__c, Next_Attempt_At__c, Message__c, Claimed_By__c, Finished_At__c, Requested_By__c FROM Stripe_Sync_Request__c WHERE Id = '${id}'`,
  )[0]!;
const requestsOf = (orderId: string) =>
  services.org.query(
    `SELECT Id, Status__c, Attempts__c, Next_Attempt_At__c, Message__c, Claimed_By__c, Requested_By__c FROM Stripe_Sync_Request__c WHERE Order__c = '${orderId}'`,
  );
const whenStatus = (id: string, status: string) =>
  waitFor(() => (requestRow(id).Status__c === status ? requestRow(id) : undefined));
const epochMs = (datetime: unknown) => Date.parse(String(datetime).replace('+0000', 'Z'));

/** Stripe objects linked to the order, live (not deleted). */
const schedulesOf = (orderId: string) =>
  services.stripe.store.subscriptionSchedules.all().filter((s) => s.metadata?.salesforce_order_id === orderId);
const customersOf = (accountId: string) =>
  services.stripe.store.customers.all().filter((c) => !c.deleted && c.metadata?.salesforce_account_id === accountId);

describe('durable retries', () => {
  it('a retryable failure leaves the request Retrying with its attempt count and next attempt time, and not run before then', async () => {
    const order = sampleOrder(services.org, 'S1');
    stripeOutage();
    await relay({ retryDelaysSeconds: [600, 1200] });
    const id = await requestSync(order.orderId);
    const before = Date.now();

    const waiting = await whenStatus(id, 'Retrying');
    expect(waiting.Attempts__c).toBe(1);
    const next = epochMs(waiting.Next_Attempt_At__c);
    expect(next).toBeGreaterThanOrEqual(before + 600_000 - 1_000);
    expect(next).toBeLessThanOrEqual(Date.now() + 1_200_000);
    expect(String(waiting.Message__c)).toMatch(
      /^Stripe Error: .+ Fix: .+\nAttempt 1 of 3 failed; the relay tries again after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\.$/s,
    );
    // The order says what went wrong, as for any failed sync.
    expect(
      services.org.query(`SELECT Stripe_Sync_Status__c FROM Order WHERE Id = '${order.orderId}'`)[0],
    ).toMatchObject({ Stripe_Sync_Status__c: 'Failed' });

    // Many request polls later, it still waits: the next attempt is not due.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(requestRow(id)).toMatchObject({ Status__c: 'Retrying', Attempts__c: 1 });
  });

  it('a relay stopped and started again runs the due retry: the request ends Synced with one set of Stripe objects', async () => {
    const order = sampleOrder(services.org, 'S6');
    stripeOutage();
    const first = await relay({ retryDelaysSeconds: [600, 1200] });
    const id = await requestSync(order.orderId);
    await whenStatus(id, 'Retrying');
    await first.stop();
    services.stripe.faults.clear();

    // An hour later (well past the 600–1200 s backoff), a new relay process.
    await relay({ retryDelaysSeconds: [600, 1200], now: ahead(HOUR_MS) });
    const done = await whenStatus(id, 'Synced');
    expect(done).toMatchObject({ Attempts__c: 2, Next_Attempt_At__c: null });
    expect(String(done.Message__c)).toMatch(/^Synced: \d+ Stripe write\(s\); sub_sched_/);
    const synced = services.org.query(
      `SELECT Stripe_ID__c, Stripe_Sync_Status__c FROM Order WHERE Id = '${order.orderId}'`,
    )[0]!;
    expect(synced.Stripe_Sync_Status__c).toBe('Synced');
    expect(schedulesOf(order.orderId).map((s) => s.id)).toEqual([synced.Stripe_ID__c]);
    expect(customersOf(order.accountId)).toHaveLength(1);
  });

  it('two relays on one org run a due retry once', async () => {
    const order = sampleOrder(services.org, 'S3');
    stripeOutage();
    const first = await relay({ retryDelaysSeconds: [600] });
    const id = await requestSync(order.orderId);
    await whenStatus(id, 'Retrying');
    await first.stop();
    services.stripe.faults.clear();

    const relays = [
      await relay({ retryDelaysSeconds: [600], now: ahead(HOUR_MS) }),
      await relay({ retryDelaysSeconds: [600], now: ahead(HOUR_MS) }),
    ];
    await whenStatus(id, 'Synced');
    await new Promise((resolve) => setTimeout(resolve, 300)); // more polls of both relays
    await Promise.all(relays.map((r) => r.settled()));
    const runs = await Promise.all(
      relays.map(
        async (r) =>
          (await r.metrics.valueOf(r.metrics.syncs, { outcome: 'synced' })) +
          (await r.metrics.valueOf(r.metrics.syncs, { outcome: 'failed' })) +
          (await r.metrics.valueOf(r.metrics.syncs, { outcome: 'busy' })),
      ),
    );
    expect(runs.reduce((a, b) => a + b)).toBe(1);
    expect(requestRow(id).Attempts__c).toBe(2);
    expect(schedulesOf(order.orderId)).toHaveLength(1);
  });

  it('of workers claiming one due retry at the same moment, only one gets it (its lock; If-Match guards nothing outside Account rows)', async () => {
    const order = sampleOrder(services.org, 'S7');
    const id = await services.salesforce.createRecord('Stripe_Sync_Request__c', {
      Order__c: order.orderId,
      Status__c: 'Retrying',
      Attempts__c: 1,
      Next_Attempt_At__c: new Date(Date.now() - 1_000).toISOString(),
    });
    const claims = await Promise.all(
      ['worker-a', 'worker-b', 'worker-c'].map((worker) => claimRequest(services.salesforce, id, worker, 60_000)),
    );
    const winners = claims.filter((c) => c !== undefined);
    expect(winners.map((c) => c.attempt)).toEqual([2]);
    expect(requestRow(id)).toMatchObject({
      Status__c: 'Syncing',
      Attempts__c: 2,
      Next_Attempt_At__c: null,
      Claimed_By__c: winners[0]!.lock.owner,
    });
  });

  it('a request one worker finished is not run again by a worker that listed it as due before', async () => {
    const order = sampleOrder(services.org, 'S7');
    const id = await requestSync(order.orderId);
    const claimed = (await claimRequest(services.salesforce, id, 'worker-a', 60_000))!;
    await finishRequest(services.salesforce, claimed, {
      orderId: order.orderId,
      status: 'synced',
      stripeId: undefined,
      applied: [],
      errors: [],
      retryable: false,
      warnings: [],
      plan: undefined,
      durationMs: 0,
    });
    expect(await claimRequest(services.salesforce, id, 'worker-b', 60_000)).toBeUndefined();
    expect(requestRow(id)).toMatchObject({ Status__c: 'Synced', Claimed_By__c: 'worker-a' });
    expect(services.org.query(`SELECT Id FROM Stripe_Sync_Lock__c WHERE Lock_Key__c = 'request:${id}'`)).toEqual([]);
  });

  it('the request of a claimant that died is claimed again once its lease runs out, and not before', async () => {
    const order = sampleOrder(services.org, 'S7');
    const id = await requestSync(order.orderId);
    const longAgo = new Date(Date.now() - HOUR_MS);
    expect(await claimRequest(services.salesforce, id, 'worker-dead', 60_000, longAgo)).toBeDefined();
    const live = await claimRequest(services.salesforce, id, 'worker-b', 60_000);
    expect(live).toBeUndefined();

    expect(await recoverStaleRequests(services.salesforce)).toBe(1);
    const taken = await Promise.all(
      ['worker-b', 'worker-c'].map((worker) => claimRequest(services.salesforce, id, worker, 60_000)),
    );
    expect(taken.filter((c) => c !== undefined).map((c) => c.attempt)).toEqual([2]);
    expect(requestRow(id)).toMatchObject({ Status__c: 'Syncing', Attempts__c: 2 });
  });

  it('when the backoff is used up the request ends Failed with the error, its fix and that the relay gave up', async () => {
    const order = sampleOrder(services.org, 'S13');
    stripeOutage();
    await relay({ retryDelaysSeconds: [0, 0] });
    const id = await requestSync(order.orderId);

    const failed = await whenStatus(id, 'Failed');
    expect(failed).toMatchObject({ Attempts__c: 3, Next_Attempt_At__c: null, Finished_At__c: expect.any(String) });
    expect(String(failed.Message__c)).toMatch(
      /^Stripe Error: .+ Fix: .+\nThe relay gave up after 3 attempts; press Sync now once the cause is fixed\.$/s,
    );
    expect(schedulesOf(order.orderId)).toEqual([]);
  });

  /** Runs `test` with the org's sync filter admitting only `orderId`. */
  async function pollingOnly(orderId: string, test: () => Promise<void>): Promise<void> {
    const settings = services.org.query(
      "SELECT Id, Order_Sync_Filter__c FROM Stripe_Sync_Setting__mdt WHERE DeveloperName = 'Default'",
    )[0]!;
    services.org.store.update(
      'Stripe_Sync_Setting__mdt',
      String(settings.Id),
      { Order_Sync_Filter__c: `Id = '${orderId}'` },
      { system: true },
    );
    try {
      await test();
    } finally {
      services.org.store.update(
        'Stripe_Sync_Setting__mdt',
        String(settings.Id),
        { Order_Sync_Filter__c: settings.Order_Sync_Filter__c },
        { system: true },
      );
    }
  }

  it('a retryable failure of a polled order becomes a Retrying request of its own, which a later relay completes', async () => {
    const order = sampleOrder(services.org, 'S9');
    await pollingOnly(order.orderId, async () => {
      stripeOutage();
      const live = await relay({ liveSync: true, retryDelaysSeconds: [600], workerId: 'relay-live' });
      const [request] = await waitFor(() => {
        const rows = requestsOf(order.orderId);
        return rows.length > 0 ? rows : undefined;
      });
      expect(request).toMatchObject({
        Status__c: 'Retrying',
        Attempts__c: 1,
        Claimed_By__c: 'relay-live',
        Requested_By__c: null,
      });
      expect(String(request!.Message__c)).toMatch(/^Stripe Error: .+\nAttempt 1 of 2 failed/s);
      // The failed order is not polled again, and its one request is not duplicated by later polls.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(requestsOf(order.orderId)).toHaveLength(1);
      await live.stop();
      services.stripe.faults.clear();

      await relay({ retryDelaysSeconds: [600], now: ahead(HOUR_MS) });
      await whenStatus(String(request!.Id), 'Synced');
      expect(schedulesOf(order.orderId)).toHaveLength(1);
    });
  });

  it('a retry Salesforce refuses to save (the outage itself) is saved at a later reconciliation, not dropped', async () => {
    const order = sampleOrder(services.org, 'S11');
    await pollingOnly(order.orderId, async () => {
      stripeOutage();
      services.org.faults.add({
        code: 'SERVER_UNAVAILABLE',
        method: 'POST',
        path: '/sobjects/Stripe_Sync_Request__c',
        times: 3,
      });
      await relay({ liveSync: true, retryDelaysSeconds: [600], reconcileSeconds: 0.2 });
      const [request] = await waitFor(() => {
        const rows = requestsOf(order.orderId);
        return rows.length > 0 ? rows : undefined;
      });
      expect(request).toMatchObject({ Status__c: 'Retrying', Attempts__c: 1 });
      expect(
        log.lines.filter((l) => l.includes('retry request not saved yet') && l.includes(order.orderId)),
      ).toHaveLength(3);
    });
  });
});
