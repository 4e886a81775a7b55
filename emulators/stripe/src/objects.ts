/**
 * The stored objects, in Stripe's response shapes for the pinned API version (fields the product reads are
 * typed; the rest ride along untyped), and the store that holds one collection per resource.
 */
import type { DiscountRef } from './discounts.js';
import { DueIndex } from './dueIndex.js';
import { Collection, Journal, type StoredObject, type StripeObject } from './store.js';

export type Metadata = Record<string, string>;

export interface Customer extends StripeObject {
  object: 'customer';
  email: string | null;
  name: string | null;
  metadata: Metadata;
  test_clock: string | null;
  /** Set by the first subscription, schedule or invoice item; a customer bills in one currency. */
  currency: string | null;
  /** Emulator-only: the test card the customer pays with (`pm_card_visa`, `pm_card_chargeDeclined`), if any. */
  invoice_settings: { default_payment_method: string | null; [k: string]: unknown };
}

export interface Product extends StripeObject {
  object: 'product';
  name: string;
  active: boolean;
  metadata: Metadata;
}

export interface Recurring {
  interval: 'day' | 'week' | 'month' | 'year';
  interval_count: number;
  usage_type: 'licensed' | 'metered';
  meter: string | null;
  trial_period_days: number | null;
}

export interface PriceTier {
  up_to: number | null;
  unit_amount: number | null;
  unit_amount_decimal: string | null;
  flat_amount: number | null;
  flat_amount_decimal: string | null;
}

export interface Price extends StripeObject {
  object: 'price';
  active: boolean;
  currency: string;
  product: string;
  type: 'one_time' | 'recurring';
  billing_scheme: 'per_unit' | 'tiered';
  unit_amount: number | null;
  unit_amount_decimal: string | null;
  recurring: Recurring | null;
  tiers_mode: 'graduated' | 'volume' | null;
  tiers?: PriceTier[];
  tax_behavior: 'exclusive' | 'inclusive' | 'unspecified' | null;
  lookup_key: string | null;
  nickname: string | null;
  metadata: Metadata;
}

export interface Coupon extends StripeObject {
  object: 'coupon';
  percent_off: number | null;
  amount_off: number | null;
  currency: string | null;
  duration: 'once' | 'repeating' | 'forever';
  duration_in_months: number | null;
}

export interface Meter extends StripeObject {
  object: 'billing.meter';
  event_name: string;
  status: 'active' | 'inactive';
}

export interface TestClock extends StripeObject {
  object: 'test_helpers.test_clock';
  frozen_time: number;
  status: 'advancing' | 'internal_failure' | 'ready';
}

/** A schedule phase as stored: absolute start and end (Stripe echoes both on every phase). */
export interface SchedulePhase {
  start_date: number;
  end_date: number;
  items: PhaseItem[];
  add_invoice_items: PhaseItem[];
  proration_behavior: 'always_invoice' | 'create_prorations' | 'none';
  collection_method: 'charge_automatically' | 'send_invoice' | null;
  currency: string;
  discounts: DiscountRef[];
  metadata: Metadata;
  [field: string]: unknown;
}

export interface PhaseItem {
  price: string;
  quantity: number;
  metadata: Metadata;
  discounts: DiscountRef[];
  [field: string]: unknown;
}

export interface SubscriptionSchedule extends StripeObject {
  object: 'subscription_schedule';
  customer: string;
  status: 'not_started' | 'active' | 'completed' | 'released' | 'canceled';
  end_behavior: 'cancel' | 'release';
  phases: SchedulePhase[];
  current_phase: { start_date: number; end_date: number } | null;
  subscription: string | null;
  released_subscription: string | null;
  test_clock: string | null;
  default_settings: {
    collection_method: string;
    invoice_settings: { days_until_due: number | null; [k: string]: unknown };
    [k: string]: unknown;
  };
  metadata: Metadata;
}

export interface SubscriptionItem {
  id: string;
  object: 'subscription_item';
  created: number;
  price: Price;
  quantity: number;
  metadata: Metadata;
  subscription: string;
  current_period_start: number;
  current_period_end: number;
  /** Discount ids. */
  discounts: string[];
  [field: string]: unknown;
}

export interface Subscription extends StripeObject {
  object: 'subscription';
  customer: string;
  status: 'active' | 'canceled' | 'incomplete' | 'past_due' | 'trialing' | 'unpaid';
  items: { object: 'list'; data: SubscriptionItem[]; has_more: false; url: string };
  schedule: string | null;
  currency: string;
  billing_cycle_anchor: number;
  start_date: number;
  cancel_at: number | null;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  ended_at: number | null;
  collection_method: 'charge_automatically' | 'send_invoice';
  days_until_due: number | null;
  latest_invoice: string | null;
  /** Subscription-level Discount ids, applied to every invoice while in effect. */
  discounts: string[];
  test_clock: string | null;
  metadata: Metadata;
}

/** Stripe's InvoiceItem has `date` where other resources have `created`. */
export interface InvoiceItem extends StoredObject {
  object: 'invoiceitem';
  date: number;
  livemode: false;
  customer: string;
  amount: number;
  currency: string;
  quantity: number;
  invoice: string | null;
  period: { start: number; end: number };
  parent: { type: 'subscription_details'; subscription_details: { subscription: string } } | null;
  discountable: boolean;
  /** Discount ids. */
  discounts: string[];
  /** `price_details` is absent on an item priced by `unit_amount_decimal` alone. */
  pricing: {
    type: 'price_details';
    price_details?: { price: string; product: string };
    unit_amount_decimal: string;
  } | null;
  description: string | null;
  test_clock: string | null;
  metadata: Metadata;
}

export interface InvoiceLine {
  id: string;
  object: 'line_item';
  amount: number;
  currency: string;
  description: string | null;
  quantity: number;
  period: { start: number; end: number };
  pricing: {
    type: 'price_details';
    price_details?: { price: string; product: string };
    unit_amount_decimal: string | null;
  } | null;
  parent: Record<string, unknown>;
  /** Item-level discounts taken off this line. */
  discount_amounts: { amount: number; discount: string }[];
  discounts: string[];
  metadata: Metadata;
  [field: string]: unknown;
}

export interface Invoice extends StripeObject {
  object: 'invoice';
  customer: string;
  status: 'draft' | 'open' | 'paid' | 'uncollectible' | 'void';
  auto_advance: boolean;
  automatically_finalizes_at: number | null;
  collection_method: 'charge_automatically' | 'send_invoice';
  currency: string;
  /** Stored with every line; answers carry the first EMBEDDED_INVOICE_LINES (resources/invoices.ts). */
  lines: { object: 'list'; data: InvoiceLine[]; has_more: boolean; url: string };
  subtotal: number;
  total: number;
  amount_due: number;
  amount_paid: number;
  amount_remaining: number;
  /** Invoice-level Discount ids. */
  discounts: string[];
  total_discount_amounts: { amount: number; discount: string }[];
  attempt_count: number;
  attempted: boolean;
  hosted_invoice_url: string | null;
  invoice_pdf: string | null;
  number: string | null;
  due_date: number | null;
  parent: {
    type: 'subscription_details';
    quote_details: null;
    subscription_details: { subscription: string; metadata: Metadata };
  } | null;
  billing_reason: 'manual' | 'subscription_create' | 'subscription_cycle' | 'subscription_update';
  status_transitions: {
    finalized_at: number | null;
    paid_at: number | null;
    voided_at: number | null;
    marked_uncollectible_at: number | null;
  };
  test_clock: string | null;
  metadata: Metadata;
}

export interface Discount {
  id: string;
  object: 'discount';
  checkout_session: null;
  customer: string;
  customer_account: null;
  end: number | null;
  invoice: string | null;
  invoice_item: string | null;
  promotion_code: null;
  source: { coupon: string | null; type: 'coupon' };
  start: number;
  subscription: string | null;
  subscription_item: string | null;
  [field: string]: unknown;
}

export interface WebhookEndpoint extends StripeObject {
  object: 'webhook_endpoint';
  url: string;
  enabled_events: string[];
  secret?: string;
  status: 'enabled' | 'disabled';
}

export interface StripeEvent extends StripeObject {
  object: 'event';
  type: string;
  api_version: string;
  data: { object: StoredObject; previous_attributes?: Record<string, unknown> };
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
}

export class StripeStore {
  /** Undoes a refused write request's changes (see Journal). */
  readonly journal = new Journal();
  readonly customers = new Collection<Customer>('customer', 'cus', this.journal);
  readonly products = new Collection<Product>('product', 'prod', this.journal);
  readonly prices = new Collection<Price>('price', 'price', this.journal);
  readonly coupons = new Collection<Coupon>('coupon', '', this.journal);
  readonly meters = new Collection<Meter>('billing meter', 'mtr', this.journal);
  readonly testClocks = new Collection<TestClock>('test clock', 'clock', this.journal);
  readonly subscriptionSchedules = new Collection<SubscriptionSchedule>(
    'subscription schedule',
    'sub_sched',
    this.journal,
  );
  readonly subscriptions = new Collection<Subscription>('subscription', 'sub', this.journal);
  readonly invoiceItems = new Collection<InvoiceItem>('invoiceitem', 'ii', this.journal);
  readonly invoices = new Collection<Invoice>('invoice', 'in', this.journal);
  readonly discounts = new Collection<Discount>('discount', 'di', this.journal);
  readonly webhookEndpoints = new Collection<WebhookEndpoint>('webhook endpoint', 'we', this.journal);
  readonly events = new Collection<StripeEvent>('event', 'evt', this.journal);
  /** What each schedule, subscription and draft invoice does next by itself, and when (billing.ts applies it). */
  readonly due = new DueIndex(this);
  /** The payment methods attached to each customer, by customer id (paymentMethods.ts). */
  readonly attachedPaymentMethods = new Map<string, Set<string>>();
  /** Invoice numbers run per emulator, like an account's invoice prefix sequence. */
  invoiceSequence = 0;
}
