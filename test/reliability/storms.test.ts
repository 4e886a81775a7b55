// The worst day: sync requests pile up while the relay is down, then two relays (separate connections,
// separate workers) start on the same org while Stripe answers with 429s, 500s, resets, timeouts and lost
// responses and Salesforce with row locks, API-limit errors and expired sessions. Every request ends
// Synced or Failed with a readable, retryable message; nothing is lost; no contract is synced twice; and
// once the storm passes, syncing the failed ones again brings every order to Synced. Through it all, no log
// line, Sync Record, Order or request message holds the Stripe key or the Salesforce access token.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { startStripeEmulator, type StripeEmulator } from '@stripe-cpq/stripe-emulator';
import { startRelay, type RunningRelay } from '../../plugin/src/relay/index.js';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { createStripeGateway } from '../../plugin/src/stripe/client.js';
import { memoryLogger, waitFor } from '../relay/support.js';
import { leakedSecrets, outcomeTexts } from './support/secrets.js';

const SCENARIOS = ['S1', 'S2', 'S3', 'S5', 'S6', 'S7', 'S9', 'S11', 'S12', 'S13', 'S14', 'S15', 'S36', 'S27_INITIAL'];
const RELAY_TOKEN = 'storm-relay-token-1234567890';
const STRIPE_KEY = 'sk_test_STORMsecretKey0a1b2c3d4e5f6';
// A session id starts with the org's id (the Pub/Sub API client sends it as the tenant id).
const ACCESS_TOKEN = '00DEm0000000003!STORMsecretAccessToken1234';

let org: SalesforceEmulator;
let stripe: StripeEmulator;
const relays: RunningRelay[] = [];
const logs = [memoryLogger(), memoryLogger()];

/** A relay with its own Salesforce connection (re-authenticating on 401) and its own Stripe client. */
function startStormRelay(index: number, opsPerSecond = 1000) {
  const salesforce = SalesforceClient.fromSession({
    instanceUrl: org.instanceUrl,
    accessToken: ACCESS_TOKEN,
    refreshAccessToken: async () => ACCESS_TOKEN,
  });
  const gateway = createStripeGateway({
    apiKey: stripe.apiKey,
    host: stripe.host,
    port: stripe.port,
    protocol: 'http',
    timeoutMs: 400, // a held response becomes a timeout
    opsPerSecond, // in the storm well over the emulator's ceiling, so Stripe's own 429s do the limiting
    retry: { maxRetries: 6, baseDelayMs: 50, maxDelayMs: 1_000 },
  });
  // Retryable failures wait as Retrying requests; a short backoff lets the storm's retries run within the test.
  return startRelay({
    salesforce,
    events: { endpoint: org.pubSub!.endpoint, rejectUnauthorized: false },
    stripe: gateway,
    port: 0,
    concurrency: 2,
    retryDelaysSeconds: [0, 0.5, 1, 2],
    reconcileSeconds: 1,
    liveSync: false,
    syncToken: RELAY_TOKEN,
    workerId: `storm-relay-${index}`,
    logger: logs[index]!.logger,
  });
}

const orderIds = () => SCENARIOS.map((s) => org.sample!.orders.find((o) => o.scenario === s)!.orderId);
const requestRows = () =>
  org.query('SELECT Id, Order__c, Status__c, Message__c, Claimed_By__c FROM Stripe_Sync_Request__c');
const settled = () => {
  const rows = requestRows();
  return rows.length > 0 && rows.every((r) => r.Status__c === 'Synced' || r.Status__c === 'Failed') ? rows : undefined;
};
const queue = (orderId: string) =>
  org.store.insert('Stripe_Sync_Request__c', {
    Order__c: orderId,
    Status__c: 'Queued',
    Requested_At__c: new Date().toISOString(),
  });

beforeAll(async () => {
  org = await startSalesforceEmulator({ integrationAccessToken: ACCESS_TOKEN, multiCurrency: true, pubSub: true });
  stripe = await startStripeEmulator({ opsPerSecond: 10, apiKey: STRIPE_KEY });
});
afterAll(async () => {
  await Promise.all(relays.map((r) => r.stop()));
  await Promise.all([org.close(), stripe.close()]);
});

describe('a storm of faults with two relays on one org', () => {
  it('requests queued while no relay runs all end Synced or Failed (retryable, readable), none lost', async () => {
    for (const id of orderIds()) queue(id);
    stripe.faults.inject({ kind: 'api_error', method: 'POST', times: 6 });
    stripe.faults.inject({ kind: 'response_lost', method: 'POST', times: 6 });
    stripe.faults.inject({ kind: 'connection_reset', times: 3 });
    stripe.faults.inject({ kind: 'slow', delayMs: 1_000, times: 3 });
    // (Salesforce faults come once the relays run: a relay that cannot read the org at start exits.)
    relays.push(await startStormRelay(0), await startStormRelay(1));
    org.faults.add({ code: 'UNABLE_TO_LOCK_ROW', method: 'PATCH', times: 3 });
    org.faults.add({ code: 'REQUEST_LIMIT_EXCEEDED', times: 2 });
    org.faults.add({ code: 'INVALID_SESSION_ID', times: 3 });

    const rows = await waitFor(settled, 90_000);
    expect(rows).toHaveLength(SCENARIOS.length);
    expect(new Set(rows.map((r) => r.Order__c))).toEqual(new Set(orderIds()));
    for (const failed of rows.filter((r) => r.Status__c === 'Failed')) {
      expect(String(failed.Message__c)).toMatch(/^(Stripe Error|Salesforce Error|Connector Error): .+ Fix: .+/s);
    }
    // The storm did reach both services: the faults fired and Stripe rate-limited the relays.
    expect(stripe.faults.pending.filter((f) => f.kind !== 'slow')).toEqual([]);
    expect(stripe.requestLog.entries.some((e) => e.status === 429)).toBe(true);
    expect(new Set(rows.map((r) => r.Claimed_By__c)).size).toBe(2);
  });

  it('after the storm, syncing the failed orders again brings every order to Synced', async () => {
    stripe.faults.clear();
    org.faults.clear();
    // The relays are restarted sharing Stripe's ceiling (10/s) between them, as configured in production.
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    relays.push(await startStormRelay(0, 5), await startStormRelay(1, 5));
    for (const failed of requestRows().filter((r) => r.Status__c === 'Failed')) queue(String(failed.Order__c));
    await waitFor(settled, 60_000);
    const orders = org.query(
      `SELECT Id, Stripe_ID__c, Stripe_Sync_Status__c, Stripe_Sync_Message__c FROM Order WHERE Id IN ('${orderIds().join("','")}')`,
    );
    expect(orders.filter((o) => o.Stripe_Sync_Status__c !== 'Synced')).toEqual([]);
    expect(orders.every((o) => typeof o.Stripe_ID__c === 'string')).toBe(true);
  });

  it('no contract was synced twice: one Stripe object per Salesforce record, whatever the retries', () => {
    const linkedTo = (items: { metadata?: Record<string, string> | null; deleted?: boolean }[], key: string) =>
      items
        .filter((i) => !i.deleted)
        .map((i) => i.metadata?.[key])
        .filter((v): v is string => v !== undefined);
    const once = (values: string[]) => expect(values.filter((v, i) => values.indexOf(v) !== i)).toEqual([]);
    const store = stripe.store;
    once(linkedTo(store.customers.all(), 'salesforce_account_id'));
    once(linkedTo(store.products.all(), 'salesforce_product2_id'));
    // One price per pricebook entry *and* terms (an 18-month order of an annual product has its own).
    once(
      store.prices
        .all()
        .map((p) => JSON.stringify([p.metadata, p.currency, p.unit_amount_decimal, p.recurring, p.tiers])),
    );
    once(linkedTo(store.subscriptionSchedules.all(), 'salesforce_order_id'));
    once(
      linkedTo(
        store.subscriptions.all().filter((s) => !s.schedule),
        'salesforce_order_id',
      ),
    );
    once(
      linkedTo(
        store.invoices.all().filter((i) => !i.parent),
        'salesforce_order_id',
      ),
    );
    once(linkedTo(store.invoiceItems.all(), 'salesforce_order_item_id'));
    // Lost responses were replayed from their idempotency keys rather than written again.
    expect(stripe.requestLog.entries.some((e) => e.replayed)).toBe(true);
  });

  it('no log line, Sync Record, Order or request message holds the Stripe key or the access token', () => {
    const lines = logs.flatMap((log) => log.lines);
    expect(lines.some((line) => line.includes('"msg":"order synced"'))).toBe(true);
    expect(leakedSecrets([...lines, ...outcomeTexts(org)], [STRIPE_KEY, ACCESS_TOKEN, RELAY_TOKEN])).toEqual([]);
  });
});
