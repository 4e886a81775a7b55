/**
 * Quote Stripe Coupons → Stripe coupons (spec §2.8). Coupons are read at sync time straight from the
 * quote's and quote lines' coupon associations, so no Apex copy (Order_Stripe_Coupon__c) is needed.
 * Where the package trigger did make copies, their count must still match the associations — a
 * mismatch means the copies are stale, and the documented connector error says so.
 *
 * A Stripe coupon is reused while the Salesforce coupon is unchanged; any change to the fields Stripe
 * cannot edit gives a new coupon. Order coupons become the phase's `discounts`, line coupons the item's.
 */
import type Stripe from 'stripe';
import type { PlanningContext } from '../plan/context.js';
import { SyncError, type RecordRef } from '../errors.js';
import { idempotencyKey } from '../plan/idempotency.js';
import { applyMappings, toNestedParams } from '../mappings/mappings.js';
import { mappedMetadata, metadataPaths, recordMetadata } from '../mappings/metadata.js';
import type { Order, OrderItem, QuoteStripeCoupon } from '../records/models.js';
import { decimalOf, toMinorUnits } from '../money.js';
import { ref } from '../plan/plan.js';
import { priceCurrency } from '../pricing/prices.js';
import { recordRef } from '../records/records.js';
import { sameId } from '../records/salesforceIds.js';
import type { DiscountParams } from '../amendments/scheduleState.js';

const COUPON_OBJECT = 'Quote_Stripe_Coupon__c';
const DURATIONS = ['once', 'repeating', 'forever'] as const;

function couponError(coupon: QuoteStripeCoupon, message: string, field: string, fix: string): SyncError {
  return new SyncError(message, { kind: 'data', record: recordRef(COUPON_OBJECT, coupon.Id), field, fix });
}

/** The package's validation rules (spec §2.8), checked again here for data that bypassed them. */
function validateCoupon(coupon: QuoteStripeCoupon): void {
  const percent = coupon.Percent_Off__c ?? null;
  const amount = coupon.Amount_Off__c ?? null;
  if (percent !== null && amount !== null) {
    throw couponError(
      coupon,
      'Received both Percent_Off__c and Amount_Off__c parameters. Please pass in only one.',
      'Percent_Off__c',
      'Clear either Percent_Off__c or Amount_Off__c.',
    );
  }
  if (percent === null && amount === null) {
    throw couponError(
      coupon,
      'Must provide Percent_Off__c or Amount_Off__c.',
      'Percent_Off__c',
      'Fill in Percent_Off__c or Amount_Off__c.',
    );
  }
  if (percent !== null && (percent <= 0 || percent > 100)) {
    throw couponError(
      coupon,
      'Percent_Off__c must be greater than 0 and at most 100.',
      'Percent_Off__c',
      'Set a percentage between 0 and 100.',
    );
  }
  if (amount !== null && amount <= 0) {
    throw couponError(coupon, 'Amount_Off__c must be a positive amount.', 'Amount_Off__c', 'Set a positive amount.');
  }
  const duration = coupon.Duration__c ?? 'once';
  if (!(DURATIONS as readonly string[]).includes(duration)) {
    throw couponError(
      coupon,
      `Duration__c must be once, repeating or forever; found ${duration}.`,
      'Duration__c',
      'Pick once, repeating or forever.',
    );
  }
  const months = coupon.Duration_In_Months__c;
  if (
    duration === 'repeating' &&
    (months === null || months === undefined || !Number.isInteger(months) || months <= 0)
  ) {
    throw couponError(
      coupon,
      'Duration_In_Months__c is required for repeating coupons and must be a whole number of months.',
      'Duration_In_Months__c',
      'Fill in Duration_In_Months__c.',
    );
  }
}

/** The Stripe coupon params for a Quote Stripe Coupon: mapped fields, then the package fields. */
export function couponParams(coupon: QuoteStripeCoupon, ctx: PlanningContext): Stripe.CouponCreateParams {
  validateCoupon(coupon);
  const { fields } = applyMappings('coupon', coupon, ctx.index, ctx.sync.mappings);
  const duration = (coupon.Duration__c ?? 'once') as Stripe.CouponCreateParams.Duration;
  const amount = coupon.Amount_Off__c;
  const currency = priceCurrency(coupon, ctx);
  return {
    ...(toNestedParams(fields, metadataPaths(fields)) as Partial<Stripe.CouponCreateParams>),
    ...(coupon.Name__c ? { name: coupon.Name__c } : {}),
    ...(amount !== null && amount !== undefined
      ? { amount_off: toMinorUnits(decimalOf(amount), currency).round().toNumber(), currency }
      : { percent_off: coupon.Percent_Off__c! }),
    duration,
    ...(duration === 'repeating' ? { duration_in_months: coupon.Duration_In_Months__c! } : {}),
    ...(coupon.Max_Redemptions__c ? { max_redemptions: Math.trunc(coupon.Max_Redemptions__c) } : {}),
    metadata: { ...recordMetadata(recordRef(COUPON_OBJECT, coupon.Id), ctx.sync), ...mappedMetadata(fields) },
  };
}

/** Equal on the fields a Stripe coupon can never change (spec §2.8 reuse rule). */
function sameCoupon(params: Stripe.CouponCreateParams, existing: Stripe.Coupon): boolean {
  const same = (a: unknown, b: unknown): boolean => (a ?? null) === (b ?? null);
  return (
    same(params.name, existing.name) &&
    same(params.amount_off, existing.amount_off) &&
    same(params.percent_off, existing.percent_off) &&
    same(params.duration, existing.duration) &&
    same(params.duration_in_months, existing.duration_in_months) &&
    same(params.currency, existing.currency)
  );
}

/** The Stripe coupon for a Quote Stripe Coupon: the linked one while unchanged, else a planned create. */
export function planCoupon(coupon: QuoteStripeCoupon, ctx: PlanningContext): string {
  const params = couponParams(coupon, ctx);
  const linked = coupon.Stripe_ID__c ? ctx.state.coupons?.[coupon.Stripe_ID__c] : undefined;
  if (linked && sameCoupon(params, linked)) return linked.id;
  const source = recordRef(COUPON_OBJECT, coupon.Id);
  const couponRef = ref('coupon', source.id);
  if (!ctx.plan.has(couponRef)) {
    // The record version is in the key, so an edited coupon gets a new Stripe coupon, never a replay.
    ctx.plan.add({
      op: 'coupons.create',
      ref: couponRef,
      params,
      idempotencyKey: idempotencyKey(ctx.sync.orgId, coupon, 'coupons.create'),
      source,
    });
    ctx.plan.writeBack(source, { Stripe_ID__c: couponRef }, coupon);
  }
  return couponRef;
}

function discountsFor(coupons: readonly QuoteStripeCoupon[], ctx: PlanningContext): DiscountParams[] {
  return coupons.map((coupon) => ({ coupon: planCoupon(coupon, ctx) }));
}

function couponsById(ids: readonly string[], ctx: PlanningContext, record: RecordRef): QuoteStripeCoupon[] {
  return ids.map((id) => {
    const coupon = ctx.index.get('quoteStripeCoupons', id);
    if (!coupon) {
      throw new SyncError(`The Quote Stripe Coupon ${id} associated with the quote was not found.`, {
        kind: 'connector',
        record,
        fix: 'Check that the integration user can read Quote Stripe Coupons, then sync again.',
      });
    }
    return coupon;
  });
}

/** Order copies made by the package trigger must match the associations in number (spec §2.8). */
function assertCopiesMatch(associations: number, copies: number, record: RecordRef): void {
  if (copies > 0 && copies !== associations) {
    throw new SyncError(
      'There is different number of Quote or Quote Line Associations than Order or Order Item coupons.',
      {
        kind: 'connector',
        record,
        fix: 'Delete the Order Stripe Coupon records of this order (they are re-read from the quote), or fix the coupon associations, then sync again.',
      },
    );
  }
}

/** Order-level coupons: the `discounts` of every phase the order makes. */
export function orderDiscounts(order: Order, ctx: PlanningContext): DiscountParams[] {
  if (!ctx.sync.settings.features.coupons || !order.SBQQ__Quote__c) return [];
  const record = recordRef('Order', order.Id);
  const ids = ctx.index.graph.quoteStripeCouponAssociations
    .filter((a) => sameId(a.Quote__c, order.SBQQ__Quote__c))
    .map((a) => a.Quote_Stripe_Coupon__c);
  assertCopiesMatch(
    ids.length,
    ctx.index.graph.orderStripeCoupons.filter((c) => sameId(c.Order__c, order.Id)).length,
    record,
  );
  return discountsFor(couponsById(ids, ctx, record), ctx);
}

/** Line-level coupons: the `discounts` of the line's phase items, in every phase the line is in. */
export function lineDiscounts(line: OrderItem, ctx: PlanningContext): DiscountParams[] {
  if (!ctx.sync.settings.features.coupons || !line.SBQQ__QuoteLine__c) return [];
  const record = recordRef('OrderItem', line.Id);
  const ids = ctx.index.graph.quoteLineStripeCouponAssociations
    .filter((a) => sameId(a.Quote_Line__c, line.SBQQ__QuoteLine__c))
    .map((a) => a.Quote_Stripe_Coupon__c);
  assertCopiesMatch(
    ids.length,
    ctx.index.graph.orderStripeCoupons.filter((c) => sameId(c.Order_Item__c, line.Id)).length,
    record,
  );
  return discountsFor(couponsById(ids, ctx, record), ctx);
}
