// Phase fields set by `subscription_phase` mappings survive later amendments: the engine reads the schedule
// back from Stripe and every update resends the kept phases whole, so a mapped description or trial end on
// the initial order's phase is not dropped when an amendment splits the schedule (a dropped trial_end
// would end a running trial early).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { CpqBuilder } from '@stripe-cpq/salesforce-org-emulator/seed/cpqBuilder.js';
import type { StripeEmulator } from '@stripe-cpq/stripe-emulator';
import { addMapping } from '../mapping/orgSupport.js';
import { startEmulatedServices, type EmulatedServices } from '../support/emulatedServices.js';

let org: SalesforceEmulator;
let stripe: StripeEmulator;

let services: EmulatedServices;
beforeAll(async () => {
  services = await startEmulatedServices();
  ({ org, stripe } = services);
});
afterAll(() => services.close());

const orderNumber = (orderId: string) =>
  String(org.query(`SELECT OrderNumber FROM Order WHERE Id = '${orderId}'`)[0]!.OrderNumber);
const scheduleOf = (orderId: string) =>
  stripe.store.subscriptionSchedules.find(
    String(org.query(`SELECT Stripe_ID__c FROM Order WHERE Id = '${orderId}'`)[0]!.Stripe_ID__c),
  )!;

describe('mapped phase fields across an amendment', () => {
  it('the initial phase keeps its mapped description and trial end after the amendment splits it', async () => {
    // This month's contract: the trial ends halfway between now and the first phase's end (next month's 1st).
    const start = new Date().toISOString().slice(0, 8) + '01';
    const next = new Date(`${start}T00:00:00Z`);
    next.setUTCMonth(next.getUTCMonth() + 1);
    const nowSeconds = Math.floor(Date.now() / 1000);
    const trialEnd = nowSeconds + Math.floor((next.getTime() / 1000 - nowSeconds) / 2);
    addMapping(org, 'Phase_Description', {
      key: 'subscription_phase',
      stripePath: 'description',
      salesforcePath: 'OrderNumber',
    });
    addMapping(org, 'Phase_Trial_End', {
      key: 'subscription_phase',
      stripePath: 'trial_end',
      staticValue: String(trialEnd),
    });
    const engine = services.engine('phase-fields');
    // A contract synced before its amendment exists, so the amendment's run reads the schedule back from Stripe.
    const cpq = new CpqBuilder(org.org);
    const widget = cpq.product({
      name: 'Trial Widget',
      listPrice: 10,
      pricing: 'Fixed Price',
      subscriptionType: 'Renewable',
      term: 1,
      billingFrequency: 'Monthly',
      billingType: 'Advance',
    });
    const accountId = cpq.account('Trial Phase');
    const initial = cpq.order({
      accountId,
      name: 'Trial initial',
      start,
      term: 12,
      lines: [{ product: widget, quantity: 10 }],
    });
    const contractId = cpq.contract(initial, accountId, start, 12);
    const first = await engine.syncOrder(initial.orderId);
    expect(first.errors).toEqual([]);
    const before = scheduleOf(initial.orderId).phases;
    expect(before.map((p) => [p.description, p.trial_end])).toEqual([[orderNumber(initial.orderId), trialEnd]]);

    const amendment = cpq.order({
      accountId,
      name: 'Trial amendment',
      type: 'Amendment',
      amendedContractId: contractId,
      start: next.toISOString().slice(0, 10),
      term: 11,
      lines: [{ product: widget, quantity: 2, revises: initial.orderItemIds[0]! }],
    });
    const amended = await engine.syncOrder(amendment.orderId);
    expect(amended.errors).toEqual([]);
    expect(amended.applied.map((a) => a.op)).toContain('subscriptionSchedules.update');
    // The initial order's phase keeps what its mappings set; the amendment's phase carries the amendment's.
    expect(scheduleOf(initial.orderId).phases.map((p) => [p.description, p.trial_end ?? null])).toEqual([
      [orderNumber(initial.orderId), trialEnd],
      [orderNumber(amendment.orderId), null],
    ]);
  });
});
