// A run stopped after its Stripe creates but before its write-back (Salesforce down), resumed more than 24 hours
// later — after Stripe forgot the run's idempotency keys (docs.stripe.com/api/idempotent_requests) — through the
// engine on both emulators: the resumed run finds what the first one made (by the Salesforce ids in its metadata)
// and writes it back, so each Salesforce record has one Stripe object of each kind, and a third run writes nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { CpqBuilder, type Product } from '@stripe-cpq/salesforce-org-emulator/seed/cpqBuilder.js';
import type { StripeEmulator } from '@stripe-cpq/stripe-emulator';
import type Stripe from 'stripe';
import { idempotencyKey } from '../../plugin/src/core/plan/idempotency.js';
import type { StripeOperation } from '../../plugin/src/core/plan/plan.js';
import { applyPlan } from '../../plugin/src/stripe/planApplier.js';
import type { SyncEngine } from '../../plugin/src/sync/engine.js';
import { startEmulatedServices, type EmulatedServices } from '../support/emulatedServices.js';
import { WRITE_BACK_OUTAGE } from '../support/syncFaults.js';

const HOUR_MS = 60 * 60 * 1000;
let nowMs = Date.UTC(2031, 2, 1, 10);

let services: EmulatedServices;
let org: SalesforceEmulator;
let stripe: StripeEmulator;
let engine: SyncEngine;

beforeAll(async () => {
  services = await startEmulatedServices({ clock: () => nowMs });
  ({ org, stripe } = services);
  engine = services.engine('expired-keys');
});
afterAll(() => services.close());

type WithMetadata = { metadata: Record<string, string> | null };

/** How many Stripe objects of each kind carry each Salesforce id in their metadata (`salesforce_<object>_id`). */
function objectsPerRecord(): Record<string, number[]> {
  const counts = (objects: readonly WithMetadata[], key: string) => {
    const perRecord = new Map<string, number>();
    for (const o of objects) {
      const id = o.metadata?.[key];
      if (id) perRecord.set(id, (perRecord.get(id) ?? 0) + 1);
    }
    return [...perRecord.values()];
  };
  const { store } = stripe;
  return {
    customers: counts(store.customers.all(), 'salesforce_account_id'),
    products: counts(store.products.all(), 'salesforce_product2_id'),
    prices: counts(store.prices.all(), 'salesforce_pricebook_entry_id'),
    schedules: counts(store.subscriptionSchedules.all(), 'salesforce_order_id'),
    subscriptions: counts(store.subscriptions.all(), 'salesforce_order_id'),
    invoices: counts(store.invoices.all(), 'salesforce_order_id'),
    invoiceItems: counts(store.invoiceItems.all(), 'salesforce_order_item_id'),
  };
}

/**
 * A new account buying a new product, so the sync creates the customer, the product and its price too; starting
 * in two days, so the resumed run does not see a backdated order (refused for evergreen ones).
 */
function newOrder(name: string, product: Omit<Parameters<CpqBuilder['product']>[0], 'name'>) {
  const cpq = new CpqBuilder(org.org);
  const bought: Product = cpq.product({ name: `${name} product`, ...product });
  const accountId = cpq.account(name);
  const start = new Date(nowMs + 48 * HOUR_MS).toISOString().slice(0, 10);
  const term = product.term ?? 12;
  const order = cpq.order({ accountId, name, start, term, lines: [{ product: bought, quantity: 2 }] });
  if (product.billingFrequency) cpq.contract(order, accountId, start, term);
  return order;
}

const ORDERS: [string, Omit<Parameters<CpqBuilder['product']>[0], 'name'>, string, string][] = [
  [
    'a subscription schedule',
    { listPrice: 1200, billingFrequency: 'Annual' },
    'subscriptionSchedules.create',
    'sub_sched_',
  ],
  ['a one-time invoice', { listPrice: 300 }, 'invoices.create', 'in_'],
];

describe('a run resumed after Stripe forgot its idempotency keys', () => {
  it.each(ORDERS)(
    '%s: its customer, product, price and billing object are found and written back, never made twice',
    async (name, product, billingCreate, idPrefix) => {
      nowMs += 3 * 24 * HOUR_MS;
      const { orderId } = newOrder(`Expired keys ${name}`, product);
      org.faults.add(WRITE_BACK_OUTAGE);
      const crashed = await engine.syncOrder(orderId);
      expect(crashed.status).toBe('failed');
      expect(crashed.applied.map((a) => a.op)).toEqual(
        expect.arrayContaining(['customers.create', 'products.create', 'prices.create', billingCreate]),
      );
      expect(services.orderRow(orderId).Stripe_ID__c).toBeNull();

      // Stripe keeps a key at least 24 hours; past that, the same key may create a second object.
      nowMs += 25 * HOUR_MS;
      const resumed = await engine.syncOrder(orderId);
      expect(resumed.errors).toEqual([]);
      expect(resumed.status).toBe('synced');
      // Kinds with a record holding other than one object each (none).
      const twice = Object.entries(objectsPerRecord()).filter(([, perRecord]) => perRecord.some((n) => n !== 1));
      expect(twice).toEqual([]);
      expect(String(services.orderRow(orderId).Stripe_ID__c)).toMatch(new RegExp(`^${idPrefix}`));
      expect(services.orderRow(orderId).Stripe_ID__c).toBe(crashed.applied.find((a) => a.op === billingCreate)?.id);

      const before = services.stripeWrites();
      expect((await engine.syncOrder(orderId)).status).toBe('synced');
      expect(services.stripeWrites()).toBe(before);
    },
  );

  it('an order synced within a day of its activation spends no call looking for earlier creates', async () => {
    nowMs += 3 * 24 * HOUR_MS;
    const { orderId } = newOrder('Fresh keys', { listPrice: 1200, billingFrequency: 'Annual' });
    const logged = stripe.requestLog.entries.length;
    nowMs += 22 * HOUR_MS;
    const result = await engine.syncOrder(orderId);
    expect(result.status).toBe('synced');
    expect(result.applied.filter((a) => a.recovered)).toEqual([]);
    const lookups = stripe.requestLog.entries
      .slice(logged)
      .filter(
        (r) =>
          r.method === 'GET' &&
          /\/search$|^\/v1\/(subscription_schedules|invoiceitems|test_helpers\/test_clocks)$/.test(r.path),
      );
    expect(lookups).toEqual([]);
  });
});

describe('when the applier looks for earlier creates', () => {
  // A first sync of an order activated long ago — a backfill, a migration — made nothing before: the lock's call
  // writes "Syncing" on the order before any Stripe call, so an order not left "Syncing" or "Failed" never looks.
  it('a first sync of an order activated three days ago spends no call looking', async () => {
    const { orderId } = newOrder('Old but first', { listPrice: 1200, billingFrequency: 'Annual' });
    nowMs += 3 * 24 * HOUR_MS;
    const logged = stripe.requestLog.entries.length;
    const result = await engine.syncOrder(orderId);
    expect(result.status).toBe('synced');
    const lookups = stripe.requestLog.entries
      .slice(logged)
      .filter((r) => r.method === 'GET' && /\/search$|^\/v1\/subscription_schedules$/.test(r.path));
    expect(lookups).toEqual([]);
  });

  // Stripe leaves a price's tiers out unless expanded, on a search as on a retrieve: read without them, a
  // tiered price would never match its create and the resumed run would make a second one.
  it('a tiered price made by an earlier attempt is found with its tiers and adopted', async () => {
    const tiered: Stripe.PriceCreateParams = {
      currency: 'usd',
      product: (await services.gateway.stripe.products.create({ name: 'Tiered storage' })).id,
      billing_scheme: 'tiered',
      tiers_mode: 'graduated',
      tiers: [
        { up_to: 100, unit_amount: 100 },
        { up_to: 'inf', unit_amount: 50 },
      ],
      recurring: { interval: 'month', usage_type: 'licensed' },
      metadata: { salesforce_pricebook_entry_id: '01uEm00000000TiAAA' },
    };
    const activated = new Date(nowMs);
    const entry = { Id: '01uEm00000000TiAAA', SystemModstamp: activated.toISOString() };
    const operation = {
      op: 'prices.create',
      ref: 'price:tiered',
      params: tiered,
      idempotencyKey: idempotencyKey('00D000000000001AAA', entry, 'price'),
      source: { sobject: 'PricebookEntry', id: '01uEm00000000TiAAA' },
    } as unknown as StripeOperation;
    const first = await applyPlan({ operations: [operation] }, services.gateway, { now: () => new Date(nowMs) });
    nowMs += 25 * HOUR_MS;
    const resumed = await applyPlan({ operations: [operation] }, services.gateway, {
      now: () => new Date(nowMs),
      earlierAttemptsSince: activated,
    });
    expect(resumed.failure).toBeUndefined();
    expect(resumed.applied).toEqual([
      { op: 'prices.create', ref: 'price:tiered', id: first.applied[0]!.id, recovered: true },
    ]);
    const made = stripe.store.prices
      .all()
      .filter((p) => p.metadata?.salesforce_pricebook_entry_id === '01uEm00000000TiAAA');
    expect(made).toHaveLength(1);
  });
});
