// The wire protocol: authentication, API versions, error bodies, unknown and missing parameters, the request
// log. Each test names the docs.stripe.com page it mirrors.
import Stripe from 'stripe';
import { stripeClientFor } from '@stripe-cpq/stripe-emulator';
import { stripeError, useEmulator } from './helpers.js';

const fx = useEmulator();

describe('Stripe emulator protocol', () => {
  it('answers the official SDK with request-id and Stripe object shapes (docs.stripe.com/api/request_ids, /api/customers/object)', async () => {
    const customer = await fx.stripe.customers.create({ name: 'Acme', metadata: { sfId: '001000000000001AAA' } });
    expect(customer).toMatchObject({
      object: 'customer',
      livemode: false,
      name: 'Acme',
      metadata: { sfId: '001000000000001AAA' },
    });
    expect(customer.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);
    expect(customer.lastResponse.requestId).toMatch(/^req_/);
    expect(typeof customer.created).toBe('number');
  });

  it('refuses a wrong API key with 401 (docs.stripe.com/keys)', async () => {
    const wrong = stripeClientFor(fx.emulator, { apiKey: 'sk_test_wrong_key_1234', maxNetworkRetries: 0 });
    const error = await stripeError(wrong.customers.list());
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error.statusCode).toBe(401);
    expect(error.message).toMatch(/^Invalid API Key provided: sk_test_/);
  });

  it('refuses API versions other than the pinned one (docs.stripe.com/api/versioning)', async () => {
    const error = await stripeError(fx.stripe.customers.list({}, { apiVersion: '2020-08-27' }));
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain('Invalid Stripe API version: 2020-08-27');
  });

  it('rejects unknown parameters with parameter_unknown, nested ones in bracket form (docs.stripe.com/error-codes/parameter-unknown)', async () => {
    const { id } = await fx.stripe.products.create({ name: 'P' });
    const top = await stripeError(
      fx.stripe.prices.create({
        product: id,
        currency: 'usd',
        unit_amount: 1,
        recuring: { interval: 'month' },
      } as unknown as Stripe.PriceCreateParams),
    );
    expect(top).toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'parameter_unknown',
      param: 'recuring',
      message: 'Received unknown parameter: recuring',
    });
    expect(top.raw).toMatchObject({ doc_url: 'https://docs.stripe.com/error-codes/parameter-unknown' });
    expect((top.raw as { request_log_url?: string }).request_log_url).toContain(
      `/_emulator/requests/${top.requestId ?? ''}`,
    );
    const nested = await stripeError(
      fx.stripe.prices.create({
        product: id,
        currency: 'usd',
        unit_amount: 1,
        recurring: { interval: 'month', intervl: 2 },
      } as unknown as Stripe.PriceCreateParams),
    );
    expect(nested.message).toBe('Received unknown parameter: recurring[intervl]');
  });

  it('rejects a missing required parameter with parameter_missing (docs.stripe.com/error-codes/parameter-missing)', async () => {
    const error = await stripeError(fx.stripe.products.create({} as Stripe.ProductCreateParams));
    expect(error).toMatchObject({
      code: 'parameter_missing',
      param: 'name',
      message: 'Missing required param: name.',
      statusCode: 400,
    });
  });

  it('rejects enum values the API version does not list (docs.stripe.com/api/prices/create#create_price-recurring-interval)', async () => {
    const { id } = await fx.stripe.products.create({ name: 'P' });
    const error = await stripeError(
      fx.stripe.prices.create({ product: id, currency: 'usd', unit_amount: 1, recurring: { interval: 'fortnight' } }),
    );
    expect(error).toMatchObject({
      param: 'recurring[interval]',
      message: 'Invalid recurring[interval]: must be one of day, month, week, or year',
    });
  });

  it('rejects an empty string for a parameter that cannot be unset (docs.stripe.com/error-codes/parameter-invalid-empty)', async () => {
    const error = await stripeError(fx.stripe.products.create({ name: '' }));
    expect(error).toMatchObject({ code: 'parameter_invalid_empty', param: 'name' });
  });

  it('answers unknown ids with 404 resource_missing (docs.stripe.com/error-codes/resource-missing)', async () => {
    const error = await stripeError(fx.stripe.prices.retrieve('price_doesnotexist'));
    expect(error).toMatchObject({
      code: 'resource_missing',
      statusCode: 404,
      message: "No such price: 'price_doesnotexist'",
    });
  });

  it('answers unknown URLs with 404 (docs.stripe.com/api/errors)', async () => {
    const error = await stripeError(fx.stripe.rawRequest('GET', '/v1/nothing_here'));
    expect(error.statusCode).toBe(404);
    expect(error.message).toContain('Unrecognized request URL (GET: /v1/nothing_here)');
  });

  it('undoes a refused write entirely, as Stripe requests are atomic', async () => {
    const customer = await fx.stripe.customers.create({ name: 'Before' });
    await stripeError(fx.stripe.customers.update(customer.id, { name: 'After', metadata: { ['k'.repeat(41)]: 'v' } }));
    expect((await fx.stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({ name: 'Before' });
    const products = fx.emulator.store.products.size;
    await stripeError(
      fx.stripe.prices.create({ product_data: { name: 'Inline' }, currency: 'dollars', unit_amount: 5 }),
    );
    expect(fx.emulator.store.products.size).toBe(products);
  });

  it('serves the request_log_url of an error: the logged request, for the emulator key only', async () => {
    const error = await stripeError(fx.stripe.coupons.retrieve('MISSING'));
    const url = (error.raw as { request_log_url: string }).request_log_url;
    expect((await fetch(url)).status).toBe(401);
    const logged = (await (
      await fetch(url, { headers: { authorization: `Bearer ${fx.emulator.apiKey}` } })
    ).json()) as { path: string; status: number };
    expect(logged).toMatchObject({ path: '/v1/coupons/MISSING', status: 404 });
  });

  it('moves the emulator clock through the control endpoint', async () => {
    const headers = { authorization: `Bearer ${fx.emulator.apiKey}`, 'content-type': 'application/json' };
    const before = fx.emulator.clock.now();
    const moved = (await (
      await fetch(`${fx.emulator.url}/_emulator/clock`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ advance_seconds: 3600 }),
      })
    ).json()) as { now: number };
    expect(moved.now - before).toBeGreaterThanOrEqual(3600);
    expect((await fx.stripe.customers.create({})).created).toBeGreaterThanOrEqual(before + 3600);
  });

  it('logs every request with method, path, params, idempotency key and status', async () => {
    fx.emulator.requestLog.clear();
    await fx.stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'log-test-1' });
    await fx.stripe.customers.list({ limit: 1 });
    const [write, read] = fx.emulator.requestLog.entries;
    expect(write).toMatchObject({
      method: 'POST',
      path: '/v1/customers',
      params: { email: 'a@example.com' },
      idempotencyKey: 'log-test-1',
      status: 200,
      replayed: false,
    });
    expect(read).toMatchObject({
      method: 'GET',
      path: '/v1/customers',
      params: { limit: '1' },
      status: 200,
      stripeAccount: undefined,
    });
    await fx.stripe.customers.list({ limit: 1 }, { stripeAccount: 'acct_1Connected' });
    expect(fx.emulator.requestLog.entries.at(-1)?.stripeAccount).toBe('acct_1Connected');
    expect(fx.emulator.requestLog.writes()).toHaveLength(1);
  });
});
