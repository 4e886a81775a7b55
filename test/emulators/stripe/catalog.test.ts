// Customers, products, prices, coupons, meters, metadata, list and search: the rules the mapping depends on.
import Stripe from 'stripe';
import { monthlyPrice, product, stripeError, useEmulator } from './helpers.js';

const fx = useEmulator();

describe('customers (docs.stripe.com/api/customers)', () => {
  it('creates, retrieves, updates and deletes; a deleted customer retrieves as deleted: true (docs.stripe.com/api/customers/delete)', async () => {
    const created = await fx.stripe.customers.create({
      name: 'Acme',
      email: 'billing@acme.test',
      address: { line1: '1 Main St', country: 'US' },
    });
    const updated = await fx.stripe.customers.update(created.id, { phone: '+15550100', metadata: { sfId: 'x' } });
    expect(updated).toMatchObject({
      phone: '+15550100',
      email: 'billing@acme.test',
      address: { line1: '1 Main St' },
      metadata: { sfId: 'x' },
    });
    expect(await fx.stripe.customers.del(created.id)).toMatchObject({ id: created.id, deleted: true });
    expect(await fx.stripe.customers.retrieve(created.id)).toMatchObject({
      id: created.id,
      object: 'customer',
      deleted: true,
    });
    expect((await stripeError(fx.stripe.customers.update(created.id, { name: 'x' }))).code).toBe('resource_missing');
  });

  it("finds customers by metadata['key']:'value' with search pagination (docs.stripe.com/search)", async () => {
    for (let i = 0; i < 3; i++)
      await fx.stripe.customers.create({ name: `Searchable ${i}`, metadata: { sfAccount: 'ACC-42' } });
    await fx.stripe.customers.create({ name: 'Other', metadata: { sfAccount: 'ACC-43' } });
    const first = await fx.stripe.customers.search({ query: "metadata['sfAccount']:'ACC-42'", limit: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.has_more).toBe(true);
    const second = await fx.stripe.customers.search({
      query: "metadata['sfAccount']:'ACC-42'",
      limit: 2,
      page: first.next_page ?? '',
    });
    expect(second.data).toHaveLength(1);
    expect(second.has_more).toBe(false);
    const names = [...first.data, ...second.data].map((c) => c.name).sort();
    expect(names).toEqual(['Searchable 0', 'Searchable 1', 'Searchable 2']);
    const both = await fx.stripe.customers.search({ query: "metadata['sfAccount']:'ACC-42' AND name~'able 1'" });
    expect(both.data.map((c) => c.name)).toEqual(['Searchable 1']);
  });

  it('refuses a query mixing AND and OR, as Stripe search does (docs.stripe.com/search#search-query-language)', async () => {
    const error = await stripeError(fx.stripe.customers.search({ query: "name:'a' AND email:'b' OR phone:'c'" }));
    expect(error.param).toBe('query');
  });
});

describe('lists (docs.stripe.com/api/pagination)', () => {
  it('pages newest first with limit, starting_after and has_more, and auto-pagination sees every object', async () => {
    const { id } = await product(fx.stripe, 'Paged');
    const created: string[] = [];
    for (let i = 0; i < 5; i++)
      created.push((await fx.stripe.prices.create({ product: id, currency: 'usd', unit_amount: 100 + i })).id);
    const page1 = await fx.stripe.prices.list({ product: id, limit: 2 });
    expect(page1.data.map((p) => p.id)).toEqual([created[4], created[3]]);
    expect(page1.has_more).toBe(true);
    const page2 = await fx.stripe.prices.list({ product: id, limit: 2, starting_after: page1.data[1]?.id ?? '' });
    expect(page2.data.map((p) => p.id)).toEqual([created[2], created[1]]);
    const all: string[] = [];
    for await (const price of fx.stripe.prices.list({ product: id, limit: 2 })) all.push(price.id);
    expect(all).toEqual([...created].reverse());
  });

  it('refuses a limit above 100', async () => {
    expect((await stripeError(fx.stripe.customers.list({ limit: 101 }))).param).toBe('limit');
  });
});

describe('prices (docs.stripe.com/api/prices/create)', () => {
  let productId: string;
  beforeAll(async () => {
    productId = (await product(fx.stripe)).id;
  });

  it('accepts exactly one of unit_amount and unit_amount_decimal ("Only one of unit_amount and unit_amount_decimal can be set")', async () => {
    const both = await stripeError(
      fx.stripe.prices.create({
        product: productId,
        currency: 'usd',
        unit_amount: 100,
        unit_amount_decimal: Stripe.Decimal.from('100.5'),
      }),
    );
    expect(both.message).toBe('You may only specify one of these parameters: unit_amount, unit_amount_decimal.');
    const neither = await stripeError(fx.stripe.prices.create({ product: productId, currency: 'usd' }));
    expect(neither).toMatchObject({ code: 'parameter_missing', param: 'unit_amount' });
  });

  it('keeps unit_amount_decimal to at most 12 decimal places (docs.stripe.com/api/prices/create#create_price-unit_amount_decimal)', async () => {
    const ok = await fx.stripe.prices.create({
      product: productId,
      currency: 'usd',
      unit_amount_decimal: Stripe.Decimal.from('1234.123456789012'),
    });
    expect(String(ok.unit_amount_decimal)).toBe('1234.123456789012');
    expect(ok.unit_amount).toBeNull();
    const tooPrecise = await stripeError(
      fx.stripe.prices.create({
        product: productId,
        currency: 'usd',
        unit_amount_decimal: Stripe.Decimal.from('1.1234567890123'),
      }),
    );
    expect(tooPrecise.param).toBe('unit_amount_decimal');
    expect(tooPrecise.message).toContain('at most 12 decimal places');
  });

  it('serialises the SDK Decimal type for unit_amount_decimal and returns it as one', async () => {
    const price = await fx.stripe.prices.create({
      product: productId,
      currency: 'usd',
      unit_amount_decimal: Stripe.Decimal.from('10.50'),
    });
    expect(price.unit_amount_decimal?.toString()).toBe('10.5');
  });

  it('lower-cases the currency and refuses non-ISO codes', async () => {
    expect((await fx.stripe.prices.create({ product: productId, currency: 'EUR', unit_amount: 5 })).currency).toBe(
      'eur',
    );
    expect(
      (await stripeError(fx.stripe.prices.create({ product: productId, currency: 'euro', unit_amount: 5 }))).param,
    ).toBe('currency');
  });

  it('refuses a product that does not exist with resource_missing on product', async () => {
    const error = await stripeError(
      fx.stripe.prices.create({ product: 'prod_missing', currency: 'usd', unit_amount: 5 }),
    );
    expect(error).toMatchObject({ code: 'resource_missing', param: 'product' });
  });

  it("names a price's product by id, and answers with the Product when asked to expand it (docs.stripe.com/api/prices/object#price_object-product: Expandable)", async () => {
    const price = await fx.stripe.prices.create({ product: productId, currency: 'usd', unit_amount: 700 });
    expect(price.product).toBe(productId);
    const expanded = await fx.stripe.prices.retrieve(price.id, { expand: ['product'] });
    expect(expanded.product).toMatchObject({ id: productId, object: 'product' });
    expect((await fx.stripe.prices.retrieve(price.id)).product).toBe(productId); // the stored price keeps the id
  });

  it('requires ascending tiers ending in inf, and tiers_mode (docs.stripe.com/products-prices/pricing-models#tiered-pricing)', async () => {
    const tiered = (tiers: Stripe.PriceCreateParams.Tier[]): Promise<Stripe.Price> =>
      fx.stripe.prices.create({
        product: productId,
        currency: 'usd',
        billing_scheme: 'tiered',
        tiers_mode: 'graduated',
        tiers,
        recurring: { interval: 'month' },
      });
    const price = await tiered([
      { up_to: 10, unit_amount: 500 },
      { up_to: 'inf', unit_amount: 400 },
    ]);
    expect(price.tiers).toBeUndefined(); // Stripe includes tiers only when expanded (docs.stripe.com/api/prices/object#price_object-tiers)
    const expanded = await fx.stripe.prices.retrieve(price.id, { expand: ['tiers'] });
    expect(expanded.tiers?.map((t) => [t.up_to, t.unit_amount])).toEqual([
      [10, 500],
      [null, 400],
    ]);
    expect(
      (
        await stripeError(
          tiered([
            { up_to: 10, unit_amount: 500 },
            { up_to: 20, unit_amount: 400 },
          ]),
        )
      ).param,
    ).toBe('tiers[1][up_to]');
    expect(
      (
        await stripeError(
          tiered([
            { up_to: 10, unit_amount: 500 },
            { up_to: 5, unit_amount: 450 },
            { up_to: 'inf', unit_amount: 400 },
          ]),
        )
      ).param,
    ).toBe('tiers[1][up_to]');
    expect(
      (
        await stripeError(
          tiered([
            { up_to: 'inf', unit_amount: 500 },
            { up_to: 'inf', unit_amount: 400 },
          ]),
        )
      ).param,
    ).toBe('tiers[0][up_to]');
    const noMode = await stripeError(
      fx.stripe.prices.create({
        product: productId,
        currency: 'usd',
        billing_scheme: 'tiered',
        tiers: [{ up_to: 'inf', unit_amount: 1 }],
      }),
    );
    expect(noMode).toMatchObject({ code: 'parameter_missing', param: 'tiers_mode' });
  });

  it('requires a billing meter for metered prices since 2025-03-31.basil (docs.stripe.com/changelog/basil/2025-03-31/deprecate-legacy-usage-based-billing)', async () => {
    const legacy = await stripeError(
      fx.stripe.prices.create({
        product: productId,
        currency: 'usd',
        unit_amount: 5,
        recurring: { interval: 'month', usage_type: 'metered' },
      }),
    );
    expect(legacy.param).toBe('recurring[meter]');
    const unknownMeter = await stripeError(
      fx.stripe.prices.create({
        product: productId,
        currency: 'usd',
        unit_amount: 5,
        recurring: { interval: 'month', usage_type: 'metered', meter: 'mtr_missing' },
      }),
    );
    expect(unknownMeter).toMatchObject({ code: 'resource_missing', param: 'recurring[meter]' });
    const meter = await fx.stripe.billing.meters.create({
      display_name: 'API calls',
      event_name: 'sf_01t000000000001',
      default_aggregation: { formula: 'sum' },
    });
    expect(meter.id).toMatch(/^mtr_/);
    const metered = await fx.stripe.prices.create({
      product: productId,
      currency: 'usd',
      unit_amount: 5,
      recurring: { interval: 'month', usage_type: 'metered', meter: meter.id },
    });
    expect(metered.recurring).toMatchObject({ usage_type: 'metered', meter: meter.id });
  });

  it('caps the billing interval at three years', async () => {
    const error = await stripeError(
      fx.stripe.prices.create({
        product: productId,
        currency: 'usd',
        unit_amount: 5,
        recurring: { interval: 'month', interval_count: 37 },
      }),
    );
    expect(error.param).toBe('recurring[interval_count]');
  });

  it('updates only active, metadata, nickname, lookup_key and tax_behavior while unspecified (docs.stripe.com/api/prices/update)', async () => {
    const price = await monthlyPrice(fx.stripe, productId);
    const updated = await fx.stripe.prices.update(price.id, {
      active: false,
      nickname: 'Old',
      metadata: { sf: '1' },
      lookup_key: 'widget_v1',
      tax_behavior: 'exclusive',
    });
    expect(updated).toMatchObject({
      active: false,
      nickname: 'Old',
      metadata: { sf: '1' },
      lookup_key: 'widget_v1',
      tax_behavior: 'exclusive',
      unit_amount: 1000,
    });
    const amount = await stripeError(
      fx.stripe.prices.update(price.id, { unit_amount: 2000 } as Stripe.PriceUpdateParams),
    );
    expect(amount).toMatchObject({ code: 'parameter_unknown', message: 'Received unknown parameter: unit_amount' });
    const recurring = await stripeError(
      fx.stripe.prices.update(price.id, { recurring: { interval: 'year' } } as Stripe.PriceUpdateParams),
    );
    expect(recurring.message).toBe('Received unknown parameter: recurring');
    const tax = await stripeError(fx.stripe.prices.update(price.id, { tax_behavior: 'inclusive' }));
    expect(tax.param).toBe('tax_behavior');
  });

  it('finds prices by metadata with search (docs.stripe.com/api/prices/search)', async () => {
    const price = await fx.stripe.prices.create({
      product: productId,
      currency: 'usd',
      unit_amount: 7,
      metadata: { sfPricebookEntry: '01u000000000777' },
    });
    const found = await fx.stripe.prices.search({ query: "metadata['sfPricebookEntry']:'01u000000000777'" });
    expect(found.data.map((p) => p.id)).toEqual([price.id]);
  });
});

describe('metadata limits (docs.stripe.com/metadata)', () => {
  it('allows 50 keys, keys up to 40 characters and values up to 500', async () => {
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    expect(Object.keys((await fx.stripe.customers.create({ metadata: fifty })).metadata)).toHaveLength(50);
    const ok = await fx.stripe.customers.create({ metadata: { ['k'.repeat(40)]: 'v'.repeat(500) } });
    expect(ok.metadata['k'.repeat(40)]).toHaveLength(500);
  });

  it('refuses a 51st key, a 41-character key and a 501-character value', async () => {
    const fiftyOne = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    expect((await stripeError(fx.stripe.customers.create({ metadata: fiftyOne }))).param).toBe('metadata');
    expect((await stripeError(fx.stripe.customers.create({ metadata: { ['k'.repeat(41)]: 'v' } }))).param).toBe(
      `metadata[${'k'.repeat(41)}]`,
    );
    expect((await stripeError(fx.stripe.customers.create({ metadata: { k: 'v'.repeat(501) } }))).param).toBe(
      'metadata[k]',
    );
  });

  it('unsets one key with an empty value (docs.stripe.com/api/metadata)', async () => {
    const customer = await fx.stripe.customers.create({ metadata: { a: '1', b: '2' } });
    expect((await fx.stripe.customers.update(customer.id, { metadata: { a: '' } })).metadata).toEqual({ b: '2' });
  });
});

describe('coupons (docs.stripe.com/api/coupons/create)', () => {
  it('creates percent and amount coupons; duration defaults to once', async () => {
    expect(await fx.stripe.coupons.create({ percent_off: 12.5 })).toMatchObject({
      object: 'coupon',
      percent_off: 12.5,
      duration: 'once',
      amount_off: null,
    });
    expect(
      await fx.stripe.coupons.create({
        amount_off: 500,
        currency: 'usd',
        duration: 'repeating',
        duration_in_months: 3,
      }),
    ).toMatchObject({ amount_off: 500, duration_in_months: 3 });
  });

  it('requires exactly one of percent_off and amount_off', async () => {
    expect(
      (await stripeError(fx.stripe.coupons.create({ percent_off: 10, amount_off: 100, currency: 'usd' }))).message,
    ).toBe('You may only specify one of these parameters: amount_off, percent_off.');
    expect((await stripeError(fx.stripe.coupons.create({ duration: 'once' }))).code).toBe('parameter_missing');
  });

  it('requires currency with amount_off and keeps percent_off at most 100', async () => {
    expect(await stripeError(fx.stripe.coupons.create({ amount_off: 100 }))).toMatchObject({
      code: 'parameter_missing',
      param: 'currency',
    });
    expect((await stripeError(fx.stripe.coupons.create({ percent_off: 100.5 }))).param).toBe('percent_off');
  });

  it('requires duration_in_months exactly when duration is repeating', async () => {
    expect(await stripeError(fx.stripe.coupons.create({ percent_off: 5, duration: 'repeating' }))).toMatchObject({
      code: 'parameter_missing',
      param: 'duration_in_months',
    });
    expect(
      (await stripeError(fx.stripe.coupons.create({ percent_off: 5, duration: 'forever', duration_in_months: 2 })))
        .param,
    ).toBe('duration_in_months');
  });

  it('lets only name and metadata change afterwards', async () => {
    const coupon = await fx.stripe.coupons.create({ percent_off: 5 });
    expect(await fx.stripe.coupons.update(coupon.id, { name: 'Five', metadata: { sf: 'c1' } })).toMatchObject({
      name: 'Five',
      percent_off: 5,
    });
    expect(
      (await stripeError(fx.stripe.coupons.update(coupon.id, { percent_off: 6 } as Stripe.CouponUpdateParams))).code,
    ).toBe('parameter_unknown');
  });
});
