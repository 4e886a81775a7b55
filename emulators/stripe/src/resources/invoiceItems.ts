/**
 * docs.stripe.com/api/invoiceitems: a charge waiting for the customer's next invoice ("pending" until an
 * invoice takes it). Priced by a one-time `price`, an inline `pricing.price`/`price_data`, or `amount` +
 * `currency`; `subscription` ties it to that subscription's next invoice; `invoice` adds it to a draft now.
 */
import { invalidRequest, onlyOneOf, parameterMissing } from '../errors.js';
import { decimalLineAmount, lineAmount } from '../money.js';
import type { InvoiceItem, Price } from '../objects.js';
import { listPage, newId } from '../store.js';
import type { ApiRequest, EmulatorState, Route } from '../state.js';
import {
  applyMetadata,
  checkDecimalAmount,
  checkInteger,
  checkPositiveInteger,
  nestedIn,
  type Params,
} from '../validation.js';
import { claimCurrency, customerTime } from '../customerState.js';
import { checkDiscounts, createDiscounts } from '../discounts.js';
import { emit } from '../events.js';
import { attachItem } from './invoices.js';
import { checkCurrency, createPrice, oneTimePrice } from './prices.js';

interface Priced {
  readonly price: Price | undefined;
  readonly amount: number;
  readonly currency: string;
  readonly quantity: number;
  /** The per-unit amount of an item priced without a price object. */
  readonly unitAmountDecimal?: string | undefined;
}

function priced(state: EmulatorState, params: Params): Priced {
  const quantity = params.quantity === undefined ? 1 : checkPositiveInteger(params.quantity, 'quantity');
  const pricing = params.pricing as Params | undefined;
  const sources = [
    ['price', params.price],
    ['pricing', pricing],
    ['price_data', params.price_data],
    ['amount', params.amount],
    ['unit_amount_decimal', params.unit_amount_decimal],
  ].filter(([, v]) => v !== undefined);
  if (sources.length > 1) throw onlyOneOf(sources.map(([name]) => String(name)));
  if (typeof params.price === 'string' || typeof pricing?.price === 'string') {
    const price = oneTimePrice(
      state,
      String(params.price ?? pricing?.price),
      params.price ? 'price' : 'pricing[price]',
    );
    return { price, amount: lineAmount(price, quantity), currency: price.currency, quantity };
  }
  if (params.price_data) {
    const price = createPrice(state, params.price_data as Params, nestedIn('price_data'), true);
    return { price, amount: lineAmount(price, quantity), currency: price.currency, quantity };
  }
  // Without a price: `amount` (the whole charge) or `unit_amount_decimal` × quantity; negative = a credit.
  if (params.amount === undefined && params.unit_amount_decimal === undefined) throw parameterMissing('amount');
  if (params.currency === undefined) throw parameterMissing('currency');
  const currency = checkCurrency(params.currency, 'currency');
  if (params.amount !== undefined)
    return {
      price: undefined,
      amount: checkInteger(params.amount, 'amount'),
      currency,
      quantity,
      unitAmountDecimal: undefined,
    };
  const unit = checkDecimalAmount(String(params.unit_amount_decimal), 'unit_amount_decimal', true);
  return { price: undefined, amount: decimalLineAmount(unit, quantity), currency, quantity, unitAmountDecimal: unit };
}

export interface InvoiceItemFields {
  readonly id: string;
  readonly at: number;
  readonly customer: string;
  readonly amount: number;
  readonly currency: string;
  readonly quantity: number;
  readonly period: InvoiceItem['period'];
  readonly subscription: string | null;
  readonly pricing: InvoiceItem['pricing'];
  readonly description: string | null;
  readonly discountable: boolean;
  readonly discounts: string[];
  readonly testClock: string | null;
  readonly metadata: Record<string, string>;
}

/** A pending invoice item in Stripe's InvoiceItem shape (dated `date`, not `created`). */
export function invoiceItemObject(fields: InvoiceItemFields): InvoiceItem {
  return {
    id: fields.id,
    object: 'invoiceitem',
    amount: fields.amount,
    currency: fields.currency,
    customer: fields.customer,
    customer_account: null,
    date: fields.at,
    description: fields.description,
    discountable: fields.discountable,
    discounts: fields.discounts,
    invoice: null,
    livemode: false,
    metadata: { ...fields.metadata },
    net_amount: fields.amount,
    parent: fields.subscription
      ? { type: 'subscription_details', subscription_details: { subscription: fields.subscription } }
      : null,
    period: fields.period,
    pricing: fields.pricing,
    proration: false,
    quantity: fields.quantity,
    quantity_decimal: String(fields.quantity),
    tax_rates: [],
    test_clock: fields.testClock,
  };
}

function create({ state, params }: ApiRequest): InvoiceItem {
  // The SDK types make `customer` optional beside `customer_account` (Connect-only, not modelled): one is needed.
  if (params.customer === undefined) throw parameterMissing('customer');
  const customer = state.store.customers.get(String(params.customer), 'customer');
  const subscription =
    typeof params.subscription === 'string'
      ? state.store.subscriptions.get(params.subscription, 'subscription')
      : undefined;
  if (subscription && subscription.customer !== customer.id) {
    throw invalidRequest(`The subscription ${subscription.id} does not belong to customer ${customer.id}.`, {
      param: 'subscription',
    });
  }
  const invoice = typeof params.invoice === 'string' ? state.store.invoices.get(params.invoice, 'invoice') : undefined;
  if (invoice && invoice.status !== 'draft')
    throw invalidRequest('You can only add invoice items to draft invoices.', {
      code: 'invoice_not_editable',
      param: 'invoice',
    });
  const at = customerTime(state, customer.id);
  const { price, amount, currency, quantity, unitAmountDecimal } = priced(state, params);
  claimCurrency(customer, currency, 'currency');
  const period = params.period as { start: number; end: number } | undefined;
  const id = newId('ii', 24);
  const item = state.store.invoiceItems.insert(
    invoiceItemObject({
      id,
      at,
      customer: customer.id,
      amount,
      currency,
      quantity,
      period: period ?? { start: at, end: at },
      subscription: subscription?.id ?? null,
      pricing: price
        ? {
            type: 'price_details',
            price_details: { price: price.id, product: price.product },
            unit_amount_decimal: price.unit_amount_decimal ?? '0',
          }
        : unitAmountDecimal === undefined
          ? null
          : { type: 'price_details' as const, unit_amount_decimal: unitAmountDecimal },
      description: typeof params.description === 'string' ? params.description : null,
      discountable: params.discountable !== false,
      discounts: createDiscounts(state, checkDiscounts(state, params.discounts, 'discounts'), at, {
        customer: customer.id,
        invoice_item: id,
      }),
      testClock: customer.test_clock,
      metadata: applyMetadata({}, params.metadata),
    }),
  );
  if (invoice) attachItem(state, invoice, item);
  emit(state, 'invoiceitem.created', item, at);
  return item;
}

export const invoiceItemRoutes: Route[] = [
  { method: 'POST', path: '/v1/invoiceitems', params: 'InvoiceItemCreateParams', handle: create },
  {
    method: 'GET',
    path: '/v1/invoiceitems',
    params: 'InvoiceItemListParams',
    handle: ({ state, params }) =>
      listPage(
        state.store.invoiceItems
          .all()
          .filter(
            (item) =>
              (params.customer === undefined || item.customer === params.customer) &&
              (params.invoice === undefined || item.invoice === params.invoice) &&
              (params.pending === undefined || (item.invoice === null) === params.pending),
          ),
        params,
        '/v1/invoiceitems',
      ),
  },
  {
    method: 'GET',
    path: '/v1/invoiceitems/:id',
    params: 'InvoiceItemRetrieveParams',
    handle: ({ state, id }) => state.store.invoiceItems.get(id, 'id'),
  },
  {
    method: 'DELETE',
    path: '/v1/invoiceitems/:id',
    params: 'InvoiceItemDeleteParams',
    handle: ({ state, id }) => {
      const item = state.store.invoiceItems.get(id, 'id');
      if (item.invoice !== null)
        throw invalidRequest('You can only delete invoice items that are not yet on an invoice.', {
          code: 'invoice_not_editable',
        });
      item.deleted = true;
      return { id, object: 'invoiceitem', deleted: true };
    },
  },
];
