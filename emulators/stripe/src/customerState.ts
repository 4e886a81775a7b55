/**
 * A customer's "now" and currency, which every write on its behalf consults: objects follow their customer's
 * test clock when it has one (docs.stripe.com/billing/testing/test-clocks), else the emulator clock.
 */
import { invalidRequest } from './errors.js';
import type { Customer } from './objects.js';
import type { EmulatorState } from './state.js';

export function timeOnClock(state: EmulatorState, testClockId: string | null): number {
  return testClockId ? state.store.testClocks.get(testClockId).frozen_time : state.clock.now();
}

/** The customer's "now" for a change made through the API; refused while the customer's test clock advances. */
export function customerTime(state: EmulatorState, customerId: string): number {
  const clockId = state.store.customers.get(customerId, undefined, true).test_clock;
  const clock = clockId ? state.store.testClocks.get(clockId) : undefined;
  if (clock && clock.status !== 'ready') {
    throw invalidRequest(
      `The test clock ${clock.id} is ${clock.status}. Wait until its status is \`ready\` before changing objects attached to it.`,
    );
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

/** A schedule's prices against its customer's currency, refused in Stripe's recorded words (no param). */
export function claimPriceCurrency(customer: Customer, currency: string): void {
  if (customer.currency && customer.currency !== currency) {
    throw invalidRequest(
      `The currency of the selected prices (${currency}) does not match the customer currency (${customer.currency}).`,
    );
  }
  customer.currency = currency;
}
