// Price equality (spec §2.4 step 5) decides reuse; these pin what it compares and what it ignores.
import type Stripe from 'stripe';
import { pricesEqual } from '../../plugin/src/core/pricing/prices.js';
import { planOrderSync } from '../../plugin/src/core/plan/planner.js';
import { money } from './priceFixtures.js';
import { OrderBuilder, syncContext } from './orderFixture.js';
import { ops } from './planHelpers.js';

const record = { type: 'PricebookEntry', id: '01u000000000001AAA' };
const params = (extra: Partial<Stripe.PriceCreateParams> = {}): Stripe.PriceCreateParams => ({
  currency: 'usd',
  product: 'prod_1',
  unit_amount_decimal: money('10000'),
  recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
  metadata: { a: '1' },
  ...extra,
});
const stripePrice = (extra: Record<string, unknown> = {}): Stripe.Price =>
  ({
    id: 'price_1',
    product: 'prod_1',
    currency: 'usd',
    billing_scheme: 'per_unit',
    unit_amount_decimal: '10000.000',
    recurring: { interval: 'month', interval_count: 1, usage_type: 'metered' },
    metadata: {},
    ...extra,
  }) as unknown as Stripe.Price;

describe('pricesEqual', () => {
  it('ignores metadata and usage type, and compares amounts as decimals rounded to 12 places', () => {
    expect(pricesEqual(params(), stripePrice(), record)).toBe(true);
    expect(pricesEqual(params({ unit_amount_decimal: money('10000.0000000000001') }), stripePrice(), record)).toBe(
      true,
    );
    expect(pricesEqual(params({ unit_amount_decimal: money('10000.000000000001') }), stripePrice(), record)).toBe(
      false,
    );
  });

  it('compares product, currency and tax behaviour only when both sides set them', () => {
    expect(pricesEqual(params({ product: 'prod_2' }), stripePrice(), record)).toBe(false);
    expect(pricesEqual(params({ tax_behavior: 'exclusive' }), stripePrice(), record)).toBe(true);
    expect(pricesEqual(params({ tax_behavior: 'exclusive' }), stripePrice({ tax_behavior: 'inclusive' }), record)).toBe(
      false,
    );
    expect(pricesEqual(params({ currency: 'eur' }), stripePrice(), record)).toBe(false);
  });

  it('requires the same recurrence: one-time vs recurring, interval count', () => {
    expect(pricesEqual(params({ recurring: undefined }), stripePrice(), record)).toBe(false);
    expect(pricesEqual(params({ recurring: { interval: 'month', interval_count: 12 } }), stripePrice(), record)).toBe(
      false,
    );
  });

  it('compares tiers after sorting, reading Stripe’s null upper bound as inf', () => {
    const tiered = params({
      unit_amount_decimal: undefined,
      billing_scheme: 'tiered',
      tiers_mode: 'graduated',
      tiers: [
        { up_to: 'inf', unit_amount_decimal: money('50') },
        { up_to: 100, unit_amount_decimal: money('100') },
      ],
    });
    const existing = stripePrice({
      billing_scheme: 'tiered',
      tiers_mode: 'graduated',
      unit_amount_decimal: null,
      tiers: [
        { up_to: 100, unit_amount_decimal: '100' },
        { up_to: null, unit_amount_decimal: '50' },
      ],
    });
    expect(pricesEqual(tiered, existing, record)).toBe(true);
    expect(pricesEqual(tiered, { ...existing, tiers_mode: 'volume' } as Stripe.Price, record)).toBe(false);
  });

  it('refuses an unknown billing scheme and a per-unit price without an amount, naming the field', () => {
    expect(() => pricesEqual(params(), stripePrice({ billing_scheme: 'package' }), record)).toThrow(
      'Unexpected billing_scheme value: package',
    );
    expect(() => pricesEqual(params(), stripePrice({ unit_amount_decimal: null }), record)).toThrow(
      "The `unit_amount_decimal` field can't be null.",
    );
  });
});

describe('meters are planned only for the price actually created', () => {
  it('a discounted Advance line of a product that says Arrears gets its own licensed price and no meter', () => {
    const b = new OrderBuilder({ start: '2030-03-01', term: 12 });
    const api = b.product({ name: 'API', billingFrequency: 'Monthly', term: 1, billingType: 'Arrears', listPrice: 1 });
    b.line(api, { quantity: 1, unitPrice: 6, orderItem: { SBQQ__BillingType__c: 'Advance' } });
    const plan = planOrderSync({
      graph: b.graph(),
      state: {},
      context: syncContext('2030-01-15T12:00:00Z'),
      orderId: b.order.Id,
    });
    expect(ops(plan, 'billing.meters.create')).toEqual([]);
    expect(ops(plan, 'prices.create').map((p) => p.params.recurring?.usage_type)).toEqual(['licensed']);
  });
});
