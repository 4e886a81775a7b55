// An MDQ amendment Stripe already holds (spec §2.9), through the engine on both emulators: a run cut off
// before its write-back is finished by a run two days later — past Stripe's 24-hour idempotency window,
// where a replanned `subscriptionSchedules.update` would be sent a second time — with no Stripe write:
// the amendment is written back with its Success Sync Record, and the schedule keeps one split.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { CpqBuilder } from '@stripe-cpq/salesforce-org-emulator/seed/cpqBuilder.js';
import { termEnd } from '@stripe-cpq/salesforce-org-emulator/seed/cpqRecords.js';
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
  engine = services.engine('mdq-replay');
});
afterAll(() => services.close());

/** The schedule's phases as Stripe holds them: bounds as dates and each item's quantity. */
const phasesOf = (scheduleId: string) =>
  stripe.store.subscriptionSchedules
    .find(scheduleId)!
    .phases.map((p) => [
      new Date(p.start_date * 1000).toISOString().slice(0, 10),
      new Date(p.end_date * 1000).toISOString().slice(0, 10),
      p.items.map((i) => i.quantity),
    ]);

describe('an MDQ amendment replayed after the idempotency window', () => {
  it('its split is on the schedule: written back with a Success record, no second update', async () => {
    const cpq = new CpqBuilder(org.org);
    const ramp = cpq.product({
      name: 'Replay Ramp',
      listPrice: 1000,
      pricing: 'Fixed Price',
      subscriptionType: 'Renewable',
      term: 12,
      billingFrequency: 'Annual',
      billingType: 'Advance',
    });
    const dimension = org.org.store.insert('SBQQ__Dimension__c', {
      Name: 'Yearly',
      SBQQ__Product__c: ramp.id,
      SBQQ__Type__c: 'Year',
    });
    const segment = (index: number, start: string) => ({
      key: `ramp-${dimension}`,
      index,
      label: `Year ${index}`,
      start,
      end: termEnd(start, 12),
      dimension,
      dimensionType: 'Year',
    });
    const accountId = cpq.account('MDQ Replay');
    const initial = cpq.order({
      accountId,
      name: 'MDQ Replay initial',
      start: '2031-03-01',
      term: 24,
      lines: [
        { product: ramp, quantity: 10, unitPrice: 1000, segment: segment(1, '2031-03-01') },
        { product: ramp, quantity: 12, unitPrice: 1100, segment: segment(2, '2032-03-01') },
      ],
    });
    const contractId = cpq.contract(initial, accountId, '2031-03-01', 24);
    expect((await engine.syncOrder(initial.orderId)).status).toBe('synced');
    const scheduleId = String(services.orderRow(initial.orderId).Stripe_ID__c);

    org.org.store.update('Contract', contractId, { SBQQ__AmendmentStartDate__c: '2031-09-01' }, { system: true });
    const amendment = cpq.order({
      accountId,
      name: 'MDQ Replay amendment',
      type: 'Amendment',
      amendedContractId: contractId,
      start: '2031-09-01',
      term: 18,
      lines: [
        {
          product: ramp,
          quantity: 5,
          unitPrice: 1000,
          revises: initial.orderItemIds[0]!,
          segment: segment(1, '2031-03-01'),
        },
      ],
    });
    org.faults.add(WRITE_BACK_OUTAGE);
    const crashed = await engine.syncOrder(amendment.orderId);
    expect(crashed.status).toBe('failed');
    expect(crashed.applied.map((a) => a.op)).toEqual(['subscriptionSchedules.update']);
    expect(services.orderRow(amendment.orderId).Stripe_ID__c).toBeNull();
    const split = [
      ['2031-03-01', '2031-09-01', [10]],
      ['2031-09-01', '2032-03-01', [15]],
      ['2032-03-01', '2033-03-01', [12]],
    ];
    expect(phasesOf(scheduleId)).toEqual(split);

    nowMs += 2 * DAY_MS;
    const before = services.stripeWrites();
    const resumed = await engine.syncOrder(amendment.orderId);
    expect(resumed.errors).toEqual([]);
    expect(resumed.status).toBe('synced');
    expect(services.stripeWrites()).toBe(before);
    expect(services.orderRow(amendment.orderId)).toMatchObject({
      Stripe_ID__c: scheduleId,
      Stripe_Sync_Status__c: 'Synced',
    });
    expect(services.recordStatuses(amendment.orderId)).toEqual(['Success']);
    expect(phasesOf(scheduleId)).toEqual(split);
  });
});
