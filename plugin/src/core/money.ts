/**
 * Money in the core: Salesforce amounts arrive in major units (JS numbers from JSON); Stripe wants minor
 * units as decimal strings with at most 12 decimal places. Every conversion and rounding rule lives here,
 * once, on decimal.js values — never on floats.
 */
import { Decimal as BaseDecimal } from 'decimal.js';
import Stripe from 'stripe';

/** 40 significant digits: enough for any amount with Stripe's 12 decimal places, so only explicit rounding rounds. */
export const Decimal = BaseDecimal.clone({ precision: 40, rounding: BaseDecimal.ROUND_HALF_UP });
export type Decimal = BaseDecimal;

/** Stripe's limit on `unit_amount_decimal` / `flat_amount_decimal` (spec §4.2). */
export const STRIPE_DECIMAL_PLACES = 12;

/**
 * Currencies whose amounts Stripe takes in whole units: Stripe's list (docs.stripe.com/currencies,
 * "Zero-decimal currencies"), which has UGX; the spec's §4.2 list (the reference connector's) lacks it.
 */
export const ZERO_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);

export function isZeroDecimalCurrency(currency: string): boolean {
  return ZERO_DECIMAL_CURRENCIES.has(currency.toLowerCase());
}

/** An exact decimal from a Salesforce number or text (`toString` of a JS number is its shortest exact form). */
export function decimalOf(value: number | string): Decimal {
  return new Decimal(typeof value === 'number' ? value.toString() : value);
}

/** Major units (Salesforce) → minor units (Stripe): ×100 except for zero-decimal currencies. */
export function toMinorUnits(major: Decimal, currency: string): Decimal {
  return isZeroDecimalCurrency(currency) ? major : major.times(100);
}

/** Rounds to Stripe's 12 decimal places (half-up, as the reference connector). */
export function roundForStripe(minor: Decimal): Decimal {
  return minor.toDecimalPlaces(STRIPE_DECIMAL_PLACES, Decimal.ROUND_HALF_UP);
}

/** `salesforce_precision`: amounts rounded to 2 decimals of the major unit, like Salesforce currency fields. */
export function roundToSalesforcePrecision(minor: Decimal, currency: string): Decimal {
  return minor.toDecimalPlaces(isZeroDecimalCurrency(currency) ? 2 : 0, Decimal.ROUND_HALF_UP);
}

/** The plain (never exponential) decimal text Stripe accepts. */
export function decimalText(value: Decimal): string {
  return value.toFixed();
}

/** A Stripe SDK decimal (it serialises to the same plain text, so plans stay byte-stable JSON). */
export function stripeDecimal(value: Decimal): Stripe.Decimal {
  return Stripe.Decimal.from(decimalText(value));
}

/** Reads a Stripe decimal field of a retrieved object (an SDK Decimal, or a string from stored JSON). */
export function decimalFromStripe(value: unknown): Decimal | undefined {
  if (value === null || value === undefined) return undefined;
  return new Decimal(String(value));
}
