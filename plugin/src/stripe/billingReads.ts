/**
 * How the product reads an order's billing back from Stripe, for the plan (linkedObjects.ts) and the billing
 * summary (billingSummary.ts) alike: discounts expanded, because Stripe names them by id (`di_…`) and a Discount
 * is read only through its holder (docs.stripe.com/api/discounts/object), and an invoice with all its lines.
 */
import type Stripe from 'stripe';
import { listAll, type StripeGateway } from './client.js';

/** A subscription's own and its items' discounts, each naming its coupon (`source.coupon`). */
export const SUBSCRIPTION_EXPAND = ['discounts', 'items.data.discounts'];

/** An invoice's own and its embedded lines' discounts. */
export const INVOICE_EXPAND = ['discounts', 'lines.data.discounts'];

/**
 * The invoice with every line: Stripe embeds the first 10 (`lines.has_more` when there are more,
 * docs.stripe.com/api/invoices/object#invoice_object-lines); the rest are paged, their discounts expanded too.
 */
export async function withAllLines(gateway: StripeGateway, invoice: Stripe.Invoice): Promise<Stripe.Invoice> {
  if (!invoice.lines.has_more) return invoice;
  const data = await listAll(
    gateway,
    'invoices.listLineItems',
    (page) => gateway.stripe.invoices.listLineItems(invoice.id, { ...page, expand: ['data.discounts'] }),
    invoice.lines,
  );
  return { ...invoice, lines: { ...invoice.lines, data, has_more: false } };
}

/** The customer's invoice items, pending and invoiced, as they are now (one read per 100 items). */
export function customerInvoiceItems(gateway: StripeGateway, customer: string): Promise<Stripe.InvoiceItem[]> {
  return listAll(gateway, 'invoiceItems.list', (page) => gateway.stripe.invoiceItems.list({ ...page, customer }));
}
