// Every route the emulator serves, called once as the SDK calls it, so each kind of answer goes through the
// response schemas at least once (useEmulator checks them); the other test files exercise the rules.
import { JAN_1_2030, paysWith, useEmulator } from './helpers.js';

const fx = useEmulator();

describe("Stripe emulator: every route answers in Stripe's shape", () => {
  it('products: list, retrieve, update, search, delete', async () => {
    const product = await fx.stripe.products.create({
      name: 'Tour',
      statement_descriptor: 'TOUR',
      tax_details: { tax_code: 'txcd_10000000' },
    });
    expect(product.tax_details).toEqual({ performance_location: null, tax_code: 'txcd_10000000' });
    expect((await fx.stripe.products.list({ limit: 3 })).data.map((p) => p.id)).toContain(product.id);
    expect(await fx.stripe.products.retrieve(product.id)).toMatchObject({
      id: product.id,
      statement_descriptor: 'TOUR',
    });
    expect(await fx.stripe.products.update(product.id, { description: 'A tour' })).toMatchObject({
      description: 'A tour',
    });
    expect((await fx.stripe.products.search({ query: "name:'Tour'" })).data.map((p) => p.id)).toEqual([product.id]);
    expect(await fx.stripe.products.del(product.id)).toEqual({ id: product.id, object: 'product', deleted: true });
  });

  it('coupons: retrieve, update, delete', async () => {
    const coupon = await fx.stripe.coupons.create({ percent_off: 5, duration: 'once', name: 'Five' });
    expect(await fx.stripe.coupons.retrieve(coupon.id)).toMatchObject({ id: coupon.id, name: 'Five' });
    expect(await fx.stripe.coupons.update(coupon.id, { name: 'Five off' })).toMatchObject({ name: 'Five off' });
    expect(await fx.stripe.coupons.del(coupon.id)).toEqual({ id: coupon.id, object: 'coupon', deleted: true });
  });

  it('billing meters: list and retrieve', async () => {
    const meter = await fx.stripe.billing.meters.create({
      display_name: 'Calls',
      event_name: 'tour_calls',
      default_aggregation: { formula: 'sum' },
    });
    expect((await fx.stripe.billing.meters.list()).data.map((m) => m.id)).toContain(meter.id);
    expect(await fx.stripe.billing.meters.retrieve(meter.id)).toMatchObject({ id: meter.id, status: 'active' });
  });

  it('subscriptions and schedules: list', async () => {
    const customer = await fx.stripe.customers.create({ ...paysWith() });
    const product = await fx.stripe.products.create({ name: 'Plan' });
    const price = await fx.stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 500,
      recurring: { interval: 'month' },
    });
    const subscription = await fx.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      description: 'Tour plan',
    });
    expect(subscription.description).toBe('Tour plan');
    const schedule = await fx.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: 'now',
      phases: [{ items: [{ price: price.id }] }],
    });
    // Accepted parameters come back in the object (they were silently dropped before).
    const updated = await fx.stripe.subscriptions.update(subscription.id, {
      description: 'Renamed plan',
      default_payment_method: 'pm_card_visa',
    });
    expect(updated).toMatchObject({ description: 'Renamed plan', default_payment_method: 'pm_card_visa' });
    expect((await fx.stripe.subscriptions.list({ customer: customer.id })).data.map((s) => s.id)).toContain(
      subscription.id,
    );
    expect((await fx.stripe.subscriptionSchedules.list({ customer: customer.id })).data.map((s) => s.id)).toEqual([
      schedule.id,
    ]);
  });

  it('invoice items and invoices: update, delete', async () => {
    const customer = await fx.stripe.customers.create({ payment_method: 'pm_card_visa' });
    const item = await fx.stripe.invoiceItems.create({ customer: customer.id, amount: 300, currency: 'usd' });
    const spare = await fx.stripe.invoiceItems.create({ customer: customer.id, amount: 100, currency: 'usd' });
    expect(await fx.stripe.invoiceItems.del(spare.id)).toEqual({ id: spare.id, object: 'invoiceitem', deleted: true });
    const invoice = await fx.stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
      auto_advance: false,
    });
    expect(invoice.lines.data.map((l) => l.parent?.invoice_item_details?.invoice_item)).toEqual([item.id]);
    const updated = await fx.stripe.invoices.update(invoice.id, { footer: 'Thank you', description: 'Tour' });
    expect(updated).toMatchObject({ footer: 'Thank you', description: 'Tour' });
    await fx.stripe.invoices.finalizeInvoice(invoice.id, { auto_advance: false });
    // The customer has a card attached but no default; the one given to pay is charged.
    expect(await fx.stripe.invoices.pay(invoice.id, { payment_method: 'pm_card_visa' })).toMatchObject({
      status: 'paid',
      amount_paid: 300,
    });
  });

  it('test clocks: list and delete; events: retrieve', async () => {
    const clock = await fx.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2030, name: 'Tour' });
    expect((await fx.stripe.testHelpers.testClocks.list()).data.map((c) => c.id)).toContain(clock.id);
    expect(await fx.stripe.testHelpers.testClocks.del(clock.id)).toEqual({
      id: clock.id,
      object: 'test_helpers.test_clock',
      deleted: true,
    });
    const [event] = (await fx.stripe.events.list({ limit: 1 })).data;
    expect(await fx.stripe.events.retrieve(String(event?.id))).toMatchObject({ id: event?.id, object: 'event' });
  });

  it('webhook endpoints: list and update', async () => {
    const endpoint = await fx.stripe.webhookEndpoints.create({
      url: 'https://example.com/tour',
      enabled_events: ['invoice.paid'],
    });
    expect((await fx.stripe.webhookEndpoints.list()).data.map((e) => e.id)).toContain(endpoint.id);
    expect(await fx.stripe.webhookEndpoints.update(endpoint.id, { description: 'Tour', disabled: true })).toMatchObject(
      { description: 'Tour', status: 'disabled' },
    );
  });
});
