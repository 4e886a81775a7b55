// Every parameter the emulator accepts is reflected or refused. Walks every route's params type in the catalogue
// generated from stripe-node's types:
// - a parameter the emulator models (modelledParams.ts) is sent with a valid value, and the answer (or a later
//   read) carries it where Stripe's resource type puts it, or a list is filtered by it; the few Stripe does not
//   echo are in EXCEPTIONS, each with its reason and source;
// - every other parameter is refused, naming it, instead of being silently dropped.
import { stringify } from 'qs';
import {
  bracketPath,
  paramPaths,
  type ParamSpec,
  type ParamsTypeName,
} from '../../../plugin/src/stripe/params/index.js';
import { MODELLED_PARAMS, modelledParams } from '@stripe-cpq/stripe-emulator/modelledParams.js';
import { routeTable } from '@stripe-cpq/stripe-emulator/routes.js';
import { addInterval } from '@stripe-cpq/stripe-emulator/clock.js';
import { JAN_1_2030, paysWith, useEmulator } from './helpers.js';

const fx = useEmulator();

type Json = Record<string, unknown>;

async function call(method: string, path: string, params: Json = {}): Promise<{ status: number; body: Json }> {
  const form = stringify(params, { arrayFormat: 'indices' });
  const url = `${fx.emulator.url}${path}${method !== 'POST' && form ? `?${form}` : ''}`;
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${fx.emulator.apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
    ...(method === 'POST' ? { body: form } : {}),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

/** A 2xx answer's body (fails the test with Stripe's error otherwise). */
async function ok(method: string, path: string, params: Json = {}): Promise<Json> {
  const { status, body } = await call(method, path, params);
  if (status >= 300) throw new Error(`${method} ${path} → ${status}: ${JSON.stringify(body.error)}`);
  return body;
}

/** `a.b[0].c` of a JSON value. */
function at(value: unknown, path: string): unknown {
  return path.split(/\.|(?=\[)/).reduce<unknown>((v, key) => {
    if (v === null || v === undefined) return undefined;
    const index = /^\[(\d+)\]$/.exec(key);
    return index ? (v as unknown[])[Number(index[1])] : (v as Json)[key];
  }, value);
}

const ids = (list: Json): unknown[] => (list.data as Json[]).map((item) => item.id);

// ——— What each case asserted, per route: the coverage check at the end compares it with modelledParams.ts ———

const covered = new Map<string, Set<string>>();

/** Asserts one modelled parameter is reflected (`actual` read where Stripe puts it) and records it as covered. */
function reflects(route: string, entry: string, actual: unknown, expected: unknown): void {
  expect({ [entry]: actual }).toEqual({ [entry]: expected });
  covered.set(route, (covered.get(route) ?? new Set()).add(entry));
}

/** A one-tier volume price of the fixture's product: a price Stripe answers without `tiers` unless expanded. */
const volumePrice = (metadata?: Record<string, string>) =>
  ok('POST', '/v1/prices', {
    currency: 'usd',
    billing_scheme: 'tiered',
    tiers_mode: 'volume',
    tiers: [{ up_to: 'inf', unit_amount: 1 }],
    product: f.product,
    ...(metadata ? { metadata } : {}),
  });

/**
 * Modelled parameters Stripe does not echo on the object: their effect is checked elsewhere (named here), or they
 * shape a list page rather than an object.
 */
const PAGE_REASON =
  'shapes the list page (has_more, cursors, next_page), not an object: catalog.test.ts "pages newest first…", "finds customers by metadata…"';
const EXCEPTIONS: Record<string, string> = {
  limit: PAGE_REASON,
  starting_after: PAGE_REASON,
  ending_before: PAGE_REASON,
  page: PAGE_REASON,
  query: 'the search query: catalog.test.ts search tests (docs.stripe.com/search)',
  'CustomerCreateParams payment_method':
    'Stripe attaches the PaymentMethod (its `customer`; docs.stripe.com/api/customers/create#create_customer-payment_method), no Customer field and not the invoice default (docs.stripe.com/api/payment_methods/attach): invoicing.test.ts',
  'PriceCreateParams transfer_lookup_key':
    'moves the lookup key from another price (docs.stripe.com/api/prices/create#create_price-transfer_lookup_key), not echoed: catalog.test.ts lookup keys',
  'PriceUpdateParams transfer_lookup_key':
    'as on create (docs.stripe.com/api/prices/update#update_price-transfer_lookup_key), not echoed',
  'SubscriptionUpdateParams proration_behavior=none':
    'request-only (docs.stripe.com/api/subscriptions/update#update_subscription-proration_behavior): no invoice item is created, as the emulator never prorates',
  'SubscriptionCreateParams proration_behavior=none':
    'request-only (docs.stripe.com/api/subscriptions/create#create_subscription-proration_behavior): the first period up to billing_cycle_anchor is free, no invoice: migration.test.ts',
  'SubscriptionScheduleUpdateParams proration_behavior=none':
    'request-only (docs.stripe.com/api/subscription_schedules/update#update_subscription_schedule-proration_behavior): the emulator never prorates',
  'SubscriptionCancelParams invoice_now=false':
    "request-only, Stripe's default (docs.stripe.com/api/subscriptions/cancel#cancel_subscription-invoice_now): no final invoice",
  'SubscriptionCancelParams prorate=false':
    "request-only, Stripe's default (docs.stripe.com/api/subscriptions/cancel#cancel_subscription-prorate)",
  'SubscriptionScheduleCancelParams prorate=false':
    'request-only (docs.stripe.com/api/subscription_schedules/cancel#cancel_subscription_schedule-prorate): the emulator never prorates',
  'SubscriptionScheduleCancelParams invoice_now':
    'request-only (docs.stripe.com/api/subscription_schedules/cancel): the final invoice, checked in scheduleCancel.test.ts',
  'InvoicePayParams payment_method':
    'request-only (docs.stripe.com/api/invoices/pay#pay_invoice-payment_method): the card charged, checked in invoicing.test.ts and routeTour.test.ts',
};

function exceptionFor(type: string, entry: string): string | undefined {
  return EXCEPTIONS[`${type} ${entry}`] ?? EXCEPTIONS[entry];
}

// ——— Fixtures ———

interface Fixtures {
  customer: string;
  product: string;
  price: string;
  oneTime: string;
  coupon: string;
  meter: string;
}
const f = {} as Fixtures;

beforeAll(async () => {
  f.customer = String((await ok('POST', '/v1/customers', { name: 'Reflect', payment_method: 'pm_card_visa' })).id);
  f.product = String((await ok('POST', '/v1/products', { name: 'Reflect' })).id);
  f.price = String(
    (
      await ok('POST', '/v1/prices', {
        product: f.product,
        currency: 'usd',
        unit_amount: 1000,
        recurring: { interval: 'month' },
      })
    ).id,
  );
  f.oneTime = String((await ok('POST', '/v1/prices', { product: f.product, currency: 'usd', unit_amount: 500 })).id);
  f.coupon = String((await ok('POST', '/v1/coupons', { percent_off: 10 })).id);
  f.meter = String(
    (
      await ok('POST', '/v1/billing/meters', {
        display_name: 'Calls',
        event_name: 'reflect_calls',
        default_aggregation: { formula: 'sum' },
      })
    ).id,
  );
});

// ——— Reflection cases: one or more per route, each asserting the parameters it sends ———

type Case = [route: string, run: (r: (entry: string, actual: unknown, expected: unknown) => void) => Promise<void>];

/**
 * A schedule phase's first item and invoice items as the create and update cases send them: the item with
 * `item`'s quantity and metadata, an invoice item of `f.oneTime` and one from `price_data`, each with `f.coupon`.
 */
async function reflectPhaseLines(
  r: Parameters<Case[1]>[0],
  p0: Json,
  item: { quantity: number; metadata: Json },
  invoiceItem: { quantity: number; metadata: Json; unitAmount: number },
): Promise<void> {
  r('phases[].items[].price', at(p0, 'items[0].price'), f.price);
  r('phases[].items[].quantity', at(p0, 'items[0].quantity'), item.quantity);
  r('phases[].items[].metadata', at(p0, 'items[0].metadata'), item.metadata);
  r('phases[].items[].discounts', at(p0, 'items[0].discounts'), [
    { coupon: f.coupon, discount: null, promotion_code: null },
  ]);
  r('phases[].add_invoice_items[].price', at(p0, 'add_invoice_items[0].price'), f.oneTime);
  r('phases[].add_invoice_items[].quantity', at(p0, 'add_invoice_items[0].quantity'), invoiceItem.quantity);
  r('phases[].add_invoice_items[].metadata', at(p0, 'add_invoice_items[0].metadata'), invoiceItem.metadata);
  r('phases[].add_invoice_items[].discounts', at(p0, 'add_invoice_items[0].discounts'), [
    { coupon: f.coupon, discount: null, promotion_code: null },
  ]);
  r('phases[].add_invoice_items[].period', at(p0, 'add_invoice_items[0].period'), {
    start: { type: 'phase_start' },
    end: { type: 'phase_end' },
  });
  r(
    'phases[].add_invoice_items[].price_data',
    at(await ok('GET', `/v1/prices/${String(at(p0, 'add_invoice_items[1].price'))}`), 'unit_amount'),
    invoiceItem.unitAmount,
  );
}

/** A draft invoice with `f.coupon` on the invoice and on its one line; its id. */
async function discountedInvoice(): Promise<string> {
  const customer = String((await ok('POST', '/v1/customers', {})).id);
  const invoice = String((await ok('POST', '/v1/invoices', { customer, discounts: [{ coupon: f.coupon }] })).id);
  await ok('POST', '/v1/invoiceitems', {
    customer,
    invoice,
    pricing: { price: f.oneTime },
    discounts: [{ coupon: f.coupon }],
  });
  return invoice;
}

const CASES: Case[] = [
  [
    'POST /v1/customers',
    async (r) => {
      const clock = await ok('POST', '/v1/test_helpers/test_clocks', { frozen_time: JAN_1_2030 });
      const sent = {
        name: 'Acme',
        email: 'billing@acme.test',
        phone: '+15550100',
        description: 'Key account',
        tax_exempt: 'exempt',
        preferred_locales: ['fr'],
        address: { line1: '1 Main St', city: 'Paris', country: 'FR' },
        shipping: { name: 'Dock', phone: '+15550101', address: { line1: '2 Dock Rd' } },
        metadata: { sfId: '001' },
        payment_method: 'pm_card_visa',
        invoice_settings: {
          footer: 'Thanks',
          custom_fields: [{ name: 'PO', value: '42' }],
          default_payment_method: 'pm_card_visa',
        },
        test_clock: clock.id,
      };
      const c = await ok('POST', '/v1/customers', sent);
      const read = await ok('GET', `/v1/customers/${String(c.id)}`);
      for (const body of [c, read]) {
        for (const field of [
          'name',
          'email',
          'phone',
          'description',
          'tax_exempt',
          'preferred_locales',
          'metadata',
          'test_clock',
        ] as const)
          r(field, body[field], sent[field]);
        r('address', at(body, 'address'), {
          line1: '1 Main St',
          line2: null,
          city: 'Paris',
          state: null,
          postal_code: null,
          country: 'FR',
        });
        r('shipping', at(body, 'shipping'), {
          name: 'Dock',
          phone: '+15550101',
          address: { line1: '2 Dock Rd', line2: null, city: null, state: null, postal_code: null, country: null },
        });
        r('invoice_settings.footer', at(body, 'invoice_settings.footer'), 'Thanks');
        r('invoice_settings.custom_fields', at(body, 'invoice_settings.custom_fields'), [{ name: 'PO', value: '42' }]);
        r(
          'invoice_settings.default_payment_method',
          at(body, 'invoice_settings.default_payment_method'),
          'pm_card_visa',
        );
      }
    },
  ],
  [
    'POST /v1/customers/:id',
    async (r) => {
      const sent = {
        name: 'Acme 2',
        email: 'ap@acme.test',
        phone: '+15550102',
        description: 'Moved',
        tax_exempt: 'reverse',
        preferred_locales: ['de'],
        address: { line1: '3 Rue', country: 'FR' },
        shipping: { name: 'Dock 2', address: { line1: '4 Quay' } },
        metadata: { sfId: '002' },
        invoice_settings: {
          footer: 'Merci',
          custom_fields: [{ name: 'Ref', value: 'A' }],
          default_payment_method: 'pm_card_visa',
        },
      };
      const c = await ok('POST', `/v1/customers/${f.customer}`, sent);
      for (const field of [
        'name',
        'email',
        'phone',
        'description',
        'tax_exempt',
        'preferred_locales',
        'metadata',
      ] as const)
        r(field, c[field], sent[field]);
      r('address', at(c, 'address.line1'), '3 Rue');
      r('shipping', at(c, 'shipping.address.line1'), '4 Quay');
      r('invoice_settings.footer', at(c, 'invoice_settings.footer'), 'Merci');
      r('invoice_settings.custom_fields', at(c, 'invoice_settings.custom_fields'), [{ name: 'Ref', value: 'A' }]);
      r('invoice_settings.default_payment_method', at(c, 'invoice_settings.default_payment_method'), 'pm_card_visa');
    },
  ],
  [
    'GET /v1/customers',
    async (r) => {
      const c = await ok('POST', '/v1/customers', { email: 'only@filter.test' });
      r('email', ids(await ok('GET', '/v1/customers', { email: 'only@filter.test' })), [c.id]);
    },
  ],
  [
    'POST /v1/products',
    async (r) => {
      const sent = {
        id: 'prod_reflect',
        name: 'Widget',
        active: false,
        description: 'A widget',
        images: ['https://example.com/w.png'],
        shippable: true,
        statement_descriptor: 'WIDGET',
        tax_code: 'txcd_10000000',
        unit_label: 'seat',
        url: 'https://example.com/w',
        metadata: { sfId: '01t' },
        tax_details: { tax_code: 'txcd_10000000' },
      };
      const p = await ok('POST', '/v1/products', sent);
      const read = await ok('GET', '/v1/products/prod_reflect');
      for (const body of [p, read]) {
        for (const field of [
          'id',
          'name',
          'active',
          'description',
          'images',
          'shippable',
          'statement_descriptor',
          'tax_code',
          'unit_label',
          'url',
          'metadata',
        ] as const)
          r(field, body[field], sent[field]);
        r('tax_details', body.tax_details, { tax_code: 'txcd_10000000', performance_location: null });
      }
    },
  ],
  [
    'POST /v1/products/:id',
    async (r) => {
      const sent = {
        name: 'Widget 2',
        active: false,
        description: 'Better',
        images: [],
        shippable: false,
        statement_descriptor: 'WIDGET2',
        tax_code: 'txcd_20030000',
        unit_label: 'user',
        url: 'https://example.com/w2',
        metadata: { sfId: '01u' },
        tax_details: { tax_code: 'txcd_20030000' },
      };
      const p = await ok('POST', `/v1/products/${f.product}`, sent);
      for (const field of [
        'name',
        'active',
        'description',
        'shippable',
        'statement_descriptor',
        'tax_code',
        'unit_label',
        'url',
        'metadata',
      ] as const)
        r(field, p[field], sent[field]);
      r('images', p.images, []);
      r('tax_details', at(p, 'tax_details.tax_code'), 'txcd_20030000');
      await ok('POST', `/v1/products/${f.product}`, { active: true });
    },
  ],
  [
    'GET /v1/products',
    async (r) => {
      const list = await ok('GET', '/v1/products', { active: false, limit: 100 });
      r('active', (list.data as Json[]).every((p) => p.active === false) && ids(list).includes('prod_reflect'), true);
    },
  ],
  [
    'POST /v1/prices',
    async (r) => {
      const sent = {
        product: f.product,
        currency: 'EUR',
        unit_amount: 1200,
        active: false,
        nickname: 'Monthly',
        lookup_key: 'reflect_monthly',
        metadata: { sfId: '01p' },
        tax_behavior: 'exclusive',
        recurring: { interval: 'month', interval_count: 3, usage_type: 'licensed', trial_period_days: 7 },
        transform_quantity: { divide_by: 10, round: 'up' },
      };
      const p = await ok('POST', '/v1/prices', sent);
      for (const field of [
        'product',
        'unit_amount',
        'active',
        'nickname',
        'lookup_key',
        'metadata',
        'tax_behavior',
        'transform_quantity',
      ] as const)
        r(field, p[field], sent[field]);
      r('currency', p.currency, 'eur');
      r('recurring', p.recurring, {
        interval: 'month',
        interval_count: 3,
        usage_type: 'licensed',
        trial_period_days: 7,
        meter: null,
      });
      const decimal = await ok('POST', '/v1/prices', {
        product: f.product,
        currency: 'usd',
        unit_amount_decimal: '12.5',
      });
      r('unit_amount_decimal', decimal.unit_amount_decimal, '12.5');
      const tiered = await ok('POST', '/v1/prices', {
        currency: 'usd',
        billing_scheme: 'tiered',
        tiers_mode: 'graduated',
        tiers: [
          { up_to: 10, unit_amount: 100 },
          { up_to: 'inf', flat_amount: 50 },
        ],
        product_data: { name: 'Tiered' },
        expand: ['tiers'],
      });
      r('billing_scheme', tiered.billing_scheme, 'tiered');
      r('tiers_mode', tiered.tiers_mode, 'graduated');
      r(
        'tiers',
        (tiered.tiers as Json[]).map((t) => [t.up_to, t.unit_amount, t.flat_amount]),
        [
          [10, 100, null],
          [null, null, 50],
        ],
      );
      r('expand[]=tiers', Array.isArray(tiered.tiers), true);
      r('product_data', (await ok('GET', `/v1/products/${String(tiered.product)}`)).name, 'Tiered');
    },
  ],
  [
    'POST /v1/prices/:id',
    async (r) => {
      const p = await ok('POST', `/v1/prices/${f.oneTime}`, {
        active: false,
        nickname: 'Setup',
        lookup_key: 'reflect_setup',
        metadata: { a: 'b' },
        tax_behavior: 'inclusive',
        expand: ['tiers'],
      });
      r('active', p.active, false);
      r('nickname', p.nickname, 'Setup');
      r('lookup_key', p.lookup_key, 'reflect_setup');
      r('metadata', p.metadata, { a: 'b' });
      r('tax_behavior', p.tax_behavior, 'inclusive');
      r('expand[]=tiers', p.tiers, undefined); // a per-unit price has no tiers to expand
      await ok('POST', `/v1/prices/${f.oneTime}`, { active: true });
    },
  ],
  [
    'GET /v1/prices/:id',
    async (r) => {
      const tiered = await volumePrice();
      r(
        'expand[]=tiers',
        Array.isArray((await ok('GET', `/v1/prices/${String(tiered.id)}`, { expand: ['tiers'] })).tiers),
        true,
      );
      r(
        'expand[]=product',
        at(await ok('GET', `/v1/prices/${f.price}`, { expand: ['product'] }), 'product.id'),
        f.product,
      );
    },
  ],
  [
    'GET /v1/prices',
    async (r) => {
      const only = (list: Json, test: (p: Json) => boolean): boolean =>
        (list.data as Json[]).length > 0 && (list.data as Json[]).every(test);
      r(
        'active',
        only(await ok('GET', '/v1/prices', { active: true }), (p) => p.active === true),
        true,
      );
      r(
        'currency',
        only(await ok('GET', '/v1/prices', { currency: 'eur' }), (p) => p.currency === 'eur'),
        true,
      );
      r(
        'product',
        only(await ok('GET', '/v1/prices', { product: f.product }), (p) => p.product === f.product),
        true,
      );
      r(
        'type',
        only(await ok('GET', '/v1/prices', { type: 'one_time' }), (p) => p.type === 'one_time'),
        true,
      );
      r('lookup_keys', ids(await ok('GET', '/v1/prices', { lookup_keys: ['reflect_setup'] })), [f.oneTime]);
      const tiered = await ok('GET', '/v1/prices', { expand: ['data.tiers'], limit: 100 });
      r(
        'expand[]=data.tiers',
        (tiered.data as Json[]).filter((p) => p.billing_scheme === 'tiered').every((p) => Array.isArray(p.tiers)),
        true,
      );
    },
  ],
  [
    'GET /v1/prices/search',
    async (r) => {
      const tiered = await volumePrice({ reflect: 'search-tiers' });
      const query = "metadata['reflect']:'search-tiers'";
      const found = (expand: string[]) => ok('GET', '/v1/prices/search', { query, expand });
      r('expand[]=data.tiers', at(await found(['data.tiers']), 'data.0.tiers.0.up_to'), null);
      // Without it Stripe leaves the tiers out of a search result, as of a retrieve (docs.stripe.com/api/prices/object).
      const bare = await found([]);
      r('expand[]=data.tiers', [at(bare, 'data.0.id'), at(bare, 'data.0.tiers')], [tiered.id, undefined]);
    },
  ],
  [
    'POST /v1/coupons',
    async (r) => {
      const sent = {
        id: 'REFLECT',
        name: 'Ten off',
        amount_off: 1000,
        currency: 'usd',
        duration: 'repeating',
        duration_in_months: 3,
        max_redemptions: 5,
        redeem_by: JAN_1_2030,
        metadata: { a: 'b' },
        applies_to: { products: [f.product] },
      };
      const c = await ok('POST', '/v1/coupons', sent);
      for (const field of Object.keys(sent) as (keyof typeof sent)[]) r(field, c[field], sent[field]);
      r('percent_off', (await ok('POST', '/v1/coupons', { percent_off: 12.5 })).percent_off, 12.5);
    },
  ],
  [
    'POST /v1/coupons/:id',
    async (r) => {
      const c = await ok('POST', `/v1/coupons/${f.coupon}`, { name: 'Renamed', metadata: { x: 'y' } });
      r('name', c.name, 'Renamed');
      r('metadata', c.metadata, { x: 'y' });
    },
  ],
  [
    'POST /v1/billing/meters',
    async (r) => {
      const sent = {
        display_name: 'Seats',
        event_name: 'reflect_seats',
        default_aggregation: { formula: 'count' },
        event_time_window: 'hour',
        customer_mapping: { event_payload_key: 'cust', type: 'by_id' },
        value_settings: { event_payload_key: 'qty' },
      };
      const m = await ok('POST', '/v1/billing/meters', sent);
      for (const field of Object.keys(sent) as (keyof typeof sent)[]) r(field, m[field], sent[field]);
    },
  ],
  [
    'GET /v1/billing/meters',
    async (r) => {
      r(
        'status',
        ((await ok('GET', '/v1/billing/meters', { status: 'active' })).data as Json[]).every(
          (m) => m.status === 'active',
        ),
        true,
      );
    },
  ],
  [
    'POST /v1/subscriptions',
    async (r) => {
      const customer = String((await ok('POST', '/v1/customers', { ...paysWith() })).id);
      const s = await ok('POST', '/v1/subscriptions', {
        customer,
        description: 'Main',
        metadata: { sfId: '801' },
        collection_method: 'send_invoice',
        days_until_due: 15,
        default_payment_method: 'pm_card_visa',
        cancel_at: 2_000_000_000,
        discounts: [{ coupon: f.coupon }],
        items: [{ price: f.price, quantity: 2, metadata: { line: '1' }, discounts: [{ coupon: f.coupon }] }],
        add_invoice_items: [
          { price: f.oneTime, quantity: 3, metadata: { fee: 'setup' }, discounts: [{ coupon: f.coupon }] },
          { price_data: { currency: 'usd', product: f.product, unit_amount: -200 } },
        ],
      });
      r('customer', s.customer, customer);
      r('description', s.description, 'Main');
      r('metadata', s.metadata, { sfId: '801' });
      r('collection_method', s.collection_method, 'send_invoice');
      r('days_until_due', s.days_until_due, 15);
      r('default_payment_method', s.default_payment_method, 'pm_card_visa');
      r('cancel_at', s.cancel_at, 2_000_000_000);
      r(
        'discounts',
        at(await ok('GET', `/v1/coupons/${f.coupon}`), 'id') === f.coupon &&
          (s.discounts as string[]).every((d) => d.startsWith('di_')) &&
          (s.discounts as unknown[]).length,
        1,
      );
      const item = at(s, 'items.data[0]') as Json;
      r('items[].price', at(item, 'price.id'), f.price);
      r('items[].quantity', item.quantity, 2);
      r('items[].metadata', item.metadata, { line: '1' });
      r('items[].discounts', (item.discounts as unknown[]).length, 1);
      const invoice = await ok('GET', `/v1/invoices/${String(s.latest_invoice)}`);
      const lines = (at(invoice, 'lines.data') as Json[]).filter(
        (l) => at(l, 'parent.type') === 'invoice_item_details',
      );
      r('add_invoice_items[].price', at(lines[0], 'pricing.price_details.price'), f.oneTime);
      r('add_invoice_items[].quantity', lines[0]?.quantity, 3);
      r('add_invoice_items[].metadata', lines[0]?.metadata, { fee: 'setup' });
      r('add_invoice_items[].discounts', (lines[0]?.discounts as unknown[]).length, 1);
      r('add_invoice_items[].price_data', lines[1]?.amount, -200);
      const other = String((await ok('POST', '/v1/customers', { ...paysWith() })).id);
      const inline = await ok('POST', '/v1/subscriptions', {
        customer: other,
        cancel_at_period_end: true,
        backdate_start_date: 1_000_000,
        items: [
          { price_data: { currency: 'usd', product: f.product, unit_amount: 700, recurring: { interval: 'year' } } },
        ],
      });
      r(
        'items[].price_data',
        [at(inline, 'items.data[0].price.unit_amount'), at(inline, 'items.data[0].price.recurring.interval')],
        [700, 'year'],
      );
      r(
        'cancel_at_period_end',
        [inline.cancel_at_period_end, inline.cancel_at],
        [true, at(inline, 'items.data[0].current_period_end')],
      );
      r('backdate_start_date', inline.start_date, 1_000_000);
      // Backdated ten days on a monthly price: the anchor is the natural billing date, a month after the start.
      const backdated = Math.floor(Date.now() / 1000) - 10 * 86_400;
      const anchor = addInterval(backdated, 'month', 1);
      const anchored = await ok('POST', '/v1/subscriptions', {
        customer: String((await ok('POST', '/v1/customers', { ...paysWith() })).id),
        items: [{ price: f.price }],
        backdate_start_date: backdated,
        billing_cycle_anchor: anchor,
        proration_behavior: 'none',
      });
      r(
        'billing_cycle_anchor',
        [anchored.billing_cycle_anchor, at(anchored, 'items.data[0].current_period_end')],
        [anchor, anchor],
      );
      const third = String((await ok('POST', '/v1/customers', { ...paysWith() })).id);
      r(
        'items[].plan',
        at(
          await ok('POST', '/v1/subscriptions', { customer: third, items: [{ plan: f.price }] }),
          'items.data[0].price.id',
        ),
        f.price,
      );
    },
  ],
  [
    'POST /v1/subscriptions/:id',
    async (r) => {
      const customer = String((await ok('POST', '/v1/customers', { ...paysWith() })).id);
      const created = await ok('POST', '/v1/subscriptions', { customer, items: [{ price: f.price }] });
      const id = String(created.id);
      const itemId = String(at(created, 'items.data[0].id'));
      const s = await ok('POST', `/v1/subscriptions/${id}`, {
        description: 'Renamed',
        metadata: { a: 'b' },
        collection_method: 'send_invoice',
        days_until_due: 20,
        default_payment_method: 'pm_card_visa',
        cancel_at: 2_000_000_000,
        discounts: [{ coupon: f.coupon }],
        proration_behavior: 'none',
        items: [
          { id: itemId, quantity: 4, metadata: { q: '4' }, discounts: [{ coupon: f.coupon }] },
          { price_data: { currency: 'usd', product: f.product, unit_amount: 300, recurring: { interval: 'month' } } },
        ],
      });
      r('description', s.description, 'Renamed');
      r('metadata', s.metadata, { a: 'b' });
      r('collection_method', s.collection_method, 'send_invoice');
      r('days_until_due', s.days_until_due, 20);
      r('default_payment_method', s.default_payment_method, 'pm_card_visa');
      r('cancel_at', s.cancel_at, 2_000_000_000);
      r('discounts', (s.discounts as unknown[]).length, 1);
      const items = at(s, 'items.data') as Json[];
      r('items[].id', items[0]?.id, itemId);
      r('items[].quantity', items[0]?.quantity, 4);
      r('items[].metadata', items[0]?.metadata, { q: '4' });
      r('items[].discounts', (items[0]?.discounts as unknown[]).length, 1);
      r('items[].price_data', at(items[1], 'price.unit_amount'), 300);
      const swapped = await ok('POST', `/v1/subscriptions/${id}`, {
        items: [
          { id: String(items[1]?.id), deleted: true },
          { id: itemId, price: f.price },
        ],
        cancel_at_period_end: true,
      });
      r(
        'items[].deleted',
        (at(swapped, 'items.data') as Json[]).map((i) => i.id),
        [itemId],
      );
      r('items[].price', at(swapped, 'items.data[0].price.id'), f.price);
      r('cancel_at_period_end', swapped.cancel_at_period_end, true);
      const yearly = String(
        (
          await ok('POST', '/v1/prices', {
            product: f.product,
            currency: 'usd',
            unit_amount: 100,
            recurring: { interval: 'month' },
          })
        ).id,
      );
      r(
        'items[].plan',
        (at(await ok('POST', `/v1/subscriptions/${id}`, { items: [{ plan: yearly }] }), 'items.data') as Json[]).some(
          (i) => at(i, 'price.id') === yearly,
        ),
        true,
      );
    },
  ],
  [
    'GET /v1/subscriptions',
    async (r) => {
      const customer = String((await ok('POST', '/v1/customers', { ...paysWith() })).id);
      const s = await ok('POST', '/v1/subscriptions', { customer, items: [{ price: f.price }] });
      r('customer', ids(await ok('GET', '/v1/subscriptions', { customer })), [s.id]);
      await ok('DELETE', `/v1/subscriptions/${String(s.id)}`, { invoice_now: false, prorate: false });
      r('status', ids(await ok('GET', '/v1/subscriptions', { customer, status: 'canceled' })), [s.id]);
    },
  ],
  [
    'POST /v1/subscription_schedules',
    async (r) => {
      const customer = String((await ok('POST', '/v1/customers', { ...paysWith() })).id);
      const start = 2_000_000_000;
      const s = await ok('POST', '/v1/subscription_schedules', {
        customer,
        start_date: start,
        end_behavior: 'cancel',
        metadata: { sfId: '801' },
        default_settings: {
          collection_method: 'send_invoice',
          description: 'Contract',
          invoice_settings: { days_until_due: 30 },
        },
        phases: [
          {
            items: [{ price: f.price, quantity: 2, metadata: { line: '1' }, discounts: [{ coupon: f.coupon }] }],
            add_invoice_items: [
              {
                price: f.oneTime,
                quantity: 1,
                metadata: { fee: '1' },
                discounts: [{ coupon: f.coupon }],
                period: { start: { type: 'phase_start' }, end: { type: 'phase_end' } },
              },
              { price_data: { currency: 'usd', product: f.product, unit_amount: -100 } },
            ],
            duration: { interval: 'month', interval_count: 2 },
            description: 'Year 1',
            metadata: { phase: '1' },
            discounts: [{ coupon: f.coupon }],
            trial_end: start + 86_400,
            proration_behavior: 'none',
            billing_cycle_anchor: 'phase_start',
            collection_method: 'charge_automatically',
            invoice_settings: { days_until_due: 10 },
          },
          {
            items: [
              { plan: f.price },
              {
                price_data: { currency: 'usd', product: f.product, unit_amount: 50, recurring: { interval: 'month' } },
              },
            ],
            end_date: 2_100_000_000,
          },
        ],
      });
      r('customer', s.customer, customer);
      r('end_behavior', s.end_behavior, 'cancel');
      r('metadata', s.metadata, { sfId: '801' });
      r('start_date', at(s, 'phases[0].start_date'), start);
      r('default_settings.collection_method', at(s, 'default_settings.collection_method'), 'send_invoice');
      r('default_settings.description', at(s, 'default_settings.description'), 'Contract');
      r(
        'default_settings.invoice_settings.days_until_due',
        at(s, 'default_settings.invoice_settings.days_until_due'),
        30,
      );
      const p0 = at(s, 'phases[0]') as Json;
      await reflectPhaseLines(
        r,
        p0,
        { quantity: 2, metadata: { line: '1' } },
        { quantity: 1, metadata: { fee: '1' }, unitAmount: -100 },
      );
      r('phases[].duration', p0.end_date, Date.UTC(2033, 6, 18, 3, 33, 20) / 1000); // 2033-05-18T03:33:20Z + 2 months
      r('phases[].description', p0.description, 'Year 1');
      r('phases[].metadata', p0.metadata, { phase: '1' });
      r('phases[].discounts', p0.discounts, [{ coupon: f.coupon, discount: null, promotion_code: null }]);
      r('phases[].trial_end', p0.trial_end, start + 86_400);
      r('phases[].proration_behavior', p0.proration_behavior, 'none');
      r('phases[].billing_cycle_anchor', p0.billing_cycle_anchor, 'phase_start');
      r('phases[].collection_method', p0.collection_method, 'charge_automatically');
      r('phases[].invoice_settings.days_until_due', at(p0, 'invoice_settings.days_until_due'), 10);
      const p1 = at(s, 'phases[1]') as Json;
      r('phases[].items[].plan', at(p1, 'items[0].plan'), f.price);
      r(
        'phases[].items[].price_data',
        at(await ok('GET', `/v1/prices/${String(at(p1, 'items[1].price'))}`), 'unit_amount'),
        50,
      );
      r('phases[].end_date', [p1.start_date, p1.end_date], [p0.end_date, 2_100_000_000]);
      const subscriptionCustomer = String((await ok('POST', '/v1/customers', { ...paysWith() })).id);
      const subscription = await ok('POST', '/v1/subscriptions', {
        customer: subscriptionCustomer,
        items: [{ price: f.price }],
      });
      r(
        'from_subscription',
        (await ok('POST', '/v1/subscription_schedules', { from_subscription: subscription.id })).subscription,
        subscription.id,
      );
    },
  ],
  [
    'POST /v1/subscription_schedules/:id',
    async (r) => {
      const customer = String((await ok('POST', '/v1/customers', { ...paysWith() })).id);
      const created = await ok('POST', '/v1/subscription_schedules', {
        customer,
        start_date: 2_000_000_000,
        phases: [{ items: [{ price: f.price }] }],
      });
      const s = await ok('POST', `/v1/subscription_schedules/${String(created.id)}`, {
        end_behavior: 'cancel',
        metadata: { v: '2' },
        proration_behavior: 'none',
        default_settings: {
          collection_method: 'send_invoice',
          description: 'Amended',
          invoice_settings: { days_until_due: 14 },
        },
        phases: [
          {
            start_date: 2_000_000_000,
            end_date: 2_010_000_000,
            items: [{ price: f.price, quantity: 5, metadata: { q: '5' }, discounts: [{ coupon: f.coupon }] }],
            add_invoice_items: [
              {
                price: f.oneTime,
                quantity: 2,
                metadata: { m: '1' },
                discounts: [{ coupon: f.coupon }],
                period: { start: { type: 'phase_start' }, end: { type: 'phase_end' } },
              },
              { price_data: { currency: 'usd', product: f.product, unit_amount: 10 } },
            ],
            description: 'P1',
            metadata: { p: '1' },
            discounts: [{ coupon: f.coupon }],
            trial_end: 2_000_100_000,
            proration_behavior: 'create_prorations',
            billing_cycle_anchor: 'automatic',
            collection_method: 'send_invoice',
            invoice_settings: { days_until_due: 7 },
          },
          {
            items: [
              { plan: f.price },
              {
                price_data: { currency: 'usd', product: f.product, unit_amount: 60, recurring: { interval: 'month' } },
              },
            ],
            duration: { interval: 'year' },
          },
        ],
      });
      r('end_behavior', s.end_behavior, 'cancel');
      r('metadata', s.metadata, { v: '2' });
      r('default_settings.collection_method', at(s, 'default_settings.collection_method'), 'send_invoice');
      r('default_settings.description', at(s, 'default_settings.description'), 'Amended');
      r(
        'default_settings.invoice_settings.days_until_due',
        at(s, 'default_settings.invoice_settings.days_until_due'),
        14,
      );
      const p0 = at(s, 'phases[0]') as Json;
      r('phases[].start_date', p0.start_date, 2_000_000_000);
      r('phases[].end_date', p0.end_date, 2_010_000_000);
      await reflectPhaseLines(
        r,
        p0,
        { quantity: 5, metadata: { q: '5' } },
        { quantity: 2, metadata: { m: '1' }, unitAmount: 10 },
      );
      r('phases[].description', p0.description, 'P1');
      r('phases[].metadata', p0.metadata, { p: '1' });
      r('phases[].discounts', p0.discounts, [{ coupon: f.coupon, discount: null, promotion_code: null }]);
      r('phases[].trial_end', p0.trial_end, 2_000_100_000);
      r('phases[].proration_behavior', p0.proration_behavior, 'create_prorations');
      r('phases[].billing_cycle_anchor', p0.billing_cycle_anchor, 'automatic');
      r('phases[].collection_method', p0.collection_method, 'send_invoice');
      r('phases[].invoice_settings.days_until_due', at(p0, 'invoice_settings.days_until_due'), 7);
      const p1 = at(s, 'phases[1]') as Json;
      r('phases[].items[].plan', at(p1, 'items[0].plan'), f.price);
      r(
        'phases[].items[].price_data',
        at(await ok('GET', `/v1/prices/${String(at(p1, 'items[1].price'))}`), 'unit_amount'),
        60,
      );
      r('phases[].duration', [p1.start_date, p1.end_date], [2_010_000_000, Date.UTC(2034, 8, 10, 21, 20) / 1000]); // 2033-09-10T21:20Z + 1 year
    },
  ],
  [
    'GET /v1/subscription_schedules',
    async (r) => {
      const customer = String((await ok('POST', '/v1/customers', {})).id);
      const s = await ok('POST', '/v1/subscription_schedules', {
        customer,
        start_date: 2_000_000_000,
        phases: [{ items: [{ price: f.price }] }],
      });
      r('customer', ids(await ok('GET', '/v1/subscription_schedules', { customer })), [s.id]);
    },
  ],
  [
    'POST /v1/invoices',
    async (r) => {
      const customer = String((await ok('POST', '/v1/customers', { ...paysWith() })).id);
      await ok('POST', '/v1/invoiceitems', { customer, amount: 100, currency: 'usd' });
      const sent = {
        customer,
        auto_advance: false,
        description: 'Memo',
        footer: 'Footer',
        statement_descriptor: 'ACME INV',
        metadata: { a: '1' },
        default_payment_method: 'pm_card_visa',
        collection_method: 'send_invoice',
        days_until_due: 9,
      };
      const i = await ok('POST', '/v1/invoices', {
        ...sent,
        currency: 'usd',
        discounts: [{ coupon: f.coupon }],
        pending_invoice_items_behavior: 'include',
      });
      for (const field of [
        'customer',
        'auto_advance',
        'description',
        'footer',
        'statement_descriptor',
        'metadata',
        'default_payment_method',
        'collection_method',
      ] as const)
        r(field, i[field], sent[field]);
      r('days_until_due', Number(i.due_date) - Number(i.created), 9 * 86_400);
      r('currency', i.currency, 'usd');
      r('discounts', (i.discounts as unknown[]).length, 1);
      r('pending_invoice_items_behavior', at(i, 'lines.data[0].amount'), 100);
      const subscriptionCustomer = String((await ok('POST', '/v1/customers', { ...paysWith() })).id);
      const subscription = await ok('POST', '/v1/subscriptions', {
        customer: subscriptionCustomer,
        items: [{ price: f.price }],
      });
      r(
        'subscription',
        at(
          await ok('POST', '/v1/invoices', { customer: subscriptionCustomer, subscription: subscription.id }),
          'parent.subscription_details.subscription',
        ),
        subscription.id,
      );
    },
  ],
  [
    'GET /v1/subscriptions/:id',
    async (r) => {
      const customer = String((await ok('POST', '/v1/customers', { ...paysWith() })).id);
      const subscription = await ok('POST', '/v1/subscriptions', {
        customer,
        items: [{ price: f.price, discounts: [{ coupon: f.coupon }] }],
        discounts: [{ coupon: f.coupon }],
      });
      const read = (expand: string[]) => ok('GET', `/v1/subscriptions/${String(subscription.id)}`, { expand });
      r('expand[]=discounts', at(await read(['discounts']), 'discounts[0].source.coupon'), f.coupon);
      r(
        'expand[]=items.data.discounts',
        at(await read(['items.data.discounts']), 'items.data[0].discounts[0].source.coupon'),
        f.coupon,
      );
    },
  ],
  [
    'GET /v1/invoices/:id',
    async (r) => {
      const invoice = await discountedInvoice();
      const read = (expand: string[]) => ok('GET', `/v1/invoices/${invoice}`, { expand });
      r('expand[]=discounts', at(await read(['discounts']), 'discounts[0].source.coupon'), f.coupon);
      r(
        'expand[]=lines.data.discounts',
        at(await read(['lines.data.discounts']), 'lines.data[0].discounts[0].source.coupon'),
        f.coupon,
      );
    },
  ],
  [
    'GET /v1/invoices/:id/lines',
    async (r) => {
      const lines = await ok('GET', `/v1/invoices/${await discountedInvoice()}/lines`, { expand: ['data.discounts'] });
      r('expand[]=data.discounts', at(lines, 'data[0].discounts[0].source.coupon'), f.coupon);
    },
  ],
  [
    'POST /v1/invoices/:id',
    async (r) => {
      const customer = String((await ok('POST', '/v1/customers', { ...paysWith() })).id);
      const draft = await ok('POST', '/v1/invoices', { customer });
      const sent = {
        auto_advance: false,
        description: 'Memo 2',
        footer: 'Footer 2',
        statement_descriptor: 'ACME 2',
        metadata: { b: '2' },
        default_payment_method: 'pm_card_visa',
      };
      const i = await ok('POST', `/v1/invoices/${String(draft.id)}`, sent);
      const read = await ok('GET', `/v1/invoices/${String(draft.id)}`);
      for (const body of [i, read])
        for (const field of Object.keys(sent) as (keyof typeof sent)[]) r(field, body[field], sent[field]);
    },
  ],
  [
    'POST /v1/invoices/:id/finalize',
    async (r) => {
      const customer = String((await ok('POST', '/v1/customers', {})).id);
      await ok('POST', '/v1/invoiceitems', { customer, amount: 100, currency: 'usd' });
      const draft = await ok('POST', '/v1/invoices', { customer, pending_invoice_items_behavior: 'include' });
      r(
        'auto_advance',
        (await ok('POST', `/v1/invoices/${String(draft.id)}/finalize`, { auto_advance: false })).auto_advance,
        false,
      );
    },
  ],
  [
    'POST /v1/invoices/:id/pay',
    async (r) => {
      const customer = String((await ok('POST', '/v1/customers', {})).id);
      await ok('POST', '/v1/invoiceitems', { customer, amount: 100, currency: 'usd' });
      const draft = await ok('POST', '/v1/invoices', {
        customer,
        pending_invoice_items_behavior: 'include',
        auto_advance: false,
      });
      await ok('POST', `/v1/invoices/${String(draft.id)}/finalize`);
      const paid = await ok('POST', `/v1/invoices/${String(draft.id)}/pay`, { paid_out_of_band: true });
      r('paid_out_of_band', [paid.status, paid.amount_remaining], ['paid', 0]);
    },
  ],
  [
    'GET /v1/invoices',
    async (r) => {
      const customer = String((await ok('POST', '/v1/customers', {})).id);
      const draft = await ok('POST', '/v1/invoices', { customer });
      r('customer', ids(await ok('GET', '/v1/invoices', { customer })), [draft.id]);
      r('status', ids(await ok('GET', '/v1/invoices', { customer, status: 'open' })), []);
      const subscriptionCustomer = String((await ok('POST', '/v1/customers', { ...paysWith() })).id);
      const subscription = await ok('POST', '/v1/subscriptions', {
        customer: subscriptionCustomer,
        items: [{ price: f.price }],
      });
      r('subscription', ids(await ok('GET', '/v1/invoices', { subscription: subscription.id })), [
        subscription.latest_invoice,
      ]);
    },
  ],
  [
    'POST /v1/invoiceitems',
    async (r) => {
      const customer = String((await ok('POST', '/v1/customers', { ...paysWith() })).id);
      const subscription = await ok('POST', '/v1/subscriptions', { customer, items: [{ price: f.price }] });
      const item = await ok('POST', '/v1/invoiceitems', {
        customer,
        amount: 250,
        currency: 'usd',
        description: 'Credit',
        discountable: false,
        discounts: [{ coupon: f.coupon }],
        metadata: { a: 'b' },
        period: { start: 1_900_000_000, end: 1_900_086_400 },
        subscription: subscription.id,
      });
      r('customer', item.customer, customer);
      r('amount', item.amount, 250);
      r('currency', item.currency, 'usd');
      r('description', item.description, 'Credit');
      r('discountable', item.discountable, false);
      r('discounts', (item.discounts as unknown[]).length, 1);
      r('metadata', item.metadata, { a: 'b' });
      r('period', item.period, { start: 1_900_000_000, end: 1_900_086_400 });
      r('subscription', at(item, 'parent.subscription_details.subscription'), subscription.id);
      const priced = await ok('POST', '/v1/invoiceitems', { customer, pricing: { price: f.oneTime }, quantity: 3 });
      r('pricing', at(priced, 'pricing.price_details.price'), f.oneTime);
      r('quantity', priced.quantity, 3);
      r(
        'price_data',
        (
          await ok('POST', '/v1/invoiceitems', {
            customer,
            price_data: { currency: 'usd', product: f.product, unit_amount: 40 },
          })
        ).amount,
        40,
      );
      r(
        'unit_amount_decimal',
        at(
          await ok('POST', '/v1/invoiceitems', { customer, currency: 'usd', unit_amount_decimal: '12.5', quantity: 2 }),
          'pricing.unit_amount_decimal',
        ),
        '12.5',
      );
      const draft = await ok('POST', '/v1/invoices', { customer, auto_advance: false });
      const onInvoice = await ok('POST', '/v1/invoiceitems', {
        customer,
        amount: 5,
        currency: 'usd',
        invoice: draft.id,
      });
      r(
        'invoice',
        [
          onInvoice.invoice,
          (at(await ok('GET', `/v1/invoices/${String(draft.id)}`), 'lines.data') as Json[]).some(
            (l) => at(l, 'parent.invoice_item_details.invoice_item') === onInvoice.id,
          ),
        ],
        [draft.id, true],
      );
    },
  ],
  [
    'GET /v1/invoiceitems',
    async (r) => {
      const customer = String((await ok('POST', '/v1/customers', {})).id);
      const item = await ok('POST', '/v1/invoiceitems', { customer, amount: 5, currency: 'usd' });
      r('customer', ids(await ok('GET', '/v1/invoiceitems', { customer })), [item.id]);
      r('pending', ids(await ok('GET', '/v1/invoiceitems', { customer, pending: true })), [item.id]);
      const draft = await ok('POST', '/v1/invoices', { customer, pending_invoice_items_behavior: 'include' });
      r('invoice', ids(await ok('GET', '/v1/invoiceitems', { invoice: draft.id })), [item.id]);
    },
  ],
  [
    'POST /v1/test_helpers/test_clocks',
    async (r) => {
      const clock = await ok('POST', '/v1/test_helpers/test_clocks', { frozen_time: JAN_1_2030, name: 'Reflect' });
      r('frozen_time', clock.frozen_time, JAN_1_2030);
      r('name', clock.name, 'Reflect');
    },
  ],
  [
    'POST /v1/test_helpers/test_clocks/:id/advance',
    async (r) => {
      const clock = await ok('POST', '/v1/test_helpers/test_clocks', { frozen_time: JAN_1_2030 });
      await ok('POST', `/v1/test_helpers/test_clocks/${String(clock.id)}/advance`, {
        frozen_time: JAN_1_2030 + 86_400,
      });
      for (;;) {
        const read = await ok('GET', `/v1/test_helpers/test_clocks/${String(clock.id)}`);
        if (read.status === 'advancing') continue;
        r('frozen_time', read.frozen_time, JAN_1_2030 + 86_400);
        break;
      }
    },
  ],
  [
    'POST /v1/webhook_endpoints',
    async (r) => {
      const sent = {
        url: 'https://example.com/reflect',
        enabled_events: ['invoice.paid'],
        description: 'Hook',
        api_version: '2026-10-28.endive',
        metadata: { a: 'b' },
      };
      const w = await ok('POST', '/v1/webhook_endpoints', sent);
      for (const field of Object.keys(sent) as (keyof typeof sent)[]) r(field, w[field], sent[field]);
    },
  ],
  [
    'POST /v1/webhook_endpoints/:id',
    async (r) => {
      const created = await ok('POST', '/v1/webhook_endpoints', {
        url: 'https://example.com/a',
        enabled_events: ['invoice.paid'],
      });
      const sent = {
        url: 'https://example.com/b',
        enabled_events: ['invoice.created'],
        description: 'Hook 2',
        metadata: { c: 'd' },
      };
      const w = await ok('POST', `/v1/webhook_endpoints/${String(created.id)}`, { ...sent, disabled: true });
      for (const field of Object.keys(sent) as (keyof typeof sent)[]) r(field, w[field], sent[field]);
      r('disabled', w.status, 'disabled');
    },
  ],
  [
    'GET /v1/events',
    async (r) => {
      const only = (list: Json, test: (e: Json) => boolean): boolean =>
        (list.data as Json[]).length > 0 && (list.data as Json[]).every(test);
      r(
        'type',
        only(await ok('GET', '/v1/events', { type: 'customer.subscription.*' }), (e) =>
          String(e.type).startsWith('customer.subscription.'),
        ),
        true,
      );
      r(
        'types',
        only(await ok('GET', '/v1/events', { types: ['invoice.created'] }), (e) => e.type === 'invoice.created'),
        true,
      );
    },
  ],
];

describe('every parameter the emulator accepts is reflected where Stripe puts it', () => {
  it.each(CASES.map(([route, run], i) => [route, i, run] as const))('%s (case %i)', async (route, _i, run) => {
    await run((entry, actual, expected) => reflects(route, entry, actual, expected));
  });

  it('models only parameters the catalogue knows (no typo in modelledParams.ts)', () => {
    const unknown = Object.entries(MODELLED_PARAMS).flatMap(([type, entries]) =>
      entries
        .map((entry) => entry.split('=')[0] ?? entry)
        .filter((path) => !paramPaths(type as ParamsTypeName)[path])
        .map((path) => `${type} ${path}`),
    );
    expect(unknown).toEqual([]);
  });

  it('covers every modelled parameter of every route, or names why Stripe does not echo it', () => {
    const missing: string[] = [];
    for (const route of routeTable()) {
      if (!route.params) continue;
      const name = `${route.method} ${route.path}`;
      for (const entry of MODELLED_PARAMS[route.params] ?? []) {
        if (!covered.get(name)?.has(entry) && !exceptionFor(route.params, entry)) missing.push(`${name} ${entry}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

// ——— Every other parameter of the catalogue is refused, naming it ———

/** A value of the kind the catalogue declares (objects and arrays with one child, so the form carries them). */
function sample(type: ParamsTypeName, path: string): unknown {
  const spec: ParamSpec = paramPaths(type)[path] ?? { kinds: [] };
  if (spec.values?.length) return spec.values[0];
  if (spec.kinds.includes('string')) return 'x';
  if (spec.kinds.includes('number')) return 1;
  if (spec.kinds.includes('boolean')) return true;
  if (spec.kinds.includes('decimal')) return '1';
  if (spec.kinds.includes('map')) return { key: 'value' };
  if (spec.kinds.includes('array')) return [sample(type, `${path}[]`)];
  const child = Object.keys(paramPaths(type)).find(
    (p) => p.startsWith(`${path}.`) && !p.slice(path.length + 1).includes('.') && !p.endsWith('[]'),
  );
  if (child) return { [child.slice(path.length + 1)]: sample(type, child) };
  return 'x';
}

/** `phases[].items[].tax_rates` → `{ phases: [{ items: [{ tax_rates: value }] }] }`, and its bracket name. */
function nest(path: string, value: unknown): { params: Json; param: string } {
  const segments = path.split('.').flatMap((s) => (s.endsWith('[]') ? [s.slice(0, -2), 0] : [s]));
  const params = segments.reduceRight<unknown>(
    (inner, segment) => (typeof segment === 'number' ? [inner] : { [segment]: inner }),
    value,
  ) as Json;
  return { params, param: bracketPath(segments) };
}

function parentOf(path: string): string {
  if (path.endsWith('[]')) return path.slice(0, -2);
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(0, dot);
}

interface Refusal {
  readonly route: string;
  readonly path: string;
  readonly params: Json;
  readonly param: string;
}

function refusals(): Refusal[] {
  return routeTable().flatMap((route) => {
    if (!route.params) return [];
    const type = route.params;
    const modelled = modelledParams(type);
    const paths = paramPaths(type);
    const name = `${route.method} ${route.path}`;
    const httpPath = route.path.replace(':id', 'x_unreached');
    const unmodelled = Object.keys(paths)
      .filter((p) => !p.endsWith('[]') && !modelled.reaches(p))
      // the outermost unmodelled paths: their parent is the request itself or a modelled object (not a map)
      .filter(
        (p) => parentOf(p) === '' || (modelled.reaches(parentOf(p)) && !paths[parentOf(p)]?.kinds.includes('map')),
      )
      .map((p) => ({ route: name, path: httpPath, ...nest(p, sample(type, p)) }));
    const restricted = (MODELLED_PARAMS[type] ?? [])
      .filter((entry) => entry.includes('='))
      .map((entry) => entry.split('=') as [string, string])
      .map(([p, allowed]) => {
        const spec = paths[p];
        const other = spec?.values?.find((v) => v !== allowed) ?? (allowed === 'false' ? true : 'x');
        return { route: name, path: httpPath, ...nest(p, other) };
      });
    return [...unmodelled, ...restricted];
  });
}

describe('every other parameter Stripe accepts is refused, not dropped', () => {
  const all = refusals();

  it('walks every route', () => {
    expect(new Set(all.map((r) => r.route)).size).toBeGreaterThan(40);
  });

  it.each(all.map((r) => [r.route, r.param, r] as const))('%s %s', async (route, _param, refusal) => {
    const { status, body } = await call(route.split(' ')[0] ?? 'GET', refusal.path, refusal.params);
    const error = body.error as Json;
    expect({
      status,
      type: error.type,
      code: error.code,
      param: error.param,
      says: String(error.message).includes('does not model'),
    }).toEqual({
      status: 400,
      type: 'invalid_request_error',
      code: 'parameter_invalid',
      param: refusal.param,
      says: true,
    });
  });
});
