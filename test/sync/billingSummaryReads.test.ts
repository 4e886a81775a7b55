// When the engine reads an order's billing summary back from Stripe: after a run that wrote to Stripe,
// never after a re-sync that wrote nothing; a read that fails is reported, not swallowed. And what the
// read-back reads: prices with their products, discounts expanded to their coupons, every invoice line.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CpqBuilder } from '@stripe-cpq/salesforce-org-emulator/seed/cpqBuilder.js';
import { readBillingSummary } from '../../plugin/src/stripe/billingSummary.js';
import type { StripeGateway } from '../../plugin/src/stripe/client.js';
import { createSyncEngine, type EngineLogger } from '../../plugin/src/sync/engine.js';
import { startEmulatedServices, type EmulatedServices } from '../support/emulatedServices.js';
import { paysWith } from '../emulators/stripe/helpers.js';

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

describe('what the billing summary reads back', () => {
  const stripe = () => services.gateway.stripe;

  it('reads each price with its product in one call, and no product on its own', async () => {
    const orderId = orderOf('S14');
    const synced = await services.engine('summary-products').syncOrder(orderId);
    expect(synced.status).toBe('synced');
    const { gateway, calls } = recordingGateway();
    const summary = await readBillingSummary(gateway, String(synced.stripeId), new Date());
    expect(calls.filter((name) => name === 'products.retrieve')).toEqual([]);
    const schedule = await stripe().subscriptionSchedules.retrieve(String(synced.stripeId));
    const prices = new Set(
      schedule.phases.flatMap((p) => [...p.items, ...p.add_invoice_items].map((i) => String(i.price))),
    );
    expect(calls.filter((name) => name === 'prices.retrieve')).toHaveLength(prices.size);
    const names = await Promise.all(
      [...prices].map(
        async (id) => (await stripe().products.retrieve(String((await stripe().prices.retrieve(id)).product))).name,
      ),
    );
    const shown = summary!.phases.flatMap((p) => [...p.items, ...p.oneTimeItems].map((i) => i.product));
    expect(new Set(shown)).toEqual(new Set(names));
  });

  it("shows an evergreen subscription's coupons and its items' (Stripe names them by Discount id)", async () => {
    const customer = await stripe().customers.create({ name: 'Evergreen coupons', ...paysWith() });
    const product = await stripe().products.create({ name: 'Platform' });
    const price = await stripe().prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 10_000,
      recurring: { interval: 'month' },
    });
    const order = await stripe().coupons.create({ name: 'Loyalty', percent_off: 10, duration: 'forever' });
    const line = await stripe().coupons.create({ name: 'Seat deal', percent_off: 50, duration: 'forever' });
    const subscription = await stripe().subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id, quantity: 2, discounts: [{ coupon: line.id }] }],
      discounts: [{ coupon: order.id }],
    });
    expect(subscription.discounts).toEqual([expect.stringMatching(/^di_/)]);
    const summary = await readBillingSummary(services.gateway, subscription.id, new Date());
    expect(summary!.kind).toBe('evergreen');
    const [phase] = summary!.phases;
    expect(phase!.coupons.map((c) => [c.name, c.percentOff])).toEqual([['Loyalty', '10']]);
    expect(phase!.items.map((i) => [i.product, i.amount, i.coupons.map((c) => c.name)])).toEqual([
      ['Platform', '200.00', ['Seat deal']],
    ]);
    // 2 × 100 = 200, half off the line, 10 % off the rest: 90 a month.
    expect(summary!.mrr).toBe('90.00');
  });

  it("shows a one-time invoice's line coupons, on every line past the 10 Stripe embeds, off its total", async () => {
    const customer = await stripe().customers.create({ name: 'Twelve lines' });
    const product = await stripe().products.create({ name: 'Service' });
    const price = await stripe().prices.create({ product: product.id, currency: 'usd', unit_amount: 1_000 });
    const coupon = await stripe().coupons.create({ name: 'Setup deal', amount_off: 500, currency: 'usd' });
    const invoice = await stripe().invoices.create({ customer: customer.id, auto_advance: false });
    for (let i = 0; i < 12; i++)
      await stripe().invoiceItems.create({
        customer: customer.id,
        invoice: invoice.id,
        pricing: { price: price.id },
        ...(i === 11 ? { discounts: [{ coupon: coupon.id }] } : {}),
      });
    const summary = await readBillingSummary(services.gateway, invoice.id, new Date());
    const items = summary!.oneTimeInvoice!.items;
    expect(items).toHaveLength(12);
    expect(items.map((i) => i.coupons.map((c) => [c.name, c.amountOff]))).toEqual([
      ...Array.from({ length: 11 }, () => []),
      [['Setup deal', '5.00']],
    ]);
    // Twelve lines of 10, less 5 off the last.
    expect(summary!.oneTimeInvoice!.total).toBe('115.00');
  });

  it('previews an order already invoiced with every line of its invoice, not the 10 Stripe embeds', async () => {
    const builder = new CpqBuilder(services.org.org);
    const lines = Array.from({ length: 12 }, (_, i) => ({
      product: builder.product({ name: `Preview service ${i + 1}`, listPrice: 100 }),
      quantity: 1,
    }));
    const order = builder.order({
      accountId: builder.account('Twelve to preview'),
      name: 'Twelve one-time lines, previewed',
      start: '2030-05-01',
      term: 12,
      lines,
    });
    const engine = services.engine('summary-preview');
    const synced = await engine.syncOrder(order.orderId);
    expect(synced.status).toBe('synced');
    expect((await stripe().invoices.retrieve(String(synced.stripeId))).lines.has_more).toBe(true);
    const preview = await engine.syncOrder(order.orderId, { dryRun: true });
    expect(preview.status).toBe('planned');
    expect(preview.summary?.oneTimeInvoice?.items).toHaveLength(12);
    expect(preview.summary?.oneTimeInvoice?.total).toBe('1200.00');
  });
});
