// Idempotency, rate limits and injected faults: what lets the product prove "nothing is created twice".
import Stripe from 'stripe';
import { startStripeEmulator, stripeClientFor, type StripeEmulator } from '@stripe-cpq/stripe-emulator';
import { DAY, stripeError, useEmulator } from './helpers.js';

const fx = useEmulator();

const customersNamed = (name: string): number =>
  fx.emulator.store.customers.all().filter((c) => c.name === name).length;

describe('idempotent requests (docs.stripe.com/api/idempotent_requests)', () => {
  it('replays the saved response for the same key and parameters, with Idempotent-Replayed: true', async () => {
    const first = await fx.stripe.customers.create(
      { name: 'Idem A' },
      { idempotencyKey: 'org1-001A-v1-customers.create' },
    );
    const again = await fx.stripe.customers.create(
      { name: 'Idem A' },
      { idempotencyKey: 'org1-001A-v1-customers.create' },
    );
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(customersNamed('Idem A')).toBe(1);
    expect(fx.emulator.requestLog.entries.at(-1)).toMatchObject({ replayed: true, status: 200 });
  });

  it('refuses the same key with other parameters: 400 idempotency_error', async () => {
    await fx.stripe.customers.create({ name: 'Idem B' }, { idempotencyKey: 'key-b' });
    const error = await stripeError(
      fx.stripe.customers.create({ name: 'Idem B changed' }, { idempotencyKey: 'key-b' }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain('Keys for idempotent requests can only be used with the same parameters');
  });

  it('does not save validation failures under the key, so a corrected request with the same key runs', async () => {
    const bad = await stripeError(fx.stripe.products.create({ name: '' }, { idempotencyKey: 'key-c' }));
    expect(bad.code).toBe('parameter_invalid_empty');
    const good = await fx.stripe.products.create({ name: 'Fixed' }, { idempotencyKey: 'key-c' });
    expect(good.name).toBe('Fixed');
  });

  it('prunes keys after 24 hours of emulator time', async () => {
    const first = await fx.stripe.customers.create({ name: 'Idem D' }, { idempotencyKey: 'key-d' });
    fx.emulator.advanceClock(DAY + 1);
    const later = await fx.stripe.customers.create({ name: 'Idem D' }, { idempotencyKey: 'key-d' });
    expect(later.id).not.toBe(first.id);
    expect(later.lastResponse.headers['idempotent-replayed']).toBeUndefined();
  });

  it('replays after a lost response, so the SDK retry with the same key writes nothing twice', async () => {
    fx.emulator.faults.inject({ kind: 'response_lost', method: 'POST', path: '/v1/customers' });
    const retrying = stripeClientFor(fx.emulator, { maxNetworkRetries: 2 });
    const customer = await retrying.customers.create({ name: 'Lost response' }, { idempotencyKey: 'key-lost' });
    expect(customer.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(customersNamed('Lost response')).toBe(1);
    const attempts = fx.emulator.requestLog.entries.filter((e) => e.idempotencyKey === 'key-lost');
    expect(attempts.map((a) => [a.fault, a.replayed])).toEqual([
      ['response_lost', false],
      [undefined, true],
    ]);
  });
});

describe('faults on demand', () => {
  it('answers 500 api_error before anything is written; the SDK retries and the write happens once', async () => {
    fx.emulator.faults.inject({ kind: 'api_error', path: '/v1/products', times: 1 });
    const failing = await stripeError(fx.stripe.products.create({ name: 'Five hundred' }));
    expect(failing).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(failing.statusCode).toBe(500);
    expect(fx.emulator.store.products.all().some((p) => p.name === 'Five hundred')).toBe(false);
    fx.emulator.faults.inject({ kind: 'api_error', path: '/v1/products', times: 1 });
    const retrying = stripeClientFor(fx.emulator, { maxNetworkRetries: 1 });
    await retrying.products.create({ name: 'Five hundred' });
    expect(fx.emulator.store.products.all().filter((p) => p.name === 'Five hundred')).toHaveLength(1);
  });

  it('resets the connection before the endpoint runs (StripeConnectionError, nothing written)', async () => {
    fx.emulator.faults.inject({ kind: 'connection_reset', path: '/v1/customers', times: 2 });
    // stripe-node retries a closed connection once even with retries off, so two resets reach the caller.
    const error = await stripeError(fx.stripe.customers.create({ name: 'Reset' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(customersNamed('Reset')).toBe(0);
  });

  it('holds a response back when asked to be slow (the SDK timeout fires)', async () => {
    fx.emulator.faults.inject({ kind: 'slow', delayMs: 400, path: '/v1/customers' });
    const impatient = new Stripe(fx.emulator.apiKey, {
      host: fx.emulator.host,
      port: fx.emulator.port,
      protocol: 'http',
      telemetry: false,
      maxNetworkRetries: 0,
      timeout: 100,
    });
    expect(await stripeError(impatient.customers.list())).toBeInstanceOf(Stripe.errors.StripeConnectionError);
  });

  it('fires only on matching requests and only the number of times asked', async () => {
    fx.emulator.faults.inject({ kind: 'api_error', path: /^\/v1\/coupons/, times: 2 });
    await fx.stripe.customers.list(); // does not match
    expect((await stripeError(fx.stripe.coupons.list())).statusCode).toBe(500);
    expect((await stripeError(fx.stripe.coupons.list())).statusCode).toBe(500);
    await expect(fx.stripe.coupons.list()).resolves.toMatchObject({ object: 'list' });
  });

  it('takes faults through the authenticated control endpoint', async () => {
    const control = (init: RequestInit, key = fx.emulator.apiKey): Promise<Response> =>
      fetch(`${fx.emulator.url}/_emulator/faults`, {
        ...init,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      });
    expect(
      (await control({ method: 'POST', body: JSON.stringify({ kind: 'api_error' }) }, 'sk_test_nope')).status,
    ).toBe(401);
    expect(
      (await control({ method: 'POST', body: JSON.stringify({ kind: 'api_error', path: '/v1/prices', times: 1 }) }))
        .status,
    ).toBe(200);
    expect((await stripeError(fx.stripe.prices.list())).statusCode).toBe(500);
    await expect(fx.stripe.prices.list()).resolves.toMatchObject({ object: 'list' });
  });
});

describe('rate limits (docs.stripe.com/rate-limits)', () => {
  let limited: StripeEmulator;
  beforeAll(async () => {
    limited = await startStripeEmulator({ opsPerSecond: 5 });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('answers 429 rate_limit with Stripe-Should-Retry beyond the configured operations per second', async () => {
    const stripe = stripeClientFor(limited, { maxNetworkRetries: 0 });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => stripe.customers.list()));
    const refused = results
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => r.reason as Stripe.errors.StripeError);
    expect(refused.length).toBeGreaterThanOrEqual(4);
    expect(refused[0]).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(refused[0]).toMatchObject({ statusCode: 429, code: 'rate_limit' });
    expect(refused[0]?.headers?.['stripe-should-retry']).toBe('true');
  });

  it('lets the SDK retries get through once the budget refills', async () => {
    const stripe = stripeClientFor(limited, { maxNetworkRetries: 6 });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => stripe.customers.create({ name: `Limited ${i}` })),
    );
    expect(new Set(results.map((c) => c.id)).size).toBe(8);
    expect(limited.requestLog.entries.some((e) => e.status === 429)).toBe(true);
  });

  it('defaults to Stripe test mode: 25 operations per second', async () => {
    const defaults = await startStripeEmulator();
    try {
      const stripe = stripeClientFor(defaults, { maxNetworkRetries: 0 });
      const results = await Promise.allSettled(Array.from({ length: 40 }, () => stripe.customers.list()));
      expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(25);
      expect(results.filter((r) => r.status === 'rejected').length).toBeGreaterThan(0);
    } finally {
      await defaults.close();
    }
  });
});
