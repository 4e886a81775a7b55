// Proration auto-billing skips copies (spec §2.6.7): Stripe can re-create a phase's invoice items when the
// phase splits, and a copy equal to a connector proration already billed must not get a second invoice, nor
// stay pending for the next one: the first copy is billed, later ones are deleted.
// Equal means same subscription and equal amount, currency, description, metadata, period, price,
// proration, livemode, quantity, unit amount and tax rates; any difference is a charge of its own.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type Stripe from 'stripe';
import type { RunningRelay } from '../../plugin/src/relay/index.js';
import { deliverWebhook, startServices, startWebhookRelay, stripeEvent, type Services } from './support.js';

let services: Services;
let relay: RunningRelay;
let stripe: Stripe;
let customer: string;
let subscription: string;
let oneTimePrice: string;

const period = { start: Date.UTC(2031, 0, 1) / 1000, end: Date.UTC(2031, 6, 1) / 1000 };
const metadata = { salesforce_proration: 'true', salesforce_order_item_id: '802000000000001AAA' };

beforeAll(async () => {
  services = await startServices();
  stripe = services.gateway.stripe;
  relay = await startWebhookRelay(services);
  customer = (await stripe.customers.create({ name: 'Dedupe test' })).id;
  const product = await stripe.products.create({ name: 'Seats' });
  const recurring = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 1000,
    recurring: { interval: 'month' },
  });
  oneTimePrice = (await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 2500 })).id;
  subscription = (
    await stripe.subscriptions.create({
      customer,
      items: [{ price: recurring.id }],
      collection_method: 'send_invoice',
      days_until_due: 30,
    })
  ).id;
});
afterAll(async () => {
  await relay.stop();
  await services.close();
});

/** Delivers `invoiceitem.created` for the item, signed, and answers the HTTP status. */
async function deliverCreated(item: Stripe.InvoiceItem): Promise<number> {
  return (await deliverWebhook(relay, stripeEvent('invoiceitem.created', item))).status;
}

const prorationItem = (overrides: Partial<Stripe.InvoiceItemCreateParams> = {}) =>
  stripe.invoiceItems.create({
    customer,
    subscription,
    pricing: { price: oneTimePrice },
    quantity: 2,
    period,
    metadata,
    ...overrides,
  });

const prorationInvoices = () =>
  services.stripe.store.invoices.all().filter((i) => i.metadata.salesforce_proration_invoice === 'true');
const invoiceOf = (item: Stripe.InvoiceItem) => services.stripe.store.invoiceItems.get(item.id).invoice;

describe('proration auto-billing compares a new item with the connector items already billed', () => {
  let billed: Stripe.InvoiceItem;

  beforeAll(async () => {
    billed = await prorationItem();
    expect(await deliverCreated(billed)).toBe(200);
  });

  it('bills the first proration with one invoice', () => {
    expect(prorationInvoices()).toHaveLength(1);
    expect(invoiceOf(billed)).toBe(prorationInvoices()[0]!.id);
  });

  it('does not bill an identical item Stripe re-created: no second invoice, and the copy is deleted so no later invoice takes it', async () => {
    const copy = await prorationItem();
    expect(await deliverCreated(copy)).toBe(200);
    expect(prorationInvoices()).toHaveLength(1);
    expect(services.stripe.store.invoiceItems.find(copy.id)?.deleted).toBe(true);
    expect((await stripe.invoiceItems.list({ customer, pending: true })).data.map((i) => i.id)).not.toContain(copy.id);
    expect(invoiceOf(billed)).toBe(prorationInvoices()[0]!.id);
  });

  it('of two pending copies delivered in either order, bills one and deletes the other', async () => {
    const first = await prorationItem({ quantity: 7 });
    const second = await prorationItem({ quantity: 7 });
    const before = prorationInvoices().length;
    expect(await deliverCreated(second)).toBe(200);
    expect(await deliverCreated(first)).toBe(200);
    expect(prorationInvoices()).toHaveLength(before + 1);
    const fates = [first, second].map((item) =>
      services.stripe.store.invoiceItems.find(item.id)?.deleted ? 'deleted' : invoiceOf(item),
    );
    expect(fates.sort()).toEqual([prorationInvoices().at(-1)!.id, 'deleted'].sort());
  });

  it.each<[string, Partial<Stripe.InvoiceItemCreateParams>]>([
    ['a different quantity (so a different amount)', { quantity: 3 }],
    ['a different period', { period: { start: period.start, end: Date.UTC(2031, 3, 1) / 1000 } }],
    [
      'different metadata (another order line)',
      { metadata: { ...metadata, salesforce_order_item_id: '802000000000002AAA' } },
    ],
    ['a description', { description: 'Seats, prorated' }],
  ])('bills an item that differs by %s', async (_difference, overrides) => {
    const before = prorationInvoices().length;
    const other = await prorationItem(overrides);
    expect(await deliverCreated(other)).toBe(200);
    expect(prorationInvoices()).toHaveLength(before + 1);
    expect(invoiceOf(other)).toBe(prorationInvoices().at(-1)!.id);
  });
});
