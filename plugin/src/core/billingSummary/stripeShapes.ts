/**
 * Stripe objects and a plan's Stripe params → the summary's Stripe-shaped billing (summarise.ts). A
 * retrieved schedule and a plan's schedule params name prices and coupons the same way, so both paths
 * share these readers. Pure: the objects are arguments.
 */
import type Stripe from 'stripe';
import { Decimal, decimalFromStripe } from '../money.js';
import type { CouponFacts, Interval, InvoiceFacts, ItemRef, PhaseShape, PriceFacts } from './summarise.js';

const idOf = (value: string | { id: string } | null | undefined): string | undefined =>
  typeof value === 'string' ? value : value?.id;

/** A Stripe.Price or a plan's price params: the fields both have. */
export interface PriceLike {
  readonly currency?: string;
  readonly unit_amount?: number | null;
  readonly unit_amount_decimal?: unknown;
  readonly billing_scheme?: string | null;
  readonly recurring?: {
    readonly interval: string;
    readonly interval_count?: number | null;
    readonly usage_type?: string | null;
    readonly meter?: string | null;
  } | null;
}

export function priceFacts(price: PriceLike, product: string): PriceFacts {
  const metered = price.recurring?.usage_type === 'metered' || Boolean(price.recurring?.meter);
  const tiered = price.billing_scheme === 'tiered';
  const unit =
    decimalFromStripe(price.unit_amount_decimal) ??
    (typeof price.unit_amount === 'number' ? new Decimal(price.unit_amount) : undefined);
  return {
    product,
    unitAmount: metered || tiered ? undefined : unit,
    recurring: price.recurring
      ? { interval: price.recurring.interval as Interval, intervalCount: price.recurring.interval_count ?? 1 }
      : null,
  };
}

/** A Stripe.Coupon or a plan's coupon params. */
export interface CouponLike {
  readonly name?: string | null;
  readonly id?: string;
  readonly percent_off?: number | null;
  readonly amount_off?: number | null;
  readonly duration?: string | null;
  readonly duration_in_months?: number | null;
}

export function couponFacts(coupon: CouponLike, fallbackName: string): CouponFacts {
  const duration = coupon.duration === 'once' || coupon.duration === 'repeating' ? coupon.duration : 'forever';
  return {
    name: coupon.name ?? coupon.id ?? fallbackName,
    percentOff: typeof coupon.percent_off === 'number' ? new Decimal(coupon.percent_off.toString()) : null,
    amountOff: typeof coupon.amount_off === 'number' ? new Decimal(coupon.amount_off) : null,
    duration,
    durationInMonths: duration === 'repeating' ? (coupon.duration_in_months ?? null) : null,
  };
}

/** A `discounts[]` entry as schedules echo it (`{ coupon }`), or an expanded Discount object (`{ source: { coupon } }`). */
type DiscountLike = {
  readonly coupon?: string | { id: string } | null;
  readonly source?: { readonly coupon?: string | { id: string } | null };
};
/** A phase item, add-invoice item or subscription item: its price, quantity and its own (line-level) discounts. */
type ItemLike = {
  readonly price?: string | { id: string } | null;
  readonly quantity?: number | null;
  readonly discounts?: readonly (DiscountLike | string)[] | null;
};

/** The coupons of `discounts[]` entries that name one (a bare Discount id names none without a read). */
const coupons = (discounts: readonly (DiscountLike | string)[] | null | undefined): string[] =>
  (discounts ?? []).flatMap((d) => {
    const coupon = typeof d === 'string' ? undefined : (idOf(d.coupon) ?? idOf(d.source?.coupon));
    return coupon ? [coupon] : [];
  });

const items = (list: readonly ItemLike[] | null | undefined): ItemRef[] =>
  (list ?? []).flatMap((i) => {
    const price = idOf(i.price);
    return price ? [{ price, quantity: i.quantity ?? 1, coupons: coupons(i.discounts) }] : [];
  });

/** Every coupon the phases name: the phases' own and their lines'. */
export function phaseCoupons(phases: readonly PhaseShape[]): string[] {
  return phases.flatMap((p) => [...p.coupons, ...[...p.items, ...p.oneTimeItems].flatMap((i) => i.coupons ?? [])]);
}

/** A schedule phase as Stripe returns it, or as a plan sends it (start and end resolved to unix seconds). */
export interface PhaseLike {
  readonly start: number;
  readonly end: number | null;
  readonly items: readonly ItemLike[];
  readonly add_invoice_items?: readonly ItemLike[] | null;
  readonly discounts?: readonly (DiscountLike | string)[] | null;
}

export function phaseShape(phase: PhaseLike): PhaseShape {
  return {
    start: phase.start,
    end: phase.end,
    items: items(phase.items),
    oneTimeItems: items(phase.add_invoice_items),
    coupons: coupons(phase.discounts),
  };
}

/** A retrieved schedule's phases; a schedule that releases its subscription (evergreen) ends open. */
export function schedulePhases(schedule: Stripe.SubscriptionSchedule): PhaseShape[] {
  const releases = schedule.end_behavior === 'release';
  return schedule.phases.map((p, i) =>
    phaseShape({
      start: p.start_date,
      end: releases && i === schedule.phases.length - 1 ? null : p.end_date,
      items: p.items,
      add_invoice_items: p.add_invoice_items,
      discounts: p.discounts,
    }),
  );
}

/** An evergreen subscription: one open-ended phase from its billing anchor. */
export function subscriptionPhase(
  subscription: Pick<Stripe.Subscription, 'billing_cycle_anchor' | 'start_date' | 'discounts'> & {
    items: { data: readonly ItemLike[] };
  },
): PhaseShape {
  return phaseShape({
    start: subscription.billing_cycle_anchor ?? subscription.start_date,
    end: null,
    items: subscription.items.data,
    discounts: subscription.discounts as DiscountLike[] | string[],
  });
}

/** A one-time invoice's lines (read with all of them: billingReads.ts) and each line's own coupons. */
export function invoiceItems(invoice: Stripe.Invoice): ItemRef[] {
  return (invoice.lines?.data ?? []).flatMap((line) => {
    const price = idOf(line.pricing?.price_details?.price);
    const lineCoupons = coupons(line.discounts as readonly (DiscountLike | string)[] | null);
    return price ? [{ price, quantity: line.quantity ?? 1, coupons: lineCoupons }] : [];
  });
}

/** Coupon ids of a one-time invoice's own discounts (order-level; each line's are its own). */
export function invoiceCoupons(invoice: Pick<Stripe.Invoice, 'discounts'>): string[] {
  return coupons(invoice.discounts as readonly (DiscountLike | string)[] | null);
}

/** A plan's invoice items (`invoiceItems.create` params): price, quantity and the line's own discounts. */
export function plannedInvoiceItems(params: readonly Stripe.InvoiceItemCreateParams[]): ItemRef[] {
  return items(
    params.map((p) => ({ price: p.pricing?.price, quantity: p.quantity, discounts: p.discounts as DiscountLike[] })),
  );
}

export function invoiceFacts(invoice: Stripe.Invoice): InvoiceFacts {
  // What is still to pay: amount_due stays as it was once the invoice is paid; amount_remaining goes to 0.
  return {
    status: invoice.status ?? 'draft',
    amountDue: invoice.amount_remaining,
    total: invoice.total,
    paymentLink: invoice.hosted_invoice_url ?? null,
  };
}
