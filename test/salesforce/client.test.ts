// The Salesforce client on a jsforce Connection, against the org emulator's own API counter (every
// `/services/` request it logs counts, as Salesforce counts API calls): what a call costs, and that the
// client's counter agrees with the org's — jsforce adds no identity, describe, version lookup or retry of
// its own. REST API Developer Guide: "Query", "Composite", "Status Codes and Error Responses",
// "Limit Info Header".
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { SalesforceApiError, SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { useTemporarySfHome } from '../support/sfCli.js';

let org: SalesforceEmulator;

beforeAll(async () => {
  org = await startSalesforceEmulator();
});
afterAll(() => org.close());

const client = (options: { refreshAccessToken?: () => Promise<string> } = {}) =>
  SalesforceClient.fromSession({ instanceUrl: org.instanceUrl, accessToken: org.accessToken, ...options });

/** The org's API calls and the client's during `work`. */
async function costOf(salesforce: SalesforceClient, work: () => Promise<unknown>) {
  const [orgBefore, clientBefore] = [org.org.apiRequestsToday(), salesforce.calls];
  await work();
  return { org: org.org.apiRequestsToday() - orgBefore, client: salesforce.calls - clientBefore };
}

describe('what a call costs', () => {
  it('a query on a new client costs exactly one call, on the org and on the client', async () => {
    const salesforce = client();
    let orders: unknown[] = [];
    const cost = await costOf(salesforce, async () => (orders = await salesforce.query('SELECT Id FROM Order')));
    expect(orders.length).toBeGreaterThan(0);
    expect(cost).toEqual({ org: 1, client: 1 });
  });

  it('a composite request of several sub-requests costs one call', async () => {
    const salesforce = client();
    const cost = await costOf(salesforce, () =>
      salesforce.queries({ orders: 'SELECT Id FROM Order', accounts: 'SELECT Id FROM Account LIMIT 1' }),
    );
    expect(cost).toEqual({ org: 1, client: 1 });
  });

  it('more than 5 queries cost one composite call per 5 (the org refuses a sixth), each answered by its name', async () => {
    const salesforce = client();
    const soql = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [`q${i}`, `SELECT COUNT() FROM Order WHERE OrderNumber != '${i}'`]),
    );
    const before = org.requestLog.length;
    let answers: Awaited<ReturnType<SalesforceClient['queryAnswers']>> = {};
    const cost = await costOf(salesforce, async () => (answers = await salesforce.queryAnswers(soql)));
    expect(cost).toEqual({ org: 3, client: 3 });
    expect(org.requestLog.slice(before).map((e) => e.path)).toEqual(Array(3).fill('/services/data/v62.0/composite'));
    const total = org.query('SELECT Id FROM Order').length;
    expect(Object.keys(answers)).toEqual(Object.keys(soql));
    expect(Object.values(answers).map((a) => a.totalSize)).toEqual(Array(11).fill(total));
  });

  it('an expired session costs the refused call and its retry with the renewed token', async () => {
    const expired = org.org.sessionFor(org.userId);
    const renewed: string[] = [];
    const salesforce = SalesforceClient.fromSession({
      instanceUrl: org.instanceUrl,
      accessToken: expired,
      refreshAccessToken: async () => {
        renewed.push(org.org.sessionFor(org.userId));
        return renewed.at(-1)!;
      },
    });
    org.org.endSession(expired);
    const before = org.requestLog.length;
    const cost = await costOf(salesforce, () => salesforce.count('SELECT COUNT() FROM Order'));
    expect(cost).toEqual({ org: 2, client: 2 });
    expect(org.requestLog.slice(before).map((e) => e.status)).toEqual([401, 200]);
    expect(renewed).toHaveLength(1);
    expect(salesforce.session.accessToken).toBe(renewed[0]);
  });

  it('a server error is one call, reported as it came: retries are the product’s, not the transport’s', async () => {
    const salesforce = client();
    org.faults.add({ code: 'SERVER_UNAVAILABLE', times: 1 });
    let error: unknown;
    const cost = await costOf(salesforce, async () => {
      error = await salesforce.query('SELECT Id FROM Order').catch((e: unknown) => e);
    });
    expect(cost).toEqual({ org: 1, client: 1 });
    expect(error).toBeInstanceOf(SalesforceApiError);
    expect(error).toMatchObject({ status: 503, errors: [{ errorCode: 'SERVER_UNAVAILABLE' }] });
    expect((error as SalesforceApiError).toSyncError({ id: 'x', type: 'Order' }).retryable).toBe(true);
  });
});

describe("Salesforce's errors", () => {
  it("become a SalesforceApiError with the HTTP status and Salesforce's errorCode, message and fields", async () => {
    const error = await client()
      .createRecord('Account', { Name: 'x'.repeat(256) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SalesforceApiError);
    expect(error).toMatchObject({ status: 400, errors: [{ errorCode: 'STRING_TOO_LONG', fields: ['Name'] }] });
    expect((error as SalesforceApiError).message).toMatch(/^STRING_TOO_LONG: /);
  });

  it('of a malformed query name the problem', async () => {
    await expect(client().query('SELECT Nope__c FROM Order')).rejects.toMatchObject({
      status: 400,
      errors: [{ errorCode: 'INVALID_FIELD' }],
    });
  });

  it('of a raw token that expired is a 401 the client cannot renew', async () => {
    const salesforce = SalesforceClient.fromSession({ instanceUrl: org.instanceUrl, accessToken: 'expired' });
    await expect(salesforce.count('SELECT COUNT() FROM Order')).rejects.toMatchObject({
      status: 401,
      errors: [{ errorCode: 'INVALID_SESSION_ID' }],
    });
    expect(await salesforce.refreshSession()).toBe(false);
  });
});

describe('the daily API usage', () => {
  it("comes from the last response's Sforce-Limit-Info header, without a call of its own", async () => {
    const salesforce = client();
    await salesforce.count('SELECT COUNT() FROM Order');
    const used = org.org.apiRequestsToday();
    let percent = 0;
    const cost = await costOf(salesforce, async () => (percent = await salesforce.dailyApiUsagePercent()));
    expect(cost).toEqual({ org: 0, client: 0 });
    expect(percent).toBeGreaterThan(0);
    const limits = await fetch(`${org.instanceUrl}/services/data/v62.0/limits`, {
      headers: { Authorization: `Bearer ${org.accessToken}` },
    }).then((r) => r.json() as Promise<{ DailyApiRequests: { Max: number } }>);
    expect(percent).toBeCloseTo((used / limits.DailyApiRequests.Max) * 100, 6);
  });
});

describe('the session', () => {
  it('is renewed on demand for the Pub/Sub stream, and REST calls use the new token', async () => {
    let renewed = '';
    const salesforce = client({ refreshAccessToken: async () => (renewed = org.org.sessionFor(org.userId)) });
    expect(salesforce.session).toEqual({ instanceUrl: org.instanceUrl, accessToken: org.accessToken });
    expect(await salesforce.refreshSession()).toBe(true);
    expect(salesforce.session.accessToken).toBe(renewed);
    const before = org.requestLog.length;
    await salesforce.count('SELECT COUNT() FROM Order');
    expect(org.requestLog.slice(before).map((e) => e.status)).toEqual([200]);
  });
});

describe("an sf org's connection (@salesforce/core)", () => {
  it('serves the client as it is: a query costs one call, on the API version given (no version lookup)', async () => {
    useTemporarySfHome();
    const { AuthInfo, Connection } = await import('@salesforce/core');
    const authInfo = await AuthInfo.create({
      accessTokenOptions: { accessToken: org.accessToken, instanceUrl: org.instanceUrl, loginUrl: org.instanceUrl },
    });
    const connection = await Connection.create({ authInfo, connectionOptions: { version: '62.0' } });
    const salesforce = SalesforceClient.fromConnection(connection);
    let total = 0;
    const cost = await costOf(salesforce, async () => (total = await salesforce.count('SELECT COUNT() FROM Order')));
    expect(total).toBeGreaterThan(0);
    expect(cost).toEqual({ org: 1, client: 1 });
    expect(org.requestLog.at(-1)?.path).toBe('/services/data/v62.0/query');
    expect(salesforce.session).toEqual({ instanceUrl: org.instanceUrl, accessToken: org.accessToken });
  });
});
