// When the engine reads an order's billing summary back from Stripe: after a run that wrote to Stripe,
// never after a re-sync that wrote nothing; a read that fails is reported, not swallowed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { StripeGateway } from '../../plugin/src/stripe/client.js';
import { createSyncEngine, type EngineLogger } from '../../plugin/src/sync/engine.js';
import { startEmulatedServices, type EmulatedServices } from '../support/emulatedServices.js';

let services: EmulatedServices;
beforeAll(async () => {
  services = await startEmulatedServices();
});
afterAll(() => services.close());

const orderOf = (scenario: string) => services.org.sample!.orders.find((o) => o.scenario === scenario)!.orderId;
const summaryField = (orderId: string) =>
  services.org.query(`SELECT Stripe_Billing_Summary__c FROM Order WHERE Id = '${orderId}'`)[0]!
    .Stripe_Billing_Summary__c;

/** The gateway, recording the name of every Stripe call and failing those `fails` names. */
function recordingGateway(fails: (name: string) => boolean = () => false): { gateway: StripeGateway; calls: string[] } {
  const calls: string[] = [];
  const inner = services.gateway;
  const gateway: StripeGateway = {
    stripe: inner.stripe,
    livemode: inner.livemode,
    observe: (observer) => inner.observe(observer),
    call: (name, request) => {
      calls.push(name);
      return fails(name) ? Promise.reject(new Error(`${name} refused by the test`)) : inner.call(name, request);
    },
  };
  return { gateway, calls };
}

describe('the billing summary after a sync', () => {
  it('is read after a sync that wrote to Stripe and not after a re-sync that wrote nothing', async () => {
    const orderId = orderOf('S1');
    const { gateway, calls } = recordingGateway();
    const engine = createSyncEngine({ salesforce: services.client, stripe: gateway, workerId: 'summary' });
    const first = await engine.syncOrder(orderId);
    expect(first.status).toBe('synced');
    expect(first.summary).toBeDefined();
    const written = summaryField(orderId);
    expect(written).toEqual(expect.any(String));

    calls.length = 0;
    const again = await engine.syncOrder(orderId);
    expect(again.status).toBe('synced');
    expect(again.applied).toEqual([]);
    expect(again.summary).toBeUndefined();
    // The one schedule read is loadLinkedObjects'; the summary would read it (and its prices) again.
    expect(calls.filter((name) => name === 'subscriptionSchedules.retrieve')).toHaveLength(1);
    expect(summaryField(orderId)).toBe(written);
  });

  it('that cannot be read is a warning of the synced result and of the logger', async () => {
    const orderId = orderOf('S3');
    const { gateway } = recordingGateway((name) => name === 'prices.retrieve');
    const warnings: { fields: Record<string, unknown>; message: string }[] = [];
    const logger: EngineLogger = { warn: (fields, message) => warnings.push({ fields, message }) };
    const result = await createSyncEngine({
      salesforce: services.client,
      stripe: gateway,
      workerId: 'summary-fails',
      logger,
    }).syncOrder(orderId);
    expect(result.status).toBe('synced');
    expect(result.summary).toBeUndefined();
    expect(result.warnings).toEqual([expect.stringContaining('billing summary')]);
    expect(warnings).toEqual([
      { fields: expect.objectContaining({ orderId, stripeId: result.stripeId }), message: result.warnings[0] },
    ]);
  });
});
