/**
 * S8's custom mapping through a real engine sync: `metadata.account_region ← Account.Region__c`, a field
 * the admin added to Account, is read by the engine's graph reader (no describe call: the mapping config
 * says which fields to add) and lands on the Stripe subscription schedule.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { fieldDef } from '../../../plugin/src/cpqSchema/schema.js';
import { startStripeEmulator, type StripeEmulator } from '@stripe-cpq/stripe-emulator';
import type { SalesforceClient } from '../../../plugin/src/salesforce/client.js';
import { createStripeGateway } from '../../../plugin/src/stripe/client.js';
import { createSyncEngine } from '../../../plugin/src/sync/engine.js';
import { addMapping, grantRelayFieldAccess, orderOf, startSampleOrg } from '../../mapping/orgSupport.js';

let org: SalesforceEmulator;
let salesforce: SalesforceClient;
let stripe: StripeEmulator;

beforeAll(async () => {
  ({ org, client: salesforce } = await startSampleOrg());
  stripe = await startStripeEmulator({ opsPerSecond: 0 });
});
afterAll(async () => {
  await org.close();
  await stripe.close();
});

describe('engine sync with a custom mapped field', () => {
  it('S8: carries Account.Region__c into the schedule metadata, reading it without a describe call', async () => {
    const { orderId, accountId } = orderOf(org, 'S1');
    org.schema.defineField('Account', fieldDef({ name: 'Region__c', type: 'string', length: 80 }));
    grantRelayFieldAccess(org, ['Account.Region__c']);
    org.store.update('Account', accountId, { Region__c: 'EMEA' }, { system: true });
    addMapping(org, 'Schedule_Account_Region', {
      key: 'subscription_schedule',
      stripePath: 'metadata.account_region',
      salesforcePath: 'Account.Region__c',
    });
    const engine = createSyncEngine({
      salesforce,
      workerId: 'w-s8',
      stripe: createStripeGateway({
        apiKey: stripe.apiKey,
        host: stripe.host,
        port: stripe.port,
        protocol: 'http',
        opsPerSecond: 1000,
      }),
    });
    const callsBefore = org.requestLog.length;

    const result = await engine.syncOrder(orderId);

    expect(result.errors).toEqual([]);
    expect(result.status).toBe('synced');
    expect(stripe.store.subscriptionSchedules.find(result.stripeId!)?.metadata).toMatchObject({
      account_region: 'EMEA',
    });
    const calls = org.requestLog.slice(callsBefore);
    expect(calls.filter((c) => c.path.includes('/describe'))).toEqual([]);
  });
});
