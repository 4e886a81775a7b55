/**
 * The payment methods an emulated customer can pay with: Stripe's test PaymentMethods (docs.stripe.com/testing#cards,
 * "PaymentMethods" tab), which exist in every test-mode account. Any other id does not exist here, and Stripe
 * answers a request naming a missing object with 404 `resource_missing` "No such PaymentMethod: 'pm_…'".
 */
import { resourceMissing } from './errors.js';

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

/** The id, if it names a payment method that exists; Stripe's resource_missing otherwise. */
export function checkPaymentMethod(id: string, param: string): string {
  if (!TEST_PAYMENT_METHODS.has(id)) throw resourceMissing('PaymentMethod', id, param);
  return id;
}
