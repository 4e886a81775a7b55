/**
 * The billing summary of what Stripe holds for an order: its schedule, evergreen subscription or one-time
 * invoice is read back (discounts expanded, every invoice line: billingReads.ts), with the prices (each with
 * its product, expanded), coupons and latest invoice it names (one read each, in parallel), and summarised
 * by the core (core/billingSummary). Reads only: the sync engine calls
 * it after a sync, the relay's webhooks after an invoice or schedule event.
 */
import type Stripe from 'stripe';
import type { BillingSummary } from '../core/billingSummary/schema.js';
import {
  couponFacts,
  invoiceCoupons,
  invoiceFacts,
  invoiceItems,
  phaseCoupons,
  priceFacts,
  schedulePhases,
  subscriptionPhase,
} from '../core/billingSummary/stripeShapes.js';
import {
  summariseBilling,
  type BillingShape,
  type ItemRef,
  type PhaseShape,
} from '../core/billingSummary/summarise.js';
import { INVOICE_EXPAND, SUBSCRIPTION_EXPAND, withAllLines } from './billingReads.js';
import { retrieveEach, type StripeGateway } from './client.js';

type Held = Pick<BillingShape, 'kind' | 'phases' | 'oneTimeItems' | 'invoiceCoupons'> & {
  readonly latestInvoiceId: string | undefined;
  readonly invoice?: Stripe.Invoice;
};

const idOf = (value: string | { id: string } | null | undefined): string | undefined =>
  typeof value === 'string' ? value : value?.id;

/** The name of a price's expanded product (a deleted product has none: its id then). */
const productName = (price: Stripe.Price): string =>
  typeof price.product === 'object' && 'name' in price.product ? price.product.name : idOf(price.product)!;

/** The summary of the schedule (`sub_sched_…`), subscription (`sub_…`) or invoice (`in_…`) `stripeId`; undefined for any other id. */
export async function readBillingSummary(
  gateway: StripeGateway,
  stripeId: string,
  now: Date,
): Promise<BillingSummary | undefined> {
  const held = await readHeld(gateway, stripeId);
  if (!held) return undefined;
  const refs: ItemRef[] = [
    ...held.phases.flatMap((p) => [...p.items, ...p.oneTimeItems]),
    ...(held.oneTimeItems ?? []),
  ];
  const couponIds = [
    ...phaseCoupons(held.phases),
    ...(held.oneTimeItems ?? []).flatMap((i) => i.coupons ?? []),
    ...(held.invoiceCoupons ?? []),
  ];
  const [prices, coupons, latest] = await Promise.all([
    // With its product: one call per price, none per product.
    retrieveEach(
      gateway,
      'prices.retrieve',
      refs.map((r) => r.price),
      (id) => gateway.stripe.prices.retrieve(id, { expand: ['product'] }),
    ),
    retrieveEach(gateway, 'coupons.retrieve', couponIds, (id) => gateway.stripe.coupons.retrieve(id)),
    held.invoice ??
      (held.latestInvoiceId
        ? gateway.call('invoices.retrieve', () => gateway.stripe.invoices.retrieve(held.latestInvoiceId!))
        : undefined),
  ]);
  const currency = held.invoice?.currency ?? [...prices.values()][0]?.currency ?? 'usd';
  return summariseBilling({
    ...held,
    source: 'stripe',
    currency,
    stripeId,
    now: Math.floor(now.getTime() / 1000),
    latestInvoice: latest ? invoiceFacts(latest) : null,
    price: (id) => {
      const price = prices.get(id);
      return price ? priceFacts(price, productName(price)) : { product: id, unitAmount: undefined, recurring: null };
    },
    coupon: (id) => couponFacts(coupons.get(id) ?? {}, id),
  });
}

async function readHeld(gateway: StripeGateway, stripeId: string): Promise<Held | undefined> {
  const { stripe } = gateway;
  if (stripeId.startsWith('sub_sched_')) {
    const schedule = await gateway.call('subscriptionSchedules.retrieve', () =>
      stripe.subscriptionSchedules.retrieve(stripeId),
    );
    const subscriptionId = idOf(schedule.subscription) ?? idOf(schedule.released_subscription);
    const subscription = subscriptionId
      ? await gateway.call('subscriptions.retrieve', () => stripe.subscriptions.retrieve(subscriptionId))
      : undefined;
    const phases: PhaseShape[] = schedulePhases(schedule);
    return {
      kind: schedule.end_behavior === 'release' ? 'evergreen' : 'scheduled',
      phases,
      latestInvoiceId: idOf(subscription?.latest_invoice),
    };
  }
  if (stripeId.startsWith('sub_')) {
    const subscription = await gateway.call('subscriptions.retrieve', () =>
      stripe.subscriptions.retrieve(stripeId, { expand: SUBSCRIPTION_EXPAND }),
    );
    return {
      kind: 'evergreen',
      phases: [subscriptionPhase(subscription)],
      latestInvoiceId: idOf(subscription.latest_invoice),
    };
  }
  if (stripeId.startsWith('in_')) {
    const invoice = await withAllLines(
      gateway,
      await gateway.call('invoices.retrieve', () => stripe.invoices.retrieve(stripeId, { expand: INVOICE_EXPAND })),
    );
    return {
      kind: 'one-time',
      phases: [],
      oneTimeItems: invoiceItems(invoice),
      invoiceCoupons: invoiceCoupons(invoice),
      latestInvoiceId: undefined,
      invoice,
    };
  }
  return undefined;
}
