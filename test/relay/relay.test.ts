import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRelay, type RunningRelay } from '../../plugin/src/relay/index.js';
import { memoryLogger, sampleOrder, startServices, waitFor, type Services } from './support.js';

let services: Services;
let relay: RunningRelay;
const log = memoryLogger();
const SYNC_TOKEN = 'relay-token-for-tests';

beforeAll(async () => {
  services = await startServices();
  relay = await startRelay({
    salesforce: services.salesforce,
    events: services.events,
    stripe: services.gateway,
    port: 0,
    concurrency: 2,
    liveSync: false,
    syncToken: SYNC_TOKEN,
    logger: log.logger,
  });
});
afterAll(async () => {
  await relay.stop();
  await services.close();
});

const requestRow = (id: string) =>
  services.org.query(
    `SELECT Status__c, Message__c, Claimed_By__c, Attempts__c, Started_At__c, Finished_At__c FROM Stripe_Sync_Request__c WHERE Id = '${id}'`,
  )[0]!;

async function requestSync(orderId: string): Promise<string> {
  return services.salesforce.createRecord('Stripe_Sync_Request__c', {
    Order__c: orderId,
    Status__c: 'Queued',
    Requested_At__c: new Date().toISOString(),
  });
}

describe('relay: sync requests', () => {
  it('takes a Queued request through Syncing to Synced, syncing its order', async () => {
    const order = sampleOrder(services.org, 'S1');
    const id = await requestSync(order.orderId);
    const seen = new Set<string>();
    const done = await waitFor(() => {
      const row = requestRow(id);
      seen.add(String(row.Status__c));
      return row.Status__c === 'Synced' || row.Status__c === 'Failed' ? row : undefined;
    });
    expect(done).toMatchObject({
      Status__c: 'Synced',
      Attempts__c: 1,
      Claimed_By__c: expect.stringMatching(/^relay-/),
    });
    expect(done.Finished_At__c).toEqual(expect.any(String));
    expect(seen.has('Queued') || seen.has('Syncing')).toBe(true);
    const orderRow = services.org.query(
      `SELECT Stripe_ID__c, Stripe_Sync_Status__c FROM Order WHERE Id = '${order.orderId}'`,
    )[0]!;
    expect(orderRow).toMatchObject({
      Stripe_ID__c: expect.stringMatching(/^sub_sched_/),
      Stripe_Sync_Status__c: 'Synced',
    });
  });

  it('ends a request for a broken order as Failed with the documented message and fix, and a Sync Record', async () => {
    const order = sampleOrder(services.org, 'S40');
    const id = await requestSync(order.orderId);
    const done = await waitFor(() => (requestRow(id).Status__c === 'Failed' ? requestRow(id) : undefined));
    expect(String(done.Message__c)).toContain('The order line is deleted or not activated.');
    expect(String(done.Message__c)).toContain('Fix:');
    const records = services.org.query(
      `SELECT Resolution_Status__c, Resolution_Message__c FROM Stripe_Sync_Record__c WHERE Order__c = '${order.orderId}'`,
    );
    expect(records).toContainEqual(expect.objectContaining({ Resolution_Status__c: 'Error' }));
  });

  it('a second request for a synced order changes nothing in Stripe', async () => {
    const order = sampleOrder(services.org, 'S1');
    const writesBefore = services.stripe.requestLog.writes().length;
    const id = await requestSync(order.orderId);
    const done = await waitFor(() => (requestRow(id).Status__c === 'Synced' ? requestRow(id) : undefined));
    expect(done.Message__c).toBe('Synced: already in sync, nothing to change.');
    expect(services.stripe.requestLog.writes().length).toBe(writesBefore);
  });

  it('puts a request whose relay died (Syncing past its lease) back to Queued and then syncs it', async () => {
    const order = sampleOrder(services.org, 'S6');
    const id = await services.salesforce.createRecord('Stripe_Sync_Request__c', {
      Order__c: order.orderId,
      Status__c: 'Syncing',
      Claimed_By__c: 'relay-dead',
      Lease_Expires__c: new Date(Date.now() - 60_000).toISOString(),
    });
    const restarted = await startRelay({
      salesforce: services.salesforce,
      events: services.events,
      stripe: services.gateway,
      port: 0,
      liveSync: false,
      logger: log.logger,
    });
    try {
      const done = await waitFor(() => (requestRow(id).Status__c === 'Synced' ? requestRow(id) : undefined));
      expect(done.Claimed_By__c).not.toBe('relay-dead');
    } finally {
      await restarted.stop();
    }
  });
});

describe('relay: HTTP', () => {
  const authorized = { headers: { authorization: `Bearer ${SYNC_TOKEN}` } };

  it('answers liveness to anyone and readiness only with the relay token', async () => {
    expect((await fetch(`${relay.url}/livez`)).status).toBe(200);
    expect((await fetch(`${relay.url}/readyz`)).status).toBe(401);
    expect((await fetch(`${relay.url}/readyz`, authorized)).status).toBe(200);
  });

  it('refuses the sync endpoint without the right token and accepts valid Order Ids with it', async () => {
    const order = sampleOrder(services.org, 'S9');
    const post = (token: string, body: unknown) =>
      fetch(`${relay.url}/sync`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('wrong', { orderIds: [order.orderId] })).status).toBe(401);
    expect((await post(SYNC_TOKEN, { orderIds: ["x' OR Id != null"] })).status).toBe(400);
    const accepted = await post(SYNC_TOKEN, { orderIds: [order.orderId] });
    expect(accepted.status).toBe(202);
    await waitFor(
      () =>
        services.org.query(`SELECT Stripe_ID__c FROM Order WHERE Id = '${order.orderId}'`)[0]?.Stripe_ID__c ??
        undefined,
    );
  });

  it('exposes Prometheus metrics: syncs by outcome, latency, Stripe calls', async () => {
    expect((await fetch(`${relay.url}/metrics`)).status).toBe(401);
    const text = await (await fetch(`${relay.url}/metrics`, authorized)).text();
    expect(text).toMatch(/stripe_cpq_syncs_total\{outcome="synced"\} [1-9]/);
    expect(text).toMatch(/stripe_cpq_syncs_total\{outcome="failed"\} [1-9]/);
    expect(text).toMatch(/stripe_cpq_sync_latency_seconds_count [1-9]/);
    expect(text).toMatch(/stripe_cpq_stripe_calls_total\{outcome="ok"\} [1-9]/);
    expect(text).toContain('# TYPE stripe_cpq_stripe_rate_limited_total counter');
  });

  it('never writes the sync token or access tokens to the log', () => {
    const all = log.lines.join('\n');
    expect(all).toContain('relay started');
    expect(all).not.toContain(SYNC_TOKEN);
    expect(all).not.toContain(services.org.integrationUser!.accessToken);
  });
});

describe('relay: live sync of activated orders', () => {
  it('leaves the activated orders a reconciliation finds while the org has used more of its daily API allowance than allowed', async () => {
    const emulated = services.org.org;
    const real = emulated.apiRequestsToday.bind(emulated);
    emulated.apiRequestsToday = () => 99_000; // 99 % of the emulator's 100,000 daily calls; the setting allows 95 %
    const target = sampleOrder(services.org, 'S13');
    const live = await startRelay({
      salesforce: services.salesforce,
      events: services.events,
      stripe: services.gateway,
      port: 0,
      liveSync: true,
      logger: log.logger,
    });
    try {
      await waitFor(
        () => log.lines.some((l) => l.includes('missed orders wait for the next reconciliation')) || undefined,
      );
      expect(
        services.org.query(`SELECT Stripe_ID__c FROM Order WHERE Id = '${target.orderId}'`)[0]!.Stripe_ID__c,
      ).toBeNull();
      expect(await live.metrics.valueOf(live.metrics.syncs, { outcome: 'synced' })).toBe(0);
    } finally {
      await live.stop();
      emulated.apiRequestsToday = real;
    }
  });

  it('syncs activated orders without a Stripe ID and leaves Draft orders alone (S43)', async () => {
    const draftId = services.org.store.insert('Order', {
      Name: 'Draft, not to sync',
      AccountId: sampleOrder(services.org, 'S1').accountId,
      EffectiveDate: '2030-01-01',
      Status: 'Draft',
    });
    const live = await startRelay({
      salesforce: services.salesforce,
      events: services.events,
      stripe: services.gateway,
      port: 0,
      liveSync: true,
      logger: log.logger,
    });
    try {
      const target = sampleOrder(services.org, 'S13');
      await waitFor(
        () =>
          services.org.query(`SELECT Stripe_ID__c FROM Order WHERE Id = '${target.orderId}'`)[0]?.Stripe_ID__c ??
          undefined,
      );
      await live.settled();
      expect(
        services.org.query(`SELECT Stripe_ID__c, Stripe_Sync_Status__c FROM Order WHERE Id = '${draftId}'`)[0],
      ).toMatchObject({ Stripe_ID__c: null, Stripe_Sync_Status__c: 'Not Synced' });
      expect(await live.metrics.valueOf(live.metrics.syncs, { outcome: 'synced' })).toBeGreaterThan(0);
    } finally {
      await live.stop();
    }
  });
});
