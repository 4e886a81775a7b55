import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../plugin/src/emulators/salesforce/index.js';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { claimLease, releaseLease } from '../../plugin/src/salesforce/lease.js';

let org: SalesforceEmulator;
let client: SalesforceClient;
let orderId: string;

beforeAll(async () => {
  org = await startSalesforceEmulator();
  client = new SalesforceClient({ instanceUrl: org.instanceUrl, accessToken: org.integrationUser!.accessToken });
  orderId = org.sample!.orders[0]!.orderId;
});
afterAll(() => org.close());

const leaseOf = () => org.query(`SELECT Stripe_Sync_Lease_Owner__c, Stripe_Sync_Lease_Expires__c FROM Order WHERE Id = '${orderId}'`)[0]!;

describe('order lease', () => {
  it('is taken by one of two workers racing for it, and released', async () => {
    const [a, b] = await Promise.all([claimLease(client, orderId, 'a', 60_000), claimLease(client, orderId, 'b', 60_000)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const holder = (a ?? b)!;
    expect(leaseOf().Stripe_Sync_Lease_Owner__c).toBe(holder.owner);
    expect(await claimLease(client, orderId, 'c', 60_000)).toBeUndefined();
    await releaseLease(client, holder);
    expect(leaseOf().Stripe_Sync_Lease_Owner__c).toBeNull();
  });

  it('can be taken over once it expired (its worker died)', async () => {
    const dead = await claimLease(client, orderId, 'dead', 1_000, new Date(Date.now() - 10_000));
    expect(dead).toBeDefined();
    const next = await claimLease(client, orderId, 'alive', 60_000);
    expect(next?.owner).toBe('alive');
    expect(leaseOf().Stripe_Sync_Lease_Owner__c).toBe('alive');
  });
});
