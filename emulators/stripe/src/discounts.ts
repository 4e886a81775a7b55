/**
 * Coupons on invoices (docs.stripe.com/billing/subscriptions/coupons). Applying a coupon to a subscription, an
 * item, an invoice or an invoice item makes a Discount object (docs.stripe.com/api/discounts/object) that
 * starts then and, for a `repeating` coupon, ends `duration_in_months` later; the object holds the discount's
 * id, as Stripe's do. Item-level discounts come off their own line, then invoice-level (subscription or phase)
 * discounts come off what remains. A discount is in effect on the invoice at its start only (`once`), until its
 * end (`repeating`), or always (`forever`).
 */
import { addInterval } from './clock.js';
import { parameterInvalid } from './errors.js';
import { discountOff } from './money.js';
import type { Coupon, Discount, Invoice } from './objects.js';
import type { EmulatorState } from './state.js';
import { newId } from './store.js';
import type { Params } from './validation.js';

/** A `discounts[]` entry as schedules echo it (and as requests give it): the coupon, discount or promotion code. */
export interface DiscountRef {
  coupon: string | null;
  discount: string | null;
  promotion_code: string | null;
}

/** What a discount is attached to (the rest of Discount's attachment fields are null). */
export type DiscountHolder = Partial<
  Pick<Discount, 'subscription' | 'subscription_item' | 'invoice' | 'invoice_item'>
> & { customer: string };

/** Discount objects for the coupons of `refs`, starting at `start`; returns their ids. */
export function createDiscounts(
  state: EmulatorState,
  refs: readonly DiscountRef[],
  start: number,
  holder: DiscountHolder,
): string[] {
  return refs.flatMap((ref) => {
    if (ref.discount) return [ref.discount];
    const coupon = ref.coupon ? state.store.coupons.find(ref.coupon) : undefined;
    if (!coupon) return [];
    const discount = state.store.discounts.insert({
      id: newId('di', 24),
      object: 'discount',
      checkout_session: null,
      customer: holder.customer,
      customer_account: null,
      end: coupon.duration === 'repeating' ? addInterval(start, 'month', coupon.duration_in_months ?? 0) : null,
      invoice: holder.invoice ?? null,
      invoice_item: holder.invoice_item ?? null,
      promotion_code: null,
      source: { coupon: coupon.id, type: 'coupon' },
      start,
      subscription: holder.subscription ?? null,
      subscription_item: holder.subscription_item ?? null,
    });
    return [discount.id];
  });
}

function couponOf(state: EmulatorState, discountId: string): { discount: Discount; coupon: Coupon } | undefined {
  const discount = state.store.discounts.find(discountId);
  const coupon = discount?.source.coupon ? state.store.coupons.find(discount.source.coupon) : undefined;
  return discount && coupon ? { discount, coupon } : undefined;
}

export function discountInEffect(discount: Discount, coupon: Coupon, at: number): boolean {
  switch (coupon.duration) {
    case 'once':
      return at === discount.start;
    case 'repeating':
      return discount.end === null || at < discount.end;
    case 'forever':
      return true;
  }
}

/** The ids among `discountIds` in effect at `at`. */
export function discountsInEffect(state: EmulatorState, discountIds: readonly string[], at: number): string[] {
  return discountIds.filter((id) => {
    const found = couponOf(state, id);
    return found !== undefined && discountInEffect(found.discount, found.coupon, at);
  });
}

/** What each discount takes off `amount`, in turn, as `discount_amounts`. */
export function discountAmounts(
  state: EmulatorState,
  amount: number,
  discountIds: readonly string[],
): { amount: number; discount: string }[] {
  let remaining = amount;
  return discountIds.flatMap((id) => {
    const found = couponOf(state, id);
    if (!found) return [];
    const off = discountOff(remaining, found.coupon);
    remaining -= off;
    return [{ amount: off, discount: id }];
  });
}

/** Subtotal, discounts and totals from the lines and the invoice-level discounts in `invoice.discounts`. */
export function updateTotals(state: EmulatorState, invoice: Invoice): void {
  const subtotal = invoice.lines.data.reduce((sum, line) => sum + line.amount, 0);
  const itemDiscounts = invoice.lines.data.flatMap((line) => line.discount_amounts);
  const afterItems = subtotal - itemDiscounts.reduce((sum, d) => sum + d.amount, 0);
  const invoiceDiscounts = discountAmounts(state, afterItems, invoice.discounts);
  const total = afterItems - invoiceDiscounts.reduce((sum, d) => sum + d.amount, 0);
  const first = invoice.lines.data[0];
  if (first) invoice.currency = first.currency;
  invoice.subtotal = subtotal;
  invoice.subtotal_excluding_tax = subtotal;
  invoice.total_discount_amounts = [...itemDiscounts, ...invoiceDiscounts];
  invoice.total = total;
  invoice.total_excluding_tax = total;
  invoice.amount_due = total;
  invoice.amount_remaining = total - invoice.amount_paid;
  invoice.ending_balance = invoice.status === 'draft' ? null : 0;
}

/**
 * `discounts[]` as schedules echo them: `{ coupon, discount, promotion_code }` with nulls. Named coupons and
 * discounts must exist; promotion codes are not modelled (refused, so none is silently dropped).
 */
export function checkDiscounts(state: EmulatorState, discounts: unknown, param: string): DiscountRef[] {
  if (!Array.isArray(discounts)) return [];
  return discounts.map((discount, i) => {
    const { coupon, discount: existing, promotion_code: promotionCode } = discount as Params;
    if (typeof coupon === 'string') state.store.coupons.get(coupon, `${param}[${i}][coupon]`);
    if (typeof existing === 'string') state.store.discounts.get(existing, `${param}[${i}][discount]`);
    if (promotionCode !== undefined) {
      throw parameterInvalid(
        `${param}[${i}][promotion_code]`,
        'The Stripe emulator does not model promotion codes; pass `coupon` instead.',
      );
    }
    return {
      coupon: typeof coupon === 'string' ? coupon : null,
      discount: typeof existing === 'string' ? existing : null,
      promotion_code: null,
    };
  });
}
