/**
 * docs.stripe.com/api/prices. The rules the mapping depends on:
 * - exactly one of `unit_amount` / `unit_amount_decimal` (at most 12 decimal places) for per-unit prices;
 * - tiered prices need `tiers` and `tiers_mode`, `up_to` ascending, the last tier `inf`;
 * - `recurring.usage_type=metered` needs a Billing Meter (`recurring.meter`) since 2025-03-31.basil;
 * - interval at most 3 years; currency a lower-case ISO code;
 * - immutability: an update takes only active, metadata, nickname, lookup_key and tax_behavior (while it is
 *   unspecified). Everything else is an unknown parameter to PriceUpdateParams, so the catalogue refuses it.
 */
import { productAt, retrieveRoute } from '../expand.js';
import { invalidRequest, onlyOneOf, parameterInvalid, parameterMissing, resourceMissing } from '../errors.js';
import type { Price, PriceTier, Recurring } from '../objects.js';
import { listPage, newId, searchPage } from '../store.js';
import type { ApiRequest, EmulatorState, Route } from '../state.js';
import { createProduct } from './products.js';
import {
  applyMetadata,
  checkDecimalAmount,
  checkInteger,
  checkNonNegativeInteger,
  checkPositiveInteger,
  nestedIn,
  topLevel,
  type ParamName,
  type Params,
} from '../validation.js';

/** Stripe's maximum billing interval: three years. */
const MAX_INTERVAL_COUNT: Record<Recurring['interval'], number> = { day: 1095, week: 156, month: 36, year: 3 };

/**
 * Stripe's one rule for an amount given either way: unit_amount (integer) or unit_amount_decimal (≤ 12 dp).
 * Prices are never negative, except inline ones in `add_invoice_items`, where a negative amount is a credit.
 */
export function unitAmount(
  params: Params,
  name: ParamName,
  credit = false,
): { unit_amount: number | null; unit_amount_decimal: string | null } | undefined {
  const hasInteger = params.unit_amount !== undefined;
  const hasDecimal = params.unit_amount_decimal !== undefined;
  if (hasInteger && hasDecimal) throw onlyOneOf([name('unit_amount'), name('unit_amount_decimal')]);
  if (hasInteger) {
    const amount = credit
      ? checkInteger(params.unit_amount, name('unit_amount'))
      : checkNonNegativeInteger(params.unit_amount, name('unit_amount'));
    return { unit_amount: amount, unit_amount_decimal: String(amount) };
  }
  if (hasDecimal) {
    const decimal = checkDecimalAmount(String(params.unit_amount_decimal), name('unit_amount_decimal'), credit);
    return { unit_amount: Number.isInteger(Number(decimal)) ? Number(decimal) : null, unit_amount_decimal: decimal };
  }
  return undefined;
}

export function checkCurrency(value: unknown, param: string): string {
  const currency = String(value ?? '');
  if (!/^[a-zA-Z]{3}$/.test(currency))
    throw parameterInvalid(
      param,
      `Invalid currency: ${currency}. Stripe currencies are three-letter ISO codes in lowercase.`,
    );
  return currency.toLowerCase();
}

function recurringOf(state: EmulatorState, params: Params | undefined, name: ParamName): Recurring | null {
  if (!params) return null;
  const interval = params.interval as Recurring['interval'];
  const count =
    params.interval_count === undefined
      ? 1
      : checkPositiveInteger(params.interval_count, name('recurring[interval_count]'));
  if (count > MAX_INTERVAL_COUNT[interval]) {
    throw parameterInvalid(
      name('recurring[interval_count]'),
      'The maximum billing interval is 3 years (1095 days, 156 weeks or 36 months).',
    );
  }
  const usageType = (params.usage_type as Recurring['usage_type'] | undefined) ?? 'licensed';
  const meter = typeof params.meter === 'string' ? params.meter : null;
  if (usageType === 'metered' && !meter) {
    throw invalidRequest(
      'Prices with `usage_type=metered` must be backed by a billing meter: pass `recurring[meter]`.',
      {
        code: 'parameter_missing',
        param: name('recurring[meter]'),
      },
    );
  }
  if (meter && usageType !== 'metered')
    throw parameterInvalid(
      name('recurring[meter]'),
      '`recurring[meter]` can only be set when `recurring[usage_type]` is `metered`.',
    );
  if (meter) state.store.meters.get(meter, name('recurring[meter]'));
  return {
    interval,
    interval_count: count,
    usage_type: usageType,
    meter,
    trial_period_days: (params.trial_period_days as number | undefined) ?? null,
  };
}

function tiersOf(tiers: Params[] | undefined, name: ParamName): PriceTier[] {
  // Stripe's words and param, as recorded (shared/reference/recordings, translate/test_tiered_pricing): no code.
  if (!tiers || tiers.length === 0)
    throw invalidRequest('If the billing scheme is set to tiered the parameter tiers must be set.', {
      param: name('tiers'),
    });
  let previous = 0;
  return tiers.map((tier, i) => {
    const param = name(`tiers[${i}]`);
    const last = i === tiers.length - 1;
    if (tier.up_to === 'inf' && !last)
      throw parameterInvalid(`${param}[up_to]`, 'Only the last tier can have `up_to` set to `inf`.');
    if (tier.up_to !== 'inf' && last)
      throw invalidRequest('The tiers array must include a catch all tier with up_to set to `inf` as last item.', {
        param: `${param}[up_to]`,
      });
    const upTo = tier.up_to === 'inf' ? null : checkPositiveInteger(tier.up_to, `${param}[up_to]`);
    if (upTo !== null && upTo <= previous)
      throw parameterInvalid(
        `${param}[up_to]`,
        'Tiers must be sorted in ascending order of `up_to`, without duplicates.',
      );
    previous = upTo ?? previous;
    const unit = unitAmount(tier, nestedIn(param)) ?? { unit_amount: null, unit_amount_decimal: null };
    const flat = flatAmount(tier, param);
    if (unit.unit_amount_decimal === null && flat.flat_amount_decimal === null) {
      throw parameterMissing(`${param}[unit_amount]`);
    }
    return { up_to: upTo, ...unit, ...flat };
  });
}

function flatAmount(tier: Params, param: string): Pick<PriceTier, 'flat_amount' | 'flat_amount_decimal'> {
  if (tier.flat_amount !== undefined && tier.flat_amount_decimal !== undefined)
    throw onlyOneOf([`${param}[flat_amount]`, `${param}[flat_amount_decimal]`]);
  if (tier.flat_amount !== undefined) {
    const amount = checkNonNegativeInteger(tier.flat_amount, `${param}[flat_amount]`);
    return { flat_amount: amount, flat_amount_decimal: String(amount) };
  }
  if (tier.flat_amount_decimal !== undefined) {
    const decimal = checkDecimalAmount(String(tier.flat_amount_decimal), `${param}[flat_amount_decimal]`);
    return { flat_amount: Number.isInteger(Number(decimal)) ? Number(decimal) : null, flat_amount_decimal: decimal };
  }
  return { flat_amount: null, flat_amount_decimal: null };
}

/**
 * A new price from create params, or from an inline `price_data` (then `p` names its params inside the request,
 * `phases[0][items][1][price_data][…]`, and the price is created inactive, as Stripe does for inline prices).
 */
export function createPrice(
  state: EmulatorState,
  params: Params,
  p: ParamName = topLevel,
  inline = false,
  credit = false,
): Price {
  const product = productFor(state, params, p);
  const recurring = recurringOf(state, params.recurring as Params | undefined, p);
  const scheme = (params.billing_scheme as Price['billing_scheme'] | undefined) ?? 'per_unit';
  let amounts = unitAmount(params, p, credit);
  let tiers: PriceTier[] | undefined;
  if (scheme === 'tiered') {
    tiers = tiersOf(params.tiers as Params[] | undefined, p); // missing tiers first, as recorded
    if (amounts)
      throw parameterInvalid(
        p('unit_amount'),
        'You cannot set `unit_amount` or `unit_amount_decimal` on a price with `billing_scheme=tiered`; set them on its tiers.',
      );
    if (!params.tiers_mode) throw parameterMissing(p('tiers_mode'));
  } else {
    if (params.tiers !== undefined)
      throw parameterInvalid(p('tiers'), '`tiers` can only be set when `billing_scheme=tiered`.');
    if (!amounts && !params.custom_unit_amount) throw parameterMissing(p('unit_amount'));
    amounts ??= { unit_amount: null, unit_amount_decimal: null };
  }
  const lookupKey = typeof params.lookup_key === 'string' ? params.lookup_key : null;
  if (lookupKey) claimLookupKey(state, lookupKey, params.transfer_lookup_key === true);
  const price: Price = {
    id: newId('price', 24),
    object: 'price',
    created: state.clock.now(),
    livemode: false,
    active: inline ? false : params.active !== false,
    currency: checkCurrency(params.currency, p('currency')),
    product,
    type: recurring ? 'recurring' : 'one_time',
    billing_scheme: scheme,
    unit_amount: amounts?.unit_amount ?? null,
    unit_amount_decimal: amounts?.unit_amount_decimal ?? null,
    custom_unit_amount: (params.custom_unit_amount as Params | undefined) ?? null,
    recurring,
    tiers_mode: (params.tiers_mode as Price['tiers_mode'] | undefined) ?? null,
    ...(tiers ? { tiers } : {}),
    tax_behavior: (params.tax_behavior as Price['tax_behavior'] | undefined) ?? 'unspecified',
    transform_quantity: (params.transform_quantity as Params | undefined) ?? null,
    lookup_key: lookupKey,
    nickname: typeof params.nickname === 'string' ? params.nickname : null,
    metadata: applyMetadata({}, params.metadata, p('metadata')),
  };
  return state.store.prices.insert(price);
}

/** A one-time price: recurring prices belong on subscriptions, not invoice items. */
export function oneTimePrice(state: EmulatorState, id: string, param: string): Price {
  const price = state.store.prices.get(id, param);
  if (price.type !== 'one_time') {
    throw parameterInvalid(
      param,
      'The price specified is set to `type=recurring` but this field only accepts prices with `type=one_time`.',
    );
  }
  return price;
}

function productFor(state: EmulatorState, params: Params, p: ParamName): string {
  if (params.product !== undefined && params.product_data !== undefined)
    throw onlyOneOf([p('product'), p('product_data')]);
  if (typeof params.product === 'string') {
    if (!state.store.products.find(params.product) || state.store.products.find(params.product)?.deleted) {
      throw resourceMissing('product', params.product, p('product'));
    }
    return params.product;
  }
  const data = params.product_data as Params | undefined;
  if (!data) throw parameterMissing(p('product'));
  return createProduct(state, data, p('product_data[id]')).id;
}

function claimLookupKey(state: EmulatorState, key: string, transfer: boolean): void {
  const holderId = state.store.prices.all().find((price) => price.lookup_key === key)?.id;
  if (!holderId) return;
  const holder = state.store.prices.get(holderId);
  if (!transfer) {
    throw parameterInvalid(
      'lookup_key',
      `A price (\`${holder.id}\`) already uses that lookup key. Pass \`transfer_lookup_key=true\` to move it to this price.`,
    );
  }
  holder.lookup_key = null;
}

function update({ state, id, params }: ApiRequest): Price {
  const price = state.store.prices.get(id, 'id');
  if (
    params.tax_behavior !== undefined &&
    price.tax_behavior !== 'unspecified' &&
    params.tax_behavior !== price.tax_behavior
  ) {
    throw parameterInvalid(
      'tax_behavior',
      `You cannot change \`tax_behavior\` once it is set to \`${price.tax_behavior ?? ''}\`; create a new price instead.`,
    );
  }
  if (params.lookup_key !== undefined && params.lookup_key !== price.lookup_key) {
    if (typeof params.lookup_key === 'string')
      claimLookupKey(state, params.lookup_key, params.transfer_lookup_key === true);
    price.lookup_key = params.lookup_key === '' ? null : (params.lookup_key as string);
  }
  if (params.active !== undefined) price.active = params.active as boolean;
  if (params.nickname !== undefined) price.nickname = params.nickname === '' ? null : String(params.nickname);
  if (params.tax_behavior !== undefined) price.tax_behavior = params.tax_behavior as Price['tax_behavior'];
  price.metadata = applyMetadata(price.metadata, params.metadata);
  return price;
}

/** Stripe leaves `tiers` out of a price unless the request expands them (`tiers`, or `data.tiers` on lists and searches). */
export function priceView(price: Price, params: Params, path = 'tiers'): Price {
  if (!price.tiers || (params.expand as string[] | undefined)?.includes(path)) return price;
  const { tiers: _tiers, ...rest } = price;
  return rest as Price;
}

function list({ state, params }: ApiRequest): unknown {
  const lookupKeys = params.lookup_keys as string[] | undefined;
  const matches = state.store.prices
    .all()
    .filter(
      (price) =>
        (params.active === undefined || price.active === params.active) &&
        (params.product === undefined || price.product === params.product) &&
        (params.currency === undefined || price.currency === params.currency) &&
        (params.type === undefined || price.type === params.type) &&
        (lookupKeys === undefined || (price.lookup_key !== null && lookupKeys.includes(price.lookup_key))),
    );
  const page = listPage(matches, params, '/v1/prices');
  return { ...page, data: page.data.map((price) => priceView(price, params, 'data.tiers')) };
}

export const priceRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/prices',
    params: 'PriceCreateParams',
    handle: ({ state, params }) => priceView(createPrice(state, params), params),
  },
  {
    method: 'GET',
    path: '/v1/prices/search',
    params: 'PriceSearchParams',
    handle: ({ state, params }) => {
      const page = searchPage(state.store.prices.all(), params, '/v1/prices/search');
      return { ...page, data: page.data.map((price) => priceView(price, params, 'data.tiers')) };
    },
  },
  { method: 'GET', path: '/v1/prices', params: 'PriceListParams', handle: list },
  retrieveRoute(
    '/v1/prices/:id',
    'PriceRetrieveParams',
    ({ state, id, params }) => priceView(state.store.prices.get(id, 'id'), params),
    productAt,
  ),
  {
    method: 'POST',
    path: '/v1/prices/:id',
    params: 'PriceUpdateParams',
    handle: (request) => priceView(update(request), request.params),
  },
];
