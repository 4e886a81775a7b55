// Invalid requests, route by route, each refused as Stripe refuses it: the HTTP status, `type`, `code` where
// Stripe gives one, and the `param` it names. The kinds: unknown parameters, wrong types, enum values not in
// the pinned version, missing required parameters (stripe-node's param types), strings over the maxLength of
// Stripe's OpenAPI spec, and objects that do not exist (payment methods included). Each try is counted for
// the README's conformance table.
import { stringify } from 'qs';
import { paramPaths, type ParamSpec, type ParamsTypeName } from '../../../plugin/src/stripe/params/index.js';
import { MODELLED_PARAMS } from '@stripe-cpq/stripe-emulator/modelledParams.js';
import { routeTable } from '@stripe-cpq/stripe-emulator/routes.js';
import { paysWith, useEmulator } from './helpers.js';

const fx = useEmulator();

interface Ids {
  customer: string;
  product: string;
  price: string;
  subscription: string;
  schedule: string;
  invoice: string;
  openInvoice: string;
  yearly: string;
  gbpCustomer: string;
}
const ids = {} as Ids;

interface InvalidRequest {
  readonly route: string;
  /** The path, with `{customer}` etc. filled from the fixtures. */
  readonly path: string;
  readonly params: Record<string, unknown>;
  readonly why: string;
  /**
   * `param` null: Stripe names none; undefined: no evidence of the name Stripe gives (not asserted). `code` null:
   * Stripe sends none. `message` where a recording or a public report shows Stripe's words.
   */
  readonly expected: { status: number; param?: string | null; code?: string | null; message?: string };
}

const long = (length: number): string => 'x'.repeat(length);

const CASES: InvalidRequest[] = [
  {
    route: 'POST /v1/customers',
    path: '/v1/customers',
    params: { nmae: 'Acme' },
    why: 'an unknown parameter',
    expected: { status: 400, param: 'nmae', code: 'parameter_unknown' },
  },
  {
    route: 'POST /v1/customers',
    path: '/v1/customers',
    params: { name: long(257) },
    why: 'a name over 256 characters',
    expected: { status: 400, param: 'name' },
  },
  {
    route: 'POST /v1/customers',
    path: '/v1/customers',
    params: { tax_exempt: 'sometimes' },
    why: 'a tax_exempt outside its enum',
    expected: { status: 400, param: 'tax_exempt', code: 'parameter_invalid' },
  },
  {
    route: 'POST /v1/customers',
    path: '/v1/customers',
    params: { payment_method: 'pm_missing' },
    why: 'a payment method that does not exist',
    expected: { status: 404, param: 'payment_method', code: 'resource_missing' },
  },
  {
    route: 'POST /v1/customers/:id',
    path: '/v1/customers/{customer}',
    params: { description: long(5001) },
    why: 'a description over 5000 characters',
    expected: { status: 400, param: 'description' },
  },
  {
    route: 'POST /v1/customers/:id',
    path: '/v1/customers/{customer}',
    params: { invoice_settings: { default_payment_method: 'pm_missing' } },
    why: 'a default payment method that does not exist',
    expected: { status: 404, param: 'invoice_settings[default_payment_method]', code: 'resource_missing' },
  },
  {
    route: 'GET /v1/customers',
    path: '/v1/customers',
    params: { limit: 1000 },
    why: 'a limit over 100',
    expected: { status: 400, param: 'limit' },
  },
  {
    route: 'POST /v1/products',
    path: '/v1/products',
    params: {},
    why: 'no name',
    expected: { status: 400, param: 'name', code: 'parameter_missing' },
  },
  {
    route: 'POST /v1/products',
    path: '/v1/products',
    params: { name: 'Widget', statement_descriptor: long(23) },
    why: 'a statement_descriptor over 22 characters',
    expected: { status: 400, param: 'statement_descriptor' },
  },
  {
    route: 'POST /v1/products',
    path: '/v1/products',
    params: { name: 'Widget', active: 'maybe' },
    why: 'a boolean that is not one',
    expected: { status: 400, param: 'active', code: 'parameter_invalid' },
  },
  {
    route: 'POST /v1/products/:id',
    path: '/v1/products/{product}',
    params: { prices: 'x' },
    why: 'an unknown parameter',
    expected: { status: 400, param: 'prices', code: 'parameter_unknown' },
  },
  {
    route: 'POST /v1/prices',
    path: '/v1/prices',
    params: { product: '{product}', unit_amount: 100 },
    why: 'no currency',
    expected: { status: 400, param: 'currency', code: 'parameter_missing' },
  },
  {
    route: 'POST /v1/prices',
    path: '/v1/prices',
    params: { product: '{product}', currency: 'usd', unit_amount: 100, recurring: { interval: 'fortnight' } },
    why: 'an interval outside its enum',
    expected: { status: 400, param: 'recurring[interval]', code: 'parameter_invalid' },
  },
  {
    route: 'POST /v1/prices',
    path: '/v1/prices',
    params: { product: '{product}', currency: 'usd', unit_amount: 'ten' },
    why: 'an integer that is not one',
    expected: { status: 400, param: 'unit_amount', code: 'parameter_invalid_integer' },
  },
  {
    route: 'POST /v1/prices',
    path: '/v1/prices',
    params: { product: '{product}', currency: 'usd', unit_amount: 100, nickname: long(5001) },
    why: 'a nickname over 5000 characters',
    expected: { status: 400, param: 'nickname' },
  },
  {
    route: 'POST /v1/prices/:id',
    path: '/v1/prices/{price}',
    params: { unit_amount: 200 },
    why: 'an amount change (prices are immutable)',
    expected: { status: 400, param: 'unit_amount', code: 'parameter_unknown' },
  },
  {
    route: 'POST /v1/coupons',
    path: '/v1/coupons',
    params: { percent_off: 10, name: long(41) },
    why: 'a name over 40 characters',
    expected: { status: 400, param: 'name' },
  },
  {
    route: 'POST /v1/coupons',
    path: '/v1/coupons',
    params: { percent_off: 10, duration: 'weekly' },
    why: 'a duration outside its enum',
    expected: { status: 400, param: 'duration', code: 'parameter_invalid' },
  },
  {
    route: 'POST /v1/billing/meters',
    path: '/v1/billing/meters',
    params: { display_name: 'Calls', default_aggregation: { formula: 'sum' } },
    why: 'no event_name',
    expected: { status: 400, param: 'event_name', code: 'parameter_missing' },
  },
  {
    route: 'POST /v1/billing/meters',
    path: '/v1/billing/meters',
    params: { display_name: 'Calls', event_name: 'calls', default_aggregation: { formula: 'avg' } },
    why: 'a formula outside its enum',
    expected: { status: 400, param: 'default_aggregation[formula]', code: 'parameter_invalid' },
  },
  {
    route: 'POST /v1/subscription_schedules',
    path: '/v1/subscription_schedules',
    params: { customer: '{customer}', phases: [{ items: [{ price: 'price_missing' }], iterations: 2 }] },
    why: 'phases[].iterations, removed in basil',
    expected: { status: 400, param: 'phases[0][iterations]', code: 'parameter_unknown' },
  },
  {
    route: 'POST /v1/subscription_schedules',
    path: '/v1/subscription_schedules',
    params: { customer: '{customer}', end_behavior: 'stop', phases: [{ items: [{ price: '{price}' }] }] },
    why: 'an end_behavior outside its enum',
    expected: { status: 400, param: 'end_behavior', code: 'parameter_invalid' },
  },
  {
    route: 'POST /v1/subscription_schedules',
    path: '/v1/subscription_schedules',
    params: { customer: '{customer}', phases: [{ items: [{ price: 'price_missing' }] }] },
    why: 'a price that does not exist',
    expected: { status: 404, param: 'phases[0][items][0][price]', code: 'resource_missing' },
  },
  {
    route: 'POST /v1/subscription_schedules/:id',
    path: '/v1/subscription_schedules/{schedule}',
    params: { phases: [{ items: [{ price: '{price}' }], description: long(501) }] },
    why: 'a phase description over 500 characters',
    expected: { status: 400, param: 'phases[0][description]' },
  },
  {
    route: 'POST /v1/subscriptions',
    path: '/v1/subscriptions',
    params: { items: [{ price: '{price}' }] },
    why: 'no customer',
    expected: { status: 400, param: 'customer', code: 'parameter_missing' },
  },
  {
    route: 'POST /v1/subscriptions',
    path: '/v1/subscriptions',
    params: { customer: '{customer}', items: [{ price: '{price}' }], description: long(501) },
    why: 'a description over 500 characters',
    expected: { status: 400, param: 'description' },
  },
  {
    route: 'POST /v1/subscriptions/:id',
    path: '/v1/subscriptions/{subscription}',
    params: { description: long(501) },
    why: 'a description over 500 characters',
    expected: { status: 400, param: 'description' },
  },
  {
    route: 'POST /v1/subscriptions/:id',
    path: '/v1/subscriptions/{subscription}',
    params: { default_payment_method: 'pm_missing' },
    why: 'a payment method that does not exist',
    expected: { status: 404, param: 'default_payment_method', code: 'resource_missing' },
  },
  {
    route: 'DELETE /v1/subscriptions/:id',
    path: '/v1/subscriptions/{subscription}',
    params: { refund: true },
    why: 'an unknown parameter',
    expected: { status: 400, param: 'refund', code: 'parameter_unknown' },
  },
  {
    route: 'POST /v1/invoiceitems',
    path: '/v1/invoiceitems',
    params: { amount: 100, currency: 'usd' },
    why: 'no customer',
    expected: { status: 400, param: 'customer', code: 'parameter_missing' },
  },
  {
    route: 'POST /v1/invoiceitems',
    path: '/v1/invoiceitems',
    params: { customer: '{customer}', amount: 100, currency: 'usd', description: long(5001) },
    why: 'a description over 5000 characters',
    expected: { status: 400, param: 'description' },
  },
  {
    route: 'POST /v1/invoices',
    path: '/v1/invoices',
    params: { customer: '{customer}', collection_method: 'by_post' },
    why: 'a collection_method outside its enum',
    expected: { status: 400, param: 'collection_method', code: 'parameter_invalid' },
  },
  {
    route: 'POST /v1/invoices',
    path: '/v1/invoices',
    params: { customer: '{customer}', footer: long(5001) },
    why: 'a footer over 5000 characters',
    expected: { status: 400, param: 'footer' },
  },
  {
    route: 'POST /v1/invoices/:id',
    path: '/v1/invoices/{invoice}',
    params: { footer: long(5001) },
    why: 'a footer over 5000 characters',
    expected: { status: 400, param: 'footer' },
  },
  {
    route: 'POST /v1/invoices/:id/finalize',
    path: '/v1/invoices/{invoice}/finalize',
    params: { auto_advance: 'perhaps' },
    why: 'a boolean that is not one',
    expected: { status: 400, param: 'auto_advance', code: 'parameter_invalid' },
  },
  {
    route: 'POST /v1/invoices/:id/pay',
    path: '/v1/invoices/{openInvoice}/pay',
    params: { payment_method: 'pm_missing' },
    why: 'a payment method that does not exist (not a card decline)',
    expected: { status: 404, param: 'payment_method', code: 'resource_missing' },
  },
  {
    route: 'POST /v1/test_helpers/test_clocks',
    path: '/v1/test_helpers/test_clocks',
    params: { name: 'No time' },
    why: 'no frozen_time',
    expected: { status: 400, param: 'frozen_time', code: 'parameter_missing' },
  },
  {
    route: 'POST /v1/test_helpers/test_clocks',
    path: '/v1/test_helpers/test_clocks',
    params: { frozen_time: 1_900_000_000, name: long(301) },
    why: 'a name over 300 characters',
    expected: { status: 400, param: 'name' },
  },
  {
    route: 'POST /v1/webhook_endpoints',
    path: '/v1/webhook_endpoints',
    params: { enabled_events: ['invoice.paid'] },
    why: 'no url',
    expected: { status: 400, param: 'url', code: 'parameter_missing' },
  },
  {
    route: 'POST /v1/webhook_endpoints',
    path: '/v1/webhook_endpoints',
    params: { url: 'https://example.com/hook', enabled_events: ['invoice.paid'], description: long(5001) },
    why: 'a description over 5000 characters',
    expected: { status: 400, param: 'description' },
  },
  // Real Stripe answers in the conformance recordings (shared/reference/recordings), API 2020-08-27.
  {
    route: 'GET /v1/subscriptions/:id',
    path: '/v1/subscriptions/sub_sched_missing',
    params: {},
    why: 'a schedule id where a subscription id belongs (recorded: param id)',
    expected: {
      status: 404,
      param: 'id',
      code: 'resource_missing',
      message: "No such subscription: 'sub_sched_missing'",
    },
  },
  {
    route: 'GET /v1/subscription_schedules/:id',
    path: '/v1/subscription_schedules/G7Kdgv7XfMirVlLR',
    params: {},
    why: 'an id that does not exist (recorded: param id)',
    expected: {
      status: 404,
      param: 'id',
      code: 'resource_missing',
      message: "No such subscription schedule: 'G7Kdgv7XfMirVlLR'",
    },
  },
  {
    route: 'GET /v1/invoices/:id',
    path: '/v1/invoices/G7Kdgv7XfMirVlLR',
    params: {},
    why: 'an id that does not exist (recorded: param invoice)',
    expected: {
      status: 404,
      param: 'invoice',
      code: 'resource_missing',
      message: "No such invoice: 'G7Kdgv7XfMirVlLR'",
    },
  },
  {
    route: 'POST /v1/prices',
    path: '/v1/prices',
    params: { product: '{product}', currency: 'usd', billing_scheme: 'tiered', recurring: { interval: 'month' } },
    why: 'a tiered price without tiers (recorded)',
    expected: {
      status: 400,
      param: 'tiers',
      code: null,
      message: 'If the billing scheme is set to tiered the parameter tiers must be set.',
    },
  },
  {
    route: 'POST /v1/prices',
    path: '/v1/prices',
    params: {
      product: '{product}',
      currency: 'usd',
      billing_scheme: 'tiered',
      tiers_mode: 'volume',
      tiers: [{ up_to: 2, unit_amount_decimal: '1000.0' }],
    },
    why: 'tiers without a catch-all last tier (recorded)',
    expected: {
      status: 400,
      param: 'tiers[0][up_to]',
      code: null,
      message: 'The tiers array must include a catch all tier with up_to set to `inf` as last item.',
    },
  },
  {
    route: 'POST /v1/subscription_schedules',
    path: '/v1/subscription_schedules',
    params: { customer: '{gbpCustomer}', phases: [{ items: [{ price: '{price}' }] }] },
    why: 'prices in another currency than the customer (recorded)',
    expected: {
      status: 400,
      param: null,
      code: null,
      message: 'The currency of the selected prices (usd) does not match the customer currency (gbp).',
    },
  },
  {
    route: 'POST /v1/subscription_schedules',
    path: '/v1/subscription_schedules',
    params: { customer: '{customer}', phases: [{ items: [{ price: '{price}' }, { price: '{yearly}' }] }] },
    why: 'phase items of different intervals (recorded)',
    expected: {
      status: 400,
      param: null,
      code: null,
      message:
        'For a particular phase, all of its `items` prices must have the same `interval`, `interval_count`, and `currency`.',
    },
  },
  ...generatedCases(),
];

/**
 * The kinds of invalid request every route can get, generated from the catalogue for the parameters the route
 * models: an unknown parameter; a wrong type, an enum value not listed, a string over its `maxLength` (the first
 * modelled top-level parameter of each kind); a required parameter left out; an id that does not exist.
 */
function generatedCases(): InvalidRequest[] {
  return routeTable().flatMap((route) => {
    const name = `${route.method} ${route.path}`;
    const path = route.path.replace(':id', 'x_missing');
    const type = route.params as ParamsTypeName;
    const paths = paramPaths(type);
    const topLevel = (MODELLED_PARAMS[type] ?? [])
      .map((entry) => entry.split('=')[0] ?? entry)
      .filter((p) => !/[.[]/.test(p) && paths[p]);
    const specOf = (p: string): ParamSpec => paths[p] ?? { kinds: [] };
    const only = (p: string, kind: string): boolean =>
      specOf(p)
        .kinds.filter((k) => k !== 'empty' && k !== 'null')
        .every((k) => k === kind);
    const cases: InvalidRequest[] = [
      {
        route: name,
        path,
        params: { definitely_unknown: 'x' },
        why: 'an unknown parameter',
        expected: { status: 400, param: 'definitely_unknown', code: 'parameter_unknown' },
      },
    ];
    const integer = topLevel.find((p) => only(p, 'number'));
    if (integer)
      cases.push({
        route: name,
        path,
        params: { [integer]: 'ten' },
        why: `${integer}: not an integer`,
        expected: { status: 400, param: integer, code: 'parameter_invalid_integer' },
      });
    const boolean = topLevel.find((p) => only(p, 'boolean'));
    if (boolean)
      cases.push({
        route: name,
        path,
        params: { [boolean]: 'maybe' },
        why: `${boolean}: not a boolean`,
        expected: { status: 400, param: boolean, code: 'parameter_invalid' },
      });
    const enumerated = topLevel.find((p) => only(p, 'enum'));
    if (enumerated)
      cases.push({
        route: name,
        path,
        params: { [enumerated]: 'not_a_value' },
        why: `${enumerated}: a value outside its enum`,
        expected: { status: 400, param: enumerated, code: 'parameter_invalid' },
      });
    const bounded = topLevel.find((p) => specOf(p).kinds.includes('string') && specOf(p).maxLength !== undefined);
    const maxLength = bounded ? (specOf(bounded).maxLength ?? 0) : 0;
    if (bounded)
      cases.push({
        route: name,
        path,
        params: { [bounded]: long(maxLength + 1) },
        why: `${bounded}: over ${maxLength} characters`,
        expected: { status: 400, param: bounded, code: null, message: tooLong(long(maxLength + 1), maxLength) },
      });
    const required = Object.keys(paths).find((p) => !/[.[]/.test(p) && paths[p]?.required);
    if (required)
      cases.push({
        route: name,
        path,
        params: {},
        why: `no ${required}`,
        expected: { status: 400, param: required, code: 'parameter_missing' },
      });
    // The param Stripe names for a missing path id follows no rule the recordings show (`id` for subscriptions and
    // schedules, `invoice` for invoices), so it is asserted only in the recorded cases above.
    if (route.path.includes(':id') && !required)
      cases.push({
        route: name,
        path,
        params: {},
        why: 'an id that does not exist',
        expected: { status: 404, code: 'resource_missing' },
      });
    return cases;
  });
}

/** Stripe's words for a string over its limit: the first and last ten characters, then the limit. */
function tooLong(value: string, maxLength: number): string {
  return `Invalid string: ${value.slice(0, 10)}...${value.slice(-10)}; must be at most ${maxLength} characters`;
}

function fill<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value).replace(
      /\{(\w+)\}/g,
      (whole, name: string) => (ids as unknown as Record<string, string>)[name] ?? whole,
    ),
  ) as T;
}

async function send(
  method: string,
  path: string,
  params: Record<string, unknown>,
): Promise<{ status: number; error: Record<string, unknown> }> {
  const form = stringify(params, { arrayFormat: 'indices' });
  // As stripe-node sends them: a form body on POST, the query string on GET and DELETE.
  const url = `${fx.emulator.url}${path}${method !== 'POST' && form ? `?${form}` : ''}`;
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${fx.emulator.apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
    ...(method === 'POST' ? { body: form } : {}),
  });
  const body = (await response.json()) as { error?: Record<string, unknown> };
  return { status: response.status, error: body.error ?? {} };
}

beforeAll(async () => {
  const customer = await fx.stripe.customers.create({ ...paysWith() });
  const product = await fx.stripe.products.create({ name: 'Widget' });
  const price = await fx.stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 1000,
    recurring: { interval: 'month' },
  });
  const subscription = await fx.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
  const schedule = await fx.stripe.subscriptionSchedules.create({
    customer: customer.id,
    start_date: 'now',
    phases: [{ items: [{ price: price.id }] }],
  });
  const invoice = await fx.stripe.invoices.create({ customer: customer.id, auto_advance: false });
  const other = await fx.stripe.customers.create({});
  await fx.stripe.invoiceItems.create({ customer: other.id, amount: 500, currency: 'usd' });
  const draft = await fx.stripe.invoices.create({
    customer: other.id,
    pending_invoice_items_behavior: 'include',
    auto_advance: false,
  });
  const open = await fx.stripe.invoices.finalizeInvoice(draft.id, { auto_advance: false });
  const yearly = await fx.stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 1000,
    recurring: { interval: 'year' },
  });
  const gbpCustomer = await fx.stripe.customers.create({});
  await fx.stripe.invoiceItems.create({ customer: gbpCustomer.id, amount: 100, currency: 'gbp' });
  Object.assign(ids, {
    customer: customer.id,
    product: product.id,
    price: price.id,
    subscription: subscription.id,
    schedule: schedule.id,
    invoice: invoice.id,
    openInvoice: open.id,
    yearly: yearly.id,
    gbpCustomer: gbpCustomer.id,
  });
});

describe('Stripe emulator refuses invalid requests as Stripe does', () => {
  it.each(CASES.map((c) => [c.route, c.why, c] as const))('%s: %s', async (_route, _why, invalid) => {
    const { method = 'GET' } = { method: invalid.route.split(' ')[0] };
    const { status, error } = await send(method, fill(invalid.path), fill(invalid.params));
    const { expected } = invalid;
    const seen = {
      status,
      type: error.type,
      ...(expected.param !== undefined ? { param: error.param ?? null } : {}),
      ...(expected.code !== undefined ? { code: error.code ?? null } : {}),
      ...(expected.message !== undefined ? { message: error.message } : {}),
    };
    const wanted = {
      status: expected.status,
      type: 'invalid_request_error',
      ...(expected.param !== undefined ? { param: expected.param } : {}),
      ...(expected.code !== undefined ? { code: expected.code } : {}),
      ...(expected.message !== undefined ? { message: expected.message } : {}),
    };
    fx.conformance.recordInvalid(invalid.route, JSON.stringify(seen) === JSON.stringify(wanted));
    expect(seen).toEqual(wanted);
  });

  it('words a too-long string as Stripe does: first and last ten characters, the limit, no code', async () => {
    const name = `Lottery Re${'x'.repeat(21)}iting line`;
    const { error } = await send('POST', '/v1/coupons', { percent_off: 10, name });
    expect(error).toMatchObject({
      message: 'Invalid string: Lottery Re...iting line; must be at most 40 characters',
      param: 'name',
    });
    expect(error.code).toBeUndefined();
  });

  it('tries every route the emulator serves', () => {
    const tried = new Set(CASES.map((c) => c.route));
    expect(
      routeTable()
        .map((r) => `${r.method} ${r.path}`)
        .filter((r) => !tried.has(r)),
    ).toEqual([]);
  });
});
