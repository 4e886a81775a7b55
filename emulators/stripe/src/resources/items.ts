/**
 * Items of a subscription or schedule phase, checked as Stripe checks them (docs.stripe.com/api/subscriptions/create,
 * /api/subscription_schedules/create): at most 20, each price at most once, recurring prices of one currency and
 * one billing interval; `add_invoice_items` at most 20 one-time prices. Inline `price_data` becomes an inactive price.
 */
import { invalidRequest, parameterInvalid, parameterMissing } from '../errors.js';
import { checkDiscounts } from '../discounts.js';
import type { PhaseItem, Price } from '../objects.js';
import type { EmulatorState } from '../state.js';
import { applyMetadata, checkNonNegativeInteger, nestedIn, type Params } from '../validation.js';
import { createPrice, oneTimePrice } from './prices.js';

/** Stripe's cap on items per subscription / phase, and on add_invoice_items per phase. */
export const MAX_ITEMS = 20;

function priceOf(state: EmulatorState, item: Params, param: string, credit = false): Price {
  if (typeof item.price === 'string') return state.store.prices.get(item.price, `${param}[price]`);
  if (typeof item.plan === 'string') return state.store.prices.get(item.plan, `${param}[plan]`);
  if (item.price_data)
    return createPrice(state, item.price_data as Params, nestedIn(`${param}[price_data]`), true, credit);
  throw parameterMissing(`${param}[price]`);
}

export function recurringItems(state: EmulatorState, items: Params[] | undefined, param: string): PhaseItem[] {
  if (!items || items.length === 0) throw parameterMissing(param);
  if (items.length > MAX_ITEMS)
    throw parameterInvalid(
      param,
      `You can have at most ${MAX_ITEMS} items in \`${param}\` (you passed ${items.length}).`,
    );
  const seen = new Set<string>();
  let first: Price | undefined;
  return items.map((item, i) => {
    const at = `${param}[${i}]`;
    const price = priceOf(state, item, at);
    if (price.type !== 'recurring') {
      throw parameterInvalid(
        `${at}[price]`,
        'The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.',
      );
    }
    if (seen.has(price.id)) {
      throw parameterInvalid(
        `${at}[price]`,
        `Cannot add multiple subscription items with the same price: ${price.id}. Combine them into one item with a higher quantity.`,
      );
    }
    seen.add(price.id);
    first ??= price;
    if (
      price.currency !== first.currency ||
      price.recurring?.interval !== first.recurring?.interval ||
      price.recurring?.interval_count !== first.recurring?.interval_count
    ) {
      // A phase's mismatch in Stripe's recorded words (no param); a subscription's as Stripe words it for plans.
      if (param.startsWith('phases'))
        throw invalidRequest(
          'For a particular phase, all of its `items` prices must have the same `interval`, `interval_count`, and `currency`.',
        );
      const field = price.currency !== first.currency ? 'currency' : 'interval';
      throw invalidRequest(
        `Currency and interval fields must match across all plans on this subscription. Found mismatch in ${field} field.`,
        { param: `${at}[price]` },
      );
    }
    return phaseItem(state, item, price, at);
  });
}

export function oneTimeItems(state: EmulatorState, items: Params[] | undefined, param: string): PhaseItem[] {
  if (!items) return [];
  if (items.length > MAX_ITEMS)
    throw parameterInvalid(
      param,
      `You can have at most ${MAX_ITEMS} items in \`${param}\` (you passed ${items.length}).`,
    );
  return items.map((item, i) => {
    const at = `${param}[${i}]`;
    // add_invoice_items[][price_data][unit_amount] may be "a negative integer representing the amount to credit".
    const price =
      typeof item.price === 'string' ? oneTimePrice(state, item.price, `${at}[price]`) : priceOf(state, item, at, true);
    return addInvoiceItem(state, item, price, at);
  });
}

/** An item as a schedule phase echoes it (SubscriptionSchedule.Phase.Item); `plan` is the price's legacy Plan id. */
function phaseItem(state: EmulatorState, item: Params, price: Price, param: string): PhaseItem {
  return {
    billing_thresholds: null,
    discounts: checkDiscounts(state, item.discounts, `${param}[discounts]`),
    metadata: applyMetadata({}, item.metadata, `${param}[metadata]`),
    plan: price.id,
    price: price.id,
    quantity: item.quantity === undefined ? 1 : checkNonNegativeInteger(item.quantity, `${param}[quantity]`),
    tax_rates: (item.tax_rates as unknown[] | undefined) ?? [],
  };
}

/**
 * An `add_invoice_items[]` entry as a phase echoes it (SubscriptionSchedule.Phase.AddInvoiceItem). Without a
 * `period`, docs.stripe.com/api/subscription_schedules/create: start defaults to `max_item_period_start`, end to
 * `min_item_period_end`.
 */
function addInvoiceItem(state: EmulatorState, item: Params, price: Price, param: string): PhaseItem {
  const { billing_thresholds: _thresholds, plan: _plan, ...rest } = phaseItem(state, item, price, param);
  return {
    ...rest,
    discountable: true,
    period: (item.period as PhaseItem['period'] | undefined) ?? {
      end: { type: 'min_item_period_end' },
      start: { type: 'max_item_period_start' },
    },
  };
}
