// Old-order migration through the engine on both emulators (spec S19; setting Old_Order_Migration__c on the
// org's Stripe_Sync_Setting__mdt record, with a Sync_Start_Date__c after the order's activation): the order,
// billed outside Stripe until today, becomes one subscription and one schedule that bill nothing before the
// next billing date; a run cut off after any of its Stripe writes — the response lost — or before its
// write-back is finished by the next run without a second subscription or schedule, at once or after Stripe
// forgot the run's idempotency keys; and an amendment after
// the migration reshapes the schedule.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { CpqBuilder } from '@stripe-cpq/salesforce-org-emulator/seed/cpqBuilder.js';
import type { StripeEmulator } from '@stripe-cpq/stripe-emulator';
import type { SyncEngine } from '../../plugin/src/sync/engine.js';
import { startEmulatedServices, type EmulatedServices } from '../support/emulatedServices.js';
import { WRITE_BACK_OUTAGE } from '../support/syncFaults.js';
import { ts } from '../support/time.js';

/** Orders are activated on 2031-02-27; the sync starts on 2031-02-28 and runs on 2031-03-01. */
const ACTIVATED_MS = Date.UTC(2031, 1, 27, 10);
const SYNC_MS = Date.UTC(2031, 2, 1, 10);
let nowMs = ACTIVATED_MS;

let services: EmulatedServices;
let org: SalesforceEmulator;
let stripe: StripeEmulator;
let engine: SyncEngine;

beforeAll(async () => {
  services = await startEmulatedServices({ clock: () => nowMs });
  ({ org, stripe } = services);
  const settings = org.query("SELECT Id FROM Stripe_Sync_Setting__mdt WHERE DeveloperName = 'Default'")[0]!;
  org.store.update(
    'Stripe_Sync_Setting__mdt',
    String(settings.Id),
    { Old_Order_Migration__c: true, Sync_Start_Date__c: '2031-02-28' },
    { system: true },
  );
  engine = services.engine('migration');
  expect((await engine.configuration()).settings).toMatchObject({
    syncStartDate: '2031-02-28',
    features: { oldOrderMigration: true },
  });
});
afterAll(() => services.close());

/** A 24-month contract from 2030-06-15 of 2 × Platform (1,200.00 a year, billed yearly), activated before the sync start. */
function preIntegrationOrder(name: string) {
  nowMs = ACTIVATED_MS;
  const cpq = new CpqBuilder(org.org);
  const platform = org.sample!.products.platform!;
  const accountId = cpq.account(name);
  const initial = cpq.order({
    accountId,
    name: `${name} initial`,
    start: '2030-06-15',
    term: 24,
    lines: [{ product: platform, quantity: 2 }],
  });
  const contractId = cpq.contract(initial, accountId, '2030-06-15', 24);
  nowMs = SYNC_MS;
  return { cpq, platform, accountId, initial, contractId };
}

/** The order's Stripe objects, found by its metadata (not by what the sync wrote back). */
function stripeObjectsOf(orderId: string) {
  const mine = (o: { metadata: Record<string, string> | null }) => o.metadata?.salesforce_order_id === orderId;
  return {
    subscriptions: stripe.store.subscriptions.all().filter(mine),
    schedules: stripe.store.subscriptionSchedules.all().filter(mine),
  };
}

describe('old-order migration through the engine', () => {
  it('bills from the next billing date on: one backdated subscription, one schedule to the end of the term, no invoice yet', async () => {
    const { initial } = preIntegrationOrder('Migrated');
    const result = await engine.syncOrder(initial.orderId);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('synced');
    expect(result.applied.map((a) => a.op).slice(-3)).toEqual([
      'subscriptions.create',
      'subscriptionSchedules.create',
      'subscriptionSchedules.update',
    ]);
    const { subscriptions, schedules } = stripeObjectsOf(initial.orderId);
    expect(subscriptions).toHaveLength(1);
    expect(schedules).toHaveLength(1);
    const [subscription, schedule] = [subscriptions[0]!, schedules[0]!];
    expect(subscription).toMatchObject({
      start_date: ts('2030-06-15'),
      billing_cycle_anchor: ts('2031-06-15'),
      schedule: schedule.id,
      latest_invoice: null,
      metadata: { salesforce_pre_integration_order: 'true' },
    });
    expect(schedule).toMatchObject({ end_behavior: 'cancel', subscription: subscription.id });
    expect(schedule.phases.map((p) => [p.start_date, p.end_date, p.items.map((i) => i.quantity)])).toEqual([
      [ts('2031-03-01'), ts('2032-06-15'), [2]],
    ]);
    expect(stripe.store.invoices.all().filter((i) => i.customer === subscription.customer)).toEqual([]);
    expect(services.orderRow(initial.orderId)).toMatchObject({
      Stripe_ID__c: schedule.id,
      Stripe_Sync_Status__c: 'Synced',
    });
    expect(services.recordStatuses(initial.orderId)).toEqual(['Success']);
  });

  // A run stopped right after each of the migration's writes: every later call to Stripe refused (the connection
  // reset, retries included) or, after the last, the write-back refused — as a relay killed there leaves things.
  const REFUSED = 10;
  const refuse = (path: RegExp) => () =>
    stripe.faults.inject({ kind: 'connection_reset', times: REFUSED, method: 'POST', path });
  const CRASHES: [string, () => void][] = [
    ['the subscription create', refuse(/^\/v1\/subscription_schedules$/)],
    ['the schedule create', refuse(/^\/v1\/subscription_schedules\/sub_sched_/)],
    ['the schedule update', () => org.faults.add(WRITE_BACK_OUTAGE)],
  ];
  // Resumed at once, or a day and an hour later, when Stripe may have forgotten the run's idempotency keys.
  const RESUMES = CRASHES.flatMap(([where, crash]) => [[where, 0, crash] as const, [where, 25, crash] as const]);
  it.each(RESUMES)(
    'a run cut off after %s is finished by the next (%i hours later) with one subscription and one schedule',
    async (where, hoursLater, crash) => {
      const { initial } = preIntegrationOrder(`Crash ${where} ${hoursLater}`);
      crash();
      const crashed = await engine.syncOrder(initial.orderId);
      expect(crashed.status).toBe('failed');
      // The run stopped with the subscription made (and, past the first point, its schedule).
      expect(stripeObjectsOf(initial.orderId).subscriptions).toHaveLength(1);
      stripe.faults.clear();
      nowMs += hoursLater * 60 * 60 * 1000;
      const resumed = await engine.syncOrder(initial.orderId);
      expect(resumed.errors).toEqual([]);
      expect(resumed.status).toBe('synced');
      const { subscriptions, schedules } = stripeObjectsOf(initial.orderId);
      expect([subscriptions.length, schedules.length]).toEqual([1, 1]);
      expect(schedules[0]).toMatchObject({ end_behavior: 'cancel', subscription: subscriptions[0]!.id });
      expect(services.orderRow(initial.orderId)).toMatchObject({
        Stripe_ID__c: schedules[0]!.id,
        Stripe_Sync_Status__c: 'Synced',
      });
      const before = services.stripeWrites();
      expect((await engine.syncOrder(initial.orderId)).status).toBe('synced');
      expect(services.stripeWrites()).toBe(before);
    },
  );

  it('an amendment after the migration reshapes its schedule', async () => {
    const { cpq, platform, accountId, initial, contractId } = preIntegrationOrder('Migrated Amended');
    expect((await engine.syncOrder(initial.orderId)).status).toBe('synced');
    const scheduleId = String(services.orderRow(initial.orderId).Stripe_ID__c);
    const amendment = cpq.order({
      accountId,
      name: 'Migrated Amended +1',
      type: 'Amendment',
      amendedContractId: contractId,
      start: '2031-06-15',
      term: 12,
      lines: [{ product: platform, quantity: 1 }],
    });
    const result = await engine.syncOrder(amendment.orderId);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('synced');
    const schedule = stripe.store.subscriptionSchedules.find(scheduleId)!;
    expect(
      schedule.phases.map((p) => [p.start_date, p.end_date, p.items.map((i) => i.quantity).sort((a, b) => a - b)]),
    ).toEqual([
      [ts('2031-03-01'), ts('2031-06-15'), [2]],
      [ts('2031-06-15'), ts('2032-06-15'), [1, 2]],
    ]);
    expect(schedule.metadata).toMatchObject({ salesforce_pre_integration_order: 'true' });
    expect(services.orderRow(amendment.orderId)).toMatchObject({
      Stripe_ID__c: scheduleId,
      Stripe_Sync_Status__c: 'Synced',
    });
  });
});
