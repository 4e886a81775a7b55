/**
 * docs.stripe.com/api/subscriptions: create (first invoice at once), retrieve, update (items, metadata,
 * `cancel_at`, `cancel_at_period_end`), cancel (DELETE; a schedule managing it is canceled with it), list.
 * Items follow the same rules as schedule phases (items.ts); `send_invoice` needs `days_until_due`.
 */
import { discountsAt, retrieveRoute } from '../expand.js';
import { invalidRequest, parameterMissing, resourceMissing } from '../errors.js';
import type { Subscription } from '../objects.js';
import { checkAttached } from '../paymentMethods.js';
import { listPage, searchPage } from '../store.js';
import type { ApiRequest, Route } from '../state.js';
import { applyMetadata, notModelled, type Params } from '../validation.js';
import {
  cancelSchedule,
  endSubscription,
  nextPeriodEnd,
  rollForward,
  startSubscription,
  subscriptionItem,
} from '../billing.js';
import { customerTime } from '../customerState.js';
import { emit } from '../events.js';
import { checkDiscounts, createDiscounts } from '../discounts.js';
import { oneTimeItems, recurringItems } from './items.js';

function collectionSettings(
  params: Params,
  current?: Subscription,
): Pick<Subscription, 'collection_method' | 'days_until_due'> {
  const method =
    (params.collection_method as Subscription['collection_method'] | undefined) ??
    current?.collection_method ??
    'charge_automatically';
  const days = (params.days_until_due as number | undefined) ?? current?.days_until_due ?? null;
  if (method === 'send_invoice' && days === null) throw parameterMissing('days_until_due');
  return { collection_method: method, days_until_due: method === 'send_invoice' ? days : null };
}

/** `default_payment_method`: a payment method attached to the customer, or `''` to unset it. */
function paymentMethodParam(state: ApiRequest['state'], customer: string, value: unknown): string | null {
  return typeof value === 'string' && value !== ''
    ? checkAttached(state.store, customer, value, 'default_payment_method')
    : null;
}

function create({ state, params }: ApiRequest): Subscription {
  // The SDK types make `customer` optional beside `customer_account` (Connect-only, not modelled): one is needed.
  if (params.customer === undefined) throw parameterMissing('customer');
  const customer = state.store.customers.get(String(params.customer), 'customer');
  const now = customerTime(state, customer.id);
  const start = typeof params.backdate_start_date === 'number' ? params.backdate_start_date : now;
  if (start > now) throw invalidRequest('backdate_start_date must be in the past.', { param: 'backdate_start_date' });
  const items = recurringItems(state, params.items as Params[] | undefined, 'items');
  const anchor = billingCycleAnchor(state, params, items, start, now);
  const collection = collectionSettings(params);
  const cancelAt = typeof params.cancel_at === 'number' ? params.cancel_at : null;
  if (cancelAt !== null && cancelAt <= now)
    throw invalidRequest('cancel_at must be in the future.', { param: 'cancel_at' });
  const subscription = startSubscription(state, {
    customer,
    at: start,
    items,
    addInvoiceItems: oneTimeItems(state, params.add_invoice_items as Params[] | undefined, 'add_invoice_items'),
    collectionMethod: collection.collection_method,
    daysUntilDue: collection.days_until_due,
    metadata: applyMetadata({}, params.metadata),
    schedule: null,
    cancelAt,
    discounts: checkDiscounts(state, params.discounts, 'discounts'),
    description: (params.description as string | undefined) ?? null,
    defaultPaymentMethod: paymentMethodParam(state, customer.id, params.default_payment_method),
    ...(anchor === undefined ? {} : { anchor: { at: anchor, now } }),
  });
  if (params.cancel_at_period_end === true) cancelAtPeriodEnd(subscription, true);
  rollForward(state, customer.test_clock, now);
  return subscription;
}

/**
 * `billing_cycle_anchor` on create (docs.stripe.com/api/subscriptions/create#create_subscription-billing_cycle_anchor:
 * "A future timestamp … to anchor the subscription's billing cycle"; docs.stripe.com/payments/checkout/billing-cycle:
 * "The anchor must be a future UNIX timestamp before the next natural subscription billing date", and with
 * `proration_behavior: none` "customers receive the initial period up to the first full invoice date for free").
 * The natural billing date counts from the start, backdated or not. Only the free first period is modelled:
 * a prorated one (the default `create_prorations`) is refused, as are one-time items waiting on an invoice.
 */
function billingCycleAnchor(
  state: ApiRequest['state'],
  params: Params,
  items: ReturnType<typeof recurringItems>,
  start: number,
  now: number,
): number | undefined {
  if (params.billing_cycle_anchor === undefined) return undefined;
  const anchor = params.billing_cycle_anchor;
  if (typeof anchor !== 'number' || anchor <= now)
    throw invalidRequest('billing_cycle_anchor must be a timestamp in the future.', { param: 'billing_cycle_anchor' });
  if (params.proration_behavior !== 'none')
    throw notModelled(
      'proration_behavior',
      ' (only none beside billing_cycle_anchor: a prorated first period is not modelled)',
    );
  if (params.add_invoice_items !== undefined)
    throw notModelled('add_invoice_items', ' (not beside billing_cycle_anchor: the first invoice comes at the anchor)');
  for (const item of items) {
    const recurring = state.store.prices.get(item.price).recurring;
    const natural = nextPeriodEnd(start, recurring?.interval ?? 'month', recurring?.interval_count ?? 1, now);
    if (anchor > natural)
      throw invalidRequest(
        `billing_cycle_anchor cannot be later than next natural billing date (${natural}) for plan`,
        { param: 'billing_cycle_anchor' },
      );
  }
  return anchor;
}

/** docs.stripe.com/api/subscriptions/object#subscription_object-cancel_at_period_end: it ends when the current period does. */
function cancelAtPeriodEnd(subscription: Subscription, atPeriodEnd: boolean): void {
  subscription.cancel_at_period_end = atPeriodEnd;
  subscription.cancel_at = atPeriodEnd ? (subscription.items.data[0]?.current_period_end ?? null) : null;
}

function update({ state, id, params }: ApiRequest): Subscription {
  const subscription = state.store.subscriptions.get(id, 'subscription');
  if (subscription.status === 'canceled') {
    throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.', {
      code: 'resource_invalid_state',
    });
  }
  const now = customerTime(state, subscription.customer);
  if (params.items !== undefined) replaceItems(state, subscription, params.items as Params[], now);
  Object.assign(subscription, collectionSettings(params, subscription));
  if (params.cancel_at !== undefined)
    subscription.cancel_at = params.cancel_at === '' ? null : Number(params.cancel_at);
  if (params.cancel_at_period_end !== undefined)
    cancelAtPeriodEnd(subscription, params.cancel_at_period_end as boolean);
  if (params.description !== undefined)
    subscription.description = params.description === '' ? null : String(params.description);
  if (params.default_payment_method !== undefined)
    subscription.default_payment_method = paymentMethodParam(
      state,
      subscription.customer,
      params.default_payment_method,
    );
  // docs.stripe.com/api/subscriptions/update#update_subscription-discounts: the new list replaces the old; '' clears it.
  if (params.discounts !== undefined) {
    const refs = checkDiscounts(state, params.discounts, 'discounts');
    subscription.discounts = createDiscounts(state, refs, now, {
      customer: subscription.customer,
      subscription: subscription.id,
    });
  }
  subscription.metadata = applyMetadata(subscription.metadata, params.metadata);
  emit(state, 'customer.subscription.updated', subscription, now);
  rollForward(state, subscription.test_clock, now);
  return subscription;
}

/** Applies `items[]` changes: with `id` they change (or, `deleted`, drop) that item; without, they add one. The result obeys items.ts. */
function replaceItems(state: ApiRequest['state'], subscription: Subscription, changes: Params[], now: number): void {
  const draft: Params[] = subscription.items.data.map((item) => ({
    id: item.id,
    price: item.price.id,
    quantity: item.quantity,
    metadata: item.metadata,
    discounts: item.discounts.map((discount) => ({ discount })),
  }));
  changes.forEach((change, i) => {
    if (typeof change.id !== 'string') return void draft.push({ ...change });
    const index = draft.findIndex((item) => item.id === change.id);
    if (index < 0) throw resourceMissing('subscription item', change.id, `items[${i}][id]`);
    if (change.deleted === true) draft.splice(index, 1);
    else draft[index] = { ...draft[index], ...change };
  });
  const checked = recurringItems(state, draft, 'items');
  const existing = new Map(subscription.items.data.map((item) => [item.id, item]));
  const periodEnd = subscription.items.data[0]?.current_period_end;
  subscription.items.data = checked.map((item, i) => {
    const kept = existing.get(String(draft[i]?.id));
    if (kept && kept.price.id === item.price) {
      const discounts = createDiscounts(state, item.discounts, now, {
        customer: subscription.customer,
        subscription: subscription.id,
        subscription_item: kept.id,
      });
      return Object.assign(kept, { quantity: item.quantity, metadata: item.metadata, discounts });
    }
    return subscriptionItem(state, subscription, item, now, periodEnd);
  });
}

function cancel({ state, id }: ApiRequest): Subscription {
  const subscription = state.store.subscriptions.get(id, 'subscription');
  if (subscription.status === 'canceled')
    throw invalidRequest(`This subscription is already canceled.`, { code: 'resource_invalid_state' });
  const now = customerTime(state, subscription.customer);
  const schedule = subscription.schedule ? state.store.subscriptionSchedules.find(subscription.schedule) : undefined;
  if (schedule && (schedule.status === 'active' || schedule.status === 'not_started'))
    cancelSchedule(state, schedule, now);
  else endSubscription(state, subscription, now);
  return subscription;
}

export const subscriptionRoutes: Route[] = [
  { method: 'POST', path: '/v1/subscriptions', params: 'SubscriptionCreateParams', handle: create },
  {
    method: 'GET',
    path: '/v1/subscriptions',
    params: 'SubscriptionListParams',
    handle: ({ state, params }) =>
      listPage(
        state.store.subscriptions
          .all()
          .filter(
            (s) =>
              (params.customer === undefined || s.customer === params.customer) &&
              (params.status === undefined
                ? s.status !== 'canceled'
                : params.status === 'all' || s.status === params.status),
          ),
        params,
        '/v1/subscriptions',
      ),
  },
  {
    method: 'GET',
    path: '/v1/subscriptions/search',
    params: 'SubscriptionSearchParams',
    handle: ({ state, params }) => searchPage(state.store.subscriptions.all(), params, '/v1/subscriptions/search'),
  },
  retrieveRoute(
    '/v1/subscriptions/:id',
    'SubscriptionRetrieveParams',
    ({ state, id }) => state.store.subscriptions.get(id, 'id'),
    discountsAt('discounts', 'items.data.discounts'),
  ),
  { method: 'POST', path: '/v1/subscriptions/:id', params: 'SubscriptionUpdateParams', handle: update },
  { method: 'DELETE', path: '/v1/subscriptions/:id', params: 'SubscriptionCancelParams', handle: cancel },
];
