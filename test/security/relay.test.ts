// Who gets in and what leaks out: the relay's endpoints refuse callers without the bearer token or a valid
// Stripe signature; tokens are compared in constant time; and no secret (Stripe key, webhook secret,
// relay token, Salesforce access token) appears in any log line, Sync Record, Order or request message,
// even through a run full of failures. SOQL is only built from validated Ids and escaped values.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { signPayload, startStripeEmulator, type StripeEmulator } from '@stripe-cpq/stripe-emulator';
import { tokenMatches } from '../../plugin/src/relay/http.js';
import { startRelay, type RunningRelay } from '../../plugin/src/relay/index.js';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { soqlId, soqlString } from '../../plugin/src/salesforce/soql.js';
import { createStripeGateway } from '../../plugin/src/stripe/client.js';
import { readOrderStatus } from '../../plugin/src/cli/syncStatus.js';
import { memoryLogger, waitFor } from '../relay/support.js';

const STRIPE_KEY = 'sk_test_SECRETstripeKey9d8f7a6s5d4f';
const WEBHOOK_SECRET = 'whsec_SECRETwebhook0a9s8d7f6g5h';
const RELAY_TOKEN = 'SECRETrelayToken-5f4e3d2c1b0a';
const ACCESS_TOKEN = '00DEm0000000003!SECRETaccessTokenQWERTY';
const SECRETS = [STRIPE_KEY, WEBHOOK_SECRET, RELAY_TOKEN, ACCESS_TOKEN];

let org: SalesforceEmulator;
let stripe: StripeEmulator;
let relay: RunningRelay;
const log = memoryLogger();

beforeAll(async () => {
  org = await startSalesforceEmulator({ integrationAccessToken: ACCESS_TOKEN, pubSub: true });
  stripe = await startStripeEmulator({ opsPerSecond: 0, apiKey: STRIPE_KEY });
  const salesforce = SalesforceClient.fromSession({ instanceUrl: org.instanceUrl, accessToken: ACCESS_TOKEN });
  const gateway = createStripeGateway({
    apiKey: STRIPE_KEY,
    host: stripe.host,
    port: stripe.port,
    protocol: 'http',
    opsPerSecond: 1000,
    retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
  });
  relay = await startRelay({
    salesforce,
    events: { endpoint: org.pubSub!.endpoint, rejectUnauthorized: false },
    stripe: gateway,
    port: 0,
    liveSync: false,
    syncToken: RELAY_TOKEN,
    webhookSecret: WEBHOOK_SECRET,
    logger: log.logger,
  });
});
afterAll(async () => {
  await relay.stop();
  await Promise.all([org.close(), stripe.close()]);
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${relay.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const order = (scenario: string) => org.sample!.orders.find((o) => o.scenario === scenario)!.orderId;

describe('relay endpoints', () => {
  it('liveness answers anyone; readiness and metrics refuse callers without the token', async () => {
    expect((await fetch(`${relay.url}/livez`)).status).toBe(200);
    for (const path of ['/readyz', '/metrics']) {
      expect((await fetch(`${relay.url}${path}`)).status).toBe(401);
      expect((await fetch(`${relay.url}${path}`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(`${relay.url}${path}`, { headers: { authorization: `Bearer ${RELAY_TOKEN}` } })).status).toBe(
        200,
      );
    }
  });

  it('the sync endpoint refuses a missing, wrong or same-length wrong token', async () => {
    const body = JSON.stringify({ orderIds: [order('S1')] });
    expect((await post('/sync', body)).status).toBe(401);
    expect((await post('/sync', body, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post('/sync', body, { authorization: `Bearer ${RELAY_TOKEN.replace(/.$/, 'X')}` })).status).toBe(401);
    expect((await post('/sync', body, { authorization: RELAY_TOKEN })).status).toBe(401); // no "Bearer " scheme
    expect((await post('/sync', body, { authorization: `Bearer ${RELAY_TOKEN}` })).status).toBe(202);
  });

  it('the sync endpoint takes only Salesforce Order Ids: injection attempts are refused before any query', async () => {
    const queriesBefore = org.requestLog.length;
    for (const ids of [
      ["801' OR Id != '"],
      ["801Em000000001fIAA' OR Name LIKE '%"],
      ['../../sobjects/User'],
      [{ $ne: null }],
      'not a list',
    ]) {
      const answer = await post('/sync', JSON.stringify({ orderIds: ids }), { authorization: `Bearer ${RELAY_TOKEN}` });
      expect(answer.status).toBe(400);
    }
    expect(org.requestLog.slice(queriesBefore).filter((r) => r.path.includes('OR'))).toEqual([]);
  });

  it('webhooks need a valid signature on the raw body within the 300 s tolerance', async () => {
    const payload = JSON.stringify({
      id: 'evt_sec_1',
      object: 'event',
      type: 'customer.created',
      api_version: '2026-10-28.endive',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object: { id: 'cus_x', object: 'customer' } },
      pending_webhooks: 1,
      request: null,
    });
    const now = Math.floor(Date.now() / 1000);
    const deliver = (signature?: string, body = payload) =>
      post('/webhooks/stripe', body, signature ? { 'stripe-signature': signature } : {});
    expect((await deliver()).status).toBe(400);
    expect((await deliver(signPayload(payload, 'whsec_someone_else', now))).status).toBe(400);
    expect((await deliver(signPayload(payload, WEBHOOK_SECRET, now - 301))).status).toBe(400);
    expect((await deliver(signPayload(payload, WEBHOOK_SECRET, now), payload.replace('cus_x', 'cus_y'))).status).toBe(
      400,
    );
    expect((await deliver(signPayload(payload, WEBHOOK_SECRET, now))).status).toBe(200);
  });

  it('tokens are compared in constant time: sha-256 digests through crypto.timingSafeEqual', () => {
    const source = readFileSync(new URL('../../plugin/src/relay/http.ts', import.meta.url), 'utf8');
    const tokenCheck = source.slice(
      source.indexOf('export function tokenMatches'),
      source.indexOf('export function createRelayServer'),
    );
    expect(tokenCheck).toMatch(/timingSafeEqual\(digest\(expected\), digest\(given\)\)/);
    expect(tokenCheck).not.toMatch(/===|!==|==/);
    expect(tokenMatches('abc', 'Bearer abc')).toBe(true);
    expect(tokenMatches('abc', 'Bearer abcd')).toBe(false);
    expect(tokenMatches('abc', undefined)).toBe(false);
    // Webhook signatures are checked by stripe-node's constructEvent (its own constant-time compare).
    expect(readFileSync(new URL('../../plugin/src/relay/webhooks.ts', import.meta.url), 'utf8')).toMatch(
      /webhooks\.constructEvent\(rawBody, signature, ctx\.secret, WEBHOOK_TOLERANCE_SECONDS\)/,
    );
  });
});

describe('no secret leaks', () => {
  it('through successes, data errors, Stripe outages and expired sessions, no log line, record or message holds a secret', async () => {
    stripe.faults.inject({ kind: 'api_error', method: 'POST', times: 4 });
    org.faults.add({ code: 'INVALID_SESSION_ID', times: 2 });
    org.faults.add({ code: 'UNABLE_TO_LOCK_ROW', method: 'PATCH', times: 2 });
    const orders = ['S1', 'S2', 'S5', 'S38', 'S40', 'S7'].map(order);
    for (const id of orders)
      org.store.insert('Stripe_Sync_Request__c', {
        Order__c: id,
        Status__c: 'Queued',
        Requested_At__c: new Date().toISOString(),
      });
    await waitFor(() => {
      const rows = org.query('SELECT Status__c FROM Stripe_Sync_Request__c');
      return rows.length >= orders.length && rows.every((r) => r.Status__c === 'Synced' || r.Status__c === 'Failed')
        ? rows
        : undefined;
    }, 30_000);
    const everything = [
      ...log.lines,
      ...org
        .query(
          'SELECT Resolution_Message__c, Resolution_Fix__c, Stripe_Request_Dashboard_Link__c, Resolution_Documentation_Link__c FROM Stripe_Sync_Record__c',
        )
        .map((r) => JSON.stringify(r)),
      ...org
        .query('SELECT Stripe_Sync_Message__c, Stripe_Sync_Fix__c, Stripe_Dashboard_Link__c FROM Order')
        .map((r) => JSON.stringify(r)),
      ...org.query('SELECT Message__c FROM Stripe_Sync_Request__c').map((r) => JSON.stringify(r)),
      await (await fetch(`${relay.url}/metrics`, { headers: { authorization: `Bearer ${RELAY_TOKEN}` } })).text(),
      await (await fetch(`${relay.url}/readyz`, { headers: { authorization: `Bearer ${RELAY_TOKEN}` } })).text(),
    ].join('\n');
    expect(org.query("SELECT Id FROM Stripe_Sync_Request__c WHERE Status__c = 'Failed'").length).toBeGreaterThan(0);
    expect(log.lines.length).toBeGreaterThan(0);
    for (const secret of SECRETS) {
      expect({ secret, leaked: everything.includes(secret) || everything.includes(secret.slice(-12)) }).toEqual({
        secret,
        leaked: false,
      });
    }
  });
});

describe('SOQL is built from validated Ids and escaped values only', () => {
  it('Ids are checked and string values escaped', () => {
    expect(soqlId('801Em000000001fIAA')).toBe("'801Em000000001fIAA'");
    expect(() => soqlId("801' OR Id != '")).toThrow(/not a Salesforce record Id/);
    expect(soqlString("O'Brien\\' OR 1=1 --")).toBe("'O\\'Brien\\\\\\' OR 1=1 --'");
  });

  it("the status command's order lookup refuses an injected Id instead of querying with it", async () => {
    // No org listens there: a query would fail differently, and count a call.
    const salesforce = SalesforceClient.fromSession({ instanceUrl: 'http://127.0.0.1:9', accessToken: 'unused' });
    await expect(readOrderStatus(salesforce, "801' OR Id != '")).rejects.toThrow(/not a Salesforce record Id/);
    expect(salesforce.calls).toBe(0);
  });

  it('no query in the product interpolates a raw variable: every ${…} in a SELECT is a soql* helper, a constant or a number', () => {
    // orderWhere, itemWhere, rates, schedule, conditions: clauses those files build with the soql* helpers; filter: the admin's sync filter, parsed by the SOQL parser first.
    const files = [
      'salesforce/graphReader.ts',
      'salesforce/settingsReader.ts',
      'relay/syncRequests.ts',
      'relay/orderSelection.ts',
      'relay/retention.ts',
      'cli/syncStatus.ts',
      'cli/permissionSets.ts',
    ];
    const unsafe = files.flatMap((file) => {
      const source = readFileSync(new URL(`../../plugin/src/${file}`, import.meta.url), 'utf8');
      const queries = source.match(/`SELECT[^`]*`/g) ?? [];
      return queries.flatMap((q) =>
        (q.match(/\$\{[^}]*\}/g) ?? [])
          .filter(
            (part) =>
              !/^\$\{(soql(Id|IdList|String|StringList|Fields|DateTime)\(|[A-Z_]+(\.join\(', '\))?\}|Math\.|status === 'Not Synced'|(order|item)Where\}|conditions\.join|failureLimit\}|rates\}|schedule\}|filter\})/.test(
                part,
              ),
          )
          .map((part) => `${file}: ${part}`),
      );
    });
    expect(unsafe).toEqual([]);
  });
});
