/**
 * Coupons on invoices (docs.stripe.com/billing/subscriptions/coupons): item-level discounts come off their own
 * line, then invoice-level (subscription or phase) discounts come off what remains. A coupon applied at `since`
 * is in effect on the invoice at `since` only (`once`), for `duration_in_months` (`repeating`), or always (`forever`).
 */
import { addInterval } from './clock.js';
import { discountOff } from './money.js';
import type { Coupon, Invoice } from './objects.js';
import type { EmulatorState } from './state.js';

export function couponInEffect(coupon: Coupon, since: number, at: number): boolean {
  switch (coupon.duration) {
    case 'once':
      return at === since;
    case 'repeating':
      return at < addInterval(since, 'month', coupon.duration_in_months ?? 0);
    case 'forever':
      return true;
  }
}

/** The coupon ids of `discounts` params (`[{ coupon }]`) still in effect at `at`. */
export function couponIdsInEffect(state: EmulatorState, discounts: readonly unknown[], since: number, at: number): string[] {
  return discounts
    .map((d) => (d as { coupon?: unknown }).coupon)
    .filter((id): id is string => typeof id === 'string')
    .filter((id) => {
      const coupon = state.store.coupons.find(id);
      return coupon !== undefined && couponInEffect(coupon, since, at);
    });
}

/** Line discounts for item-level coupons, as `discount_amounts` (`discount` names the coupon). */
export function lineDiscounts(state: EmulatorState, amount: number, couponIds: readonly string[]): { amount: number; discount: string }[] {
  let remaining = amount;
  return couponIds.flatMap((id) => {
    const coupon = state.store.coupons.find(id);
    if (!coupon) return [];
    const off = discountOff(remaining, coupon);
    remaining -= off;
    return [{ amount: off, discount: id }];
  });
}

/** Subtotal, discounts and total from the lines and the invoice-level coupons in `invoice.discounts`. */
export function updateTotals(state: EmulatorState, invoice: Invoice): void {
  const subtotal = invoice.lines.data.reduce((sum, line) => sum + line.amount, 0);
  const itemDiscounts = invoice.lines.data.flatMap((line) => line.discount_amounts);
  let remaining = subtotal - itemDiscounts.reduce((sum, d) => sum + d.amount, 0);
  const invoiceDiscounts = invoice.discounts.flatMap((id) => {
    const coupon = state.store.coupons.find(id);
    if (!coupon) return [];
    const off = discountOff(remaining, coupon);
    remaining -= off;
    return [{ amount: off, discount: id }];
  });
  const first = invoice.lines.data[0];
  if (first) invoice.currency = first.currency;
  invoice.subtotal = subtotal;
  invoice.total_discount_amounts = [...itemDiscounts, ...invoiceDiscounts];
  invoice.total = remaining;
  invoice.amount_due = remaining;
  invoice.amount_remaining = remaining - invoice.amount_paid;
}
