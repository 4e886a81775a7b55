/**
 * The core's output: a SyncPlan. It is data only — the ordered Stripe operations (params typed with
 * stripe-node's own param types) and the Salesforce write-backs and Sync Records that follow them.
 * Same input and clock → the same plan, byte for byte (`JSON.stringify`).
 *
 * Objects that do not exist yet are named by references: `ref('price', '01u…')` is the string
 * `@ref:price:01u…`, which the engine replaces with the id the creating operation returned. A reference
 * may stand anywhere a Stripe id goes (params, write-back values).
 */
import type Stripe from 'stripe';
import type { RecordRef } from '../errors.js';

export type Ref = `@ref:${string}`;

export function ref(kind: string, key: string): Ref {
  return `@ref:${kind}:${key}`;
}

/**
 * A field of the object a reference names, known only after the call: `refField(invoiceRef,
 * 'hosted_invoice_url')`, or a dotted path into it (`'phases.0.start_date'`). The engine keeps the latest result per reference (an update or finalize
 * operation carries the reference of the object it changes), so the value is read after the last one.
 */
export function refField(target: Ref, field: string): Ref {
  return `${target}#${field}`;
}

export function isRef(value: unknown): value is Ref {
  return typeof value === 'string' && value.startsWith('@ref:');
}

interface OperationBase {
  /** The reference this operation's result is known by (for creates), or the object it changes. */
  readonly ref: Ref;
  /** Deterministic: derived from (org, record, record version, operation), never random. */
  readonly idempotencyKey: string;
  /** The Salesforce record the operation stands for (Sync Records and errors point at it). */
  readonly source: RecordRef;
}

/** Id of an existing Stripe object, or a reference to one created earlier in the plan. */
type IdOrRef = string;

export type StripeOperation = OperationBase &
  (
    | { readonly op: 'testClocks.create'; readonly params: Stripe.TestHelpers.TestClockCreateParams }
    | { readonly op: 'customers.create'; readonly params: Stripe.CustomerCreateParams }
    | { readonly op: 'customers.update'; readonly id: IdOrRef; readonly params: Stripe.CustomerUpdateParams }
    | { readonly op: 'products.create'; readonly params: Stripe.ProductCreateParams }
    | { readonly op: 'products.update'; readonly id: IdOrRef; readonly params: Stripe.ProductUpdateParams }
    | { readonly op: 'billing.meters.create'; readonly params: Stripe.Billing.MeterCreateParams }
    | { readonly op: 'prices.create'; readonly params: Stripe.PriceCreateParams }
    | { readonly op: 'prices.update'; readonly id: IdOrRef; readonly params: Stripe.PriceUpdateParams }
    | { readonly op: 'coupons.create'; readonly params: Stripe.CouponCreateParams }
    | { readonly op: 'subscriptionSchedules.create'; readonly params: Stripe.SubscriptionScheduleCreateParams }
    | {
        readonly op: 'subscriptionSchedules.update';
        readonly id: IdOrRef;
        readonly params: Stripe.SubscriptionScheduleUpdateParams;
      }
    | {
        readonly op: 'subscriptionSchedules.cancel';
        readonly id: IdOrRef;
        readonly params: Stripe.SubscriptionScheduleCancelParams;
      }
    | {
        readonly op: 'subscriptionSchedules.release';
        readonly id: IdOrRef;
        readonly params: Stripe.SubscriptionScheduleReleaseParams;
      }
    | { readonly op: 'subscriptions.create'; readonly params: Stripe.SubscriptionCreateParams }
    | { readonly op: 'subscriptions.update'; readonly id: IdOrRef; readonly params: Stripe.SubscriptionUpdateParams }
    | { readonly op: 'subscriptions.cancel'; readonly id: IdOrRef; readonly params: Stripe.SubscriptionCancelParams }
    | { readonly op: 'invoiceItems.create'; readonly params: Stripe.InvoiceItemCreateParams }
    | { readonly op: 'invoices.create'; readonly params: Stripe.InvoiceCreateParams }
    | {
        readonly op: 'invoices.finalizeInvoice';
        readonly id: IdOrRef;
        readonly params: Stripe.InvoiceFinalizeInvoiceParams;
      }
  );

export type StripeOperationName = StripeOperation['op'];

/** A field update on one Salesforce record, applied after the Stripe operations it refers to. */
export interface SalesforceWriteBack {
  readonly sobject: string;
  readonly id: string;
  readonly fields: Readonly<Record<string, string | number | boolean | null>>;
}

export type SyncRecordStatus = 'Success' | 'Error' | 'Resolved' | 'Skipped';

/** A Sync Record, upserted by `compoundId` = "<primaryId>-<secondaryId>" (spec §2.10). */
export interface SyncRecordDraft {
  readonly compoundId: string;
  readonly primary: RecordRef;
  readonly secondary: RecordRef;
  readonly status: SyncRecordStatus;
  readonly message: string;
  readonly documentationLink: string;
}

export interface SyncPlan {
  /** The order the sync was asked for, and the initial order of its contract. */
  readonly primary: RecordRef;
  readonly operations: readonly StripeOperation[];
  readonly writeBacks: readonly SalesforceWriteBack[];
  readonly syncRecords: readonly SyncRecordDraft[];
  /** Things worth telling the admin that do not stop the sync (e.g. a skipped negative-price line). */
  readonly warnings: readonly string[];
  /**
   * Orders left for another plan: amendments stacked after one whose phase starts `now` need the
   * timestamp Stripe gives it, so the engine applies this plan, re-reads the schedule and plans again.
   */
  readonly deferred?: readonly RecordRef[];
}
