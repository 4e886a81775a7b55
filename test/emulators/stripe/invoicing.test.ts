// Subscriptions, invoice items and invoices (docs.stripe.com/api/subscriptions, /api/invoiceitems, /api/invoices).
import Stripe from 'stripe';
import { DAY, JAN_1_2030, monthlyPrice, paysWith, product, stripeError, useEmulator, waitForClock } from './helpers.js';

const fx = useEmulator();

let productId: string;
let monthly: Stripe.Price;
let oneTime: Stripe.Price;
beforeAll(async () => {
  productId = (await product(fx.stripe, 'Setup')).id;
  monthly = await monthlyPrice(fx.stripe, productId, 1500);
  oneTime = await fx.stripe.prices.create({
    product: productId,
    currency: 'usd',
    unit_amount_decimal: Stripe.Decimal.from('333.335'),
  });
});

describe('subscriptions (docs.stripe.com/api/subscriptions)', () => {
  it('creates a subscription with its first invoice and cancels it with DELETE', async () => {
    const customer = await fx.stripe.customers.create({ name: 'Sub' });
    const subscription = await fx.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id, quantity: 3 }],
      collection_method: 'send_invoice',
      days_until_due: 30,
      metadata: { sfOrder: '801000000000001' },
    });
    expect(subscription).toMatchObject({
      object: 'subscription',
      status: 'active',
      collection_method: 'send_invoice',
      days_until_due: 30,
      metadata: { sfOrder: '801000000000001' },
    });
    expect(subscription.id).toMatch(/^sub_/);
    const invoice = await fx.stripe.invoices.retrieve(String(subscription.latest_invoice));
    expect(invoice).toMatchObject({
      billing_reason: 'subscription_create',
      total: 4500,
      status: 'draft',
      parent: { subscription_details: { subscription: subscription.id } },
    });
    const canceled = await fx.stripe.subscriptions.cancel(subscription.id);
    expect(canceled.status).toBe('canceled');
    expect(canceled.canceled_at).not.toBeNull();
  });

  it('needs days_until_due with send_invoice (docs.stripe.com/api/subscriptions/create#create_subscription-days_until_due)', async () => {
    const customer = await fx.stripe.customers.create({});
    const error = await stripeError(
      fx.stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: monthly.id }],
        collection_method: 'send_invoice',
      }),
    );
    expect(error).toMatchObject({ code: 'parameter_missing', param: 'days_until_due' });
  });

  it('allows at most 20 items, each price once, one-time prices refused (docs.stripe.com/api/subscriptions/create#create_subscription-items)', async () => {
    const customer = await fx.stripe.customers.create({});
    const many: Stripe.SubscriptionCreateParams.Item[] = [];
    for (let i = 0; i < 21; i++) many.push({ price: (await monthlyPrice(fx.stripe, productId, 100 + i)).id });
    expect((await stripeError(fx.stripe.subscriptions.create({ customer: customer.id, items: many }))).param).toBe(
      'items',
    );
    expect(
      (
        await stripeError(
          fx.stripe.subscriptions.create({
            customer: customer.id,
            items: [{ price: monthly.id }, { price: monthly.id }],
          }),
        )
      ).param,
    ).toBe('items[1][price]');
    const oneTimeError = await stripeError(
      fx.stripe.subscriptions.create({ customer: customer.id, items: [{ price: oneTime.id }] }),
    );
    expect(oneTimeError.message).toContain('only accepts prices with `type=recurring`');
  });

  it('updates items by id, adds new ones and keeps the item rules (docs.stripe.com/api/subscriptions/update#update_subscription-items)', async () => {
    const customer = await fx.stripe.customers.create({});
    const subscription = await fx.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id, quantity: 1 }],
    });
    const itemId = subscription.items.data[0]?.id ?? '';
    const extra = await monthlyPrice(fx.stripe, productId, 250);
    const updated = await fx.stripe.subscriptions.update(subscription.id, {
      items: [
        { id: itemId, quantity: 4 },
        { price: extra.id, quantity: 2 },
      ],
      proration_behavior: 'none',
    });
    expect(updated.items.data.map((i) => [i.id === itemId, i.price.id, i.quantity])).toEqual([
      [true, monthly.id, 4],
      [false, extra.id, 2],
    ]);
    const duplicate = await stripeError(
      fx.stripe.subscriptions.update(subscription.id, { items: [{ price: monthly.id }] }),
    );
    expect(duplicate.param).toBe('items[2][price]');
    const missing = await stripeError(
      fx.stripe.subscriptions.update(subscription.id, { items: [{ id: 'si_missing', deleted: true }] }),
    );
    expect(missing).toMatchObject({ code: 'resource_missing', param: 'items[0][id]' });
  });

  it('ends at cancel_at as the clock passes it (docs.stripe.com/billing/subscriptions/cancel#cancel-at)', async () => {
    const clock = await fx.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2030 });
    const customer = await fx.stripe.customers.create({ test_clock: clock.id });
    const subscription = await fx.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      cancel_at: JAN_1_2030 + 45 * DAY,
    });
    await fx.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: JAN_1_2030 + 46 * DAY });
    await waitForClock(fx.stripe, clock.id);
    const ended = await fx.stripe.subscriptions.retrieve(subscription.id);
    expect(ended).toMatchObject({ status: 'canceled', canceled_at: JAN_1_2030 + 45 * DAY });
  });

  it('follows the emulator clock for customers without a test clock', async () => {
    const customer = await fx.stripe.customers.create({});
    const subscription = await fx.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    });
    fx.emulator.advanceClock(32 * DAY);
    const invoices = await fx.stripe.invoices.list({ customer: customer.id });
    expect(invoices.data.map((i) => i.billing_reason)).toEqual(['subscription_cycle', 'subscription_create']);
    expect(
      (await fx.stripe.subscriptions.retrieve(subscription.id)).items.data[0]?.current_period_start,
    ).toBeGreaterThan(subscription.start_date);
  });
});

describe('invoice items and invoices (docs.stripe.com/api/invoiceitems, /api/invoices)', () => {
  it('keeps invoice items pending until an invoice includes them', async () => {
    const customer = await fx.stripe.customers.create({});
    const item = await fx.stripe.invoiceItems.create({
      customer: customer.id,
      pricing: { price: oneTime.id },
      quantity: 3,
      description: 'Setup fee',
    });
    // 333.335 × 3 = 1000.005 minor units → 1000 (rounded half-up once, on the line total).
    expect(item).toMatchObject({ object: 'invoiceitem', amount: 1000, invoice: null, quantity: 3 });
    expect((await fx.stripe.invoiceItems.list({ customer: customer.id, pending: true })).data.map((i) => i.id)).toEqual(
      [item.id],
    );
  });

  it('leaves pending items out by default and pulls them in with pending_invoice_items_behavior=include (docs.stripe.com/changelog: 2022-08-01)', async () => {
    const customer = await fx.stripe.customers.create({});
    await fx.stripe.invoiceItems.create({ customer: customer.id, amount: 700, currency: 'usd' });
    const excluded = await fx.stripe.invoices.create({ customer: customer.id, auto_advance: false });
    expect(excluded.lines.data).toHaveLength(0);
    expect(excluded.total).toBe(0);
    const included = await fx.stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
      collection_method: 'send_invoice',
      days_until_due: 15,
    });
    expect(included.lines.data.map((l) => l.amount)).toEqual([700]);
    expect(included.total).toBe(700);
    expect((await fx.stripe.invoiceItems.list({ customer: customer.id, pending: true })).data).toHaveLength(0);
  });

  it('embeds the first 10 lines of an invoice and pages the rest from /v1/invoices/:id/lines (docs.stripe.com/api/invoice-line-item/retrieve)', async () => {
    const customer = await fx.stripe.customers.create({});
    const invoice = await fx.stripe.invoices.create({ customer: customer.id, auto_advance: false });
    for (let i = 1; i <= 12; i++)
      await fx.stripe.invoiceItems.create({
        customer: customer.id,
        invoice: invoice.id,
        amount: i * 100,
        currency: 'usd',
      });
    const retrieved = await fx.stripe.invoices.retrieve(invoice.id);
    expect([retrieved.lines.data.map((l) => l.amount), retrieved.lines.has_more, retrieved.total]).toEqual([
      [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000],
      true,
      7800,
    ]);
    expect((await fx.stripe.invoices.list({ customer: customer.id })).data[0]?.lines.data).toHaveLength(10);
    const first = await fx.stripe.invoices.listLineItems(invoice.id, { limit: 5 });
    const rest = await fx.stripe.invoices.listLineItems(invoice.id, {
      limit: 100,
      starting_after: first.data.at(-1)!.id,
    });
    expect([first.data.map((l) => l.amount), first.has_more]).toEqual([[100, 200, 300, 400, 500], true]);
    expect([rest.data.map((l) => l.amount), rest.has_more]).toEqual([[600, 700, 800, 900, 1000, 1100, 1200], false]);
  });

  it('finalizes to a number, due date and hosted_invoice_url that serves the invoice (docs.stripe.com/api/invoices/finalize)', async () => {
    const customer = await fx.stripe.customers.create({});
    await fx.stripe.invoiceItems.create({ customer: customer.id, amount: 1999, currency: 'usd' });
    const draft = await fx.stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
      collection_method: 'send_invoice',
      days_until_due: 30,
    });
    const open = await fx.stripe.invoices.finalizeInvoice(draft.id);
    expect(open).toMatchObject({ status: 'open', amount_due: 1999 });
    expect(open.number).toMatch(/^EMU-\d{4}$/);
    expect(open.due_date).toBe((open.status_transitions.finalized_at ?? 0) + 30 * DAY);
    expect(open.hosted_invoice_url).toBe(`${fx.emulator.url}/hosted_invoices/${draft.id}`);
    const page = await fetch(open.hosted_invoice_url ?? '');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('19.99 USD');
    expect((await stripeError(fx.stripe.invoices.finalizeInvoice(draft.id))).message).toContain('already finalized');
  });

  it("attaches a new customer's payment_method without making it the invoice default (docs.stripe.com/api/customers/create, /api/payment_methods/attach)", async () => {
    const attachedOnly = await fx.stripe.customers.create({ payment_method: 'pm_card_visa' });
    expect(attachedOnly.invoice_settings.default_payment_method).toBeNull();
    await fx.stripe.invoiceItems.create({ customer: attachedOnly.id, amount: 500, currency: 'usd' });
    const unpaid = await fx.stripe.invoices.create({
      customer: attachedOnly.id,
      pending_invoice_items_behavior: 'include',
      auto_advance: false,
    });
    await fx.stripe.invoices.finalizeInvoice(unpaid.id);
    await stripeError(fx.stripe.invoices.pay(unpaid.id));
    expect((await fx.stripe.invoices.retrieve(unpaid.id)).status).toBe('open');

    const withDefault = await fx.stripe.customers.create(paysWith());
    expect(withDefault.invoice_settings.default_payment_method).toBe('pm_card_visa');
    await fx.stripe.invoiceItems.create({ customer: withDefault.id, amount: 500, currency: 'usd' });
    const paid = await fx.stripe.invoices.create({
      customer: withDefault.id,
      pending_invoice_items_behavior: 'include',
      auto_advance: false,
    });
    await fx.stripe.invoices.finalizeInvoice(paid.id);
    expect((await fx.stripe.invoices.pay(paid.id)).status).toBe('paid');
  });

  it('pays out of band, declines a declining card with a 402 card_error, and voids open invoices (docs.stripe.com/api/invoices/pay, /testing#declined-payments)', async () => {
    const declining = await fx.stripe.customers.create({ ...paysWith('pm_card_chargeDeclined') });
    await fx.stripe.invoiceItems.create({ customer: declining.id, amount: 500, currency: 'usd' });
    const invoice = await fx.stripe.invoices.create({
      customer: declining.id,
      pending_invoice_items_behavior: 'include',
      auto_advance: false,
    });
    await fx.stripe.invoices.finalizeInvoice(invoice.id);
    const declined = await stripeError(fx.stripe.invoices.pay(invoice.id));
    expect(declined).toMatchObject({ type: 'StripeCardError', code: 'card_declined', statusCode: 402 });
    expect((await fx.stripe.invoices.pay(invoice.id, { paid_out_of_band: true })).status).toBe('paid');
    expect((await stripeError(fx.stripe.invoices.voidInvoice(invoice.id))).message).toContain(
      'void an open or uncollectible invoice',
    );

    const another = await fx.stripe.invoices.create({ customer: declining.id, auto_advance: false });
    await fx.stripe.invoiceItems.create({ customer: declining.id, amount: 100, currency: 'usd', invoice: another.id });
    await fx.stripe.invoices.finalizeInvoice(another.id);
    expect((await fx.stripe.invoices.voidInvoice(another.id)).status).toBe('void');
  });

  it('keeps a customer to one currency (docs.stripe.com/invoicing/multi-currency-customers)', async () => {
    const customer = await fx.stripe.customers.create({});
    await fx.stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] });
    const error = await stripeError(
      fx.stripe.invoiceItems.create({ customer: customer.id, amount: 100, currency: 'eur' }),
    );
    expect(error.message).toContain('You cannot combine currencies on a single customer');
    expect((await fx.stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({ currency: 'usd' });
  });

  it('takes item coupons off their line, then invoice coupons off the rest, by coupon duration (docs.stripe.com/billing/subscriptions/coupons)', async () => {
    const clock = await fx.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2030 });
    const customer = await fx.stripe.customers.create({ test_clock: clock.id, ...paysWith() });
    const tenPercentForever = await fx.stripe.coupons.create({ percent_off: 10, duration: 'forever' });
    const hundredOffOnce = await fx.stripe.coupons.create({ amount_off: 100, currency: 'usd', duration: 'once' });
    await fx.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: 'now',
      end_behavior: 'cancel',
      phases: [
        {
          items: [{ price: monthly.id, quantity: 2, discounts: [{ coupon: hundredOffOnce.id }] }],
          discounts: [{ coupon: tenPercentForever.id }],
          end_date: JAN_1_2030 + 62 * DAY,
        },
      ],
    });
    await fx.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: JAN_1_2030 + 40 * DAY });
    await waitForClock(fx.stripe, clock.id);
    const [second, first] = (await fx.stripe.invoices.list({ customer: customer.id })).data;
    // 2 × 1500 = 3000; first invoice −100 (once) on the line, then −10 % of 2900; later only −10 % of 3000.
    expect([first?.subtotal, first?.total]).toEqual([3000, 2610]);
    expect([second?.subtotal, second?.total]).toEqual([3000, 2700]);
    // Stripe names Discount objects (di_…), each holding its coupon, not the coupons themselves.
    const couponOf = (discount: unknown) => fx.emulator.store.discounts.find(String(discount))?.source.coupon;
    expect(first?.total_discount_amounts?.map((d) => [d.amount, couponOf(d.discount)])).toEqual([
      [100, hundredOffOnce.id],
      [290, tenPercentForever.id],
    ]);
    expect(first?.discounts.every((d) => typeof d === 'string' && d.startsWith('di_'))).toBe(true);
    const subscription = await fx.stripe.subscriptions.retrieve(
      String(first?.parent?.subscription_details?.subscription),
    );
    expect(subscription.discounts.map(couponOf)).toEqual([tenPercentForever.id]);
  });

  it('applies discounts given to a manual invoice', async () => {
    const customer = await fx.stripe.customers.create({});
    const half = await fx.stripe.coupons.create({ percent_off: 50 });
    await fx.stripe.invoiceItems.create({ customer: customer.id, amount: 701, currency: 'usd' });
    const invoice = await fx.stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
      discounts: [{ coupon: half.id }],
      auto_advance: false,
    });
    expect([invoice.subtotal, invoice.total]).toEqual([701, 350]); // 350.5 off rounds half-up to 351
  });

  it('refuses recurring prices on invoice items', async () => {
    const customer = await fx.stripe.customers.create({});
    const error = await stripeError(
      fx.stripe.invoiceItems.create({ customer: customer.id, pricing: { price: monthly.id } }),
    );
    expect(error.message).toContain('only accepts prices with `type=one_time`');
  });

  it('takes a credit as a negative unit_amount_decimal × quantity, and refuses a negative standalone price (docs.stripe.com/api/invoiceitems/create#create_invoiceitem-unit_amount_decimal)', async () => {
    const customer = await fx.stripe.customers.create({});
    const credit = await fx.stripe.invoiceItems.create({
      customer: customer.id,
      currency: 'usd',
      unit_amount_decimal: Stripe.Decimal.from('-1000.5'),
      quantity: 2,
      description: 'Credit',
    });
    expect(credit).toMatchObject({ amount: -2001, quantity: 2 });
    expect(String(credit.pricing?.unit_amount_decimal)).toBe('-1000.5');
    expect(credit.pricing?.price_details).toBeUndefined();
    const charge = await fx.stripe.invoiceItems.create({ customer: customer.id, pricing: { price: oneTime.id } });
    const invoice = await fx.stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
    });
    expect(invoice.total).toBe(charge.amount - 2001);
    const negativePrice = await stripeError(
      fx.stripe.prices.create({ product: productId, currency: 'usd', unit_amount_decimal: Stripe.Decimal.from('-1') }),
    );
    expect(negativePrice.param).toBe('unit_amount_decimal');
    const both = await stripeError(
      fx.stripe.invoiceItems.create({
        customer: customer.id,
        currency: 'usd',
        amount: 100,
        unit_amount_decimal: Stripe.Decimal.from('1'),
      }),
    );
    expect(both.message).toContain('amount');
  });
});
