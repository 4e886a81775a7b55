// Values Stripe refuses for their length (maxLength in Stripe's OpenAPI spec, enforced by the Stripe emulator):
// an Account's Phone may hold 40 characters, a Stripe customer's `phone` at most 20. Before this check the run
// created the customer's test clock, then Stripe refused the customer: a half-done sync with a generic fix.
// Now the sync says which record and parameter to fix, and writes nothing to Stripe.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import type { StripeEmulator } from '@stripe-cpq/stripe-emulator';
import type { SyncEngine } from '../../plugin/src/sync/engine.js';
import { startEmulatedServices, type EmulatedServices } from '../support/emulatedServices.js';

let services: EmulatedServices;
let org: SalesforceEmulator;
let stripe: StripeEmulator;
let engine: SyncEngine;

beforeEach(async () => {
  services = await startEmulatedServices();
  ({ org, stripe } = services);
  engine = services.engine('stripe-limits');
});
afterEach(async () => {
  await services.close();
});

describe("values over Stripe's length limits", () => {
  it("an Account Phone over Stripe's 20 characters fails on the Account before any Stripe write", async () => {
    const order = org.sample!.orders.find((o) => o.scenario === 'S1')!;
    org.store.update('Account', order.accountId, { Phone: '+1 (415) 555-0100 ext. 1234' });
    const result = await engine.syncOrder(order.orderId);
    expect(result.status).toBe('failed');
    expect(result.retryable).toBe(false);
    expect(stripe.requestLog.writes()).toEqual([]);
    const [error] = result.errors;
    expect(error).toMatchObject({ kind: 'data', field: 'phone', record: { type: 'Account' } });
    expect(error!.record.id.slice(0, 15)).toBe(order.accountId.slice(0, 15));
    expect(error!.message).toContain('has 27 characters; Stripe accepts at most 20');
    expect(error!.fix).toContain('at most 20 characters');
  });

  it('a Phone of exactly 20 characters syncs', async () => {
    const order = org.sample!.orders.find((o) => o.scenario === 'S1')!;
    org.store.update('Account', order.accountId, { Phone: '+1 415 555 0100 x 12' });
    const result = await engine.syncOrder(order.orderId);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('synced');
  });
});
