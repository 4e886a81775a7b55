/**
 * An order whose lines are all one-time → one finalized Stripe invoice (spec §2.5 step 5.5, S5).
 *
 * Choice for today's API (pending invoice items are excluded from new invoices since 2022-08-01): the
 * draft invoice is created first with `pending_invoice_items_behavior: 'exclude'` and each invoice item
 * is attached to it with `invoice`. That bills exactly this order's lines — never other pending items
 * the customer may have (e.g. proration items of a subscription) — and leaves nothing to chance
 * between the calls. The invoice is then finalized, which gives the `hosted_invoice_url` written to the
 * Order's `Stripe_Invoice_Payment_Link__c`.
 *
 * Coupons (spec §2.8): a line's own coupons are its invoice item's `discounts`, the order's coupons the
 * invoice's `discounts` (off what the lines leave), as a schedule's phase and items carry them. The reference
 * connector bills the line coupons but drops the order's on a one-time order; the product bills both (README
 * Decisions).
 */
import type Stripe from 'stripe';
import { collectionFor } from './collection.js';
import type { PlanningContext } from '../plan/context.js';
import type { ContractExtensions } from '../plan/extensions.js';
import { toUnixSeconds } from '../dates.js';
import { idempotencyKey } from '../plan/idempotency.js';
import type { Discounts, PlannedLine } from './lines.js';
import { applyMappings, toNestedParams } from '../mappings/mappings.js';
import { mappedMetadata, metadataPaths, recordMetadata } from '../mappings/metadata.js';
import type { OrderHeader } from './orderHeader.js';
import { ref, refField, type Ref } from '../plan/plan.js';
import { planAutoArchive } from '../pricing/prices.js';
import { recordRef } from '../records/records.js';
import { successSyncRecord } from '../plan/syncRecords.js';

export function oneTimeInvoiceParams(
  header: OrderHeader,
  customer: string | Ref,
  discounts: Discounts,
  ctx: PlanningContext,
): Stripe.InvoiceCreateParams {
  const orderRef = recordRef('Order', header.order.Id);
  const { fields } = applyMappings('invoice', header.order, ctx.index, ctx.sync.mappings);
  const mapped = toNestedParams(fields, [
    'collection_method',
    'days_until_due',
    ...metadataPaths(fields),
  ]) as Partial<Stripe.InvoiceCreateParams>;
  const collection = collectionFor(fields.collection_method, fields.days_until_due, orderRef, 'days_until_due', ctx);
  return {
    ...mapped,
    customer,
    ...collection,
    auto_advance: false,
    pending_invoice_items_behavior: 'exclude',
    ...(discounts.length > 0 ? { discounts } : {}),
    metadata: { ...recordMetadata(orderRef, ctx.sync), ...mappedMetadata(fields) },
  };
}

export function invoiceItemParams(
  line: PlannedLine,
  header: OrderHeader,
  customer: string | Ref,
  invoice: Ref,
  discounts: Discounts,
): Stripe.InvoiceItemCreateParams {
  return {
    customer,
    invoice,
    pricing: { price: line.price.price },
    quantity: line.quantity ?? 1,
    ...(discounts.length > 0 ? { discounts } : {}),
    metadata: line.metadata,
    period: { start: toUnixSeconds(header.start), end: toUnixSeconds(header.end) },
  };
}

/** Plans invoice → items → finalize, the Order write-backs and the success Sync Record. */
export function planOneTimeInvoice(
  header: OrderHeader,
  customer: string | Ref,
  lines: readonly PlannedLine[],
  ctx: PlanningContext,
  extensions: Pick<ContractExtensions, 'orderDiscounts' | 'lineDiscounts'>,
): Ref {
  const order = header.order;
  const orderRef = recordRef('Order', order.Id);
  const invoiceRef = ref('invoice', orderRef.id);
  const key = (operation: string, detail?: string): string => idempotencyKey(ctx.sync.orgId, order, operation, detail);
  // Coupons are planned (created or reused) before the invoice that names them.
  const orderCoupons = extensions.orderDiscounts(order, ctx);
  const lineCoupons = lines.map((line) => extensions.lineDiscounts(line.item, ctx));
  ctx.plan.add({
    op: 'invoices.create',
    ref: invoiceRef,
    params: oneTimeInvoiceParams(header, customer, orderCoupons, ctx),
    idempotencyKey: key('invoices.create'),
    source: orderRef,
  });
  for (const [i, line] of lines.entries()) {
    ctx.plan.add({
      op: 'invoiceItems.create',
      ref: ref('invoice_item', line.ref.id),
      params: invoiceItemParams(line, header, customer, invoiceRef, lineCoupons[i]!),
      idempotencyKey: idempotencyKey(ctx.sync.orgId, line.item, 'invoiceItems.create'),
      source: line.ref,
    });
  }
  ctx.plan.add({
    op: 'invoices.finalizeInvoice',
    ref: invoiceRef,
    id: invoiceRef,
    params: {},
    idempotencyKey: key('invoices.finalizeInvoice'),
    source: orderRef,
  });
  ctx.plan.writeBack(
    orderRef,
    { Stripe_ID__c: invoiceRef, Stripe_Invoice_Payment_Link__c: refField(invoiceRef, 'hosted_invoice_url') },
    order,
  );
  ctx.plan.syncRecord(successSyncRecord(orderRef, 'Invoice', invoiceRef));
  planAutoArchive(
    lines.map((line) => line.price.price),
    order,
    ctx,
  );
  return invoiceRef;
}
