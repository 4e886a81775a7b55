// Evergreen amendments Stripe already holds (spec §2.7, S37), through the engine on both emulators: a run
// cut off before its write-back is finished by a run two days later — past Stripe's 24-hour idempotency
// window, where a replanned `subscriptions.update` would add the seats a second time — with no Stripe
// write: the amendment is written back with its Success Sync Record. Then a cancel, cut off the same way.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { CpqBuilder } from '@stripe-cpq/salesforce-org-emulator/seed/cpqBuilder.js';
import type { StripeEmulator } from '@stripe-cpq/stripe-emulator';
import type { SyncEngine } from '../../plugin/src/sync/engine.js';
import { startEmulatedServices, type EmulatedServices } from '../support/emulatedServices.js';
import { WRITE_BACK_OUTAGE } from '../support/syncFaults.js';

let nowMs = Date.UTC(2031, 2, 1, 10);
const DAY_MS = 86_400_000;

let org: SalesforceEmulator;
let stripe: StripeEmulator;
let engine: SyncEngine;

let services: EmulatedServices;
beforeAll(async () => {
  services = await startEmulatedServices({ clock: () => nowMs });
  ({ org, stripe } = services);
  engine = services.engine('evergreen-replay');
});
afterAll(() => services.close());

/** The subscription's items as Stripe holds them: which order line each stands for, and its quantity. */
const itemsOf = (subscriptionId: string) =>
  stripe.store.subscriptions
    .find(subscriptionId)!
    .items.data.map((i) => [i.metadata.salesforce_order_item_id, i.quantity]);

/** Syncs the amendment with its write-back cut off, moves both clocks two days on, and syncs it again. */
async function crashThenResume(orderId: string) {
  org.faults.add(WRITE_BACK_OUTAGE);
  const crashed = await engine.syncOrder(orderId);
  expect(crashed.status).toBe('failed');
  expect(services.orderRow(orderId).Stripe_ID__c).toBeNull();
  nowMs += 2 * DAY_MS;
  const before = services.stripeWrites();
  const resumed = await engine.syncOrder(orderId);
  expect(resumed.errors).toEqual([]);
  expect(resumed.status).toBe('synced');
  expect(services.stripeWrites()).toBe(before);
  return { crashed, resumed };
}

describe('evergreen amendments replayed after the idempotency window', () => {
  it('an added line already on the subscription, then a cancel already made: each written back, nothing sent twice', async () => {
    const cpq = new CpqBuilder(org.org);
    const support = cpq.product({
      name: 'Evergreen Desk',
      listPrice: 50,
      pricing: 'Fixed Price',
      subscriptionType: 'Evergreen',
      term: 1,
      billingFrequency: 'Monthly',
      billingType: 'Advance',
    });
    const accountId = cpq.account('Evergreen Replay');
    const initial = cpq.order({
      accountId,
      name: 'Evergreen Replay initial',
      start: '2031-03-01',
      term: 1,
      lines: [{ product: support, quantity: 2 }],
    });
    const contractId = cpq.contract(initial, accountId, '2031-03-01', 1);
    expect((await engine.syncOrder(initial.orderId)).status).toBe('synced');
    const subscriptionId = String(services.orderRow(initial.orderId).Stripe_ID__c);
    expect(subscriptionId).toMatch(/^sub_(?!sched_)/);
    const addition = cpq.order({
      accountId,
      name: 'Evergreen Replay addition',
      type: 'Amendment',
      amendedContractId: contractId,
      start: '2031-03-01',
      term: 1,
      lines: [{ product: support, quantity: 3 }],
    });
    const { crashed } = await crashThenResume(addition.orderId);
    expect(crashed.applied.map((a) => a.op)).toEqual(['prices.create', 'subscriptions.update', 'prices.update']);
    expect(services.orderRow(addition.orderId)).toMatchObject({
      Stripe_ID__c: subscriptionId,
      Stripe_Sync_Status__c: 'Synced',
    });
    expect(services.recordStatuses(addition.orderId)).toEqual(['Success']);
    expect(
      itemsOf(subscriptionId)
        .map(([, quantity]) => quantity)
        .sort(),
    ).toEqual([2, 3]);

    // The customer's test clock still stands at 2031-03-01 (the engine's "now"), so a cancel from that day is immediate.
    const cancel = cpq.order({
      accountId,
      name: 'Evergreen Replay cancel',
      type: 'Amendment',
      amendedContractId: contractId,
      start: '2031-03-01',
      term: 1,
      lines: [
        { product: support, quantity: -2, revises: initial.orderItemIds[0]! },
        { product: support, quantity: -3, revises: addition.orderItemIds[0]! },
      ],
    });
    const canceled = await crashThenResume(cancel.orderId);
    expect(canceled.crashed.applied.map((a) => a.op)).toEqual(['subscriptions.cancel']);
    expect(stripe.store.subscriptions.find(subscriptionId)!.status).toBe('canceled');
    expect(services.orderRow(cancel.orderId)).toMatchObject({
      Stripe_ID__c: subscriptionId,
      Stripe_Sync_Status__c: 'Synced',
    });
    expect(services.recordStatuses(cancel.orderId)).toEqual(['Success']);
  });
});
