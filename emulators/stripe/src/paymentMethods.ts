/**
 * The payment methods an emulated customer can pay with: Stripe's test PaymentMethods (docs.stripe.com/testing#cards,
 * "PaymentMethods" tab), which exist in every test-mode account. Any other id does not exist here, and Stripe
 * answers a request naming a missing object with 404 `resource_missing` "No such PaymentMethod: 'pm_…'".
 * A customer pays only with the ones attached to it (customers.create's `payment_method` attaches one).
 */
import { invalidRequest, resourceMissing } from './errors.js';
import type { StripeStore } from './objects.js';

/** Test PaymentMethods that pay, and the one that declines (`pm_card_chargeDeclined`, docs.stripe.com/testing#declined-payments). */
export const TEST_PAYMENT_METHODS = new Set([
  'pm_card_visa',
  'pm_card_visa_debit',
  'pm_card_mastercard',
  'pm_card_amex',
  'pm_card_discover',
  'pm_card_chargeDeclined',
]);

export const DECLINING_PAYMENT_METHOD = 'pm_card_chargeDeclined';

/**
 * Stripe's answer to charging a customer that has no payment method at all (400 `resource_missing`, no `param`),
 * as public code quoting live Stripe's error spells it.
 */
export const NO_PAYMENT_METHOD_MESSAGE =
  'This customer has no attached payment source or default payment method. Please consider adding a default ' +
  'payment method. For more information, visit ' +
  'https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority.';

/** The id, if it names a payment method that exists; Stripe's resource_missing otherwise. */
export function checkPaymentMethod(id: string, param: string): string {
  if (!TEST_PAYMENT_METHODS.has(id)) throw resourceMissing('PaymentMethod', id, param);
  return id;
}

/** Attaches an existing payment method to a customer (undone with the request if it is refused). */
export function attachPaymentMethod(store: StripeStore, customer: string, id: string, param: string): void {
  checkPaymentMethod(id, param);
  const attached = store.attachedPaymentMethods.get(customer) ?? new Set<string>();
  if (attached.has(id)) return;
  store.attachedPaymentMethods.set(customer, attached.add(id));
  store.journal.recordInsert(() => attached.delete(id));
}

/**
 * The id, if it names a payment method attached to `customer`: a default or charged payment method "must belong to
 * the customer" (the SDK's docs of customer, subscription and invoice `default_payment_method`, and of
 * invoices.pay `payment_method`). Stripe refuses any other with 400 `resource_missing`.
 */
export function checkAttached(store: StripeStore, customer: string, id: string, param: string): string {
  checkPaymentMethod(id, param);
  if (!store.attachedPaymentMethods.get(customer)?.has(id)) {
    throw invalidRequest(
      `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`,
      { code: 'resource_missing', param },
    );
  }
  return id;
}
