// The lock a real org enforces (syncLock.ts) on the strict org emulator, where If-Match does nothing outside
// Account rows: the If-Match lease it replaces let two of two racing workers win here.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import type { LocatedOrder } from '../../plugin/src/salesforce/graphReader.js';
import { contractLockKey, releaseLock, takeLock } from '../../plugin/src/salesforce/syncLock.js';

let org: SalesforceEmulator;
let client: SalesforceClient;
let orderId: string;

beforeAll(async () => {
  org = await startSalesforceEmulator();
  client = SalesforceClient.fromSession({ instanceUrl: org.instanceUrl, accessToken: org.accessToken });
  orderId = org.sample!.orders[0]!.orderId;
});
afterAll(() => org.close());

const locks = () => org.query('SELECT Id, Lock_Key__c, Held_By__c, Expires_At__c FROM Stripe_Sync_Lock__c');
const MINUTE = 60_000;

describe('sync lock', () => {
  it('is taken by exactly one of several workers racing for it, and by the next once released', async () => {
    const key = 'test:race';
    const taken = await Promise.all(
      ['a', 'b', 'c', 'd'].map((owner) => takeLock(client, key, { owner, ttlMs: MINUTE })),
    );
    const holders = taken.filter((t) => t !== undefined);
    expect(holders).toHaveLength(1);
    expect(locks()).toEqual([expect.objectContaining({ Lock_Key__c: key, Held_By__c: holders[0]!.lock.owner })]);
    expect(await takeLock(client, key, { owner: 'e', ttlMs: MINUTE })).toBeUndefined();

    await releaseLock(client, holders[0]!.lock);
    expect(locks()).toEqual([]);
    const next = await takeLock(client, key, { owner: 'e', ttlMs: MINUTE });
    expect(next?.lock.owner).toBe('e');
    await releaseLock(client, next!.lock);
  });

  it('runs the sub-requests given with it only when it is taken', async () => {
    const key = 'test:alongside';
    const status = (owner: string) => ({
      method: 'PATCH' as const,
      url: `${client.basePath}/sobjects/Order/${orderId}`,
      referenceId: 'syncing',
      body: { Stripe_Sync_Message__c: owner },
    });
    const first = await takeLock(client, key, { owner: 'first', ttlMs: MINUTE, alongside: [status('first')] });
    expect(
      await takeLock(client, key, { owner: 'second', ttlMs: MINUTE, alongside: [status('second')] }),
    ).toBeUndefined();
    expect(
      org.query(`SELECT Stripe_Sync_Message__c FROM Order WHERE Id = '${orderId}'`)[0]!.Stripe_Sync_Message__c,
    ).toBe('first');
    await releaseLock(client, first!.lock);
  });

  it('is taken over once expired (its worker died) by exactly one of the workers that saw it expired', async () => {
    const key = 'test:takeover';
    const diedAt = new Date(Date.now() - 10 * MINUTE);
    const dead = await takeLock(client, key, { owner: 'dead', ttlMs: MINUTE, now: diedAt });
    expect(dead?.lock).toMatchObject({ key, owner: 'dead', expiresAt: new Date(diedAt.getTime() + MINUTE) });
    const next = await Promise.all(['x', 'y', 'z'].map((owner) => takeLock(client, key, { owner, ttlMs: MINUTE })));
    const winners = next.filter((t) => t !== undefined);
    expect(winners).toHaveLength(1);
    expect(locks()).toEqual([expect.objectContaining({ Lock_Key__c: key, Held_By__c: winners[0]!.lock.owner })]);

    // The dead worker coming back frees nothing but its own (deleted) record: its successor keeps the lock.
    await releaseLock(client, dead!.lock);
    expect(locks()).toEqual([expect.objectContaining({ Held_By__c: winners[0]!.lock.owner })]);
    await releaseLock(client, winners[0]!.lock);
  });

  it('is not taken over while it is live', async () => {
    const key = 'test:live';
    const live = await takeLock(client, key, { owner: 'live', ttlMs: MINUTE });
    expect(
      await takeLock(client, key, { owner: 'other', ttlMs: MINUTE, now: new Date(Date.now() + MINUTE / 2) }),
    ).toBeUndefined();
    expect(locks()).toEqual([expect.objectContaining({ Held_By__c: 'live' })]);
    await releaseLock(client, live!.lock);
  });
});

describe("a contract's lock key", () => {
  const QUOTE = 'a0z7e00000BDKdhAAH';
  const initial = { orderId: '8017e000000nRBEAA2', quoteId: QUOTE, amendment: false };
  const located = (fields: Partial<LocatedOrder>): LocatedOrder => ({
    ...initial,
    contractId: undefined,
    initialOrderId: undefined,
    contractQuoteId: undefined,
    unfinishedSync: false,
    ...fields,
  });

  it('is the same for the initial order before CPQ contracts it and an amendment its contract names', () => {
    // Recording amendments.test_amendments__syncs_stacked_amendments_-_both_backdated_and_start_on_same_day:
    // the contract's SBQQ__Order__c names its first amendment; its SBQQ__Quote__c is the initial order's.
    const amendment = located({
      orderId: '8017e000000nRBJAA2',
      quoteId: 'a0z7e00000BDKdrAAH',
      amendment: true,
      contractId: '8007e000001iCKnAAM',
      initialOrderId: '8017e000000nRBAAA2',
      contractQuoteId: QUOTE,
    });
    expect(contractLockKey(located({}))).toBe(`quote:${QUOTE}`);
    expect(contractLockKey(amendment)).toBe(contractLockKey(located({})));
  });

  it('is the order itself when it has no quote to tell its contract by', () => {
    expect(contractLockKey(located({ quoteId: undefined }))).toBe('order:8017e000000nRBEAA2');
  });
});
