// A caller's own writes riding in the engine's calls (SyncOptions.alongside, the relay's "Sync now" claim
// and outcome): written with the contract's lock and with the write-back at no call of their own, never
// without the lock, and never at the cost of the sync's own outcome.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CompositeSubrequest } from '../../../plugin/src/salesforce/client.js';
import { locateOrder } from '../../../plugin/src/salesforce/graphReader.js';
import { contractLockKey, releaseLock, takeLock } from '../../../plugin/src/salesforce/syncLock.js';
import type { AlongsideWrites, OrderSyncResult } from '../../../plugin/src/sync/engine.js';
import { startEmulatedServices, type EmulatedServices } from '../../support/emulatedServices.js';

let services: EmulatedServices;

beforeAll(async () => {
  services = await startEmulatedServices();
});
afterAll(() => services.close());

const sample = (scenario: string) => services.org.sample!.orders.find((o) => o.scenario === scenario)!;
const newRequest = (orderId: string) =>
  services.org.store.insert('Stripe_Sync_Request__c', { Order__c: orderId, Status__c: 'Queued' });
const requestRow = (id: string) =>
  services.org.query(`SELECT Status__c, Message__c FROM Stripe_Sync_Request__c WHERE Id = '${id}'`)[0];
const heldLocks = () => services.org.query('SELECT Lock_Key__c FROM Stripe_Sync_Lock__c');

const patchRequest = (id: string, referenceId: string, body: Record<string, unknown>): CompositeSubrequest => ({
  method: 'PATCH',
  url: `${services.client.basePath}/sobjects/Stripe_Sync_Request__c/${id}`,
  referenceId,
  body,
});

/** A request claimed with the lock and ended with the write-back, noting what the engine handed it. */
function requestWrites(id: string) {
  const seen: OrderSyncResult[] = [];
  const writes: AlongsideWrites = {
    withLock: [patchRequest(id, 'claim', { Status__c: 'Syncing' })],
    withOutcome: (result) => {
      seen.push(result);
      return [patchRequest(id, 'outcome', { Status__c: 'Synced', Message__c: `ended ${result.status}` })];
    },
  };
  return { writes, seen };
}

describe("the caller's writes riding in a sync", () => {
  it('are written with the lock and the write-back, at no call of their own', async () => {
    const order = sample('S1');
    const id = newRequest(order.orderId);
    const { writes, seen } = requestWrites(id);
    const engine = services.engine('w-alongside');
    await engine.configuration(); // read once per engine, not per sync
    const before = services.client.calls;

    const result = await engine.syncOrder(order.orderId, { alongside: writes });

    expect(result).toMatchObject({ status: 'synced', alongsideWritten: true });
    expect(seen.map((r) => r.status)).toEqual(['synced']);
    expect(requestRow(id)).toMatchObject({ Status__c: 'Synced', Message__c: 'ended synced' });
    // The engine's four calls (locate, lock and graph, schedules, write-back), and not one more.
    expect(services.client.calls - before).toBe(4);
    expect(heldLocks()).toEqual([]);
  });

  it('are not written while another worker holds the contract: a busy sync claims nothing', async () => {
    const order = sample('S3');
    const contractKey = contractLockKey(await locateOrder(services.client, order.orderId));
    const other = (await takeLock(services.client, contractKey, { owner: 'other', ttlMs: 60_000 }))!;
    const id = newRequest(order.orderId);
    const { writes, seen } = requestWrites(id);

    const result = await services.engine('w-busy').syncOrder(order.orderId, { alongside: writes });

    expect(result).toMatchObject({ status: 'busy', alongsideWritten: false });
    expect(seen).toEqual([]);
    expect(requestRow(id)).toMatchObject({ Status__c: 'Queued' });
    await releaseLock(services.client, other.lock);
  });

  it('are handed a failed sync and written with its failure', async () => {
    const order = sample('S16');
    const id = newRequest(order.orderId);
    const { writes, seen } = requestWrites(id);

    const result = await services.engine('w-refused').syncOrder(order.orderId, { alongside: writes });

    expect(result).toMatchObject({ status: 'failed', alongsideWritten: true });
    expect(seen.map((r) => [r.status, r.errors.length > 0])).toEqual([['failed', true]]);
    expect(requestRow(id)).toMatchObject({ Message__c: 'ended failed' });
    expect(services.orderRow(order.orderId)).toMatchObject({ Stripe_Sync_Status__c: 'Failed' });
    expect(heldLocks()).toEqual([]);
  });

  it('refused by Salesforce, cost the sync nothing: its outcome is written without them', async () => {
    const order = sample('S6');
    const id = newRequest(order.orderId);
    const gone = newRequest(order.orderId);
    const writes: AlongsideWrites = {
      withLock: [patchRequest(id, 'claim', { Status__c: 'Syncing' })],
      withOutcome: () => {
        services.org.store.delete('Stripe_Sync_Request__c', gone);
        return [patchRequest(gone, 'outcome', { Status__c: 'Synced' })];
      },
    };

    const result = await services.engine('w-gone').syncOrder(order.orderId, { alongside: writes });

    expect(result).toMatchObject({ status: 'synced', alongsideWritten: false });
    const synced = services.orderRow(order.orderId);
    expect(synced).toMatchObject({ Stripe_Sync_Status__c: 'Synced', Stripe_ID__c: result.stripeId });
    expect(heldLocks()).toEqual([]);
  });
});
