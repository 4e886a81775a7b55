/**
 * What a price charges for a quantity, in integer minor units. Per-unit prices multiply the (up to 12-place)
 * decimal unit amount; tiered prices sum their graduated tiers or price the whole quantity at its volume tier.
 * The one rounding rule: the line total is rounded half-up to a whole minor unit.
 */
import { Decimal } from 'decimal.js';
import type { Price, PriceTier } from './objects.js';

export function lineAmount(price: Price, quantity: number): number {
  if (price.recurring?.usage_type === 'metered') return 0; // usage is reported through meter events, which the emulator does not rate
  if (price.billing_scheme === 'tiered')
    return toMinorUnits(tieredAmount(price.tiers ?? [], price.tiers_mode, quantity));
  return decimalLineAmount(price.unit_amount_decimal, quantity);
}

/** A per-unit decimal amount (minor units, may be negative) times a quantity, rounded as Stripe rounds lines. */
export function decimalLineAmount(unitAmountDecimal: string | null, quantity: number): number {
  return toMinorUnits(perUnit(unitAmountDecimal).times(quantity));
}

function toMinorUnits(exact: Decimal): number {
  return exact.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
}

function perUnit(value: string | null): Decimal {
  return new Decimal(value ?? 0);
}

function tieredAmount(tiers: readonly PriceTier[], mode: Price['tiers_mode'], quantity: number): Decimal {
  if (mode === 'volume') {
    const tier = tiers.find((t) => t.up_to === null || quantity <= t.up_to) ?? tiers.at(-1);
    return tier
      ? perUnit(tier.unit_amount_decimal).times(quantity).plus(perUnit(tier.flat_amount_decimal))
      : new Decimal(0);
  }
  let total = new Decimal(0);
  let floor = 0;
  for (const tier of tiers) {
    if (quantity <= floor) break;
    const inTier = Math.min(quantity, tier.up_to ?? Infinity) - floor;
    total = total.plus(perUnit(tier.unit_amount_decimal).times(inTier)).plus(perUnit(tier.flat_amount_decimal));
    floor = tier.up_to ?? Infinity;
  }
  return total;
}

/** What a coupon takes off an amount: a percentage (rounded by the same half-up rule) or a fixed amount, never more than the amount. */
export function discountOff(amount: number, coupon: { percent_off: number | null; amount_off: number | null }): number {
  const off =
    coupon.percent_off !== null
      ? new Decimal(amount)
          .times(coupon.percent_off)
          .dividedBy(100)
          .toDecimalPlaces(0, Decimal.ROUND_HALF_UP)
          .toNumber()
      : (coupon.amount_off ?? 0);
  return Math.min(amount, off);
}
