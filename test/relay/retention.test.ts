import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { enforceSyncRecordRetention } from '../../plugin/src/relay/retention.js';
import { startServices, type Services } from './support.js';

let services: Services;

beforeAll(async () => {
  services = await startServices();
  const orderId = services.org.sample!.orders[0]!.orderId;
  for (let i = 0; i < 5; i++) {
    await services.salesforce.upsertRecords('Stripe_Sync_Record__c', 'Compound_ID__c', [
      {
        attributes: { type: 'Stripe_Sync_Record__c' },
        Compound_ID__c: `${orderId}-r${i}`,
        Order__c: orderId,
        Resolution_Status__c: 'Success',
        Resolution_Message__c: `record ${i}`,
      },
    ]);
  }
});
afterAll(() => services.close());

describe('enforceSyncRecordRetention', () => {
  it('deletes the oldest Sync Records beyond the retention and keeps the newest', async () => {
    expect(await enforceSyncRecordRetention(services.salesforce, 2)).toBe(3);
    const left = services.org
      .query('SELECT Compound_ID__c FROM Stripe_Sync_Record__c')
      .map((r) => String(r.Compound_ID__c).slice(-2));
    expect(left.sort()).toEqual(['r3', 'r4']);
    expect(await enforceSyncRecordRetention(services.salesforce, 2)).toBe(0);
  });
});
