// A customer pays only with payment methods attached to it, and an invoice of a customer with none is refused
// (docs.stripe.com/api/customers/update#update_customer-invoice_settings-default_payment_method,
// /api/subscriptions/update#update_subscription-default_payment_method, /api/invoices/pay#pay_invoice-payment_method).
import type Stripe from 'stripe';
import { monthlyPrice, paysWith, product, stripeError, useEmulator } from './helpers.js';

const fx = useEmulator();

const NOT_ATTACHED =
  'The customer does not have a payment method with the ID pm_card_mastercard. The payment method must be attached to the customer.';

let monthly: Stripe.Price;
beforeAll(async () => {
  monthly = await monthlyPrice(fx.stripe, (await product(fx.stripe, 'Cards')).id, 1500);
});

/** The refusal Stripe gives a payment method the customer does not have, at `param`. */
function notAttached(param: string): Record<string, unknown> {
  return { type: 'StripeInvalidRequestError', statusCode: 400, code: 'resource_missing', param, message: NOT_ATTACHED };
}

/** An open invoice of 5.00 USD for `customer`. */
async function openInvoice(customer: string): Promise<Stripe.Invoice> {
  await fx.stripe.invoiceItems.create({ customer, amount: 500, currency: 'usd' });
  const draft = await fx.stripe.invoices.create({
    customer,
    pending_invoice_items_behavior: 'include',
    auto_advance: false,
  });
  return fx.stripe.invoices.finalizeInvoice(draft.id);
}

describe('default payment methods must be attached to the customer', () => {
  it("refuses a customer's invoice_settings.default_payment_method it does not have, and takes the one it attaches", async () => {
    const refused = await stripeError(
      fx.stripe.customers.create({
        email: 'refused@example.com',
        invoice_settings: { default_payment_method: 'pm_card_mastercard' },
      }),
    );
    expect(refused).toMatchObject(notAttached('invoice_settings[default_payment_method]'));
    expect((await fx.stripe.customers.list({ email: 'refused@example.com' })).data).toHaveLength(0);

    const customer = await fx.stripe.customers.create(paysWith('pm_card_visa'));
    expect(customer.invoice_settings.default_payment_method).toBe('pm_card_visa');
    const update = fx.stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: 'pm_card_mastercard' },
    });
    expect(await stripeError(update)).toMatchObject(notAttached('invoice_settings[default_payment_method]'));
    expect((await fx.stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    });
  });

  it("refuses a subscription's default_payment_method its customer does not have, on create and update", async () => {
    const customer = await fx.stripe.customers.create(paysWith('pm_card_visa'));
    const create = fx.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      default_payment_method: 'pm_card_mastercard',
    });
    expect(await stripeError(create)).toMatchObject(notAttached('default_payment_method'));
    expect((await fx.stripe.subscriptions.list({ customer: customer.id })).data).toHaveLength(0);

    const subscription = await fx.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      default_payment_method: 'pm_card_visa',
    });
    expect(subscription.default_payment_method).toBe('pm_card_visa');
    const update = fx.stripe.subscriptions.update(subscription.id, { default_payment_method: 'pm_card_mastercard' });
    expect(await stripeError(update)).toMatchObject(notAttached('default_payment_method'));
  });

  it("refuses an invoice's default_payment_method, and a card given to pay, that its customer does not have", async () => {
    const customer = await fx.stripe.customers.create(paysWith('pm_card_visa'));
    const draft = await fx.stripe.invoices.create({ customer: customer.id, auto_advance: false });
    const update = fx.stripe.invoices.update(draft.id, { default_payment_method: 'pm_card_mastercard' });
    expect(await stripeError(update)).toMatchObject(notAttached('default_payment_method'));

    const invoice = await openInvoice(customer.id);
    const pay = fx.stripe.invoices.pay(invoice.id, { payment_method: 'pm_card_mastercard' });
    expect(await stripeError(pay)).toMatchObject(notAttached('payment_method'));
    expect(await fx.stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: 'open', attempt_count: 0 });
  });
});

describe('invoices.pay of a customer with no payment method (docs.stripe.com/api/invoices/pay)', () => {
  it('is refused with resource_missing before any attempt, not declined like a card', async () => {
    const customer = await fx.stripe.customers.create({ name: 'No card' });
    const invoice = await openInvoice(customer.id);
    const refused = await stripeError(fx.stripe.invoices.pay(invoice.id));
    expect(refused).toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400, code: 'resource_missing' });
    expect(refused.param).toBeUndefined();
    expect(refused.message).toMatch(/^This customer has no attached payment source or default payment method\./);
    expect(await fx.stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: 'open',
      attempted: false,
      attempt_count: 0,
    });
  });
});
