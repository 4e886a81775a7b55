// The event-driven relay under stream faults (issue 15): a stream dropped mid-batch, events received but
// not processed when the relay died, the same event twice, a replay id past the 72-hour retention, a burst
// of 1,000 activations, an org without the channel, and a session expiring during the stream. Nothing is
// lost, nothing runs twice: every request ends after exactly one attempt, every order syncs once.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { FIRST_COMMIT_NUMBER } from '@stripe-cpq/salesforce-org-emulator/pubsub/changeEvents.js';
import { RETENTION_MS } from '@stripe-cpq/salesforce-org-emulator/pubsub/index.js';
import { CHECKPOINT_FILE, startRelay, type RelayOptions, type RunningRelay } from '../../plugin/src/relay/index.js';
import { MissingChannel } from '../../plugin/src/relay/subscriber.js';
import { ReplayCheckpoint } from '../../plugin/src/relay/replayCheckpoint.js';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { integrationToken, memoryLogger, sampleOrder, startServices, waitFor, type Services } from './support.js';

let services: Services;
let stateDir: string;
const relays: RunningRelay[] = [];
let log = memoryLogger();

beforeEach(async () => {
  services = await startServices();
  stateDir = mkdtempSync(join(tmpdir(), 'relay-state-'));
  log = memoryLogger();
});
afterEach(async () => {
  for (const relay of relays.splice(0)) await relay.stop();
  await services.close();
  rmSync(stateDir, { recursive: true, force: true });
});

// Reconciliation an hour away: beyond the one at start, what these tests see the change events did.
const relay = async (options: Partial<RelayOptions> = {}) => {
  const started = await startRelay({
    salesforce: services.salesforce,
    events: services.events,
    stripe: services.gateway,
    port: 0,
    liveSync: false,
    reconcileSeconds: 3600,
    stateDir,
    logger: log.logger,
    ...options,
  });
  relays.push(started);
  return started;
};
/** The relay's stream is open at the emulator: a change made now reaches it as an event. */
const streamOpen = (org = services.org) => waitFor(() => (org.pubSub!.openStreams > 0 ? true : undefined));
const stop = async (running: RunningRelay) => {
  relays.splice(relays.indexOf(running), 1);
  await running.stop();
};
const BURST = 1_000;
const GOOD = ['S1', 'S3', 'S6', 'S9', 'S11', 'S13'];
const request = (scenario: string) =>
  services.org.store.insert('Stripe_Sync_Request__c', {
    Order__c: sampleOrder(services.org, scenario).orderId,
    Status__c: 'Queued',
    Requested_At__c: new Date().toISOString(),
  });
const rows = (ids: readonly string[]) =>
  services.org.query(
    `SELECT Id, Status__c, Attempts__c FROM Stripe_Sync_Request__c WHERE Id IN ('${ids.join("','")}')`,
  );
const allEnded = (ids: readonly string[]) => () => {
  const found = rows(ids);
  return found.length === ids.length && found.every((r) => r.Status__c === 'Synced' || r.Status__c === 'Failed')
    ? found
    : undefined;
};
const savedReplayId = () =>
  existsSync(join(stateDir, CHECKPOINT_FILE))
    ? (JSON.parse(readFileSync(join(stateDir, CHECKPOINT_FILE), 'utf8')) as { replayId: number | null }).replayId
    : null;
const logged = (text: string) => log.lines.filter((l) => l.includes(text));

describe('change event stream faults', () => {
  it('a stream dropped mid-batch resumes from the last processed event: nothing lost, nothing run twice', async () => {
    await relay({ events: { ...services.events, batchSize: 5 } });
    await streamOpen();
    const ids = Array.from({ length: 30 }, (_, i) => request(GOOD[i % GOOD.length]!));
    await waitFor(() => (rows(ids).filter((r) => r.Status__c === 'Synced').length >= 3 ? true : undefined));
    services.org.pubSub!.dropStreams();
    const done = await waitFor(allEnded(ids), 90_000);
    expect(done.map((r) => [r.Status__c, r.Attempts__c])).toEqual(ids.map(() => ['Synced', 1]));
    expect(logged('change event stream ended: resubscribing').length).toBeGreaterThan(0);
    expect(logged('subscribed to change events').length).toBeGreaterThanOrEqual(2);
  });

  it('events received but not processed when the relay died come again after the restart; one processed twice changes nothing', async () => {
    const earlier = await relay();
    await streamOpen();
    const ids = [request('S1'), request('S3')];
    await waitFor(allEnded(ids));
    await waitFor(() => (savedReplayId() !== null ? true : undefined));
    await stop(earlier);
    const writes = services.stripe.requestLog.writes().length;
    // The checkpoint moves only over work that is done, so a relay killed after receiving the second event
    // and before processing it leaves the checkpoint at the first: the state written here. The second
    // event is then delivered again — to a relay that, here, had in fact processed it: a duplicate.
    // The first event's own replay id (the bus's earliest() is the position before it: a replay id no event
    // has, which the service refuses as outside the retention window).
    const receivedFirst = logged('change event received').filter((l) => l.includes(ids[0]!));
    expect(receivedFirst).toHaveLength(1);
    const first = (JSON.parse(receivedFirst[0]!) as { replayId: number }).replayId;
    writeFileSync(join(stateDir, CHECKPOINT_FILE), JSON.stringify({ replayId: first }));
    const third = request('S6');
    await relay();
    await waitFor(allEnded([third]));
    await waitFor(() => (logged('change event received').length >= 4 ? true : undefined));
    await relays[0]!.settled();
    expect(logged('subscribed to change events').at(-1)).toContain(`"from":${first}`);
    // The channel admits a request's change only while Queued or Retrying, and an order's only while
    // unsynced and not Syncing: each request made one event. Before the restart the two requests' events,
    // after it the second's again and the third's.
    expect(logged('change event received')).toHaveLength(4);
    expect(logged('replay id outside the retention window')).toEqual([]);
    expect(logged('change event received').filter((l) => l.includes(ids[1]!))).toHaveLength(2);
    expect(rows([...ids, third]).map((r) => [r.Status__c, r.Attempts__c])).toEqual([
      ['Synced', 1],
      ['Synced', 1],
      ['Synced', 1],
    ]);
    // Only the third order's sync wrote to Stripe: the redelivered event found its request done.
    expect(services.stripe.requestLog.writes().length).toBeGreaterThan(writes);
    expect(
      services.stripe.requestLog
        .writes()
        .slice(writes)
        .some((w) => JSON.stringify(w).includes(sampleOrder(services.org, 'S3').orderId)),
    ).toBe(false);
  });

  it('a session expiring during the stream is refreshed and the stream resumes with the new session', async () => {
    const userId = services.org.integrationUser!.userId;
    const tokens: string[] = [];
    const salesforce = SalesforceClient.fromSession({
      instanceUrl: services.org.instanceUrl,
      accessToken: integrationToken(services.org),
      refreshAccessToken: async () => {
        tokens.push(services.org.org.sessionFor(userId));
        return tokens.at(-1)!;
      },
    });
    await relay({ salesforce });
    await waitFor(() => (services.org.pubSub!.openStreams === 1 ? true : undefined));
    services.org.pubSub!.expireSessions();
    // The old token is gone for REST too: the refreshed session serves both.
    await waitFor(() => (tokens.length > 0 && services.org.pubSub!.openStreams === 1 ? true : undefined));
    const id = request('S1');
    expect((await waitFor(allEnded([id])))[0]).toMatchObject({ Status__c: 'Synced', Attempts__c: 1 });
    expect(salesforce.session.accessToken).toBe(tokens.at(-1));
  });

  it('a burst of 1,000 activations: flow control keeps at most a batch in flight, every order syncs once', async () => {
    const accountId = sampleOrder(services.org, 'S1').accountId;
    const running = await relay({ liveSync: true, concurrency: 8 });
    await streamOpen();
    let mostInFlight = 0;
    const sampler = setInterval(() => {
      void running.metrics
        .valueOf(running.metrics.eventsInFlight)
        .then((n) => (mostInFlight = Math.max(mostInFlight, n)));
    }, 20);
    // Activated orders without products: each sync runs and fails fast (nothing to bill), once.
    const ids = services.org.store.transaction(() =>
      Array.from({ length: BURST }, (_, i) =>
        services.org.store.insert('Order', {
          Name: `Burst ${i}`,
          AccountId: accountId,
          EffectiveDate: '2030-01-01',
          Status: 'Activated',
        }),
      ),
    );
    try {
      await waitFor(
        () =>
          services.org.query(`SELECT Id FROM Order WHERE Name LIKE 'Burst %' AND Stripe_Sync_Status__c = 'Failed'`)
            .length >= BURST
            ? true
            : undefined,
        280_000,
      );
      await running.settled();
    } finally {
      clearInterval(sampler);
    }
    const statuses = services.org.query(
      `SELECT Id, Stripe_Sync_Status__c FROM Order WHERE Id IN ('${ids.join("','")}')`,
    );
    expect(statuses.filter((o) => o.Stripe_Sync_Status__c === 'Failed')).toHaveLength(BURST);
    // Each burst order's sync ran exactly once (the sample org's own unsynced orders sync too).
    const runsOf = new Map<string, number>();
    for (const line of logged('"msg":"order sync')) {
      const orderId = (JSON.parse(line) as { orderId: string }).orderId;
      runsOf.set(orderId, (runsOf.get(orderId) ?? 0) + 1);
    }
    expect(ids.filter((id) => runsOf.get(id) !== 1)).toEqual([]);
    expect(mostInFlight).toBeGreaterThan(0);
    expect(mostInFlight).toBeLessThanOrEqual(100);
  }, 300_000);
});

describe('a commit number beyond 2^53, as real orgs send', () => {
  it('an activation whose change event carries one syncs its order at once, not at the next reconciliation', async () => {
    // Every emulated event carries one (forcedotcom/pub-sub-api issue #44); avro-js's default long refuses it.
    expect(FIRST_COMMIT_NUMBER).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    const { orderId } = sampleOrder(services.org, 'S1');
    const draft = { Status: 'Draft', Stripe_ID__c: null, Stripe_Sync_Status__c: null };
    services.org.store.update('Order', orderId, draft, { system: true });
    const running = await relay({ liveSync: true });
    await streamOpen();
    // After the start's reconciliation (it syncs the sample org's unsynced orders): only the event is left.
    await waitFor(() => (logged('reconciliation found activated orders').length > 0 ? true : undefined));
    await running.settled();
    services.org.store.update('Order', orderId, { Status: 'Activated' }, { system: true });
    const stripeId = await waitFor(
      () => services.org.query(`SELECT Stripe_ID__c FROM Order WHERE Id = '${orderId}'`)[0]?.Stripe_ID__c ?? undefined,
    );
    expect(stripeId).toMatch(/^sub_/);
    expect(logged('change event not readable')).toEqual([]);
  });
});

describe('stopping the relay', () => {
  it('cancels its Subscribe stream: the service sees the stream end, nothing is left open', async () => {
    const running = await relay();
    await streamOpen();
    await stop(running);
    // Not the emulator's close (it ends every stream itself): the relay's own stop must end the call.
    await waitFor(() => (services.org.pubSub!.openStreams === 0 ? true : undefined), 5_000);
    expect(running.streamState).toBe('stopped');
  });
});

describe('a replay id past the retention window', () => {
  it('resubscribes from the latest event, says so, and reconciles at once: the request made meanwhile still syncs once', async () => {
    let clock = Date.now();
    const org = await startSalesforceEmulator({ pubSub: true, now: () => new Date(clock) });
    try {
      const salesforce = SalesforceClient.fromSession({
        instanceUrl: org.instanceUrl,
        accessToken: integrationToken(org),
      });
      const options = { salesforce, events: { endpoint: org.pubSub!.endpoint, rejectUnauthorized: false } as const };
      const orderOf = (scenario: string) => org.sample!.orders.find((o) => o.scenario === scenario)!.orderId;
      const first = await relay(options);
      await streamOpen(org);
      const early = org.store.insert('Stripe_Sync_Request__c', {
        Order__c: orderOf('S1'),
        Status__c: 'Queued',
        Requested_At__c: new Date(clock).toISOString(),
      });
      await waitFor(() =>
        org.query(`SELECT Status__c FROM Stripe_Sync_Request__c WHERE Id = '${early}'`)[0]?.Status__c === 'Synced'
          ? true
          : undefined,
      );
      await first.settled();
      await waitFor(() => (savedReplayId() !== null ? true : undefined));
      await stop(first);

      clock += RETENTION_MS + 3_600_000; // the relay was down for 73 hours
      const late = org.store.insert('Stripe_Sync_Request__c', {
        Order__c: orderOf('S3'),
        Status__c: 'Queued',
        Requested_At__c: new Date(clock).toISOString(),
      });
      const second = await relay(options);
      const ended = await waitFor(() =>
        org
          .query(`SELECT Status__c, Attempts__c FROM Stripe_Sync_Request__c WHERE Id = '${late}'`)
          .find((r) => r.Status__c === 'Synced'),
      );
      // The gap's reconciliation may sync the request before the refused stream is replaced: wait for that.
      await waitFor(() =>
        logged('replay id outside the retention window').length > 0 && second.streamState === 'subscribed'
          ? true
          : undefined,
      );
      await second.settled();
      expect(ended.Attempts__c).toBe(1);
      expect(logged('replay id outside the retention window')).toHaveLength(1);
      expect(logged('"reason":"gap"')).toHaveLength(1);
      expect(logged('subscribed to change events').at(-1)).toContain('"from":"LATEST"');
    } finally {
      for (const running of relays.splice(0)) await running.stop();
      await org.close();
    }
  });
});

describe('an org without the channel', () => {
  it('refuses to start, naming the PlatformEventChannel and its members to deploy', async () => {
    const bare = await startSalesforceEmulator({ pubSub: { channels: false } });
    try {
      const salesforce = SalesforceClient.fromSession({
        instanceUrl: bare.instanceUrl,
        accessToken: integrationToken(bare),
      });
      const started = startRelay({
        salesforce,
        events: { endpoint: bare.pubSub!.endpoint, rejectUnauthorized: false },
        stripe: services.gateway,
        port: 0,
        liveSync: false,
        logger: log.logger,
      });
      await expect(started).rejects.toThrow(MissingChannel);
      await expect(started).rejects.toThrow(
        /PlatformEventChannel Stripe_CPQ_Sync__chn .*platformEventChannels\/Stripe_CPQ_Sync__chn\.platformEventChannel-meta\.xml.*PlatformEventChannelMember/,
      );
    } finally {
      await bare.close();
    }
  });
});

describe('the replay checkpoint', () => {
  it('moves only over events whose work is done, in replay id order, and survives a restart', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'checkpoint-')), CHECKPOINT_FILE);
    const checkpoint = ReplayCheckpoint.load(file);
    const a = checkpoint.received(11);
    const c = checkpoint.received(13); // handed over before 12 (a schema fetch in between)
    const b = checkpoint.received(12);
    c.done();
    expect(checkpoint.replayId).toBeUndefined(); // 11 and 12 are not done: a crash now replays all three
    a.done();
    expect(ReplayCheckpoint.load(file).replayId).toBe(11);
    b.done();
    expect(ReplayCheckpoint.load(file).replayId).toBe(13);
    rmSync(file);
  });
});
