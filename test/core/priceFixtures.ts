// Stripe SDK decimals for price params in tests.
import Stripe from 'stripe';

export const money = (text: string): Stripe.Decimal => Stripe.Decimal.from(text);
