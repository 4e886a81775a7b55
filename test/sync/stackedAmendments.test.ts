// Decision q22 through the engine, on both emulators: a contract whose first unsynced amendment starts
// today (its phase starts `now`, a timestamp only Stripe knows) and a second stacked on it finishes in one
// run — two schedule updates, both amendments written back with Success Sync Records, no Skipped one,
// no extra Salesforce read — and a run cut off before its write-back is finished by the next one
// without a second schedule update.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { CpqBuilder } from '@stripe-cpq/salesforce-org-emulator/seed/cpqBuilder.js';
import type { StripeEmulator } from '@stripe-cpq/stripe-emulator';
import type { SyncEngine } from '../../plugin/src/sync/engine.js';
import { startEmulatedServices, type EmulatedServices } from '../support/emulatedServices.js';

/** Both services and the engine share one clock: 2031-03-01 10:00 UTC, the day the first amendment starts. */
const NOW = Date.UTC(2031, 2, 1, 10);
import { ts } from '../support/time.js';
import { WRITE_BACK_OUTAGE } from '../support/syncFaults.js';

let org: SalesforceEmulator;
let stripe: StripeEmulator;
let engine: SyncEngine;

let services: EmulatedServices;
beforeAll(async () => {
  services = await startEmulatedServices({ clock: () => NOW });
  ({ org, stripe } = services);
  engine = services.engine('stacked');
});
afterAll(() => services.close());

/**
 * A synced 12-month contract from 2031-01-01 (3 seats, monthly) and two amendments: the first adds 2
 * seats from `firstStart`, the second takes one back from 2031-06-01 (from the first's line, CPQ's LIFO).
 */
async function contractWithStackedAmendments(name: string, firstStart: string) {
  const cpq = new CpqBuilder(org.org);
  const seat = org.sample!.products.seat!;
  const accountId = cpq.account(name);
  const initial = cpq.order({
    accountId,
    name: `${name} initial`,
    start: '2031-01-01',
    term: 12,
    lines: [{ product: seat, quantity: 3 }],
  });
  const contractId = cpq.contract(initial, accountId, '2031-01-01', 12);
  expect((await engine.syncOrder(initial.orderId)).status).toBe('synced');
  const amend = (start: string, term: number, quantity: number) =>
    cpq.order({
      accountId,
      name: `${name} ${start}`,
      type: 'Amendment',
      amendedContractId: contractId,
      start,
      term,
      lines: [{ product: seat, quantity, revises: initial.orderItemIds[0]! }],
    });
  const m1 = amend(firstStart, 12 - (Number(firstStart.slice(5, 7)) - 1), 2);
  const m2 = amend('2031-06-01', 7, -1);
  return { initial, m1, m2 };
}

/** The statuses of the Sync Records about one order (whichever order's sync wrote them). */
const salesforceReads = () => org.requestLog.filter((r) => r.method === 'GET').length;
const phasesOf = (scheduleId: string) =>
  stripe.store.subscriptionSchedules
    .find(scheduleId)!
    .phases.map((p) => [p.start_date, p.end_date, p.items.map((i) => i.quantity)]);

describe('stacked amendments where the first starts today (q22)', () => {
  it('finish in one run: two schedule updates, both amendments synced, no Skipped record, no extra Salesforce read', async () => {
    const { initial, m1, m2 } = await contractWithStackedAmendments('Stacked Today', '2031-03-01');
    const scheduleId = String(services.orderRow(initial.orderId).Stripe_ID__c);

    const readsBefore = salesforceReads();
    const result = await engine.syncOrder(m2.orderId);
    const readsDeferred = salesforceReads() - readsBefore;

    expect(result.errors).toEqual([]);
    expect(result.status).toBe('synced');
    expect(result.applied.filter((a) => a.op === 'subscriptionSchedules.update')).toHaveLength(2);
    expect(result.plan?.deferred).toBeUndefined();
    for (const order of [m1, m2]) {
      expect(services.orderRow(order.orderId).Stripe_ID__c).toBe(scheduleId);
      expect(services.recordStatuses(order.orderId)).toEqual(['Success']);
    }
    expect(services.orderRow(m2.orderId).Stripe_Sync_Status__c).toBe('Synced');
    // The first amendment's phase starts when Stripe applied it (today); the second stacks on it, one seat fewer.
    const [first, second] = phasesOf(scheduleId).slice(-2);
    expect(first).toEqual([expect.any(Number), ts('2031-06-01'), [3, 2]]);
    expect(first![0]).toBeGreaterThanOrEqual(ts('2031-03-01'));
    expect(first![0]).toBeLessThanOrEqual(NOW / 1000);
    expect(second).toEqual([ts('2031-06-01'), ts('2032-01-01'), [3, 1]]);

    // The same reads as a contract whose amendments all start later and need a single plan.
    const plain = await contractWithStackedAmendments('Stacked Later', '2031-04-01');
    const before = salesforceReads();
    const single = await engine.syncOrder(plain.m2.orderId);
    expect(single.status).toBe('synced');
    expect(single.applied.filter((a) => a.op === 'subscriptionSchedules.update')).toHaveLength(2);
    expect(readsDeferred).toBe(salesforceReads() - before);
  });

  it('a run cut off before its write-back is finished by the next one without a second schedule update', async () => {
    const { initial, m1, m2 } = await contractWithStackedAmendments('Stacked Crash', '2031-03-01');
    const scheduleId = String(services.orderRow(initial.orderId).Stripe_ID__c);
    org.faults.add(WRITE_BACK_OUTAGE);
    const crashed = await engine.syncOrder(m2.orderId);
    expect(crashed.status).toBe('failed');
    expect(crashed.applied.filter((a) => a.op === 'subscriptionSchedules.update')).toHaveLength(2);
    expect(services.orderRow(m1.orderId).Stripe_ID__c).toBeNull();
    const phases = phasesOf(scheduleId);

    const writesBefore = stripe.requestLog.writes().length;
    const resumed = await engine.syncOrder(m2.orderId);
    expect(resumed.errors).toEqual([]);
    expect(resumed.status).toBe('synced');
    const writes = stripe.requestLog.writes().slice(writesBefore);
    expect(writes.filter((w) => w.path.startsWith('/v1/subscription_schedules'))).toEqual([]);
    expect(writes.every((w) => w.replayed)).toBe(true);
    expect(phasesOf(scheduleId)).toEqual(phases);
    for (const order of [m1, m2]) expect(services.orderRow(order.orderId).Stripe_ID__c).toBe(scheduleId);
  });
});
