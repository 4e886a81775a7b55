/**
 * The REST and UI API endpoints over HTTP, each against the behaviour the Salesforce REST API
 * Developer Guide and UI API Developer Guide document (section names in the test names).
 */
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';

let sf: SalesforceEmulator;
const V = '/services/data/v62.0';

beforeAll(async () => {
  sf = await startSalesforceEmulator({ now: () => new Date('2030-02-01T09:00:00Z') });
});
afterAll(async () => sf.close());
afterEach(() => sf.faults.clear());

interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of many shapes, asserted field by field
  headers: Headers;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const response = await fetch(`${sf.instanceUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${sf.accessToken}`, 'Content-Type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

const q = (soql: string, headers: Record<string, string> = {}): Promise<Reply> =>
  call('GET', `${V}/query?q=${encodeURIComponent(soql)}`, undefined, headers);

describe('authentication (REST API Guide: "Status Codes and Error Responses")', () => {
  it('answers 401 INVALID_SESSION_ID without a valid bearer token, on every endpoint', async () => {
    for (const path of [
      '/services/data',
      `${V}/sobjects`,
      `${V}/ui-api/object-info/Order`,
      '/services/oauth2/userinfo',
    ]) {
      const response = await fetch(`${sf.instanceUrl}${path}`, { headers: { Authorization: 'Bearer wrong' } });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual([
        { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
      ]);
    }
  });
});

describe('versions, resources and limits', () => {
  it('lists API versions and the resources of one version', async () => {
    const versions = await call('GET', '/services/data');
    expect(versions.body).toEqual(
      expect.arrayContaining([{ label: 'Version 62.0', url: '/services/data/v62.0', version: '62.0' }]),
    );
    expect((await call('GET', V)).body).toMatchObject({ query: `${V}/query`, sobjects: `${V}/sobjects` });
    expect((await call('GET', '/services/data/v20.0/sobjects')).status).toBe(404);
  });

  it('reports DailyApiRequests from the calls made (REST API Guide: "Limits")', async () => {
    const first = (await call('GET', `${V}/limits`)).body.DailyApiRequests;
    const second = (await call('GET', `${V}/limits`)).body.DailyApiRequests;
    expect(first.Max).toBe(100_000);
    expect(second.Remaining).toBe(first.Remaining - 1);
  });

  it('reports API usage on every response in Sforce-Limit-Info (REST API Guide: "Limit Info Header")', async () => {
    const first = (await call('GET', V)).headers.get('sforce-limit-info');
    const second = (await call('GET', V)).headers.get('sforce-limit-info');
    const used = (header: string | null): number => Number(/api-usage=(\d+)\/100000/.exec(header ?? '')?.[1]);
    expect(used(second)).toBe(used(first) + 1);
  });
});

describe('query (REST API Guide: "Query", "Query Options Header")', () => {
  it('pages with nextRecordsUrl, honouring Sforce-Query-Options batchSize (minimum 200)', async () => {
    const created = await call('POST', `${V}/composite/sobjects`, {
      allOrNone: true,
      records: Array.from({ length: 200 }, (_, i) => ({ attributes: { type: 'Contact' }, LastName: `Pager ${i}` })),
    });
    expect(created.body.every((r: { success: boolean }) => r.success)).toBe(true);
    await call('POST', `${V}/composite/sobjects`, {
      records: Array.from({ length: 50 }, (_, i) => ({
        attributes: { type: 'Contact' },
        LastName: `Pager extra ${i}`,
      })),
    });
    const first = await q("SELECT LastName FROM Contact WHERE LastName LIKE 'Pager%'", {
      'Sforce-Query-Options': 'batchSize=100',
    });
    expect(first.body).toMatchObject({ totalSize: 250, done: false });
    expect(first.body.records).toHaveLength(200);
    const second = await call('GET', first.body.nextRecordsUrl);
    expect(second.body).toMatchObject({ totalSize: 250, done: true });
    expect(second.body.records).toHaveLength(50);
    expect(second.body.nextRecordsUrl).toBeUndefined();
  });

  it('pages a parent row’s subquery rows behind their own nextRecordsUrl, 200 inline (SOQL Reference: "Understanding Query Results")', async () => {
    const accountId = sf.store.insert('Account', { Name: 'Many Contacts' });
    for (let i = 0; i < 205; i++) sf.store.insert('Contact', { LastName: `Child ${i}`, AccountId: accountId });
    const first = await q(`SELECT Id, (SELECT LastName FROM Contacts) FROM Account WHERE Id = '${accountId}'`);
    const contacts = first.body.records[0].Contacts;
    expect(contacts).toMatchObject({
      totalSize: 205,
      done: false,
      nextRecordsUrl: expect.stringMatching(/^\/services\/data\/v62\.0\/query\/01g\w+-200$/),
    });
    expect(contacts.records).toHaveLength(200);
    const rest = await call('GET', contacts.nextRecordsUrl);
    expect(rest.body).toMatchObject({ totalSize: 205, done: true });
    expect(rest.body.records).toHaveLength(5);
    // In-process queries (tests reading the store) still get every child row inline.
    expect(
      (
        sf.query(`SELECT Id, (SELECT Id FROM Contacts) FROM Account WHERE Id = '${accountId}'`)[0]!.Contacts as {
          records: unknown[];
        }
      ).records,
    ).toHaveLength(205);
  });

  it('counts child rows toward the batch size (REST API Guide: "Query Options Header")', async () => {
    const accounts = ['Heavy A', 'Heavy B', 'Heavy C'].map((Name) => sf.store.insert('Account', { Name }));
    for (const accountId of accounts)
      for (let i = 0; i < 150; i++) sf.store.insert('Contact', { LastName: `Heavy ${i}`, AccountId: accountId });
    const first = await q(
      "SELECT Name, (SELECT Id FROM Contacts) FROM Account WHERE Name LIKE 'Heavy %' ORDER BY Name",
      { 'Sforce-Query-Options': 'batchSize=200' },
    );
    // 1 account + 150 contacts fill the batch: a second account would make 302 rows.
    expect(first.body).toMatchObject({ totalSize: 3, done: false });
    expect(first.body.records.map((r: { Name: string }) => r.Name)).toEqual(['Heavy A']);
    const second = await call('GET', first.body.nextRecordsUrl);
    expect(second.body.records.map((r: { Name: string }) => r.Name)).toEqual(['Heavy B']);
    const third = await call('GET', second.body.nextRecordsUrl);
    expect(third.body).toMatchObject({ done: true });
    expect(third.body.records.map((r: { Name: string }) => r.Name)).toEqual(['Heavy C']);
  });

  it('queryAll also returns deleted records, with IsDeleted = true (REST API Guide: "QueryAll")', async () => {
    const { body } = await call('POST', `${V}/sobjects/Account`, { Name: 'Binned' });
    await call('DELETE', `${V}/sobjects/Account/${body.id}`);
    const soql = encodeURIComponent("SELECT Id, IsDeleted FROM Account WHERE Name = 'Binned'");
    expect((await call('GET', `${V}/query?q=${soql}`)).body.totalSize).toBe(0);
    expect((await call('GET', `${V}/queryAll?q=${soql}`)).body.records).toEqual([
      expect.objectContaining({ Id: body.id, IsDeleted: true }),
    ]);
  });

  it('reports query errors as MALFORMED_QUERY / INVALID_FIELD in the documented shape', async () => {
    const bad = await q('SELECT Nope__c FROM Order');
    expect(bad.status).toBe(400);
    expect(bad.body[0]).toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: expect.stringContaining("No such column 'Nope__c' on entity 'Order'"),
    });
    expect((await q('SELEC Id FROM Order')).body[0].errorCode).toBe('MALFORMED_QUERY');
  });
});

describe('sObject rows (REST API Guide: "sObject Rows", "sObject Rows by External ID")', () => {
  it('creates (201 { id, success, errors }), reads, updates (204) and deletes (204)', async () => {
    const created = await call('POST', `${V}/sobjects/Account`, { Name: 'Row Co' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^001\w{15}$/), success: true, errors: [] });
    const path = `${V}/sobjects/Account/${created.body.id}`;
    expect((await call('PATCH', path, { Phone: '555' })).status).toBe(204);
    const read = await call('GET', `${path}?fields=Name,Phone`);
    expect(read.body).toEqual({ attributes: { type: 'Account', url: path }, Name: 'Row Co', Phone: '555' });
    expect((await call('DELETE', path)).status).toBe(204);
    expect((await call('GET', `${V}/sobjects/Account/001000000000000AAA`)).body).toEqual([
      { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist', fields: [] },
    ]);
  });

  it('answers 404 ENTITY_IS_DELETED for a record in the Recycle Bin: deleted twice, updated or read', async () => {
    const path = `${V}/sobjects/Account/${(await call('POST', `${V}/sobjects/Account`, { Name: 'Binned Co' })).body.id}`;
    expect((await call('DELETE', path)).status).toBe(204);
    const gone = [{ errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }];
    for (const [method, body] of [['DELETE'], ['PATCH', { Phone: '1' }], ['GET']] as const) {
      const reply = await call(method, path, body);
      expect([method, reply.status, reply.body]).toEqual([method, 404, gone]);
    }
  });

  it("upserts by external id: 201 created, then 200 updated, whatever the key's case", async () => {
    const path = `${V}/sobjects/Stripe_Sync_Record__c/Compound_ID__c/ord-1`;
    const created = await call('PATCH', path, { Resolution_Status__c: 'Error' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ success: true, created: true });
    const updated = await call('PATCH', path, { Resolution_Status__c: 'Success' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: created.body.id, created: false });
    expect((await call('GET', path)).body).toMatchObject({ Compound_ID__c: 'ord-1', Resolution_Status__c: 'Success' });
    // Compound_ID__c is not case-sensitive: a key differing only in case names the same record.
    const sameKey = await call('PATCH', path.replace('ord-1', 'ORD-1'), { Resolution_Status__c: 'Error' });
    expect(sameKey.body).toMatchObject({ id: created.body.id, created: false });
  });

  it('refuses Account updates whose If-Match / If-Unmodified-Since condition fails with 412 (REST API Guide: "Conditional Request Headers")', async () => {
    const { body } = await call('POST', `${V}/sobjects/Account`, { Name: 'Conditional' });
    const path = `${V}/sobjects/Account/${body.id}`;
    const etag = (await call('GET', path)).headers.get('etag') ?? '';
    expect((await call('GET', path, undefined, { 'If-None-Match': etag })).status).toBe(304);
    expect((await call('PATCH', path, { Phone: '1' }, { 'If-Match': etag })).status).toBe(204);
    const stale = await call('PATCH', path, { Phone: '2' }, { 'If-Match': etag });
    expect(stale.status).toBe(412);
    expect(stale.body[0].errorCode).toBe('PRECONDITION_FAILED');
    expect(
      (await call('PATCH', path, { Phone: '3' }, { 'If-Unmodified-Since': 'Tue, 01 Jan 2030 00:00:00 GMT' })).status,
    ).toBe(412);
  });

  it('sends no ETag and ignores conditional headers on rows other than Account (sObject Rows: "only has an effect when used with Account objects")', async () => {
    const { body } = await call('POST', `${V}/sobjects/Stripe_Sync_Request__c`, {
      Order__c: sf.sample!.orders[0]!.orderId,
    });
    const path = `${V}/sobjects/Stripe_Sync_Request__c/${body.id}`;
    const read = await call('GET', path);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBeNull();
    expect(
      (
        await call('GET', path, undefined, {
          'If-None-Match': '*',
          'If-Modified-Since': 'Tue, 01 Jan 2999 00:00:00 GMT',
        })
      ).status,
    ).toBe(200);
    // A stale or made-up ETag does not stop the update: Salesforce does not check it.
    expect((await call('PATCH', path, { Message__c: 'first' }, { 'If-Match': '"stale"' })).status).toBe(204);
    expect(
      (
        await call(
          'PATCH',
          path,
          { Message__c: 'second' },
          { 'If-Match': '"stale"', 'If-Unmodified-Since': 'Tue, 01 Jan 2000 00:00:00 GMT' },
        )
      ).status,
    ).toBe(204);
    expect((await call('GET', path)).body.Message__c).toBe('second');
  });

  it('does not let API clients insert custom metadata records', async () => {
    expect(
      (await call('POST', `${V}/sobjects/Stripe_Sync_Setting__mdt`, { DeveloperName: 'X' })).body[0].errorCode,
    ).toBe('INVALID_TYPE_FOR_OPERATION');
  });
});

describe('describe (REST API Guide: "Describe Global", "sObject Describe")', () => {
  it('describes picklists, references, external ids and writability', async () => {
    const describe = await call('GET', `${V}/sobjects/Order/describe`);
    const fields = new Map<string, Record<string, unknown>>(
      describe.body.fields.map((f: { name: string }) => [f.name, f]),
    );
    expect(describe.body).toMatchObject({ name: 'Order', keyPrefix: '801' });
    expect(fields.get('Status')).toMatchObject({ type: 'picklist', restrictedPicklist: true, nillable: false });
    expect(fields.get('AccountId')).toMatchObject({
      type: 'reference',
      referenceTo: ['Account'],
      relationshipName: 'Account',
    });
    expect(fields.get('OrderNumber')).toMatchObject({ autoNumber: true, createable: false, updateable: false });
    expect(describe.body.childRelationships).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ childSObject: 'OrderItem', field: 'OrderId', relationshipName: 'OrderItems' }),
      ]),
    );
    const sync = await call('GET', `${V}/sobjects/Stripe_Sync_Record__c/describe`);
    expect(sync.body.fields.find((f: { name: string }) => f.name === 'Compound_ID__c')).toMatchObject({
      externalId: true,
      unique: true,
      idLookup: true,
    });
    expect((await call('GET', `${V}/sobjects/Nope__c/describe`)).body[0].errorCode).toBe('INVALID_TYPE');
  });
});

describe('composite (REST API Guide: "Composite")', () => {
  it('rolls back every sub-request when one fails with allOrNone, reporting PROCESSING_HALTED for the others', async () => {
    const before = (await q('SELECT COUNT() FROM Account')).body.totalSize;
    const result = await call('POST', `${V}/composite`, {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'ok', body: { Name: 'Will vanish' } },
        { method: 'POST', url: `${V}/sobjects/Contact`, referenceId: 'bad', body: { AccountId: '@{ok.id}' } },
        { method: 'GET', url: `${V}/sobjects/Account/@{ok.id}`, referenceId: 'after' },
      ],
    });
    expect(result.body.compositeResponse.map((r: { httpStatusCode: number }) => r.httpStatusCode)).toEqual([
      400, 400, 400,
    ]);
    expect(result.body.compositeResponse[1].body[0].errorCode).toBe('REQUIRED_FIELD_MISSING');
    expect(result.body.compositeResponse[0].body[0].errorCode).toBe('PROCESSING_HALTED');
    expect((await q('SELECT COUNT() FROM Account')).body.totalSize).toBe(before);
  });

  it('refuses more than 5 query operations or sObject Collections in one request, running none of its sub-requests', async () => {
    const before = (await q('SELECT COUNT() FROM Account')).body.totalSize;
    const queries = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        method: 'GET',
        url: `${V}/query?q=${encodeURIComponent('SELECT Id FROM Account LIMIT 1')}`,
        referenceId: `q${i}`,
      }));
    const create = {
      method: 'POST',
      url: `${V}/sobjects/Account`,
      referenceId: 'created',
      body: { Name: 'Never made' },
    };
    const five = await call('POST', `${V}/composite`, { compositeRequest: queries(5) });
    expect(five.body.compositeResponse.map((r: { httpStatusCode: number }) => r.httpStatusCode)).toEqual([
      200, 200, 200, 200, 200,
    ]);
    const six = await call('POST', `${V}/composite`, {
      compositeRequest: [
        create,
        ...queries(5),
        { method: 'GET', url: `${V}/queryAll?q=${encodeURIComponent('SELECT Id FROM Account')}`, referenceId: 'all' },
      ],
    });
    expect(six.status).toBe(400);
    expect(six.body[0]).toMatchObject({
      errorCode: 'LIMIT_EXCEEDED',
      message: expect.stringContaining('at most 5 sObject Collections or query operations'),
    });
    // sObject Collections count toward the same five (API 43.0 and later).
    const collection = (referenceId: string) => ({
      method: 'POST',
      url: `${V}/composite/sobjects`,
      referenceId,
      body: { allOrNone: true, records: [{ attributes: { type: 'Account' }, Name: 'Never made either' }] },
    });
    const mixed = await call('POST', `${V}/composite`, {
      compositeRequest: [...queries(4), collection('first'), collection('second')],
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body[0]).toMatchObject({ errorCode: 'LIMIT_EXCEEDED' });
    expect((await q('SELECT COUNT() FROM Account')).body.totalSize).toBe(before);
    const within = await call('POST', `${V}/composite`, {
      compositeRequest: [...queries(4), collection('only')],
    });
    expect(within.body.compositeResponse.map((r: { httpStatusCode: number }) => r.httpStatusCode)).toEqual([
      200, 200, 200, 200, 200,
    ]);
    expect((await q('SELECT COUNT() FROM Account')).body.totalSize).toBe(before + 1);
  });
});

describe('sObject Collections (REST API Guide: "sObject Collections")', () => {
  it('creates, updates, upserts and deletes up to 200 records, with per-record errors', async () => {
    const created = await call('POST', `${V}/composite/sobjects`, {
      records: [
        { attributes: { type: 'Account' }, Name: 'Coll A' },
        { attributes: { type: 'Account' }, Name: 'x'.repeat(300) },
      ],
    });
    expect(created.body[0]).toMatchObject({ success: true, errors: [] });
    expect(created.body[1]).toMatchObject({
      id: null,
      success: false,
      errors: [{ statusCode: 'STRING_TOO_LONG', fields: ['Name'] }],
    });
    const updated = await call('PATCH', `${V}/composite/sobjects`, {
      records: [{ attributes: { type: 'Account' }, Id: created.body[0].id, Phone: '42' }],
    });
    expect(updated.body[0].success).toBe(true);
    const upserted = await call('PATCH', `${V}/composite/sobjects/Stripe_Sync_Record__c/Compound_ID__c`, {
      records: [
        { attributes: { type: 'Stripe_Sync_Record__c' }, Compound_ID__c: 'coll-1', Resolution_Status__c: 'Success' },
      ],
    });
    expect(upserted.body[0]).toMatchObject({ success: true, created: true });
    const deleted = await call('DELETE', `${V}/composite/sobjects?ids=${created.body[0].id}`);
    expect(deleted.body[0]).toMatchObject({ id: created.body[0].id, success: true });
    const tooMany = await call('POST', `${V}/composite/sobjects`, {
      records: Array.from({ length: 201 }, () => ({ attributes: { type: 'Account' }, Name: 'n' })),
    });
    expect(tooMany.body[0].errorCode).toBe('EXCEEDED_ID_LIMIT');
  });

  it('with allOrNone, one failure rolls back all and marks the others ALL_OR_NONE_OPERATION_ROLLED_BACK', async () => {
    const result = await call('POST', `${V}/composite/sobjects`, {
      allOrNone: true,
      records: [{ attributes: { type: 'Account' }, Name: 'Rolled back' }, { attributes: { type: 'Account' } }],
    });
    expect(result.body[0].errors[0].statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect(result.body[1].errors[0].statusCode).toBe('REQUIRED_FIELD_MISSING');
    expect((await q("SELECT Id FROM Account WHERE Name = 'Rolled back'")).body.totalSize).toBe(0);
  });
});

describe('UI API (UI API Developer Guide: "Get a Record", "Create a Record", "Update a Record", "Get Related List Records", "Get Object Metadata")', () => {
  it('returns a record representation with spanning fields; unknown optionalFields are left out', async () => {
    const order = sf.sample?.orders.find((o) => o.scenario === 'S1');
    const rep = await call(
      'GET',
      `${V}/ui-api/records/${order?.orderId}?fields=Order.OrderNumber,Order.Account.Name&optionalFields=Order.Nope__c,Order.Status`,
    );
    expect(rep.status).toBe(200);
    expect(rep.body).toMatchObject({
      apiName: 'Order',
      id: order?.orderId,
      fields: {
        OrderNumber: { value: order?.orderNumber },
        Status: { value: 'Activated', displayValue: 'Activated' },
        Account: { displayValue: 'Acme', value: { apiName: 'Account', fields: { Name: { value: 'Acme' } } } },
      },
    });
    expect(rep.body.fields).not.toHaveProperty('Nope__c');
    expect((await call('GET', `${V}/ui-api/records/${order?.orderId}?fields=Order.Nope__c`)).body[0].errorCode).toBe(
      'INVALID_FIELD',
    );
  });

  it('creates a record (createRecord) and updates it (updateRecord)', async () => {
    const order = sf.sample?.orders.find((o) => o.scenario === 'S2');
    const created = await call('POST', `${V}/ui-api/records`, {
      apiName: 'Stripe_Sync_Request__c',
      fields: { Order__c: order?.orderId },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      apiName: 'Stripe_Sync_Request__c',
      fields: { Order__c: { value: order?.orderId } },
    });
    const updated = await call('PATCH', `${V}/ui-api/records/${created.body.id}`, { fields: { Attempts__c: 1 } });
    expect(updated.body.fields.Attempts__c.value).toBe(1);
    const bad = await call('POST', `${V}/ui-api/records`, {
      apiName: 'Stripe_Sync_Request__c',
      fields: { Order__c: 'bogus' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body[0].errorCode).toBe('MALFORMED_ID');
  });

  it('lists related records by child relationship name, sorted and paged', async () => {
    const order = sf.sample?.orders.find((o) => o.scenario === 'S9');
    const list = await call(
      'GET',
      `${V}/ui-api/related-list-records/${order?.orderId}/OrderItems?fields=OrderItem.Quantity&sortBy=-OrderItem.Quantity&pageSize=2`,
    );
    expect(list.body.records.map((r: { fields: { Quantity: { value: number } } }) => r.fields.Quantity.value)).toEqual([
      3, 2,
    ]);
    expect(list.body.nextPageToken).toBe('2');
  });

  it('describes an object for getObjectInfo', async () => {
    const info = await call('GET', `${V}/ui-api/object-info/OrderItem`);
    expect(info.body).toMatchObject({
      apiName: 'OrderItem',
      keyPrefix: '802',
      fields: {
        OrderId: { dataType: 'Reference', relationshipName: 'Order', referenceToInfos: [{ apiName: 'Order' }] },
      },
    });
  });
});

describe('faults on demand', () => {
  it('fails the next matching request once with UNABLE_TO_LOCK_ROW, then serves normally', async () => {
    sf.faults.add({ code: 'UNABLE_TO_LOCK_ROW', path: '/sobjects/Account', method: 'POST' });
    const locked = await call('POST', `${V}/sobjects/Account`, { Name: 'Locked' });
    expect(locked.status).toBe(400);
    expect(locked.body[0].errorCode).toBe('UNABLE_TO_LOCK_ROW');
    expect((await call('POST', `${V}/sobjects/Account`, { Name: 'Locked' })).status).toBe(201);
  });

  it('fails N times with REQUEST_LIMIT_EXCEEDED (403) and expired sessions (401), armed through the control endpoint', async () => {
    const armed = await call('POST', '/__emulator/faults', { code: 'REQUEST_LIMIT_EXCEEDED', times: 2 });
    expect(armed.status).toBe(201);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await q('SELECT Id FROM Account LIMIT 1')).status);
    expect(statuses).toEqual([403, 403, 200]);
    await call('POST', '/__emulator/faults', { code: 'INVALID_SESSION_ID', times: null });
    expect((await q('SELECT Id FROM Account LIMIT 1')).status).toBe(401);
    expect((await q('SELECT Id FROM Account LIMIT 1')).body[0].errorCode).toBe('INVALID_SESSION_ID');
    expect((await call('DELETE', '/__emulator/faults')).status).toBe(204);
    expect((await q('SELECT Id FROM Account LIMIT 1')).status).toBe(200);
  });

  it('logs every API call, not control calls, so tests can count Salesforce calls', async () => {
    const before = sf.requestLog.length;
    await q('SELECT Id FROM Account LIMIT 1');
    await call('DELETE', '/__emulator/faults');
    expect(sf.requestLog.slice(before)).toEqual([
      expect.objectContaining({ method: 'GET', path: `${V}/query`, status: 200 }),
    ]);
  });
});
