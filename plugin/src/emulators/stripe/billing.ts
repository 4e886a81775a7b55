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
import { invalidRequest } from './errors.js';
import { lineAmount } from './money.js';
import type { Customer, Invoice, SchedulePhase, Subscription, SubscriptionItem, SubscriptionSchedule } from './objects.js';
import type { ApiRequest, EmulatorState } from './state.js';
import { newId, type StripeObject } from './store.js';
import { couponIdsInEffect, lineDiscounts, updateTotals } from './discounts.js';
import { addPendingItems, createInvoice, finalizeInvoice, invoiceLineFor } from './resources/invoices.js';
import type { DueChange } from './dueIndex.js';

/** An hour, as Stripe waits before finalizing a draft invoice with auto_advance. */
export const AUTO_FINALIZE_DELAY_SECONDS = 3600;
const MAX_STEPS_PER_ROLL = 100_000;

export function timeOnClock(state: EmulatorState, testClockId: string | null): number {
  return testClockId ? state.store.testClocks.get(testClockId).frozen_time : state.clock.now();
}

/** The customer's "now" for a change made through the API; refused while the customer's test clock advances. */
export function customerTime(state: EmulatorState, customerId: string): number {
  const clockId = state.store.customers.get(customerId, undefined, true).test_clock;
  const clock = clockId ? state.store.testClocks.get(clockId) : undefined;
  if (clock && clock.status !== 'ready') {
    throw invalidRequest(`The test clock ${clock.id} is ${clock.status}. Wait until its status is \`ready\` before changing objects attached to it.`);
  }
  return clock ? clock.frozen_time : state.clock.now();
}

/** docs.stripe.com/invoicing/multi-currency-customers: a customer's subscriptions, schedules and invoice items share one currency. */
export function claimCurrency(customer: Customer, currency: string, param: string): void {
  if (customer.currency && customer.currency !== currency) {
    throw invalidRequest(
      `You cannot combine currencies on a single customer. This customer has an active subscription, subscription schedule, discount, quote, or invoice item with currency ${customer.currency}.`,
      { param },
    );
  }
  customer.currency = currency;
}

/** Emits an event, tagged with the API request that caused it (if any). */
export function emit(state: EmulatorState, type: string, object: StripeObject, at: number): void {
  state.webhooks.emit(type, object, at, state.currentRequest);
}

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
      collectionMethod: phase.collection_method ?? (schedule.default_settings.collection_method as Subscription['collection_method']),
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
  readonly items: readonly { price: string; quantity: number; metadata: Record<string, string>; discounts?: unknown[] }[];
  readonly addInvoiceItems: readonly { price: string; quantity: number; metadata: Record<string, string> }[];
  readonly collectionMethod: Subscription['collection_method'];
  readonly daysUntilDue: number | null;
  readonly metadata: Record<string, string>;
  readonly schedule: string | null;
  readonly cancelAt?: number | null;
  /** Subscription-level discounts (`[{ coupon }]`). */
  readonly discounts: readonly unknown[];
}

/** Creates the subscription and its first invoice (billing_reason subscription_create). */
export function startSubscription(state: EmulatorState, start: SubscriptionStart): Subscription {
  const id = newId('sub', 24);
  const items = start.items.map((item) => subscriptionItem(state, id, item, start.at));
  if (items[0]) claimCurrency(start.customer, items[0].price.currency, 'items');
  const subscription = state.store.subscriptions.insert({
    id,
    object: 'subscription',
    created: start.at,
    livemode: false,
    customer: start.customer.id,
    status: 'active',
    items: { object: 'list', data: items, has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    schedule: start.schedule,
    currency: items[0]?.price.currency ?? 'usd',
    billing_cycle_anchor: start.at,
    start_date: start.at,
    cancel_at: start.cancelAt ?? null,
    cancel_at_period_end: false,
    canceled_at: null,
    ended_at: null,
    collection_method: start.collectionMethod,
    days_until_due: start.daysUntilDue,
    discounts: [...start.discounts],
    latest_invoice: null,
    test_clock: start.customer.test_clock,
    metadata: { ...start.metadata },
  });
  emit(state, 'customer.subscription.created', subscription, start.at);
  invoicePeriod(state, subscription, start.at, 'subscription_create', start.addInvoiceItems);
  return subscription;
}

export function subscriptionItem(
  state: EmulatorState,
  subscriptionId: string,
  item: { price: string; quantity: number; metadata: Record<string, string>; discounts?: unknown[] },
  at: number,
  periodEnd?: number,
): SubscriptionItem {
  const price = state.store.prices.get(item.price);
  return {
    id: newId('si', 14),
    object: 'subscription_item',
    created: at,
    price,
    quantity: item.quantity,
    metadata: { ...item.metadata },
    subscription: subscriptionId,
    current_period_start: at,
    current_period_end: periodEnd ?? addInterval(at, price.recurring?.interval ?? 'month', price.recurring?.interval_count ?? 1),
    discounts: item.discounts ?? [],
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
    if (kept) return Object.assign(kept, { quantity: item.quantity, metadata: { ...item.metadata }, discounts: item.discounts });
    const next = subscriptionItem(state, subscription.id, item, at, periodEnd);
    next.current_period_start = current?.current_period_start ?? at;
    return next;
  });
  subscription.discounts = [...phase.discounts];
  for (const extra of phase.add_invoice_items) pendingItemForSubscription(state, subscription, extra, at);
  emit(state, 'customer.subscription.updated', subscription, at);
}

function pendingItemForSubscription(
  state: EmulatorState,
  subscription: Subscription,
  item: { price: string; quantity: number; metadata: Record<string, string>; discounts?: unknown[] },
  at: number,
): void {
  const price = state.store.prices.get(item.price);
  state.store.invoiceItems.insert({
    id: newId('ii', 24),
    object: 'invoiceitem',
    created: at,
    date: at,
    livemode: false,
    customer: subscription.customer,
    amount: lineAmount(price, item.quantity),
    currency: price.currency,
    quantity: item.quantity,
    invoice: null,
    period: { start: at, end: at },
    parent: { type: 'subscription_details', subscription_details: { subscription: subscription.id } },
    pricing: { type: 'price_details', price_details: { price: price.id, product: price.product }, unit_amount_decimal: price.unit_amount_decimal ?? '0' },
    description: null,
    discountable: true,
    discounts: item.discounts ?? [],
    proration: false,
    test_clock: subscription.test_clock,
    metadata: { ...item.metadata },
  });
}

function renewSubscription(state: EmulatorState, subscription: Subscription, periodStart: number): void {
  for (const item of subscription.items.data) {
    const recurring = item.price.recurring;
    item.current_period_start = periodStart;
    item.current_period_end = nextPeriodEnd(subscription.billing_cycle_anchor, recurring?.interval ?? 'month', recurring?.interval_count ?? 1, periodStart);
  }
  invoicePeriod(state, subscription, periodStart, 'subscription_cycle', []);
  emit(state, 'customer.subscription.updated', subscription, periodStart);
}

/** The first anchor + k·interval after `after`: periods stay on the anchor's day (Jan 31 → Feb 28 → Mar 31). */
function nextPeriodEnd(anchor: number, interval: 'day' | 'week' | 'month' | 'year', count: number, after: number): number {
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
  const since = discountsSince(state, subscription);
  for (const item of subscription.items.data) {
    const line = invoiceLineFor(item.price, item.quantity, { start: item.current_period_start, end: item.current_period_end }, {
      type: 'subscription_item_details',
      subscription_item_details: { subscription: subscription.id, subscription_item: item.id, proration: false },
    }, item.metadata);
    line.discount_amounts = lineDiscounts(state, line.amount, couponIdsInEffect(state, item.discounts, since, at));
    invoice.lines.data.push(line);
  }
  invoice.discounts = couponIdsInEffect(state, subscription.discounts, since, at);
  for (const extra of addInvoiceItems) pendingItemForSubscription(state, subscription, extra, at);
  addPendingItems(state, invoice, (item) => item.parent?.subscription_details.subscription === subscription.id || item.parent === null);
  updateTotals(state, invoice);
  subscription.latest_invoice = invoice.id;
  emit(state, 'invoice.created', invoice, at);
}

/** When the subscription's discounts were applied: its current schedule phase's start, else its own start. */
function discountsSince(state: EmulatorState, subscription: Subscription): number {
  const schedule = subscription.schedule ? state.store.subscriptionSchedules.find(subscription.schedule) : undefined;
  return schedule?.current_phase?.start_date ?? subscription.start_date;
}

/** Ends the subscription now (DELETE /v1/subscriptions/:id, cancel_at reached, a schedule completing or canceled). */
export function endSubscription(state: EmulatorState, subscription: Subscription, at: number): void {
  if (subscription.status === 'canceled') return;
  subscription.status = 'canceled';
  subscription.canceled_at = at;
  subscription.ended_at = at;
  emit(state, 'customer.subscription.deleted', subscription, at);
}

/** Deleting a customer cancels its subscriptions and schedules, as Stripe does. */
export function cancelCustomerSubscriptions(request: ApiRequest, customer: Customer): void {
  const { state } = request;
  const at = timeOnClock(state, customer.test_clock);
  const { subscriptionSchedules, subscriptions } = state.store;
  // Each changed object is looked up with get(), as every write does, so it is journaled and re-indexed.
  for (const { id, customer: owner, status } of subscriptionSchedules.all()) {
    if (owner === customer.id && (status === 'active' || status === 'not_started')) cancelSchedule(state, subscriptionSchedules.get(id), at);
  }
  for (const { id, customer: owner } of subscriptions.all()) {
    if (owner === customer.id) endSubscription(state, subscriptions.get(id), at);
  }
}

export function invoiceAutoFinalizeAt(createdAt: number): number {
  return createdAt + AUTO_FINALIZE_DELAY_SECONDS;
}
