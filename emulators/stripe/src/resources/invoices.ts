/**
 * docs.stripe.com/api/invoices. Manual invoices follow today's API: pending invoice items are left out unless
 * `pending_invoice_items_behavior=include` (the default became `exclude` in 2022-08-01). Finalizing assigns a
 * number, a due date for `send_invoice` and the `hosted_invoice_url` (served by the emulator); paying needs
 * `paid_out_of_band` or a customer test card (`pm_card_visa` pays, `pm_card_chargeDeclined` declines with a 402
 * card_error and an `invoice.payment_failed` event); only open invoices can be voided.
 */
import { discountsAt, retrieveRoute } from '../expand.js';
import { invalidRequest, parameterMissing, StripeApiError } from '../errors.js';
import { lineAmount } from '../money.js';
import type { Customer, Invoice, InvoiceItem, InvoiceLine, Price, StripeStore } from '../objects.js';
import { listPage, newId, searchPage } from '../store.js';
import type { ApiRequest, EmulatorState, Route } from '../state.js';
import { applyMetadata, type Params } from '../validation.js';
import { checkAttached, DECLINING_PAYMENT_METHOD, NO_PAYMENT_METHOD_MESSAGE } from '../paymentMethods.js';
import { customerTime } from '../customerState.js';
import { emit } from '../events.js';
import { checkDiscounts, createDiscounts, discountAmounts, updateTotals } from '../discounts.js';
import type { Subscription } from '../objects.js';

/** An hour, as Stripe waits before finalizing a draft invoice with auto_advance. */
export const AUTO_FINALIZE_DELAY_SECONDS = 3600;

export function invoiceAutoFinalizeAt(createdAt: number): number {
  return createdAt + AUTO_FINALIZE_DELAY_SECONDS;
}

export interface InvoiceSettings {
  readonly collection_method: Invoice['collection_method'];
  /** For send_invoice: the due date is this many days after the invoice's date. */
  readonly days_until_due: number | null;
  readonly auto_advance: boolean;
  readonly billing_reason: Invoice['billing_reason'];
  readonly subscription?: Subscription;
}

export function createInvoice(
  state: EmulatorState,
  customer: Customer,
  at: number,
  settings: InvoiceSettings,
): Invoice {
  const id = newId('in', 24);
  const sendInvoice = settings.collection_method === 'send_invoice';
  return state.store.invoices.insert({
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Stripe emulator',
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: settings.auto_advance,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: settings.auto_advance ? invoiceAutoFinalizeAt(at) : null,
    billing_reason: settings.billing_reason,
    collection_method: settings.collection_method,
    created: at,
    currency: settings.subscription?.currency ?? 'usd',
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address ?? null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: customer.shipping,
    customer_tax_exempt: customer.tax_exempt ?? 'none',
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    // docs.stripe.com/api/invoices/object#invoice_object-due_date: null for charge_automatically.
    due_date: sendInvoice ? at + (settings.days_until_due ?? 0) * DAY_SECONDS : null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: [], has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: settings.subscription
      ? {
          type: 'subscription_details',
          quote_details: null,
          subscription_details: {
            subscription: settings.subscription.id,
            metadata: { ...settings.subscription.metadata },
          },
        }
      : null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: at,
    period_start: at,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: customer.test_clock,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  });
}

const DAY_SECONDS = 86_400;

/** A line of an invoice, in InvoiceLineItem's shape; `parent` says what it bills (a subscription item or an invoice item). */
export function invoiceLine(
  invoice: Invoice,
  line: Pick<
    InvoiceLine,
    'amount' | 'currency' | 'description' | 'quantity' | 'period' | 'pricing' | 'parent' | 'metadata'
  > & { discounts: string[] },
): InvoiceLine {
  return {
    id: newId('il', 24),
    object: 'line_item',
    discount_amounts: [],
    discountable: true,
    invoice: invoice.id,
    livemode: false,
    pretax_credit_amounts: [],
    quantity_decimal: String(line.quantity),
    subscription: invoice.parent?.subscription_details?.subscription ?? null,
    subtotal: line.amount,
    taxes: [],
    ...line,
    metadata: { ...line.metadata },
  };
}

export function subscriptionLine(
  invoice: Invoice,
  price: Price,
  quantity: number,
  period: { start: number; end: number },
  item: { subscription: string; id: string; metadata: Record<string, string>; discounts: string[] },
): InvoiceLine {
  return invoiceLine(invoice, {
    amount: lineAmount(price, quantity),
    currency: price.currency,
    description: null,
    quantity,
    period,
    pricing: {
      type: 'price_details',
      price_details: { price: price.id, product: price.product },
      unit_amount_decimal: price.unit_amount_decimal,
    },
    parent: {
      type: 'subscription_item_details',
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: null,
        subscription: item.subscription,
        subscription_item: item.id,
      },
    },
    metadata: item.metadata,
    discounts: item.discounts,
  });
}

/** Moves the customer's pending invoice items that `accept` takes onto the draft invoice. */
export function addPendingItems(state: EmulatorState, invoice: Invoice, accept: (item: InvoiceItem) => boolean): void {
  for (const item of state.store.invoiceItems.all()) {
    if (item.customer !== invoice.customer || item.invoice !== null || !accept(item)) continue;
    attachItem(state, invoice, item);
  }
}

export function attachItem(state: EmulatorState, invoice: Invoice, item: InvoiceItem): void {
  item.invoice = invoice.id;
  invoice.currency = item.currency;
  const line = invoiceLine(invoice, {
    amount: item.amount,
    currency: item.currency,
    description: item.description,
    quantity: item.quantity,
    period: item.period,
    pricing: item.pricing,
    parent: {
      type: 'invoice_item_details',
      invoice_item_details: {
        invoice_item: item.id,
        proration: false,
        proration_details: null,
        subscription: item.parent?.subscription_details.subscription ?? null,
      },
      subscription_item_details: null,
    },
    metadata: item.metadata ?? {},
    discounts: item.discounts,
  });
  line.discountable = item.discountable;
  line.discount_amounts = discountAmounts(state, item.amount, item.discounts);
  invoice.lines.data.push(line);
  updateTotals(state, invoice);
}

export function finalizeInvoice(state: EmulatorState, invoice: Invoice, at: number): Invoice {
  if (invoice.status !== 'draft') {
    throw invalidRequest(`This invoice is already finalized, you can't re-finalize a non-draft invoice.`, {
      code: 'invoice_not_editable',
    });
  }
  updateTotals(state, invoice);
  state.store.invoiceSequence += 1;
  invoice.status = 'open';
  invoice.number = `EMU-${String(state.store.invoiceSequence).padStart(4, '0')}`;
  invoice.automatically_finalizes_at = null;
  invoice.status_transitions.finalized_at = at;
  invoice.hosted_invoice_url = `${state.url}/hosted_invoices/${invoice.id}`;
  invoice.invoice_pdf = `${state.url}/hosted_invoices/${invoice.id}/pdf`;
  // The due date keeps its distance from the invoice's date: days_until_due counts from finalization.
  if (invoice.due_date !== null) invoice.due_date = at + (invoice.due_date - invoice.created);
  invoice.effective_at = at;
  invoice.ending_balance = 0;
  emit(state, 'invoice.finalized', invoice, at);
  if (invoice.amount_due === 0) markPaid(state, invoice, at);
  else if (invoice.collection_method === 'charge_automatically' && invoice.auto_advance)
    attemptPayment(state, invoice, at);
  return invoice;
}

function markPaid(state: EmulatorState, invoice: Invoice, at: number): void {
  invoice.status = 'paid';
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.status_transitions.paid_at = at;
  emit(state, 'invoice.paid', invoice, at);
}

/**
 * The card an invoice is charged to: the invoice's, its subscription's or the customer's default
 * (docs.stripe.com/api/invoices/object#invoice_object-default_payment_method gives that order), if any.
 */
function defaultCard(state: EmulatorState, invoice: Invoice): string | null {
  const subscriptionId = invoice.parent?.subscription_details.subscription;
  const subscription = subscriptionId ? state.store.subscriptions.find(subscriptionId) : undefined;
  return (
    (invoice.default_payment_method as string | null) ??
    (subscription?.default_payment_method as string | null | undefined) ??
    state.store.customers.get(invoice.customer, undefined, true).invoice_settings.default_payment_method
  );
}

/** Charges a test card: the one given to `invoices.pay`, else the default; true when paid. A missing or declining card fails the attempt. */
function attemptPayment(state: EmulatorState, invoice: Invoice, at: number, given?: string): boolean {
  const card = given ?? defaultCard(state, invoice);
  invoice.attempted = true;
  invoice.attempt_count += 1;
  if (card && card !== DECLINING_PAYMENT_METHOD) {
    markPaid(state, invoice, at);
    return true;
  }
  emit(state, 'invoice.payment_failed', invoice, at);
  return false;
}

function create({ state, params }: ApiRequest): Invoice {
  // The SDK types make `customer` optional beside `customer_account` (Connect-only, not modelled): one is needed.
  if (params.customer === undefined) throw parameterMissing('customer');
  const customer = state.store.customers.get(String(params.customer), 'customer');
  const collection = (params.collection_method as Invoice['collection_method'] | undefined) ?? 'charge_automatically';
  if (collection === 'send_invoice' && params.days_until_due === undefined && params.due_date === undefined)
    throw parameterMissing('days_until_due');
  if (collection === 'charge_automatically' && params.days_until_due !== undefined) {
    throw invalidRequest('days_until_due can only be set when collection_method=send_invoice.', {
      param: 'days_until_due',
    });
  }
  const subscription =
    typeof params.subscription === 'string'
      ? state.store.subscriptions.get(params.subscription, 'subscription')
      : undefined;
  const at = customerTime(state, customer.id);
  const invoice = createInvoice(state, customer, at, {
    collection_method: collection,
    days_until_due: (params.days_until_due as number | undefined) ?? null,
    auto_advance: params.auto_advance !== false,
    billing_reason: 'manual',
    ...(subscription ? { subscription } : {}),
  });
  if (typeof params.currency === 'string') invoice.currency = params.currency.toLowerCase();
  applyTexts(state.store, invoice, params);
  invoice.metadata = applyMetadata({}, params.metadata);
  invoice.discounts = createDiscounts(state, checkDiscounts(state, params.discounts, 'discounts'), at, {
    customer: customer.id,
    invoice: invoice.id,
  });
  const include = params.pending_invoice_items_behavior === 'include';
  if (include)
    addPendingItems(
      state,
      invoice,
      (item) => !subscription || item.parent?.subscription_details.subscription === subscription.id,
    );
  emit(state, 'invoice.created', invoice, at);
  return invoice;
}

/** The texts an invoice shows, as given (`''` unsets), and its default payment method, attached to its customer. */
function applyTexts(store: StripeStore, invoice: Invoice, params: Params): void {
  for (const field of ['description', 'footer', 'statement_descriptor'] as const) {
    if (params[field] !== undefined) invoice[field] = params[field] === '' ? null : String(params[field]);
  }
  if (params.default_payment_method !== undefined) {
    invoice.default_payment_method =
      params.default_payment_method === ''
        ? null
        : checkAttached(store, invoice.customer, String(params.default_payment_method), 'default_payment_method');
  }
}

function editable(state: EmulatorState, id: string): Invoice {
  return state.store.invoices.get(id, 'invoice');
}

/**
 * An invoice as Stripe answers with it: its `lines` carry the first 10 lines, with `has_more` when there are
 * more; the rest are read from `GET /v1/invoices/:id/lines` (docs.stripe.com/api/invoice-line-item/retrieve:
 * "the first handful of those items"; 10 is the default page size, docs.stripe.com/api/pagination).
 */
export const EMBEDDED_INVOICE_LINES = 10;

function answered(invoice: Invoice): Invoice {
  const { data } = invoice.lines;
  if (data.length <= EMBEDDED_INVOICE_LINES) return invoice;
  return { ...invoice, lines: { ...invoice.lines, data: data.slice(0, EMBEDDED_INVOICE_LINES), has_more: true } };
}

/** Every invoice in an answer (the invoice itself, or a list of them) with its lines as Stripe embeds them. */
function withEmbeddedLines(result: unknown): unknown {
  const value = result as { object?: string; data?: unknown[] };
  if (value.object === 'invoice') return answered(result as Invoice);
  if (value.object === 'list' && value.data?.every((item) => (item as { object?: string }).object === 'invoice'))
    return { ...value, data: value.data.map((i) => answered(i as Invoice)) };
  return result;
}

/** An invoice's lines in invoice order, paged like any list (`limit`, `starting_after`, `ending_before`). */
function linePage(invoice: Invoice, params: Params) {
  // listPage pages newest first; invoice lines come in the order they were added, so it gets them reversed.
  return listPage([...invoice.lines.data].reverse(), params, invoice.lines.url);
}

const routes: Route[] = [
  { method: 'POST', path: '/v1/invoices', params: 'InvoiceCreateParams', handle: create },
  {
    method: 'GET',
    path: '/v1/invoices',
    params: 'InvoiceListParams',
    handle: ({ state, params }) =>
      listPage(
        state.store.invoices
          .all()
          .filter(
            (inv) =>
              (params.customer === undefined || inv.customer === params.customer) &&
              (params.status === undefined || inv.status === params.status) &&
              (params.subscription === undefined ||
                inv.parent?.subscription_details.subscription === params.subscription),
          ),
        params,
        '/v1/invoices',
      ),
  },
  {
    method: 'GET',
    path: '/v1/invoices/search',
    params: 'InvoiceSearchParams',
    handle: ({ state, params }) => searchPage(state.store.invoices.all(), params, '/v1/invoices/search'),
  },
  retrieveRoute(
    '/v1/invoices/:id',
    'InvoiceRetrieveParams',
    ({ state, id }) => state.store.invoices.get(id, 'invoice'),
    discountsAt('discounts', 'lines.data.discounts'),
  ),
  retrieveRoute(
    '/v1/invoices/:id/lines',
    'InvoiceListLineItemsParams',
    ({ state, id, params }) => linePage(state.store.invoices.get(id, 'invoice'), params),
    discountsAt('data.discounts'),
  ),
  {
    method: 'POST',
    path: '/v1/invoices/:id',
    params: 'InvoiceUpdateParams',
    handle: ({ state, id, params }) => {
      const invoice = editable(state, id);
      if (invoice.status !== 'draft' && Object.keys(params).some((k) => k !== 'metadata')) {
        throw invalidRequest("Finalized invoices can't be updated in this way", {
          param: Object.keys(params).find((k) => k !== 'metadata') ?? '',
        });
      }
      if (params.auto_advance !== undefined) invoice.auto_advance = params.auto_advance as boolean;
      applyTexts(state.store, invoice, params);
      invoice.metadata = applyMetadata(invoice.metadata, params.metadata);
      return invoice;
    },
  },
  {
    method: 'POST',
    path: '/v1/invoices/:id/finalize',
    params: 'InvoiceFinalizeInvoiceParams',
    handle: ({ state, id, params }) => {
      const invoice = editable(state, id);
      if (params.auto_advance !== undefined) invoice.auto_advance = params.auto_advance as boolean;
      return finalizeInvoice(state, invoice, customerTime(state, invoice.customer));
    },
  },
  {
    method: 'POST',
    path: '/v1/invoices/:id/pay',
    params: 'InvoicePayParams',
    handle: ({ state, id, params }) => {
      const invoice = editable(state, id);
      if (invoice.status === 'paid') throw invalidRequest('Invoice is already paid', { code: 'invoice_already_paid' });
      if (invoice.status !== 'open')
        throw invalidRequest(`You can only pay an invoice that is open; this one is ${invoice.status}.`, {
          code: 'invoice_not_editable',
        });
      const at = customerTime(state, invoice.customer);
      if (params.paid_out_of_band === true) {
        markPaid(state, invoice, at);
        return invoice;
      }
      const paymentMethod =
        typeof params.payment_method === 'string'
          ? checkAttached(state.store, invoice.customer, params.payment_method, 'payment_method')
          : undefined;
      // Stripe refuses to charge a customer with no payment method before it attempts anything.
      if (paymentMethod === undefined && defaultCard(state, invoice) === null)
        throw invalidRequest(NO_PAYMENT_METHOD_MESSAGE, { code: 'resource_missing' });
      if (!attemptPayment(state, invoice, at, paymentMethod)) {
        throw new StripeApiError(402, 'card_error', 'Your card was declined.', {
          code: 'card_declined',
          declineCode: 'generic_decline',
        });
      }
      return invoice;
    },
  },
  {
    method: 'POST',
    path: '/v1/invoices/:id/void',
    params: 'InvoiceVoidInvoiceParams',
    handle: ({ state, id }) => {
      const invoice = editable(state, id);
      if (invoice.status !== 'open' && invoice.status !== 'uncollectible') {
        throw invalidRequest(`You can only void an open or uncollectible invoice; this one is ${invoice.status}.`, {
          code: 'invoice_not_editable',
        });
      }
      const at = customerTime(state, invoice.customer);
      invoice.status = 'void';
      invoice.status_transitions.voided_at = at;
      emit(state, 'invoice.voided', invoice, at);
      return invoice;
    },
  },
];

export const invoiceRoutes: Route[] = routes.map((route) => ({
  ...route,
  handle: (request: ApiRequest) => withEmbeddedLines(route.handle(request)),
}));
