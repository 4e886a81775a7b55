/**
 * Tiered prices from consumption schedules (spec §2.4): a PricebookEntry takes the one active schedule
 * of its product, an OrderItem its own `SBQQ__OrderItemConsumptionSchedule__c`. Slab → graduated,
 * Range → volume; each rate is a tier, the unbounded one last; PerUnit → unit amount, FlatFee → flat amount.
 */
import type Stripe from 'stripe';
import type { PlanningContext } from '../plan/context.js';
import { SyncError, type RecordRef } from '../errors.js';
import { idKey } from '../records/graph.js';
import { decimalOf, roundForStripe, stripeDecimal, toMinorUnits } from '../money.js';
import type { OrderItem, PricebookEntry } from '../records/models.js';
import { recordRef } from '../records/records.js';

interface Rate {
  readonly record: RecordRef;
  readonly upperBound: number | null | undefined;
  readonly pricingMethod: string | null | undefined;
  readonly price: number | null | undefined;
  readonly fields: { readonly upperBound: string; readonly pricingMethod: string; readonly price: string };
}

/** A consumption schedule in the shape both Salesforce objects share. */
export interface TierSchedule {
  readonly record: RecordRef;
  readonly type: string | null | undefined;
  readonly ratingMethod: string | null | undefined;
  readonly fields: { readonly type: string; readonly ratingMethod: string };
  readonly rates: readonly Rate[];
}

export interface TieredParams {
  readonly billing_scheme: 'tiered';
  readonly tiers_mode: Stripe.PriceCreateParams.TiersMode;
  readonly tiers: Stripe.PriceCreateParams.Tier[];
}

const TIERS_MODE: Readonly<Record<string, Stripe.PriceCreateParams.TiersMode>> = { Slab: 'graduated', Range: 'volume' };

/** The product's one active, undeleted consumption schedule, for a PricebookEntry price. */
export function pricebookEntrySchedule(pbe: PricebookEntry, ctx: PlanningContext): TierSchedule | undefined {
  const product = idKey(pbe.Product2Id);
  const schedules = ctx.index.graph.consumptionSchedules.filter(
    (s) => s.IsActive !== false && s.IsDeleted !== true && (s.ProductIds ?? []).some((id) => idKey(id) === product),
  );
  if (schedules.length > 1) {
    throw new SyncError('More than one consumption schedule is linked to a pricebook entry. Only one is supported.', {
      kind: 'data',
      record: recordRef('Product2', pbe.Product2Id),
      fix: `Delete or deactivate all but one consumption schedule of product ${pbe.Product2Id}.`,
    });
  }
  const schedule = schedules[0];
  if (!schedule) return undefined;
  return {
    record: recordRef('ConsumptionSchedule', schedule.Id),
    type: schedule.Type,
    ratingMethod: schedule.RatingMethod,
    fields: { type: 'Type', ratingMethod: 'RatingMethod' },
    rates: (schedule.ConsumptionRates ?? []).map((r) => ({
      record: recordRef('ConsumptionRate', r.Id),
      upperBound: r.UpperBound,
      pricingMethod: r.PricingMethod,
      price: r.Price,
      fields: { upperBound: 'UpperBound', pricingMethod: 'PricingMethod', price: 'Price' },
    })),
  };
}

/** The order line's own consumption schedule, for an OrderItem price. */
export function orderItemSchedule(item: OrderItem, ctx: PlanningContext): TierSchedule | undefined {
  const schedules = ctx.index.orderItemConsumptionSchedules(item.Id);
  if (schedules.length > 1) {
    throw new SyncError('More than one consumption schedule is linked to the order line. Only one is supported.', {
      kind: 'data',
      record: recordRef('OrderItem', item.Id),
      fix: `Keep one consumption schedule on order product ${item.Id}.`,
    });
  }
  const schedule = schedules[0];
  if (!schedule) return undefined;
  return {
    record: recordRef('SBQQ__OrderItemConsumptionSchedule__c', schedule.Id),
    type: schedule.SBQQ__Type__c,
    ratingMethod: schedule.SBQQ__RatingMethod__c,
    fields: { type: 'SBQQ__Type__c', ratingMethod: 'SBQQ__RatingMethod__c' },
    rates: (schedule.Rates ?? []).map((r) => ({
      record: recordRef('SBQQ__OrderItemConsumptionRate__c', r.Id),
      upperBound: r.SBQQ__UpperBound__c,
      pricingMethod: r.SBQQ__PricingMethod__c,
      price: r.SBQQ__Price__c,
      fields: { upperBound: 'SBQQ__UpperBound__c', pricingMethod: 'SBQQ__PricingMethod__c', price: 'SBQQ__Price__c' },
    })),
  };
}

/** Stripe's tier params for a schedule, in minor units of `currency`. */
export function tieredParams(schedule: TierSchedule, currency: string): TieredParams {
  const fail = (record: RecordRef, field: string, message: string, fix: string): never => {
    throw new SyncError(message, { kind: 'data', record, field, fix });
  };
  const mode =
    TIERS_MODE[schedule.type ?? ''] ??
    fail(
      schedule.record,
      schedule.fields.type,
      'The consumption schedule type must be Range or Slab.',
      'Set the consumption schedule type to Range or Slab.',
    );
  if (schedule.ratingMethod !== 'Tier') {
    fail(
      schedule.record,
      schedule.fields.ratingMethod,
      'The consumption schedule rating method must be Tier.',
      'Set the consumption schedule rating method to Tier.',
    );
  }
  const tiers = schedule.rates.map((rate): Stripe.PriceCreateParams.Tier => {
    const upTo = rate.upperBound ?? 'inf';
    if (upTo !== 'inf' && !Number.isInteger(upTo)) {
      fail(
        rate.record,
        rate.fields.upperBound,
        'The consumption rate upper bound must be an integer.',
        'Use a whole number as the upper bound of the consumption rate.',
      );
    }
    const amount = stripeDecimal(roundForStripe(toMinorUnits(decimalOf(rate.price ?? 0), currency)));
    if (rate.pricingMethod === 'PerUnit') return { up_to: upTo, unit_amount_decimal: amount };
    if (rate.pricingMethod === 'FlatFee') return { up_to: upTo, flat_amount_decimal: amount };
    return fail(
      rate.record,
      rate.fields.pricingMethod,
      'The consumption rate pricing method must be PerUnit or FlatFee.',
      'Set the pricing method of the consumption rate to PerUnit or FlatFee.',
    );
  });
  const unbounded = tiers.filter((t) => t.up_to === 'inf').length;
  if (unbounded !== 1) {
    fail(
      schedule.record,
      schedule.fields.type,
      unbounded === 0
        ? 'The consumption schedule needs one rate without an upper bound.'
        : 'Two consumption rates have an infinite upper bound.',
      unbounded === 0
        ? 'Leave the upper bound of the last consumption rate empty.'
        : 'Give all but one consumption rate an upper bound.',
    );
  }
  return { billing_scheme: 'tiered', tiers_mode: mode, tiers: sortTiers(tiers) };
}

/** Ascending by upper bound, the unbounded tier last (Stripe's order). */
export function sortTiers<T extends { up_to: number | 'inf' | null }>(tiers: readonly T[]): T[] {
  const bound = (t: T): number => (t.up_to === 'inf' || t.up_to === null ? Number.POSITIVE_INFINITY : t.up_to);
  return [...tiers].sort((a, b) => bound(a) - bound(b));
}
