/**
 * @salesforce/core's Connection (jsforce) against the emulator, unmodified: what every sf plugin and the
 * product's Salesforce adapter use. REST API Developer Guide: Query (nextRecordsUrl), sObject Rows,
 * sObject Describe, Composite, sObject Collections.
 */
import type { Connection } from '@salesforce/core';
import { useTemporarySfHome } from '../../support/sfCli.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';

let emulator: SalesforceEmulator;
let conn: Connection;

beforeAll(async () => {
  useTemporarySfHome();
  emulator = await startSalesforceEmulator();
  const { AuthInfo, Connection: SfConnection } = await import('@salesforce/core');
  const authInfo = await AuthInfo.create({
    accessTokenOptions: {
      accessToken: emulator.accessToken,
      instanceUrl: emulator.instanceUrl,
      loginUrl: emulator.instanceUrl,
    },
  });
  conn = await SfConnection.create({ authInfo });
});

afterAll(async () => {
  await emulator.close();
});

describe('@salesforce/core Connection talks to the org emulator unmodified', () => {
  it('identifies the org and user through the OAuth userinfo endpoint', () => {
    expect(conn.getUsername()).toBe(emulator.username);
    expect(conn.getAuthInfoFields().orgId).toBe(emulator.orgId);
  });

  it('queries with relationships and child subqueries', async () => {
    const result = await conn.query<{
      OrderNumber: string;
      Account: { Name: string };
      OrderItems: { totalSize: number } | null;
    }>("SELECT OrderNumber, Account.Name, (SELECT Id FROM OrderItems) FROM Order WHERE Account.Name = 'Acme'");
    expect(result.totalSize).toBe(1);
    expect(result.records[0]?.Account.Name).toBe('Acme');
    expect(result.records[0]?.OrderItems?.totalSize).toBe(1);
  });

  it('follows nextRecordsUrl through every batch (Sforce-Query-Options batchSize)', async () => {
    const creates = Array.from({ length: 450 }, (_, i) => ({ Name: `Paging ${String(i).padStart(3, '0')}` }));
    for (let i = 0; i < creates.length; i += 200) {
      const saved = await conn.sobject('Account').create(creates.slice(i, i + 200), { allOrNone: true });
      expect(saved.every((r) => r.success)).toBe(true);
    }
    const before = emulator.requestLog.length;
    const query = conn.query<{ Name: string }>("SELECT Name FROM Account WHERE Name LIKE 'Paging %' ORDER BY Name", {
      autoFetch: true,
      maxFetch: 10_000,
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    });
    const records: string[] = [];
    await new Promise<void>((resolve, reject) => {
      query.on('record', (r: { Name: string }) => records.push(r.Name));
      query.on('end', () => resolve());
      query.on('error', reject);
      void query.run();
    });
    expect(records).toHaveLength(450);
    expect(records[449]).toBe('Paging 449');
    expect(emulator.requestLog.slice(before).filter((e) => e.path.includes('/query')).length).toBe(3);
  });

  it('creates, reads, updates and deletes a record', async () => {
    const created = await conn.sobject('Account').create({ Name: 'Crud Co' });
    expect(created.success).toBe(true);
    const id = created.success ? created.id : '';
    await conn.sobject('Account').update({ Id: id, Phone: '555-0100' });
    const read = (await conn.sobject('Account').retrieve(id)) as unknown as { Name: string; Phone: string };
    expect(read).toMatchObject({ Name: 'Crud Co', Phone: '555-0100' });
    await conn.sobject('Account').destroy(id);
    await expect(conn.sobject('Account').retrieve(id)).rejects.toMatchObject({ errorCode: 'ENTITY_IS_DELETED' });
  });

  it('reports Salesforce errors as jsforce errors with the errorCode', async () => {
    await expect(conn.sobject('Account').create({ Name: 'x'.repeat(256) })).rejects.toMatchObject({
      errorCode: 'STRING_TOO_LONG',
    });
    await expect(conn.query('SELECT Nope__c FROM Order')).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
  });

  it('describes objects with picklists, references and relationship names', async () => {
    const describe = await conn.sobject('OrderItem').describe();
    const byName = new Map(describe.fields.map((f) => [f.name, f]));
    expect(byName.get('SBQQ__BillingFrequency__c')?.picklistValues?.map((v) => v.value)).toEqual(
      expect.arrayContaining(['Monthly', 'Annual']),
    );
    expect(byName.get('OrderId')).toMatchObject({
      type: 'reference',
      referenceTo: ['Order'],
      relationshipName: 'Order',
    });
    expect(byName.get('Stripe_ID__c')).toMatchObject({ type: 'string', custom: true });
    const global = await conn.describeGlobal();
    expect(global.sobjects.map((s) => s.name)).toEqual(
      expect.arrayContaining(['Order', 'SBQQ__Quote__c', 'Stripe_Sync_Record__c']),
    );
  });

  it('runs composite requests with references between sub-requests', async () => {
    const response = await conn.request<{
      compositeResponse: Array<{ httpStatusCode: number; body: { id?: string; Name?: string } }>;
    }>({
      method: 'POST',
      url: `/services/data/v${conn.getApiVersion()}/composite`,
      body: JSON.stringify({
        allOrNone: true,
        compositeRequest: [
          {
            method: 'POST',
            url: `/services/data/v${conn.getApiVersion()}/sobjects/Account`,
            referenceId: 'acct',
            body: { Name: 'Composite Co' },
          },
          {
            method: 'GET',
            url: `/services/data/v${conn.getApiVersion()}/sobjects/Account/@{acct.id}`,
            referenceId: 'read',
          },
        ],
      }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.compositeResponse.map((r) => r.httpStatusCode)).toEqual([201, 200]);
    expect(response.compositeResponse[1]?.body.Name).toBe('Composite Co');
  });
});
