/**
 * A backfill through the reconciler: activated orders the relay never heard of (activated before it ran) are
 * found RECONCILE_ORDER_LIMIT at a time. After a full page the next reconciliation follows as soon as the
 * runner has synced it — not `reconcileSeconds` later, which made 10,000 orders take 50 intervals.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { CpqBuilder } from '@stripe-cpq/salesforce-org-emulator/seed/cpqBuilder.js';
import { clockFrom } from '../../plugin/src/relay/clock.js';
import { RECONCILE_ORDER_LIMIT } from '../../plugin/src/relay/orderSelection.js';
import { Reconciler } from '../../plugin/src/relay/reconciler.js';
import type { RequestRunner } from '../../plugin/src/relay/requestRunner.js';
import { Scheduler } from '../../plugin/src/relay/scheduler.js';
import { SettingsRefresher } from '../../plugin/src/relay/settingsRefresher.js';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import type { StripeGateway } from '../../plugin/src/stripe/client.js';
import { integrationToken, memoryLogger, waitFor } from './support.js';

const ORDERS = RECONCILE_ORDER_LIMIT + 5;
let org: SalesforceEmulator;

beforeAll(async () => {
  org = await startSalesforceEmulator({ seed: 'empty' });
  const cpq = new CpqBuilder(org.org);
  const seat = cpq.product({
    name: 'Seat',
    listPrice: 10,
    pricing: 'Fixed Price',
    subscriptionType: 'Renewable',
    term: 1,
    billingFrequency: 'Monthly',
    billingType: 'Advance',
  });
  const accountId = cpq.account('Backlog Inc');
  for (let i = 0; i < ORDERS; i++)
    cpq.order({
      accountId,
      name: `Backlog ${i}`,
      start: '2030-01-01',
      term: 12,
      lines: [{ product: seat, quantity: 1 }],
    });
});
afterAll(() => org.close());

it('reconciles again as soon as a full page of orders is synced, until none is left', async () => {
  const salesforce = SalesforceClient.fromSession({ instanceUrl: org.instanceUrl, accessToken: integrationToken(org) });
  const { logger } = memoryLogger();
  // The engine is never asked to sync here: the runner below stands in for it.
  const settings = await SettingsRefresher.start({
    salesforce,
    stripe: {} as StripeGateway,
    workerId: 'backlog',
    leaseMs: 60_000,
    liveSync: true,
    log: logger,
  });
  // A runner that "syncs" an order by giving it a Stripe ID when the reconciler waits for it to settle.
  const queued: string[] = [];
  const seen = new Set<string>();
  const runner = {
    syncOrder: (orderId: string) => {
      queued.push(orderId);
      seen.add(orderId);
    },
    runRequest: () => undefined,
    saveUnsavedRetries: async () => undefined,
    settled: async () => {
      for (const id of queued.splice(0)) org.store.update('Order', id, { Stripe_ID__c: `sub_sched_${id}` });
    },
  } as unknown as RequestRunner;
  const clock = clockFrom(undefined);
  const scheduler = new Scheduler(clock, () => undefined);
  const reconciler = new Reconciler({
    salesforce,
    settings,
    runner,
    clock,
    scheduler,
    log: logger,
    reconcileSeconds: 600,
  });
  try {
    reconciler.scheduleIn(0, 'start');
    await waitFor(() => (seen.size === ORDERS ? true : undefined), 10_000);
    const calls = salesforce.calls;
    // The short page ended the backlog: the next reconciliation is the interval's, 600 s away.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(salesforce.calls).toBe(calls);
    expect(scheduler.has('reconcile')).toBe(true);
  } finally {
    scheduler.stop();
  }
});
