// A tiered price already linked to its PricebookEntry is reused, never judged "changed" (spec §2.4): Stripe
// leaves a price's `tiers` out unless they are expanded (docs.stripe.com/api/prices/object, "tiers"), so the
// linked price must be read with them. The storm test's Data Error was this: S12's first attempt failed on a
// transient Stripe error after its tiered price was created and written back, and the retry found the price
// without its tiers — a fault turned into a Data Error the user had to fix by hand.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import type { StripeEmulator } from '@stripe-cpq/stripe-emulator';
import { CpqBuilder } from '@stripe-cpq/salesforce-org-emulator/seed/cpqBuilder.js';
import type { SyncEngine } from '../../plugin/src/sync/engine.js';
import { startEmulatedServices, type EmulatedServices } from '../support/emulatedServices.js';

let services: EmulatedServices;
let org: SalesforceEmulator;
let stripe: StripeEmulator;
let engine: SyncEngine;

beforeAll(async () => {
  services = await startEmulatedServices();
  ({ org, stripe } = services);
  engine = services.engine('tiered-price-reuse');
});
afterAll(() => services.close());

const s12 = () => org.sample!.orders.find((o) => o.scenario === 'S12')!;
const pricebookEntryPrice = () =>
  org.query(`SELECT PricebookEntry.Stripe_ID__c FROM OrderItem WHERE Id = '${s12().orderItemIds[0]}'`)[0]!
    .PricebookEntry as { Stripe_ID__c: string | null };
const tieredPrices = () => stripe.store.prices.all().filter((p) => p.billing_scheme === 'tiered');

describe('a tiered PricebookEntry price, already linked', () => {
  it('a retry after a Stripe error that came once the price was written back reuses the price', async () => {
    // The schedule's create fails (the gateway here does not retry): the price exists and is written back.
    stripe.faults.inject({ kind: 'api_error', method: 'POST', path: '/v1/subscription_schedules' });
    const failed = await engine.syncOrder(s12().orderId);
    expect(failed.status).toBe('failed');
    expect(failed.errors.map((e) => e.kind)).toEqual(['stripe']);
    const linked = pricebookEntryPrice().Stripe_ID__c;
    expect(linked).toMatch(/^price_/);

    const retried = await engine.syncOrder(s12().orderId);
    expect(retried.errors.map((e) => e.resolutionMessage)).toEqual([]);
    expect(retried.status).toBe('synced');
    const schedule = stripe.store.subscriptionSchedules.find(String(services.orderRow(s12().orderId).Stripe_ID__c))!;
    expect(schedule.phases[0]!.items.map((i) => i.price)).toEqual([linked]);
    expect(tieredPrices().map((p) => p.id)).toEqual([linked]);
  });

  it('a second order of the same tiered product reuses the PricebookEntry price', async () => {
    const linked = pricebookEntryPrice().Stripe_ID__c;
    const cpq = new CpqBuilder(org.org);
    const second = cpq.order({
      accountId: cpq.account('Second Storage'),
      name: 'Second Storage',
      start: '2030-04-01',
      term: 12,
      lines: [{ product: org.sample!.products.storage!, quantity: 1, unitPrice: 1 }],
    });
    copyLineTiers(s12().orderItemIds[0]!, second.orderItemIds[0]!);

    const synced = await engine.syncOrder(second.orderId);
    expect(synced.errors.map((e) => e.resolutionMessage)).toEqual([]);
    const schedule = stripe.store.subscriptionSchedules.find(String(services.orderRow(second.orderId).Stripe_ID__c))!;
    expect(schedule.phases[0]!.items.map((i) => i.price)).toEqual([linked]);
    expect(tieredPrices().map((p) => p.id)).toEqual([linked]);
  });
});

/** The order line's consumption schedule and rates, copied from another line (as CPQ copies the product's). */
function copyLineTiers(fromItemId: string, toItemId: string): void {
  const [schedule] = org.query(
    `SELECT Id, SBQQ__ConsumptionSchedule__c, SBQQ__Type__c, SBQQ__RatingMethod__c, SBQQ__Category__c, SBQQ__BillingTerm__c, SBQQ__BillingTermUnit__c FROM SBQQ__OrderItemConsumptionSchedule__c WHERE SBQQ__OrderItem__c = '${fromItemId}'`,
  );
  const { Id: scheduleId, attributes: _a, ...fields } = schedule!;
  const copy = org.store.insert('SBQQ__OrderItemConsumptionSchedule__c', { ...fields, SBQQ__OrderItem__c: toItemId });
  const rates = org.query(
    `SELECT SBQQ__LowerBound__c, SBQQ__UpperBound__c, SBQQ__PricingMethod__c, SBQQ__Price__c, SBQQ__ProcessingOrder__c FROM SBQQ__OrderItemConsumptionRate__c WHERE SBQQ__OrderItemConsumptionSchedule__c = '${String(scheduleId)}'`,
  );
  for (const { attributes: _r, ...rate } of rates)
    org.store.insert('SBQQ__OrderItemConsumptionRate__c', { ...rate, SBQQ__OrderItemConsumptionSchedule__c: copy });
}
