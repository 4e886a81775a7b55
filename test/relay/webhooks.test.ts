import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type Stripe from 'stripe';
import type { RunningRelay } from '../../plugin/src/relay/index.js';
import {
  deliverWebhook,
  sampleOrder,
  startServices,
  startWebhookRelay,
  stripeEvent,
  type Services,
} from './support.js';

let services: Services;
let relay: RunningRelay;
let stripe: Stripe;
let orderId: string;
let customer: string;

beforeAll(async () => {
  services = await startServices();
  stripe = services.gateway.stripe;
  relay = await startWebhookRelay(services);
  orderId = sampleOrder(services.org, 'S5').orderId;
  customer = (await stripe.customers.create({ name: 'Webhook test' })).id;
});
afterAll(async () => {
  await relay.stop();
  await services.close();
});

const event = (type: string, object: { id: string } & Record<string, unknown>) => stripeEvent(type, object);
const deliver = (body: unknown, options?: { secret?: string; timestamp?: number }) =>
  deliverWebhook(relay, body, options);

const invoiceFields = () =>
  services.org.query(
    `SELECT Stripe_Invoice_Status__c, Stripe_Invoice_Amount_Due__c, Stripe_Invoice_Amount_Paid__c, Stripe_Invoice_Payment_Link__c FROM Order WHERE Id = '${orderId}'`,
  )[0]!;

async function openInvoice(): Promise<Stripe.Invoice> {
  await stripe.invoiceItems.create({ customer, amount: 12_345, currency: 'usd' });
  const draft = await stripe.invoices.create({
    customer,
    collection_method: 'send_invoice',
    days_until_due: 30,
    pending_invoice_items_behavior: 'include',
    metadata: { salesforce_order_id: orderId },
  });
  return stripe.invoices.finalizeInvoice(draft.id!);
}

describe('Stripe webhooks', () => {
  it('a signed invoice.finalized writes the invoice status, amounts and payment link on the Order', async () => {
    const invoice = await openInvoice();
    const response = await deliver(event('invoice.finalized', { id: invoice.id!, object: 'invoice' }));
    expect(response.status).toBe(200);
    expect(invoiceFields()).toMatchObject({
      Stripe_Invoice_Status__c: 'open',
      Stripe_Invoice_Amount_Due__c: 123.45,
      Stripe_Invoice_Amount_Paid__c: 0,
      Stripe_Invoice_Payment_Link__c: invoice.hosted_invoice_url,
    });
  });

  it('rejects a bad signature and a signature older than the 300 s tolerance with 400, changing nothing', async () => {
    const invoice = await openInvoice();
    await stripe.invoices.pay(invoice.id!, { paid_out_of_band: true });
    const before = invoiceFields();
    expect((await deliver(event('invoice.paid', { id: invoice.id! }), { secret: 'whsec_wrong' })).status).toBe(400);
    expect(
      (await deliver(event('invoice.paid', { id: invoice.id! }), { timestamp: Math.floor(Date.now() / 1000) - 301 }))
        .status,
    ).toBe(400);
    const unsigned = await fetch(`${relay.url}/webhooks/stripe`, {
      method: 'POST',
      body: JSON.stringify(event('invoice.paid', { id: invoice.id! })),
    });
    expect(unsigned.status).toBe(400);
    expect(invoiceFields()).toEqual(before);
  });

  it('handles a replayed event once', async () => {
    const invoice = await openInvoice();
    const replayed = event('invoice.finalized', { id: invoice.id! });
    const orderWrites = () =>
      services.org.requestLog.filter((r) => r.method === 'PATCH' && r.path.includes(`/sobjects/Order/${orderId}`))
        .length;
    const before = orderWrites();
    expect((await deliver(replayed)).status).toBe(200);
    expect((await deliver(replayed)).status).toBe(200);
    expect(orderWrites()).toBe(before + 1);
    expect(
      await relay.metrics.valueOf(relay.metrics.webhooks, { type: 'invoice.finalized', outcome: 'duplicate' }),
    ).toBe(1);
  });

  it('events out of order cannot roll the Order back: a late invoice.finalized after invoice.paid leaves it paid', async () => {
    const invoice = await openInvoice();
    const finalized = event('invoice.finalized', { id: invoice.id!, status: 'open' });
    await stripe.invoices.pay(invoice.id!, { paid_out_of_band: true });
    expect((await deliver(event('invoice.paid', { id: invoice.id!, status: 'paid' }))).status).toBe(200);
    expect((await deliver(finalized)).status).toBe(200);
    expect(invoiceFields()).toMatchObject({ Stripe_Invoice_Status__c: 'paid', Stripe_Invoice_Amount_Paid__c: 123.45 });
  });

  it('invoice.payment_failed on an open invoice shows payment_failed', async () => {
    const invoice = await openInvoice();
    await deliver(event('invoice.payment_failed', { id: invoice.id! }));
    expect(invoiceFields().Stripe_Invoice_Status__c).toBe('payment_failed');
  });
});

describe('proration auto-billing (spec §2.6.7, S44)', () => {
  let subscription: string;
  const period = () => ({ start: Math.floor(Date.now() / 1000), end: Math.floor(Date.now() / 1000) + 30 * 86_400 });
  const prorationInvoices = () =>
    services.stripe.store.invoices.all().filter((i) => i.metadata.salesforce_proration_invoice === 'true');

  beforeAll(async () => {
    const product = await stripe.products.create({ name: 'Seats' });
    const price = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 1000,
      recurring: { interval: 'month' },
    });
    subscription = (
      await stripe.subscriptions.create({
        customer,
        items: [{ price: price.id }],
        collection_method: 'send_invoice',
        days_until_due: 30,
      })
    ).id;
  });

  const item = (metadata: Record<string, string>, itemPeriod = period()) =>
    stripe.invoiceItems.create({
      customer,
      subscription,
      amount: 5_000,
      currency: 'usd',
      period: itemPeriod,
      metadata,
    });

  it('bills a proration item of a subscription with exactly one invoice, also when the event is replayed', async () => {
    const created = await item({ salesforce_proration: 'true' });
    const replayed = event('invoiceitem.created', created as unknown as { id: string });
    const before = prorationInvoices().length;
    expect((await deliver(replayed)).status).toBe(200);
    expect((await deliver(replayed)).status).toBe(200);
    expect((await deliver(event('invoiceitem.created', created as unknown as { id: string }))).status).toBe(200);
    expect(prorationInvoices()).toHaveLength(before + 1);
    const billed = prorationInvoices().at(-1)! as unknown as {
      parent: { subscription_details: { subscription: string } };
      lines: { data: { amount: number }[] };
    };
    expect(billed.parent.subscription_details.subscription).toBe(subscription);
    expect(billed.lines.data.map((l) => l.amount)).toContain(5_000);
  });

  it('does not bill items without salesforce_proration, with an empty period, or without a subscription', async () => {
    const before = prorationInvoices().length;
    const plain = await item({});
    const now = Math.floor(Date.now() / 1000);
    const empty = await item({ salesforce_proration: 'true' }, { start: now, end: now });
    const loose = await stripe.invoiceItems.create({
      customer,
      amount: 100,
      currency: 'usd',
      metadata: { salesforce_proration: 'true' },
    });
    for (const created of [plain, empty, loose])
      expect((await deliver(event('invoiceitem.created', created as unknown as { id: string }))).status).toBe(200);
    expect(prorationInvoices()).toHaveLength(before);
  });
});
