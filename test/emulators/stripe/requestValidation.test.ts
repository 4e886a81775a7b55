// Invalid requests, route by route, each refused as Stripe refuses it: the HTTP status, `type`, `code` where
// Stripe gives one, and the `param` it names. The kinds: unknown parameters, wrong types, enum values not in
// the pinned version, missing required parameters (stripe-node's param types), strings over the maxLength of
// Stripe's OpenAPI spec, and objects that do not exist (payment methods included). Each try is counted for
// the README's conformance table.
import { stringify } from 'qs';
import { useEmulator } from './helpers.js';

const fx = useEmulator();

interface Ids {
  customer: string;
  product: string;
  price: string;
  subscription: string;
  schedule: string;
  invoice: string;
  openInvoice: string;
}
const ids = {} as Ids;

interface InvalidRequest {
  readonly route: string;
  /** The path, with `{customer}` etc. filled from the fixtures. */
  readonly path: string;
  readonly params: Record<string, unknown>;
  readonly why: string;
  readonly expected: { status: number; param: string; code?: string };
}

const long = (length: number): string => 'x'.repeat(length);

const CASES: InvalidRequest[] = [
  { route: 'POST /v1/customers', path: '/v1/customers', params: { nmae: 'Acme' }, why: 'an unknown parameter', expected: { status: 400, param: 'nmae', code: 'parameter_unknown' } },
  { route: 'POST /v1/customers', path: '/v1/customers', params: { name: long(257) }, why: 'a name over 256 characters', expected: { status: 400, param: 'name' } },
  { route: 'POST /v1/customers', path: '/v1/customers', params: { tax_exempt: 'sometimes' }, why: 'a tax_exempt outside its enum', expected: { status: 400, param: 'tax_exempt', code: 'parameter_invalid' } },
  { route: 'POST /v1/customers', path: '/v1/customers', params: { payment_method: 'pm_missing' }, why: 'a payment method that does not exist', expected: { status: 404, param: 'payment_method', code: 'resource_missing' } },
  { route: 'POST /v1/customers/:id', path: '/v1/customers/{customer}', params: { description: long(5001) }, why: 'a description over 5000 characters', expected: { status: 400, param: 'description' } },
  { route: 'POST /v1/customers/:id', path: '/v1/customers/{customer}', params: { invoice_settings: { default_payment_method: 'pm_missing' } }, why: 'a default payment method that does not exist', expected: { status: 404, param: 'invoice_settings[default_payment_method]', code: 'resource_missing' } },
  { route: 'GET /v1/customers', path: '/v1/customers', params: { limit: 1000 }, why: 'a limit over 100', expected: { status: 400, param: 'limit' } },
  { route: 'POST /v1/products', path: '/v1/products', params: {}, why: 'no name', expected: { status: 400, param: 'name', code: 'parameter_missing' } },
  { route: 'POST /v1/products', path: '/v1/products', params: { name: 'Widget', statement_descriptor: long(23) }, why: 'a statement_descriptor over 22 characters', expected: { status: 400, param: 'statement_descriptor' } },
  { route: 'POST /v1/products', path: '/v1/products', params: { name: 'Widget', active: 'maybe' }, why: 'a boolean that is not one', expected: { status: 400, param: 'active', code: 'parameter_invalid' } },
  { route: 'POST /v1/products/:id', path: '/v1/products/{product}', params: { prices: 'x' }, why: 'an unknown parameter', expected: { status: 400, param: 'prices', code: 'parameter_unknown' } },
  { route: 'POST /v1/prices', path: '/v1/prices', params: { product: '{product}', unit_amount: 100 }, why: 'no currency', expected: { status: 400, param: 'currency', code: 'parameter_missing' } },
  { route: 'POST /v1/prices', path: '/v1/prices', params: { product: '{product}', currency: 'usd', unit_amount: 100, recurring: { interval: 'fortnight' } }, why: 'an interval outside its enum', expected: { status: 400, param: 'recurring[interval]', code: 'parameter_invalid' } },
  { route: 'POST /v1/prices', path: '/v1/prices', params: { product: '{product}', currency: 'usd', unit_amount: 'ten' }, why: 'an integer that is not one', expected: { status: 400, param: 'unit_amount', code: 'parameter_invalid_integer' } },
  { route: 'POST /v1/prices', path: '/v1/prices', params: { product: '{product}', currency: 'usd', unit_amount: 100, nickname: long(5001) }, why: 'a nickname over 5000 characters', expected: { status: 400, param: 'nickname' } },
  { route: 'POST /v1/prices/:id', path: '/v1/prices/{price}', params: { unit_amount: 200 }, why: 'an amount change (prices are immutable)', expected: { status: 400, param: 'unit_amount', code: 'parameter_unknown' } },
  { route: 'POST /v1/coupons', path: '/v1/coupons', params: { percent_off: 10, name: long(41) }, why: 'a name over 40 characters', expected: { status: 400, param: 'name' } },
  { route: 'POST /v1/coupons', path: '/v1/coupons', params: { percent_off: 10, duration: 'weekly' }, why: 'a duration outside its enum', expected: { status: 400, param: 'duration', code: 'parameter_invalid' } },
  { route: 'POST /v1/billing/meters', path: '/v1/billing/meters', params: { display_name: 'Calls', default_aggregation: { formula: 'sum' } }, why: 'no event_name', expected: { status: 400, param: 'event_name', code: 'parameter_missing' } },
  { route: 'POST /v1/billing/meters', path: '/v1/billing/meters', params: { display_name: 'Calls', event_name: 'calls', default_aggregation: { formula: 'avg' } }, why: 'a formula outside its enum', expected: { status: 400, param: 'default_aggregation[formula]', code: 'parameter_invalid' } },
  { route: 'POST /v1/subscription_schedules', path: '/v1/subscription_schedules', params: { customer: '{customer}', phases: [{ items: [{ price: 'price_missing' }], iterations: 2 }] }, why: 'phases[].iterations, removed in basil', expected: { status: 400, param: 'phases[0][iterations]', code: 'parameter_unknown' } },
  { route: 'POST /v1/subscription_schedules', path: '/v1/subscription_schedules', params: { customer: '{customer}', end_behavior: 'stop', phases: [{ items: [{ price: '{price}' }] }] }, why: 'an end_behavior outside its enum', expected: { status: 400, param: 'end_behavior', code: 'parameter_invalid' } },
  { route: 'POST /v1/subscription_schedules', path: '/v1/subscription_schedules', params: { customer: '{customer}', phases: [{ items: [{ price: 'price_missing' }] }] }, why: 'a price that does not exist', expected: { status: 404, param: 'phases[0][items][0][price]', code: 'resource_missing' } },
  { route: 'POST /v1/subscription_schedules/:id', path: '/v1/subscription_schedules/{schedule}', params: { phases: [{ items: [{ price: '{price}' }], description: long(501) }] }, why: 'a phase description over 500 characters', expected: { status: 400, param: 'phases[0][description]' } },
  { route: 'POST /v1/subscriptions', path: '/v1/subscriptions', params: { items: [{ price: '{price}' }] }, why: 'no customer', expected: { status: 400, param: 'customer', code: 'parameter_missing' } },
  { route: 'POST /v1/subscriptions', path: '/v1/subscriptions', params: { customer: '{customer}', items: [{ price: '{price}' }], description: long(501) }, why: 'a description over 500 characters', expected: { status: 400, param: 'description' } },
  { route: 'POST /v1/subscriptions/:id', path: '/v1/subscriptions/{subscription}', params: { description: long(501) }, why: 'a description over 500 characters', expected: { status: 400, param: 'description' } },
  { route: 'POST /v1/subscriptions/:id', path: '/v1/subscriptions/{subscription}', params: { default_payment_method: 'pm_missing' }, why: 'a payment method that does not exist', expected: { status: 404, param: 'default_payment_method', code: 'resource_missing' } },
  { route: 'DELETE /v1/subscriptions/:id', path: '/v1/subscriptions/{subscription}', params: { refund: true }, why: 'an unknown parameter', expected: { status: 400, param: 'refund', code: 'parameter_unknown' } },
  { route: 'POST /v1/invoiceitems', path: '/v1/invoiceitems', params: { amount: 100, currency: 'usd' }, why: 'no customer', expected: { status: 400, param: 'customer', code: 'parameter_missing' } },
  { route: 'POST /v1/invoiceitems', path: '/v1/invoiceitems', params: { customer: '{customer}', amount: 100, currency: 'usd', description: long(5001) }, why: 'a description over 5000 characters', expected: { status: 400, param: 'description' } },
  { route: 'POST /v1/invoices', path: '/v1/invoices', params: { customer: '{customer}', collection_method: 'by_post' }, why: 'a collection_method outside its enum', expected: { status: 400, param: 'collection_method', code: 'parameter_invalid' } },
  { route: 'POST /v1/invoices', path: '/v1/invoices', params: { customer: '{customer}', footer: long(5001) }, why: 'a footer over 5000 characters', expected: { status: 400, param: 'footer' } },
  { route: 'POST /v1/invoices/:id', path: '/v1/invoices/{invoice}', params: { footer: long(5001) }, why: 'a footer over 5000 characters', expected: { status: 400, param: 'footer' } },
  { route: 'POST /v1/invoices/:id/finalize', path: '/v1/invoices/{invoice}/finalize', params: { auto_advance: 'perhaps' }, why: 'a boolean that is not one', expected: { status: 400, param: 'auto_advance', code: 'parameter_invalid' } },
  { route: 'POST /v1/invoices/:id/pay', path: '/v1/invoices/{openInvoice}/pay', params: { payment_method: 'pm_missing' }, why: 'a payment method that does not exist (not a card decline)', expected: { status: 404, param: 'payment_method', code: 'resource_missing' } },
  { route: 'POST /v1/test_helpers/test_clocks', path: '/v1/test_helpers/test_clocks', params: { name: 'No time' }, why: 'no frozen_time', expected: { status: 400, param: 'frozen_time', code: 'parameter_missing' } },
  { route: 'POST /v1/test_helpers/test_clocks', path: '/v1/test_helpers/test_clocks', params: { frozen_time: 1_900_000_000, name: long(301) }, why: 'a name over 300 characters', expected: { status: 400, param: 'name' } },
  { route: 'POST /v1/webhook_endpoints', path: '/v1/webhook_endpoints', params: { enabled_events: ['invoice.paid'] }, why: 'no url', expected: { status: 400, param: 'url', code: 'parameter_missing' } },
  { route: 'POST /v1/webhook_endpoints', path: '/v1/webhook_endpoints', params: { url: 'https://example.com/hook', enabled_events: ['invoice.paid'], description: long(5001) }, why: 'a description over 5000 characters', expected: { status: 400, param: 'description' } },
];

function fill<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(/\{(\w+)\}/g, (whole, name: string) => (ids as unknown as Record<string, string>)[name] ?? whole)) as T;
}

async function send(method: string, path: string, params: Record<string, unknown>): Promise<{ status: number; error: Record<string, unknown> }> {
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
  const customer = await fx.stripe.customers.create({ payment_method: 'pm_card_visa' });
  const product = await fx.stripe.products.create({ name: 'Widget' });
  const price = await fx.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 1000, recurring: { interval: 'month' } });
  const subscription = await fx.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
  const schedule = await fx.stripe.subscriptionSchedules.create({ customer: customer.id, start_date: 'now', phases: [{ items: [{ price: price.id }] }] });
  const invoice = await fx.stripe.invoices.create({ customer: customer.id, auto_advance: false });
  const other = await fx.stripe.customers.create({});
  await fx.stripe.invoiceItems.create({ customer: other.id, amount: 500, currency: 'usd' });
  const draft = await fx.stripe.invoices.create({ customer: other.id, pending_invoice_items_behavior: 'include', auto_advance: false });
  const open = await fx.stripe.invoices.finalizeInvoice(draft.id, { auto_advance: false });
  Object.assign(ids, { customer: customer.id, product: product.id, price: price.id, subscription: subscription.id, schedule: schedule.id, invoice: invoice.id, openInvoice: open.id });
});

describe('Stripe emulator refuses invalid requests as Stripe does', () => {
  it.each(CASES.map((c) => [c.route, c.why, c] as const))('%s: %s', async (_route, _why, invalid) => {
    const { method = 'GET' } = { method: invalid.route.split(' ')[0] };
    const { status, error } = await send(method, fill(invalid.path), fill(invalid.params));
    const refusedAsStripeDoes =
      status === invalid.expected.status &&
      error.type === 'invalid_request_error' &&
      error.param === invalid.expected.param &&
      (invalid.expected.code === undefined || error.code === invalid.expected.code);
    fx.conformance.recordInvalid(invalid.route, refusedAsStripeDoes);
    expect({ status, type: error.type, param: error.param, ...(invalid.expected.code ? { code: error.code } : {}) }).toEqual({
      status: invalid.expected.status,
      type: 'invalid_request_error',
      param: invalid.expected.param,
      ...(invalid.expected.code ? { code: invalid.expected.code } : {}),
    });
  });

  it('names the limit in a too-long string\'s message, as Stripe does', async () => {
    const { error } = await send('POST', '/v1/coupons', { percent_off: 10, name: long(41) });
    expect(error.message).toMatch(/^Invalid string: x{20}\.\.\.; must be at most 40 characters$/);
  });
});
