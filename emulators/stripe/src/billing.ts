/**
 * Time moving forward: what Stripe does as its clock passes a schedule's phase boundaries, a subscription's
 * period ends or `cancel_at`, and a draft invoice's automatic finalization (an hour after creation, as for
 * auto_advance invoices). Objects follow their customer's test clock when it has one
 * (docs.stripe.com/billing/testing/test-clocks), else the emulator clock.
 *
 * `rollForward` applies every due change in time order, so advancing a test clock by a year renews monthly
 * subscriptions twelve times, moves schedules through their phases and produces the invoices in between.
 */
import { addInterval } from './clock.js';
import { lineAmount } from './money.js';
import type {
  Customer,
  Invoice,
  Price,
  SchedulePhase,
  Subscription,
  SubscriptionItem,
  SubscriptionSchedule,
} from './objects.js';
import { invoiceItemObject } from './resources/invoiceItems.js';
import type { ApiRequest, EmulatorState } from './state.js';
import { newId } from './store.js';
import { createDiscounts, discountAmounts, discountsInEffect, updateTotals, type DiscountRef } from './discounts.js';
import { addPendingItems, createInvoice, finalizeInvoice, subscriptionLine } from './resources/invoices.js';
import { claimCurrency, timeOnClock } from './customerState.js';
import { emit } from './events.js';
import type { DueChange } from './dueIndex.js';

const MAX_STEPS_PER_ROLL = 100_000;

/**
 * Applies, in time order, every change due at or before `to` for the objects on `testClockId` (null = emulator
 * clock). The due index (dueIndex.ts) says what comes next without scanning the store.
 */
export function rollForward(state: EmulatorState, testClockId: string | null, to: number): void {
  const { due } = state.store;
  for (let step = 0; step < MAX_STEPS_PER_ROLL; step++) {
    const next = due.next(testClockId, to, state.currentRequest !== undefined);
    if (!next) return;
    applyDueChange(state, next);
    due.reach(next.object);
  }
  throw new Error(`Billing did not settle after ${MAX_STEPS_PER_ROLL} steps; is an interval zero?`);
}

function applyDueChange(state: EmulatorState, change: DueChange): void {
  switch (change.kind) {
    case 'phase_boundary':
      return crossScheduleBoundary(state, change.object, change.at);
    case 'cancel_at':
      return endSubscription(state, change.object, change.at);
    case 'renewal':
      return renewSubscription(state, change.object, change.at);
    case 'finalization':
      finalizeInvoice(state, change.object, change.at);
  }
}

function phaseAt(schedule: SubscriptionSchedule, at: number): SchedulePhase | undefined {
  return schedule.phases.find((phase) => phase.start_date <= at && at < phase.end_date);
}

function crossScheduleBoundary(state: EmulatorState, schedule: SubscriptionSchedule, at: number): void {
  const phase = phaseAt(schedule, at);
  if (!phase) return endSchedule(state, schedule, at);
  schedule.current_phase = { start_date: phase.start_date, end_date: phase.end_date };
  if (schedule.status === 'not_started') {
    schedule.status = 'active';
    const subscription = startSubscription(state, {
      customer: state.store.customers.get(schedule.customer),
      at,
      items: phase.items,
      addInvoiceItems: phase.add_invoice_items,
      collectionMethod:
        phase.collection_method ?? (schedule.default_settings.collection_method as Subscription['collection_method']),
      daysUntilDue: schedule.default_settings.invoice_settings.days_until_due,
      metadata: phase.metadata,
      schedule: schedule.id,
      discounts: phase.discounts,
    });
    schedule.subscription = subscription.id;
  } else {
    const subscription = schedule.subscription ? state.store.subscriptions.find(schedule.subscription) : undefined;
    if (subscription) enterPhase(state, subscription, phase, at);
  }
  emit(state, 'subscription_schedule.updated', schedule, at);
}

function endSchedule(state: EmulatorState, schedule: SubscriptionSchedule, at: number): void {
  const subscription = schedule.subscription ? state.store.subscriptions.find(schedule.subscription) : undefined;
  schedule.current_phase = null;
  if (schedule.end_behavior === 'cancel') {
    schedule.status = 'completed';
    schedule.completed_at = at;
    if (subscription) endSubscription(state, subscription, at);
    emit(state, 'subscription_schedule.completed', schedule, at);
  } else {
    releaseSchedule(state, schedule, at);
  }
}

/** Detaches the subscription from the schedule; it keeps running on the last phase's prices. */
export function releaseSchedule(state: EmulatorState, schedule: SubscriptionSchedule, at: number): void {
  const subscription = schedule.subscription ? state.store.subscriptions.find(schedule.subscription) : undefined;
  schedule.status = 'released';
  schedule.released_at = at;
  schedule.current_phase = null;
  schedule.released_subscription = schedule.subscription;
  schedule.subscription = null;
  if (subscription) {
    subscription.schedule = null;
    emit(state, 'customer.subscription.updated', subscription, at);
  }
  emit(state, 'subscription_schedule.released', schedule, at);
}

export function cancelSchedule(state: EmulatorState, schedule: SubscriptionSchedule, at: number): void {
  const subscription = schedule.subscription ? state.store.subscriptions.find(schedule.subscription) : undefined;
  schedule.status = 'canceled';
  schedule.canceled_at = at;
  schedule.current_phase = null;
  if (subscription) endSubscription(state, subscription, at);
  emit(state, 'subscription_schedule.canceled', schedule, at);
}

export interface SubscriptionStart {
  readonly customer: Customer;
  readonly at: number;
  readonly items: readonly {
    price: string;
    quantity: number;
    metadata: Record<string, string>;
    discounts?: DiscountRef[];
  }[];
  readonly addInvoiceItems: readonly { price: string; quantity: number; metadata: Record<string, string> }[];
  readonly collectionMethod: Subscription['collection_method'];
  readonly daysUntilDue: number | null;
  readonly metadata: Record<string, string>;
  readonly schedule: string | null;
  readonly cancelAt?: number | null;
  /** Subscription-level discounts, as requested (`[{ coupon }]`): each becomes a Discount object. */
  readonly discounts: readonly DiscountRef[];
  readonly description?: string | null;
  readonly defaultPaymentMethod?: string | null;
  /**
   * A `billing_cycle_anchor` set on create with `proration_behavior: none`: the first period runs from
   * `now` to the anchor and is free, so nothing is invoiced until the anchor (`at` stays the start date).
   */
  readonly anchor?: { readonly at: number; readonly now: number };
}

/** Creates the subscription and its first invoice (billing_reason subscription_create). */
export function startSubscription(state: EmulatorState, start: SubscriptionStart): Subscription {
  const id = newId('sub', 24);
  const periodStart = start.anchor?.now ?? start.at;
  const items = start.items.map((item) =>
    subscriptionItem(state, { id, customer: start.customer.id }, item, periodStart, start.anchor?.at),
  );
  if (items[0]) claimCurrency(start.customer, items[0].price.currency, 'items');
  const subscription = state.store.subscriptions.insert({
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: start.anchor?.at ?? start.at,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic' },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: start.cancelAt ?? null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: start.collectionMethod,
    created: periodStart,
    currency: items[0]?.price.currency ?? 'usd',
    customer: start.customer.id,
    customer_account: null,
    days_until_due: start.daysUntilDue,
    default_payment_method: start.defaultPaymentMethod ?? null,
    default_source: null,
    description: start.description ?? null,
    discounts: createDiscounts(state, start.discounts, start.at, { customer: start.customer.id, subscription: id }),
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    items: { object: 'list', data: items, has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: { ...start.metadata },
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: start.schedule,
    start_date: start.at,
    status: 'active',
    test_clock: start.customer.test_clock,
    transfer_data: null,
    trial_end: null,
    trial_settings: { end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'create_invoice' } },
    trial_start: null,
  });
  emit(state, 'customer.subscription.created', subscription, periodStart);
  if (!start.anchor) invoicePeriod(state, subscription, start.at, 'subscription_create', start.addInvoiceItems);
  return subscription;
}

export function subscriptionItem(
  state: EmulatorState,
  owner: { readonly id: string; readonly customer: string },
  item: { price: string; quantity: number; metadata: Record<string, string>; discounts?: DiscountRef[] },
  at: number,
  periodEnd?: number,
): SubscriptionItem {
  const price = state.store.prices.get(item.price);
  const id = newId('si', 14);
  return {
    id,
    object: 'subscription_item',
    billing_thresholds: null,
    created: at,
    current_period_end:
      periodEnd ?? addInterval(at, price.recurring?.interval ?? 'month', price.recurring?.interval_count ?? 1),
    current_period_start: at,
    current_trial: null,
    discounts: createDiscounts(state, item.discounts ?? [], at, {
      customer: owner.customer,
      subscription: owner.id,
      subscription_item: id,
    }),
    metadata: { ...item.metadata },
    plan: planOf(price),
    price,
    quantity: item.quantity,
    subscription: owner.id,
    tax_rates: [],
  };
}

/** The legacy Plan view of a recurring price that subscription items still carry (docs.stripe.com/api/plans/object). */
function planOf(price: Price): Record<string, unknown> {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? 'month',
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: { ...price.metadata },
    meter: price.recurring?.meter ?? null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: price.tiers_mode,
    transform_usage: null,
    trial_period_days: price.recurring?.trial_period_days ?? null,
    usage_type: price.recurring?.usage_type ?? 'licensed',
  };
}

/**
 * A phase's items become the subscription's (an item whose price stays keeps its id); its add_invoice_items
 * wait for the next invoice. Also run when an update rewrites the current phase.
 */
export function enterPhase(state: EmulatorState, subscription: Subscription, phase: SchedulePhase, at: number): void {
  const current = subscription.items.data[0];
  const periodEnd = current?.current_period_end;
  const byPrice = new Map(subscription.items.data.map((item) => [item.price.id, item]));
  subscription.items.data = phase.items.map((item) => {
    const kept = byPrice.get(item.price);
    const discounts = createDiscounts(state, item.discounts, phase.start_date, {
      customer: subscription.customer,
      subscription: subscription.id,
      subscription_item: kept?.id ?? null,
    });
    if (kept) return Object.assign(kept, { quantity: item.quantity, metadata: { ...item.metadata }, discounts });
    const next = subscriptionItem(state, subscription, { ...item, discounts: [] }, at, periodEnd);
    for (const id of discounts) {
      const discount = state.store.discounts.find(id);
      if (discount) discount.subscription_item = next.id;
    }
    next.discounts = discounts;
    next.current_period_start = current?.current_period_start ?? at;
    return next;
  });
  // A phase's discounts start with the phase (a `once` coupon applies to the invoice at its start only).
  subscription.discounts = createDiscounts(state, phase.discounts, phase.start_date, {
    customer: subscription.customer,
    subscription: subscription.id,
  });
  for (const extra of phase.add_invoice_items) pendingItemForSubscription(state, subscription, extra, at);
  emit(state, 'customer.subscription.updated', subscription, at);
}

function pendingItemForSubscription(
  state: EmulatorState,
  subscription: Subscription,
  item: { price: string; quantity: number; metadata: Record<string, string>; discounts?: DiscountRef[] },
  at: number,
): void {
  const price = state.store.prices.get(item.price);
  const id = newId('ii', 24);
  state.store.invoiceItems.insert(
    invoiceItemObject({
      id,
      at,
      customer: subscription.customer,
      amount: lineAmount(price, item.quantity),
      currency: price.currency,
      quantity: item.quantity,
      period: { start: at, end: at },
      subscription: subscription.id,
      pricing: {
        type: 'price_details',
        price_details: { price: price.id, product: price.product },
        unit_amount_decimal: price.unit_amount_decimal ?? '0',
      },
      description: null,
      discountable: true,
      discounts: createDiscounts(state, item.discounts ?? [], at, {
        customer: subscription.customer,
        invoice_item: id,
      }),
      testClock: subscription.test_clock,
      metadata: item.metadata,
    }),
  );
}

function renewSubscription(state: EmulatorState, subscription: Subscription, periodStart: number): void {
  for (const item of subscription.items.data) {
    const recurring = item.price.recurring;
    item.current_period_start = periodStart;
    item.current_period_end = nextPeriodEnd(
      subscription.billing_cycle_anchor,
      recurring?.interval ?? 'month',
      recurring?.interval_count ?? 1,
      periodStart,
    );
  }
  invoicePeriod(state, subscription, periodStart, 'subscription_cycle', []);
  emit(state, 'customer.subscription.updated', subscription, periodStart);
}

/** The first anchor + k·interval after `after`: periods stay on the anchor's day (Jan 31 → Feb 28 → Mar 31). */
export function nextPeriodEnd(
  anchor: number,
  interval: 'day' | 'week' | 'month' | 'year',
  count: number,
  after: number,
): number {
  for (let k = 1; ; k++) {
    const end = addInterval(anchor, interval, k * count);
    if (end > after) return end;
  }
}

function invoicePeriod(
  state: EmulatorState,
  subscription: Subscription,
  at: number,
  reason: Invoice['billing_reason'],
  addInvoiceItems: SubscriptionStart['addInvoiceItems'],
): void {
  const customer = state.store.customers.get(subscription.customer);
  const invoice = createInvoice(state, customer, at, {
    collection_method: subscription.collection_method,
    days_until_due: subscription.days_until_due,
    auto_advance: true,
    billing_reason: reason,
    subscription,
  });
  for (const item of subscription.items.data) {
    const inEffect = discountsInEffect(state, item.discounts, at);
    const line = subscriptionLine(
      invoice,
      item.price,
      item.quantity,
      { start: item.current_period_start, end: item.current_period_end },
      { ...item, discounts: inEffect },
    );
    line.discount_amounts = discountAmounts(state, line.amount, inEffect);
    invoice.lines.data.push(line);
  }
  invoice.discounts = discountsInEffect(state, subscription.discounts, at);
  for (const extra of addInvoiceItems) pendingItemForSubscription(state, subscription, extra, at);
  addPendingItems(
    state,
    invoice,
    (item) => item.parent?.subscription_details.subscription === subscription.id || item.parent === null,
  );
  updateTotals(state, invoice);
  subscription.latest_invoice = invoice.id;
  emit(state, 'invoice.created', invoice, at);
}

/** Ends the subscription now (DELETE /v1/subscriptions/:id, cancel_at reached, a schedule completing or canceled). */
export function endSubscription(state: EmulatorState, subscription: Subscription, at: number): void {
  if (subscription.status === 'canceled') return;
  subscription.status = 'canceled';
  subscription.canceled_at = at;
  subscription.ended_at = at;
  subscription.cancellation_details = {
    comment: null,
    feedback: null,
    feedback_option: null,
    reason: 'cancellation_requested',
  };
  emit(state, 'customer.subscription.deleted', subscription, at);
}

/** Deleting a customer cancels its subscriptions and schedules, as Stripe does. */
export function cancelCustomerSubscriptions(request: ApiRequest, customer: Customer): void {
  const { state } = request;
  const at = timeOnClock(state, customer.test_clock);
  const { subscriptionSchedules, subscriptions } = state.store;
  // Each changed object is looked up with get(), as every write does, so it is journaled and re-indexed.
  for (const { id, customer: owner, status } of subscriptionSchedules.all()) {
    if (owner === customer.id && (status === 'active' || status === 'not_started'))
      cancelSchedule(state, subscriptionSchedules.get(id), at);
  }
  for (const { id, customer: owner } of subscriptions.all()) {
    if (owner === customer.id) endSubscription(state, subscriptions.get(id), at);
  }
}
