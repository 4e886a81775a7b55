// The org emulator's Pub/Sub API, driven by the maintained client (salesforce-pubsub-api-client) unmodified:
// Change Data Capture on the package's channel, flow control, replay presets, retention, keepalives,
// filters from the deployed channel members, bitmap fields, and the errors the real service gives.
import { afterEach, describe, expect, it } from '@jest/globals';
import PubSubApiClient from 'salesforce-pubsub-api-client';
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { fieldBitmap } from '@stripe-cpq/salesforce-org-emulator/pubsub/changeEvents.js';

const TOPIC = '/data/Stripe_CPQ_Sync__chn';
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const orgs: SalesforceEmulator[] = [];
const clients: PubSubApiClient[] = [];

// The org first: the client's close() drops its stream listeners, so a stream the server ends later would throw.
afterEach(async () => {
  for (const o of orgs.splice(0)) await o.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  for (const c of clients.splice(0)) c.close();
});

async function org(
  options: Parameters<typeof startSalesforceEmulator>[0] = {},
): Promise<SalesforceEmulator & { clock: { now: Date } }> {
  const clock = { now: new Date() };
  const started = await startSalesforceEmulator({ now: () => clock.now, pubSub: true, ...options });
  orgs.push(started);
  return Object.assign(started, { clock });
}

async function client(o: SalesforceEmulator, accessToken = o.accessToken) {
  const c = new PubSubApiClient(
    {
      authType: 'user-supplied',
      accessToken,
      instanceUrl: o.instanceUrl.replace('http:', 'https:'),
      pubSubEndpoint: o.pubSub!.endpoint,
      rejectUnauthorizedSsl: false,
    },
    silent,
  );
  await c.connect();
  clients.push(c);
  return c;
}

interface Received {
  events: Array<{
    replayId: number;
    payload: Record<string, unknown> & { ChangeEventHeader: Record<string, unknown> };
  }>;
  types: string[];
  errors: Array<{ code?: number; details?: string; metadata?: { get(key: string): unknown[] } }>;
  keepalives: number[];
}

function collector(): [Received, (info: { lastReplayId: number | null }, type: string, data?: unknown) => void] {
  const received: Received = { events: [], types: [], errors: [], keepalives: [] };
  return [
    received,
    (info, type, data) => {
      received.types.push(type);
      if (type === 'event') received.events.push(data as Received['events'][number]);
      if (type === 'error') received.errors.push(data as Received['errors'][number]);
      if (type === 'grpcKeepAlive') received.keepalives.push(info.lastReplayId ?? -1);
    },
  ];
}

async function until(probe: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));
const subscribed = (o: SalesforceEmulator, streams = 1) =>
  until(() => o.pubSub!.openStreams === streams, 'the subscription');

const draftOrder = (o: SalesforceEmulator) => {
  const order = o.sample!.orders[0]!;
  o.store.update(
    'Order',
    order.orderId,
    { Status: 'Draft', Stripe_ID__c: null, Stripe_Sync_Status__c: null },
    { system: true },
  );
  return order.orderId;
};

describe('Pub/Sub API: Change Data Capture on the package channel', () => {
  it('delivers an Order activation as an UPDATE change event with the header and bitmap fields the client decodes', async () => {
    const o = await org();
    const orderId = draftOrder(o);
    const c = await client(o);
    const [received, callback] = collector();
    c.subscribe(TOPIC, callback, 10);
    await subscribed(o);
    o.store.update('Order', orderId, { Status: 'Activated' }, { system: true });
    await until(() => received.events.length === 1, 'the activation event');
    const { payload } = received.events[0]!;
    expect(payload.ChangeEventHeader).toMatchObject({
      entityName: 'Order',
      recordIds: [orderId],
      changeType: 'UPDATE',
      sequenceNumber: 1,
      commitUser: o.userId,
    });
    expect(payload.ChangeEventHeader.changedFields).toEqual(expect.arrayContaining(['Status', 'LastModifiedDate']));
    expect(payload.ChangeEventHeader.changedFields).not.toContain('Stripe_ID__c');
    expect(payload.Status).toBe('Activated');
    // Unchanged fields are null, except those the channel filter names (auto-enriched).
    expect(payload.Stripe_Sync_Message__c ?? null).toBeNull();
  });

  it('sends commit numbers of a real org’s magnitude (beyond 2^60), greater for each transaction, read exactly by the client', async () => {
    const o = await org();
    const orderId = draftOrder(o);
    const c = await client(o);
    const [received, callback] = collector();
    c.subscribe(TOPIC, callback, 10);
    await subscribed(o);
    o.store.update('Order', orderId, { Status: 'Activated' }, { system: true });
    o.store.update('Order', orderId, { Description: 'Second transaction' }, { system: true });
    await until(() => received.events.length === 2, 'both events');
    const [first, second] = received.events.map((e) => e.payload.ChangeEventHeader.commitNumber);
    // The maintained client reads a long beyond Number.MAX_SAFE_INTEGER as a BigInt.
    expect(typeof first).toBe('bigint');
    expect(first as bigint).toBeGreaterThanOrEqual(2n ** 60n);
    expect(second as bigint).toBeGreaterThan(first as bigint);
  });

  it('keeps out the changes the channel members filter out, and a request only while Queued or Retrying', async () => {
    const o = await org();
    const orderId = draftOrder(o);
    const c = await client(o);
    const [received, callback] = collector();
    c.subscribe(TOPIC, callback, 50);
    await subscribed(o);
    o.store.update('Order', orderId, { Stripe_Sync_Message__c: 'draft edit' }, { system: true }); // not Activated: filtered out
    const requestId = o.store.insert('Stripe_Sync_Request__c', { Order__c: orderId, Status__c: 'Queued' });
    o.store.update('Stripe_Sync_Request__c', requestId, { Status__c: 'Synced' }); // not Queued/Retrying: filtered out
    await until(() => received.events.length >= 1, 'the request event');
    await settle();
    expect(
      received.events.map((e) => [e.payload.ChangeEventHeader.entityName, e.payload.ChangeEventHeader.changeType]),
    ).toEqual([['Stripe_Sync_Request__c', 'CREATE']]);
    expect(received.events[0]!.payload.Order__c).toBe(orderId);
  });

  it('sends no more events than num_requested, and the rest when asked again (flow control)', async () => {
    const o = await org();
    const orderId = draftOrder(o);
    const c = await client(o);
    const [received, callback] = collector();
    c.subscribe(TOPIC, callback, 2);
    await subscribed(o);
    for (let i = 0; i < 5; i++) o.store.insert('Stripe_Sync_Request__c', { Order__c: orderId, Status__c: 'Queued' });
    await until(() => received.types.includes('lastEvent'), 'the end of the requested batch');
    await settle();
    expect(received.events).toHaveLength(2);
    c.requestAdditionalEvents(TOPIC, 10);
    await until(() => received.events.length === 5, 'the remaining events');
    const ids = received.events.map((e) => e.replayId);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('replays from EARLIEST and from a CUSTOM replay id, but not from one older than the 72-hour retention', async () => {
    const o = await org();
    const orderId = draftOrder(o);
    const first = o.store.insert('Stripe_Sync_Request__c', { Order__c: orderId, Status__c: 'Queued' });
    const second = o.store.insert('Stripe_Sync_Request__c', { Order__c: orderId, Status__c: 'Queued' });
    const c = await client(o);
    const [all, allCallback] = collector();
    c.subscribeFromEarliestEvent(TOPIC, allCallback, 10);
    await until(() => all.events.length === 2, 'both retained events');
    expect(all.events.map((e) => e.payload.ChangeEventHeader.recordIds)).toEqual([[first], [second]]);

    const c2 = await client(o);
    const [after, afterCallback] = collector();
    c2.subscribeFromReplayId(TOPIC, afterCallback, 10, all.events[0]!.replayId);
    await until(() => after.events.length === 1, 'the event after the replay id');
    expect(after.events[0]!.payload.ChangeEventHeader.recordIds).toEqual([second]);

    o.clock.now = new Date(o.clock.now.getTime() + 73 * 3_600_000);
    const c3 = await client(o);
    const [expired, expiredCallback] = collector();
    c3.subscribeFromReplayId(TOPIC, expiredCallback, 10, all.events[0]!.replayId);
    await until(() => expired.errors.length > 0, 'the replay id error');
    expect(expired.errors[0]!.code).toBe(3); // INVALID_ARGUMENT
    expect(expired.errors[0]!.metadata?.get('error-code')).toEqual([
      'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted',
    ]);

    const c4 = await client(o);
    const [earliest, earliestCallback] = collector();
    c4.subscribeFromEarliestEvent(TOPIC, earliestCallback, 10);
    await settle(500);
    expect(earliest.events).toHaveLength(0);
  });

  it('sends keepalives with the latest replay id when there is nothing to deliver', async () => {
    const o = await org({ pubSub: { keepaliveMs: 100 } });
    const orderId = draftOrder(o);
    o.store.insert('Stripe_Sync_Request__c', { Order__c: orderId, Status__c: 'Queued' });
    const c = await client(o);
    const [received, callback] = collector();
    c.subscribeFromEarliestEvent(TOPIC, callback, 10);
    await until(() => received.events.length === 1 && received.keepalives.length >= 1, 'an event then a keepalive');
    expect(received.keepalives.at(-1)).toBe(received.events[0]!.replayId);
  });

  it('refuses a wrong session (UNAUTHENTICATED) and ends open streams when the session expires', async () => {
    const o = await org();
    const bad = await client(o, `${o.orgId.slice(0, 15)}!not-a-session`);
    const [refused, refusedCallback] = collector();
    bad.subscribe(TOPIC, refusedCallback, 1);
    await until(() => refused.errors.length > 0, 'the auth error');
    expect(refused.errors[0]!.code).toBe(16); // UNAUTHENTICATED

    const c = await client(o);
    const [received, callback] = collector();
    c.subscribe(TOPIC, callback, 1);
    await subscribed(o);
    o.pubSub!.expireSessions();
    await until(() => received.errors.length > 0, 'the expiry');
    expect(received.errors[0]!.code).toBe(16);
  });

  it('answers NOT_FOUND in the real service’s words when the org has no channel', async () => {
    const o = await org({ pubSub: { channels: false } });
    const c = await client(o);
    const [received, callback] = collector();
    c.subscribe(TOPIC, callback, 1);
    await until(() => received.errors.length > 0, 'the error');
    expect(received.errors[0]!.code).toBe(5); // NOT_FOUND
    // The real service's words (pozil/pub-sub-api-java-client issue 2).
    expect(received.errors[0]!.details).toMatch(
      /^The topic information for org CORE\/prod\/00D\w+ and topic \/data\/Stripe_CPQ_Sync__chn not found\. Ensure the topic name is correct and that the topic exists\./,
    );
  });

  it('refuses at start a channel member whose filter Salesforce would refuse', async () => {
    const channel = {
      path: 'platformEventChannels/X__chn.platformEventChannel-meta.xml',
      content: '<PlatformEventChannel><channelType>data</channelType><label>X</label></PlatformEventChannel>',
    };
    const member = (filter: string) => ({
      path: 'platformEventChannelMembers/X_chn_OrderChangeEvent.platformEventChannelMember-meta.xml',
      content: `<PlatformEventChannelMember><eventChannel>X__chn</eventChannel><filterExpression>${filter}</filterExpression><selectedEntity>OrderChangeEvent</selectedEntity></PlatformEventChannelMember>`,
    });
    await expect(
      startSalesforceEmulator({ pubSub: { channels: [channel, member('Account.Name = &apos;x&apos;')] } }),
    ).rejects.toThrow(/relationship fields/);
    await expect(
      startSalesforceEmulator({ pubSub: { channels: [channel, member('No_Such_Field__c = 1')] } }),
    ).rejects.toThrow(/not a field of Order/);
  });
});

describe('bitmap fields', () => {
  it('sets bit n for the field at Avro position n, as upper-case hex after 0x', () => {
    expect(fieldBitmap([])).toEqual([]);
    expect(fieldBitmap([1, 2, 5])).toEqual(['0x26']);
    // The example of "Event Deserialization Considerations" (Pub/Sub API guide): '0x650004E0'.
    expect(fieldBitmap([5, 6, 7, 10, 24, 26, 29, 30])).toEqual(['0x650004E0']);
  });
});
