/**
 * Stripe webhook events (POST /webhooks/stripe). The signature is verified on the raw body with
 * `stripe.webhooks.constructEvent` (tolerance 300 s); events are deduplicated by id; ordering is never
 * assumed — each handler re-fetches the object and writes its current state.
 * - `invoiceitem.created` (spec §2.6.7, S44): a proration item of a subscription (metadata
 *   `salesforce_proration`, a real period, not yet invoiced, and no copy of one already billed) is billed at
 *   once by an invoice with metadata `salesforce_proration_invoice`, keyed by the item's id so a replay
 *   creates nothing twice.
 * - `invoice.finalized | paid | payment_failed | voided` → the Order's invoice status, amounts, payment
 *   and Dashboard links, found by the `salesforce_order_id` metadata of the invoice or its subscription,
 *   and its billing summary (next and latest invoice), in the same Order update.
 * - `invoice.created | updated | marked_uncollectible` and `subscription_schedule.*` (created, updated,
 *   released, canceled, completed, …) → the Order's billing summary, read back from Stripe.
 */
import type Stripe from 'stripe';
import { Decimal, isZeroDecimalCurrency } from '../core/money.js';
import { isSalesforceId } from '../core/records/salesforceIds.js';
import { summaryFieldText } from '../core/billingSummary/schema.js';
import type { SalesforceClient } from '../salesforce/client.js';
import { customerInvoiceItems } from '../stripe/billingReads.js';
import { readBillingSummary } from '../stripe/billingSummary.js';
import type { StripeGateway } from '../stripe/client.js';
import { dashboardLink } from '../stripe/links.js';

export const WEBHOOK_TOLERANCE_SECONDS = 300;

export type WebhookOutcome = 'handled' | 'ignored' | 'duplicate';

export class InvalidSignature extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSignature';
  }
}

/** Remembers the last `capacity` event ids (Stripe retries deliveries for days; replays inside that window are dropped). */
export class SeenEvents {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity = 10_000) {}

  /** True the first time an id is offered. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
    return true;
  }

  forget(id: string): void {
    this.ids.delete(id);
  }
}

export interface WebhookContext {
  readonly stripe: StripeGateway;
  readonly salesforce: SalesforceClient;
  readonly secret: string;
  readonly seen: SeenEvents;
}

/** Verifies the signature; throws InvalidSignature. */
export function verifyEvent(
  ctx: Pick<WebhookContext, 'stripe' | 'secret'>,
  rawBody: Buffer,
  signature: string | undefined,
): Stripe.Event {
  if (!signature) throw new InvalidSignature('Missing Stripe-Signature header.');
  try {
    return ctx.stripe.stripe.webhooks.constructEvent(rawBody, signature, ctx.secret, WEBHOOK_TOLERANCE_SECONDS);
  } catch (error) {
    throw new InvalidSignature((error as Error).message);
  }
}

export async function handleEvent(ctx: WebhookContext, event: Stripe.Event): Promise<WebhookOutcome> {
  if (!ctx.seen.add(event.id)) return 'duplicate';
  try {
    switch (event.type) {
      case 'invoiceitem.created':
        return await billProration(ctx, event.data.object);
      case 'invoice.finalized':
      case 'invoice.paid':
      case 'invoice.payment_failed':
      case 'invoice.voided':
        return await recordInvoiceState(ctx, event.data.object, event.type === 'invoice.payment_failed');
      case 'invoice.created':
      case 'invoice.updated':
      case 'invoice.marked_uncollectible':
        return await refreshInvoiceSummary(ctx, event.data.object);
      default:
        if (event.type.startsWith('subscription_schedule.'))
          return await refreshScheduleSummary(ctx, event.data.object as Stripe.SubscriptionSchedule);
        return 'ignored';
    }
  } catch (error) {
    ctx.seen.forget(event.id); // Stripe retries the delivery; let the retry in.
    throw error;
  }
}

const subscriptionOf = (item: Stripe.InvoiceItem): string | undefined => {
  const parent = item.parent as { subscription_details?: { subscription?: string | { id: string } } } | null;
  const sub = parent?.subscription_details?.subscription;
  return typeof sub === 'string' ? sub : sub?.id;
};

async function billProration(ctx: WebhookContext, created: Stripe.InvoiceItem): Promise<WebhookOutcome> {
  const subscription = subscriptionOf(created);
  if (!subscription || created.period.start === created.period.end || created.metadata?.salesforce_proration !== 'true')
    return 'ignored';
  const customer = typeof created.customer === 'string' ? created.customer : created.customer.id;
  const items = await customerInvoiceItems(ctx.stripe, customer);
  const item = items.find((i) => i.id === created.id);
  if (!item || item.invoice) return 'ignored';
  // Left pending, a copy would ride on this or the subscription's next invoice and bill the proration twice:
  // the first of the copies is billed (or was), every later one deleted.
  const copies = items.filter((other) => other.id !== item.id && prorationIdentity(other) === prorationIdentity(item));
  const laterCopies = copies.filter((other) => !other.invoice && !billsBefore(other, item));
  if (copies.length > laterCopies.length) {
    await deleteInvoiceItem(ctx, item.id);
    return 'handled';
  }
  for (const copy of laterCopies) await deleteInvoiceItem(ctx, copy.id);
  await ctx.stripe.call('invoices.create', () =>
    ctx.stripe.stripe.invoices.create(
      {
        customer,
        subscription,
        metadata: { salesforce_proration_invoice: 'true' },
        auto_advance: true,
        pending_invoice_items_behavior: 'include',
      },
      { idempotencyKey: `sfcpq:proration-invoice:${item.id}` },
    ),
  );
  return 'handled';
}

/** Of two copies of one proration, the one billed: the earlier created (ties broken by id, so exactly one). */
function billsBefore(other: Stripe.InvoiceItem, item: Stripe.InvoiceItem): boolean {
  return other.date < item.date || (other.date === item.date && other.id < item.id);
}

const deleteInvoiceItem = (ctx: WebhookContext, id: string) =>
  ctx.stripe.call('invoiceItems.del', () => ctx.stripe.stripe.invoiceItems.del(id));

/**
 * What two copies of one connector proration share (Stripe re-creates a phase's items when the phase splits,
 * spec §2.6.7): every field the reference compares, in one comparable string.
 */
function prorationIdentity(item: Stripe.InvoiceItem): string {
  const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
  const price = item.pricing?.price_details?.price;
  return JSON.stringify([
    subscriptionOf(item),
    item.amount,
    item.currency,
    item.description ?? null,
    Object.entries(item.metadata ?? {}).sort(([a], [b]) => a.localeCompare(b)),
    item.period.start,
    item.period.end,
    typeof price === 'string' ? price : (price?.id ?? null),
    item.proration,
    item.livemode,
    item.quantity,
    text(item.quantity_decimal),
    text(item.pricing?.unit_amount_decimal),
    (item.tax_rates ?? []).map((rate) => rate.id).sort(),
  ]);
}

/** Current invoice state (re-fetched, so late or repeated events cannot roll it back) → Order fields. */
async function recordInvoiceState(
  ctx: WebhookContext,
  sent: Stripe.Invoice,
  paymentFailed: boolean,
): Promise<WebhookOutcome> {
  const invoice = await ctx.stripe.call('invoices.retrieve', () => ctx.stripe.stripe.invoices.retrieve(sent.id!));
  const orderId = orderIdOf(invoice);
  if (!orderId) return 'ignored';
  const major = (minor: number) => new Decimal(minor).div(isZeroDecimalCurrency(invoice.currency) ? 1 : 100).toNumber();
  const status = paymentFailed && invoice.status === 'open' ? 'payment_failed' : invoice.status;
  await ctx.salesforce.updateRecord('Order', orderId, {
    ...(await summaryFields(ctx, await billingObjectOf(ctx, invoice))),
    Stripe_Invoice_Status__c: status,
    Stripe_Invoice_Amount_Due__c: major(invoice.amount_due),
    Stripe_Invoice_Amount_Paid__c: major(invoice.amount_paid),
    Stripe_Invoice_Dashboard_Link__c: dashboardLink(invoice.id!, invoice.livemode),
    ...(invoice.hosted_invoice_url ? { Stripe_Invoice_Payment_Link__c: invoice.hosted_invoice_url } : {}),
  });
  return 'handled';
}

/** The Order an invoice belongs to: its own metadata (one-time orders) or its subscription's (schedules). */
function orderIdOf(invoice: Stripe.Invoice): string | undefined {
  const subscriptionMetadata = (
    invoice.parent as { subscription_details?: { metadata?: Record<string, string> | null } } | null
  )?.subscription_details?.metadata;
  return orderIdIn(invoice.metadata) ?? orderIdIn(subscriptionMetadata);
}

function orderIdIn(metadata: Record<string, string> | null | undefined): string | undefined {
  const id = metadata?.salesforce_order_id ?? metadata?.salesforce_sandbox_order_id;
  return id && isSalesforceId(id) ? id : undefined;
}

/** An invoice event that changes no invoice field the Order shows: only the summary's next and latest invoice. */
async function refreshInvoiceSummary(ctx: WebhookContext, sent: Stripe.Invoice): Promise<WebhookOutcome> {
  const invoice = await ctx.stripe.call('invoices.retrieve', () => ctx.stripe.stripe.invoices.retrieve(sent.id!));
  const orderId = orderIdOf(invoice);
  if (!orderId) return 'ignored';
  const fields = await summaryFields(ctx, await billingObjectOf(ctx, invoice));
  if (Object.keys(fields).length === 0) return 'ignored';
  await ctx.salesforce.updateRecord('Order', orderId, fields);
  return 'handled';
}

/** A schedule event: the summary of the schedule as it is now (re-read, so order of events does not matter). */
async function refreshScheduleSummary(
  ctx: WebhookContext,
  schedule: Stripe.SubscriptionSchedule,
): Promise<WebhookOutcome> {
  const orderId = orderIdIn(schedule.metadata);
  if (!orderId || !schedule.id) return 'ignored';
  const fields = await summaryFields(ctx, schedule.id);
  if (Object.keys(fields).length === 0) return 'ignored';
  await ctx.salesforce.updateRecord('Order', orderId, fields);
  return 'handled';
}

/** The Stripe object an Order stands for, from one of its invoices: the subscription's schedule, the subscription, or the one-time invoice. */
async function billingObjectOf(ctx: WebhookContext, invoice: Stripe.Invoice): Promise<string | undefined> {
  const subscriptionId = (
    invoice.parent as { subscription_details?: { subscription?: string | { id: string } } } | null
  )?.subscription_details?.subscription;
  const id = typeof subscriptionId === 'string' ? subscriptionId : subscriptionId?.id;
  if (!id) return invoice.id;
  const subscription = await ctx.stripe.call('subscriptions.retrieve', () =>
    ctx.stripe.stripe.subscriptions.retrieve(id),
  );
  const schedule = subscription.schedule;
  return (typeof schedule === 'string' ? schedule : schedule?.id) ?? subscription.id;
}

async function summaryFields(ctx: WebhookContext, stripeId: string | undefined): Promise<Record<string, string>> {
  if (!stripeId) return {};
  const summary = await readBillingSummary(ctx.stripe, stripeId, new Date());
  return summary ? { Stripe_Billing_Summary__c: summaryFieldText(summary) } : {};
}
