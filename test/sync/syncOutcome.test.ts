// A sync's outcome (syncWriter.ts) on the strict org emulator: Sync Records, write-backs and the lock's
// release in one all-or-none composite call.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { SalesforceApiError, SalesforceClient, type CompositeSubrequest } from '../../plugin/src/salesforce/client.js';
import { releaseLockRequest, takeLock, type SyncLock } from '../../plugin/src/salesforce/syncLock.js';
import { writeSyncOutcome, type SyncOutcomeWrite, type SyncRecordRow } from '../../plugin/src/salesforce/syncWriter.js';

let org: SalesforceEmulator;
let client: SalesforceClient;
let orderId: string;
let accountId: string;

beforeAll(async () => {
  org = await startSalesforceEmulator();
  client = SalesforceClient.fromSession({ instanceUrl: org.instanceUrl, accessToken: org.accessToken });
  ({ orderId, accountId } = org.sample!.orders[0]!);
});
afterAll(() => org.close());

const record = (n: number | string): SyncRecordRow => ({
  compoundId: `${orderId}-test${n}`,
  primary: { id: orderId, type: 'Order' },
  secondary: { id: `test${n}`, type: 'Order' },
  status: 'Success',
  message: `record ${n}`,
  documentationLink: 'https://example.com',
});
const outcome = (fields: Partial<SyncOutcomeWrite>): SyncOutcomeWrite => ({
  writeBacks: [{ sobject: 'Account', id: accountId, fields: { Stripe_ID__c: 'cus_outcome' } }],
  syncRecords: [record(1)],
  orderFields: { [orderId]: { Stripe_ID__c: 'sub_sched_outcome', Stripe_Sync_Status__c: 'Synced' } },
  orderId,
  livemode: false,
  ...fields,
});
const lockFor = async (key: string): Promise<SyncLock> =>
  (await takeLock(client, key, { owner: 'test', ttlMs: 60_000 }))!.lock;
const locks = (key: string) => org.query(`SELECT Id FROM Stripe_Sync_Lock__c WHERE Lock_Key__c = '${key}'`);
const syncRecords = (prefix: string) =>
  org.query(`SELECT Compound_ID__c FROM Stripe_Sync_Record__c WHERE Compound_ID__c LIKE '${prefix}%'`);
/** A request's outcome as a caller's write riding along (the relay's "Sync now"). */
const requestMessage = (id: string, message: string): CompositeSubrequest => ({
  method: 'PATCH',
  url: `${client.basePath}/sobjects/Stripe_Sync_Request__c/${id}`,
  referenceId: 'requestOutcome',
  body: { Message__c: message },
});
const newRequest = () => org.store.insert('Stripe_Sync_Request__c', { Order__c: orderId, Status__c: 'Syncing' });
const messageOf = (id: string) =>
  org.query(`SELECT Message__c FROM Stripe_Sync_Request__c WHERE Id = '${id}'`)[0]?.Message__c;
const orderStripeId = () => org.query(`SELECT Stripe_ID__c FROM Order WHERE Id = '${orderId}'`)[0]!.Stripe_ID__c;

describe('a sync outcome', () => {
  it('writes the Sync Records, the write-backs and the lock release in one call', async () => {
    const lock = await lockFor('test:one-call');
    const before = client.calls;
    await writeSyncOutcome(client, outcome({}), lock);
    expect(client.calls - before).toBe(1);
    expect(syncRecords(`${orderId}-test1`)).toHaveLength(1);
    expect(orderStripeId()).toBe('sub_sched_outcome');
    expect(org.query(`SELECT Stripe_ID__c FROM Account WHERE Id = '${accountId}'`)[0]!.Stripe_ID__c).toBe(
      'cus_outcome',
    );
    expect(locks('test:one-call')).toEqual([]);
  });

  it('writes nothing and keeps the lock when Salesforce refuses one write-back', async () => {
    const lock = await lockFor('test:refused');
    const refused = outcome({
      syncRecords: [record(2)],
      orderFields: { [orderId]: { Stripe_ID__c: 'sub_sched_refused', No_Such_Field__c: 'x' } },
    });
    await expect(writeSyncOutcome(client, refused, lock)).rejects.toThrow(SalesforceApiError);
    expect(syncRecords(`${orderId}-test2`)).toEqual([]);
    expect(orderStripeId()).not.toBe('sub_sched_refused');
    expect(locks('test:refused')).toHaveLength(1);
  });

  it('is written when its lock was taken over after it expired', async () => {
    const lock = await lockFor('test:taken-over');
    org.store.delete('Stripe_Sync_Lock__c', lock.id);
    await writeSyncOutcome(client, outcome({ syncRecords: [record(3)] }), lock);
    expect(syncRecords(`${orderId}-test3`)).toHaveLength(1);
  });

  it("writes the caller's writes in the same call, its lock's release too", async () => {
    const lock = await lockFor('test:alongside');
    const requestLock = await lockFor('test:alongside-request');
    const request = newRequest();
    const before = client.calls;
    const written = await writeSyncOutcome(
      client,
      outcome({
        syncRecords: [record(4)],
        alongside: [requestMessage(request, 'ended'), releaseLockRequest(client, requestLock, 'releaseRequestLock')],
      }),
      lock,
    );
    expect(written).toBe(true);
    expect(client.calls - before).toBe(1);
    expect(messageOf(request)).toBe('ended');
    expect(syncRecords(`${orderId}-test4`)).toHaveLength(1);
    expect([...locks('test:alongside'), ...locks('test:alongside-request')]).toEqual([]);
  });

  it("is written without the caller's writes when Salesforce refuses them, and says so", async () => {
    const lock = await lockFor('test:alongside-refused');
    const requestLock = await lockFor('test:alongside-refused-request');
    const gone = newRequest();
    org.store.delete('Stripe_Sync_Request__c', gone);
    const written = await writeSyncOutcome(
      client,
      outcome({
        syncRecords: [record(5)],
        orderFields: { [orderId]: { Stripe_ID__c: 'sub_sched_alongside' } },
        alongside: [requestMessage(gone, 'ended'), releaseLockRequest(client, requestLock, 'releaseRequestLock')],
      }),
      lock,
    );
    expect(written).toBe(false);
    expect(syncRecords(`${orderId}-test5`)).toHaveLength(1);
    expect(orderStripeId()).toBe('sub_sched_alongside');
    expect(locks('test:alongside-refused')).toEqual([]);
    // The caller's writes are all or none among themselves: its lock stays for it to release.
    expect(locks('test:alongside-refused-request')).toHaveLength(1);
  });

  it("writes the caller's writes when the lock they release was taken over after it expired", async () => {
    const requestLock = await lockFor('test:alongside-taken-over');
    org.store.delete('Stripe_Sync_Lock__c', requestLock.id);
    const request = newRequest();
    const written = await writeSyncOutcome(
      client,
      outcome({
        syncRecords: [record(6)],
        alongside: [
          requestMessage(request, 'ended late'),
          releaseLockRequest(client, requestLock, 'releaseRequestLock'),
        ],
      }),
    );
    expect(written).toBe(true);
    expect(messageOf(request)).toBe('ended late');
    expect(syncRecords(`${orderId}-test6`)).toHaveLength(1);
  });

  it('writes more than one call holds (25 sub-requests) with the Sync Records before the Stripe IDs', async () => {
    const many = Array.from({ length: 30 }, (_, i) => record(`many${i}`));
    org.faults.add({
      code: 'SERVER_UNAVAILABLE',
      method: 'POST',
      path: '/composite',
      body: 'sub_sched_many',
      times: 1,
    });
    await expect(
      writeSyncOutcome(
        client,
        outcome({ syncRecords: many, orderFields: { [orderId]: { Stripe_ID__c: 'sub_sched_many' } } }),
      ),
    ).rejects.toThrow(SalesforceApiError);
    // The first call (25 Sync Records) landed; the one carrying the Order's Stripe ID did not.
    expect(syncRecords(`${orderId}-testmany`)).toHaveLength(25);
    expect(orderStripeId()).not.toBe('sub_sched_many');
  });
});
