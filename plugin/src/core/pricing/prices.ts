/**
 * PricebookEntry / OrderItem → Stripe Price (spec §2.4).
 *
 * Both sources go through one generator (`priceCandidate`); if their billing terms are equal the
 * PricebookEntry's price is used (and reused by later orders), otherwise the OrderItem gets its own
 * price. CPQ's OrderItem `UnitPrice` covers the whole term, so a recurring licensed order-line amount is
 * divided by (term ÷ billing frequency) to give Stripe the price per billing period.
 */
import type Stripe from 'stripe';
import type { PlanningContext } from '../plan/context.js';
import { SyncError, type RecordRef } from '../errors.js';
import { idempotencyKey, type VersionedRecord } from '../plan/idempotency.js';
import {
  applyMappings,
  isUserMapped,
  toNestedParams,
  type MappedFields,
  type MappingKey,
} from '../mappings/mappings.js';
import {
  flagMetadata,
  mappedMetadata,
  metadataPaths,
  metadataPrefix,
  metadataProblems,
  recordMetadata,
  type Metadata,
} from '../mappings/metadata.js';
import type { Order, OrderItem, PricebookEntry, Product2 } from '../records/models.js';
import {
  Decimal,
  decimalFromStripe,
  decimalOf,
  decimalText,
  roundForStripe,
  roundToSalesforcePrecision,
  stripeDecimal,
  toMinorUnits,
} from '../money.js';
import { ref, type Ref } from '../plan/plan.js';
import { meterFor, planMeter, planProduct } from './products.js';
import { recordRef } from '../records/records.js';
import { orderItemSchedule, pricebookEntrySchedule, sortTiers, tieredParams, type TierSchedule } from './tiers.js';

/** CPQ billing frequency → months per billing period. */
export const BILLING_FREQUENCY_MONTHS: Readonly<Record<string, number>> = {
  Monthly: 1,
  Quarterly: 3,
  Semiannual: 6,
  Annual: 12,
};

/** The term a line's price is normalised over. */
export interface PriceTerms {
  /** Subscription term in whole months (the quote's, or the phase override). */
  readonly termMonths: number;
  /** Frontend proration only applies to initial orders. */
  readonly initialOrder: boolean;
  /** CPQ's prorate multiplier for MDQ segments, used instead of term ÷ billing frequency. */
  readonly multiplier?: Decimal;
  /** Evergreen lines are priced per period already: no division. */
  readonly evergreen?: boolean;
}

/** A price the sync would create for one source record, and what kind of line it makes. */
export interface PriceCandidate {
  readonly source: RecordRef;
  readonly params: Stripe.PriceCreateParams;
  readonly recurring: boolean;
  readonly metered: boolean;
  readonly tiered: boolean;
  /** Below zero: the line is left out of Stripe (spec S18). */
  readonly negative: boolean;
  /** Months per billing period (recurring prices). */
  readonly intervalMonths: number | undefined;
  /** Per-period amount in minor units (per-unit prices). */
  readonly unitAmount: Decimal | undefined;
}

/** The price a line uses: an existing id or a planned reference, and its params. */
export interface LinePrice {
  readonly price: string | Ref;
  readonly candidate: PriceCandidate;
}

interface CandidateSource {
  readonly key: MappingKey;
  readonly record: VersionedRecord & Record<string, unknown>;
  readonly ref: RecordRef;
  readonly recurringPricing: unknown;
  readonly schedule: TierSchedule | undefined;
  readonly product: Product2;
  readonly productId: string | Ref;
}

export function pricebookEntryCandidate(
  pbe: PricebookEntry,
  product: Product2,
  productId: string | Ref,
  ctx: PlanningContext,
): PriceCandidate {
  return priceCandidate(
    {
      key: 'price',
      record: pbe,
      ref: recordRef('PricebookEntry', pbe.Id),
      recurringPricing: product.SBQQ__SubscriptionPricing__c,
      schedule: pricebookEntrySchedule(pbe, ctx),
      product,
      productId,
    },
    undefined,
    ctx,
  );
}

export function orderItemCandidate(
  item: OrderItem,
  product: Product2,
  productId: string | Ref,
  terms: PriceTerms,
  ctx: PlanningContext,
): PriceCandidate {
  return priceCandidate(
    {
      key: 'price_order_item',
      record: item,
      ref: recordRef('OrderItem', item.Id),
      recurringPricing: item.SBQQ__SubscriptionPricing__c,
      schedule: orderItemSchedule(item, ctx),
      product,
      productId,
    },
    terms,
    ctx,
  );
}

/** The one generator for both sources; `terms` is given for order lines only. */
function priceCandidate(source: CandidateSource, terms: PriceTerms | undefined, ctx: PlanningContext): PriceCandidate {
  const { fields, missing } = applyMappings(source.key, source.record, ctx.index, ctx.sync.mappings);
  if (missing.length > 0)
    throw new SyncError(missing.join(', '), {
      kind: 'missing_fields',
      record: source.ref,
      field: missing[0],
      fix: 'Fill in the price fields, or map the required Price Order Item fields in the data mapper.',
    });
  const currency = priceCurrency(source.record, ctx);
  const recurring = source.recurringPricing !== null && source.recurringPricing !== undefined;
  const intervalMonths = recurring
    ? billingFrequencyMonths(fields['recurring.interval_count'] ?? null, source)
    : undefined;
  const usageType = recurring ? usageTypeOf(fields['recurring.usage_type'] ?? null, source) : undefined;
  const tiers = source.schedule ? tieredParams(source.schedule, currency) : undefined;
  const metadata: Metadata = {
    ...recordMetadata(source.ref, ctx.sync),
    ...(source.key === 'price_order_item' ? flagMetadata(ctx.sync, 'auto_archive') : {}),
    ...(source.schedule ? recordMetadata(source.schedule.record, ctx.sync) : {}),
  };

  let amount = toMinorUnits(amountOf(fields, source), currency);
  // Metered lines too: CPQ prorates a metered line's UnitPrice over the term like any other (recording
  // amendments.test_amendments__creates_a_new_phase_from_an_order_amendment_adding_a_non-metered_product_to_a_metered_product:
  // UnitPrice 1440 for 12 months, multiplier 12, billed at the 120/month pricebook price).
  const normalise =
    terms &&
    recurring &&
    !tiers &&
    !terms.evergreen &&
    !isUserMapped(ctx.sync.mappings, source.key, 'unit_amount_decimal');
  if (normalise && intervalMonths) {
    amount = amount.dividedBy(terms.multiplier ?? new Decimal(terms.termMonths).dividedBy(intervalMonths));
    if (
      usageType === 'licensed' &&
      ctx.sync.settings.features.frontendProrations &&
      terms.initialOrder &&
      terms.termMonths < intervalMonths
    ) {
      amount = amount.times(terms.termMonths % intervalMonths).dividedBy(intervalMonths);
      Object.assign(metadata, flagMetadata(ctx.sync, 'frontend_proration'));
    }
    if (ctx.sync.settings.features.salesforcePrecision) amount = roundToSalesforcePrecision(amount, currency);
  }
  amount = roundForStripe(amount);
  Object.assign(metadata, mappedMetadata(fields));
  const problem = metadataProblems(metadata, source.ref, 'price')[0];
  if (problem) throw problem;

  const mapped = toNestedParams(fields, [
    'unit_amount_decimal',
    'recurring.interval_count',
    'recurring.usage_type',
    ...metadataPaths(fields),
  ]);
  const params: Stripe.PriceCreateParams = {
    ...(mapped as Partial<Stripe.PriceCreateParams>),
    currency,
    product: source.productId,
    ...(tiers ?? { unit_amount_decimal: stripeDecimal(amount) }),
    ...(recurring && intervalMonths && usageType
      ? {
          recurring: {
            ...((mapped.recurring as object | undefined) ?? {}),
            interval: 'month',
            interval_count: intervalMonths,
            usage_type: usageType,
            ...(usageType === 'metered' ? { meter: meterFor(source.product, ctx) } : {}),
          },
        }
      : {}),
    metadata,
  };
  return {
    source: source.ref,
    params,
    recurring,
    metered: usageType === 'metered',
    tiered: !!tiers,
    negative: !tiers && amount.isNegative(),
    intervalMonths,
    unitAmount: tiers ? undefined : amount,
  };
}

function amountOf(fields: MappedFields, source: CandidateSource): Decimal {
  const value = fields.unit_amount_decimal;
  if (
    (typeof value === 'number' && Number.isFinite(value)) ||
    (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()))
  ) {
    return decimalOf(typeof value === 'string' ? value.trim() : value);
  }
  throw new SyncError(`The unit_amount_decimal field must be a number; found ${JSON.stringify(value)}.`, {
    kind: 'data',
    record: source.ref,
    field: 'unit_amount_decimal',
    fix: 'Map unit_amount_decimal to a number or currency field.',
  });
}

/** Lower-case ISO code: the record's own currency in multi-currency orgs, else the default currency. */
export function priceCurrency(record: Record<string, unknown>, ctx: PlanningContext): string {
  const own = record.CurrencyIsoCode;
  const code =
    ctx.sync.settings.multiCurrency && typeof own === 'string' && own ? own : ctx.sync.settings.defaultCurrency;
  return code.toLowerCase();
}

function billingFrequencyMonths(value: string | number | boolean | null, source: CandidateSource): number {
  if (value === null) return 1; // the reference's fallback for an empty frequency
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  const months = typeof value === 'string' ? BILLING_FREQUENCY_MONTHS[value.trim()] : undefined;
  if (months) return months;
  throw new SyncError(`Billing frequency is not a supported CPQ Billing Frequency option: ${String(value)}`, {
    kind: 'data',
    record: source.ref,
    field: 'SBQQ__BillingFrequency__c',
    fix: 'Use Monthly, Quarterly, Semiannual or Annual as the billing frequency.',
  });
}

function usageTypeOf(value: string | number | boolean | null, source: CandidateSource): 'licensed' | 'metered' {
  const text = typeof value === 'string' ? value.trim() : value;
  if (text === null || text === 'Advance' || text === 'licensed') return 'licensed';
  if (text === 'Arrears' || text === 'metered') return 'metered';
  throw new SyncError(`Product billing type isn't a supported CPQ Product Billing Type option: ${String(value)}`, {
    kind: 'data',
    record: source.ref,
    field: 'SBQQ__BillingType__c',
    fix: 'Use Advance or Arrears as the billing type.',
  });
}

/** The billing terms two prices are compared on (spec §2.4 step 5): not metadata, not usage type. */
interface BillingTerms {
  readonly product: string | undefined;
  readonly currency: string | undefined;
  readonly taxBehavior: string | undefined;
  readonly scheme: string;
  readonly recurring: string | null;
  readonly amount: string | undefined;
  readonly tiers: string | undefined;
}

type Comparable = Stripe.PriceCreateParams | Stripe.Price;

function billingTerms(price: Comparable, record: RecordRef): BillingTerms {
  const p = price as Partial<Stripe.Price> & Partial<Stripe.PriceCreateParams>;
  const scheme = p.billing_scheme ?? 'per_unit';
  const recurring = p.recurring ? `${p.recurring.interval}×${p.recurring.interval_count ?? 1}` : null;
  if (scheme !== 'per_unit' && scheme !== 'tiered') {
    throw new SyncError(`Unexpected billing_scheme value: ${scheme}`, {
      kind: 'data',
      record,
      field: 'billing_scheme',
      fix: 'Use per_unit or tiered prices.',
    });
  }
  let amount: string | undefined;
  if (scheme === 'per_unit') {
    const value = decimalFromStripe(p.unit_amount_decimal) ?? decimalFromStripe(p.unit_amount);
    if (!value) {
      throw new SyncError("The `unit_amount_decimal` field can't be null.", {
        kind: 'data',
        record,
        field: 'unit_amount_decimal',
        fix: 'Map a positive value to unit_amount_decimal.',
      });
    }
    amount = decimalText(roundForStripe(value));
  }
  const tiers =
    scheme === 'tiered'
      ? `${p.tiers_mode}:${JSON.stringify(
          sortTiers(
            (p.tiers ?? []) as {
              up_to: number | 'inf' | null;
              unit_amount_decimal?: unknown;
              flat_amount_decimal?: unknown;
              unit_amount?: unknown;
              flat_amount?: unknown;
            }[],
          ).map((t) => [
            t.up_to ?? 'inf',
            decimalText(decimalFromStripe(t.unit_amount_decimal) ?? decimalFromStripe(t.unit_amount) ?? new Decimal(0)),
            decimalText(decimalFromStripe(t.flat_amount_decimal) ?? decimalFromStripe(t.flat_amount) ?? new Decimal(0)),
          ]),
        )}`
      : undefined;
  const product = typeof p.product === 'string' ? p.product : (p.product as { id?: string } | undefined)?.id;
  return {
    product,
    currency: p.currency?.toLowerCase(),
    taxBehavior: p.tax_behavior ?? undefined,
    scheme,
    recurring,
    amount,
    tiers,
  };
}

/** Equal billing terms: product, currency and tax behaviour compared only when both sides set them. */
export function pricesEqual(a: Comparable, b: Comparable, record: RecordRef): boolean {
  const x = billingTerms(a, record);
  const y = billingTerms(b, record);
  const sameIfBoth = (u: string | undefined, v: string | undefined): boolean =>
    u === undefined || v === undefined || u === v;
  return (
    sameIfBoth(x.product, y.product) &&
    sameIfBoth(x.currency, y.currency) &&
    sameIfBoth(x.taxBehavior, y.taxBehavior) &&
    x.scheme === y.scheme &&
    x.recurring === y.recurring &&
    x.amount === y.amount &&
    x.tiers === y.tiers
  );
}

/**
 * The price of one order line: the PricebookEntry's when its terms equal the line's, else the line's
 * own. Undefined for a negative-price line (left out, with a warning).
 */
export function planOrderItemPrice(item: OrderItem, terms: PriceTerms, ctx: PlanningContext): LinePrice | undefined {
  const product = ctx.index.get('products', item.Product2Id);
  if (!product) {
    throw new SyncError(`The product ${item.Product2Id} of the order line was not found.`, {
      kind: 'connector',
      record: recordRef('OrderItem', item.Id),
      field: 'Product2Id',
      fix: 'Check that the integration user can read the product, then sync again.',
    });
  }
  const productId = ctx.memo.once('product', product.Id, () => planProduct(product, ctx));
  const line = orderItemCandidate(item, product, productId, terms, ctx);
  if (line.negative) {
    ctx.plan.warn(`Order line ${recordRef('OrderItem', item.Id).id} has a negative price and was left out of Stripe.`);
    return undefined;
  }
  const pbe = ctx.index.get('pricebookEntries', item.PricebookEntryId);
  const book = pbe
    ? ctx.memo.once('pricebookEntryCandidate', `${pbe.Id}:${product.Id}`, () =>
        pricebookEntryCandidate(pbe, product, productId, ctx),
      )
    : undefined;
  if (pbe && book && pricesEqual(book.params, line.params, book.source)) return linkPrice(pbe, book, product, ctx);
  return linkPrice(item, line, product, ctx);
}

/**
 * Reuses the record's linked price when its terms still match; creates one when there is none. An
 * archived price (order-line prices are archived once their schedule holds them) is reused while its
 * terms match: archived prices stay valid on the schedules that hold them (spec §4.2 "Archive").
 */
function linkPrice(
  record: (PricebookEntry | OrderItem) & VersionedRecord,
  candidate: PriceCandidate,
  product: Product2,
  ctx: PlanningContext,
): LinePrice {
  const linkedId = record.Stripe_ID__c ?? undefined;
  const existing = linkedId ? ctx.state.prices?.[linkedId] : undefined;
  if (existing && linkedId && existing.active === false && pricesEqual(candidate.params, existing, candidate.source))
    return { price: linkedId, candidate };
  if (existing && linkedId && existing.active !== false) {
    if (!pricesEqual(candidate.params, existing, candidate.source)) {
      throw new SyncError(
        'Found a corresponding Stripe price for the Salesforce price, but the price data has changed.',
        {
          kind: 'data',
          record: candidate.source,
          field: 'Stripe_ID__c',
          fix: `Clear Stripe_ID__c on ${candidate.source.type} ${candidate.source.id} and sync again to create a new Stripe price.`,
        },
      );
    }
    return { price: linkedId, candidate };
  }
  const priceRef = ref('price', candidate.source.id);
  if (!ctx.plan.has(priceRef)) {
    // Only the price actually created needs its meter (the other candidate's is never made).
    if (candidate.metered) planMeter(product, ctx);
    ctx.plan.add({
      op: 'prices.create',
      ref: priceRef,
      params: candidate.params,
      idempotencyKey: idempotencyKey(ctx.sync.orgId, record, 'prices.create'),
      source: candidate.source,
    });
    ctx.plan.writeBack(candidate.source, { Stripe_ID__c: priceRef }, record);
  }
  return { price: priceRef, candidate };
}

/** What a derived price is for: its reference kind, its connector flags. */
export interface DerivedPriceSpec {
  /** Reference kind, e.g. `price_duplicate`, `price_backend_proration`. */
  readonly kind: string;
  /** The order line it is made for (reference key, idempotency record). */
  readonly line: OrderItem;
  /** Connector flags, e.g. `['duplicate', 'auto_archive']`. */
  readonly flags: readonly string[];
  /** Per-unit amount in minor units; default: the original's. */
  readonly unitAmount?: Decimal;
  /** Drop `recurring` (proration prices are one-time). */
  readonly oneTime?: boolean;
}

/**
 * A new price copied from a line's price (duplicates for a price used twice in one phase, proration
 * prices): same product and currency, `salesforce_original_stripe_price_id` pointing at the original.
 */
export function planDerivedPrice(original: LinePrice, spec: DerivedPriceSpec, ctx: PlanningContext): Ref {
  const lineRef = recordRef('OrderItem', spec.line.Id);
  const priceRef = ref(spec.kind, lineRef.id);
  if (ctx.plan.has(priceRef)) return priceRef;
  const { recurring, ...rest } = original.candidate.params;
  const product = ctx.index.get('products', spec.line.Product2Id);
  if (original.candidate.metered && !spec.oneTime && product) planMeter(product, ctx);
  const params: Stripe.PriceCreateParams = {
    ...rest,
    ...(spec.unitAmount ? { unit_amount_decimal: stripeDecimal(roundForStripe(spec.unitAmount)) } : {}),
    ...(spec.oneTime || !recurring ? {} : { recurring }),
    metadata: {
      ...(original.candidate.params.metadata as Metadata),
      ...flagMetadata(ctx.sync, ...spec.flags),
      [`${metadataPrefix(ctx.sync)}original_stripe_price_id`]: original.price,
    },
  };
  ctx.plan.add({
    op: 'prices.create',
    ref: priceRef,
    params,
    idempotencyKey: idempotencyKey(ctx.sync.orgId, spec.line, 'prices.create', spec.kind),
    source: lineRef,
  });
  return priceRef;
}

/** Archives the prices created in this plan whose metadata asks for it, once the order's schedule or invoice holds them. */
export function planAutoArchive(prices: Iterable<string | Ref>, order: Order, ctx: PlanningContext): void {
  const archiveKey = `${metadataPrefix(ctx.sync)}auto_archive`;
  const orderRef = recordRef('Order', order.Id);
  for (const price of new Set(prices)) {
    const created = ctx.plan.createOperation(price);
    if (created?.op !== 'prices.create' || (created.params.metadata as Metadata | undefined)?.[archiveKey] !== 'true')
      continue;
    ctx.plan.add({
      op: 'prices.update',
      ref: created.ref,
      id: created.ref,
      params: { active: false },
      idempotencyKey: idempotencyKey(
        ctx.sync.orgId,
        order,
        'prices.update',
        `archive:${created.ref.slice('@ref:'.length)}`,
      ),
      source: orderRef,
    });
  }
}
