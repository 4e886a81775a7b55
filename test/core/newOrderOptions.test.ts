// Settings, features and decisions on the spec's open questions (§6) as they shape a new order's plan.
import type Stripe from 'stripe';
import type { StripeState } from '../../plugin/src/core/plan/context.js';
import { MappingConfig } from '../../plugin/src/core/mappings/mappings.js';
import { planOrderSync } from '../../plugin/src/core/plan/planner.js';
import type { SettingsInput } from '../../plugin/src/core/settings.js';
import { DEFAULT_SETTINGS } from '../../plugin/src/core/settings.js';
import { OrderBuilder, syncContext, ts } from './orderFixture.js';
import { errorsOf, json, only, ops } from './planHelpers.js';

const NOW = '2030-01-15T12:00:00Z';

function plan(b: OrderBuilder, opts: { state?: StripeState; settings?: SettingsInput; mappings?: unknown } = {}) {
  const mappings = MappingConfig.parse(opts.mappings ?? {});
  return planOrderSync({
    graph: b.graph(),
    state: opts.state ?? {},
    context: { ...syncContext(NOW, opts.settings, mappings) },
    orderId: b.order.Id,
  });
}

function platformOrder(term: number, unitPrice: number, quantity = 1) {
  const b = new OrderBuilder({ start: '2030-03-01', term });
  const platform = b.product({ name: 'Platform', billingFrequency: 'Annual', listPrice: 1200 });
  const line = b.line(platform, { quantity, unitPrice });
  return { b, platform, line };
}

describe('defaults a billing admin expects', () => {
  it('USD, month terms, month precision, send_invoice with 30 days, frontend prorations and de-duplication on', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({
      defaultCurrency: 'USD',
      multiCurrency: false,
      termUnit: 'month',
      proratePrecision: 'month',
      orderSyncFilter: "Status = 'Activated'",
      collectionMethod: 'send_invoice',
      defaultDaysUntilDue: 30,
      features: {
        frontendProrations: true,
        dedupeInitialOrderPrices: true,
        dueOnReceiptAsZeroDays: true,
        updateCustomerOnSync: false,
      },
    });
  });

  it('charge_automatically carries no days until due', () => {
    const { b } = platformOrder(12, 1200);
    expect(
      only(plan(b, { settings: { collectionMethod: 'charge_automatically' } }), 'subscriptionSchedules.create').params
        .default_settings,
    ).toEqual({ collection_method: 'charge_automatically' });
  });

  it('refuses a term unit other than month', () => {
    const { b } = platformOrder(12, 1200);
    expect(errorsOf(() => plan(b, { settings: { termUnit: 'day' } })).map((e) => e.message)).toEqual([
      'The CPQ subscription term unit "day" is not supported; only month is.',
    ]);
  });
});

describe('q10 — a term shorter than the billing period (6 months of an annual product)', () => {
  it('with frontend prorations (default) bills half a year: 600.00 from the order line, flagged', () => {
    const { b, line } = platformOrder(6, 600);
    const result = plan(b);
    const price = only(result, 'prices.create');
    expect(price.source.id).toBe(line.Id);
    expect(json(price.params.unit_amount_decimal)).toBe('60000');
    expect(price.params.metadata).toMatchObject({
      salesforce_frontend_proration: 'true',
      salesforce_auto_archive: 'true',
    });
    expect(only(result, 'subscriptionSchedules.create').params.phases?.map((p) => p.end_date)).toEqual([
      ts('2030-09-01'),
    ]);
  });

  it('without them bills the full annual price (the PricebookEntry price)', () => {
    const { b, platform } = platformOrder(6, 600);
    const price = only(plan(b, { settings: { features: { frontendProrations: false } } }), 'prices.create');
    expect([price.source.id, json(price.params.unit_amount_decimal)]).toEqual([platform.pricebookEntry.Id, '120000']);
  });
});

describe('q13 — two lines sharing one price in a phase', () => {
  it('gives the second line a duplicate price, archived after use', () => {
    const b = new OrderBuilder({ start: '2030-03-01', term: 12 });
    const seat = b.product({ name: 'Seat', billingFrequency: 'Monthly', term: 1, listPrice: 100 });
    const first = b.line(seat, { quantity: 1, unitPrice: 1200 });
    const second = b.line(seat, { quantity: 2, unitPrice: 1200 });
    const result = plan(b);
    const pbePrice = `@ref:price:${seat.pricebookEntry.Id}`;
    const duplicate = `@ref:price_duplicate:${second.Id}`;
    expect(
      only(result, 'subscriptionSchedules.create').params.phases?.[0]?.items.map((i) => [
        i.price,
        i.metadata?.salesforce_order_item_id,
      ]),
    ).toEqual([
      [pbePrice, first.Id],
      [duplicate, second.Id],
    ]);
    expect(ops(result, 'prices.create').find((p) => p.ref === duplicate)?.params.metadata).toMatchObject({
      salesforce_duplicate: 'true',
      salesforce_auto_archive: 'true',
      salesforce_original_stripe_price_id: pbePrice,
    });
    expect(ops(result, 'prices.update').map((u) => u.id)).toEqual([duplicate]);
  });
});

describe('customers (spec §2.3)', () => {
  const withContact = () => {
    const { b } = platformOrder(12, 1200);
    const contact = { Id: b.id('003'), LastName: 'Doe', Email: 'billing@acme.example', AccountId: b.account.Id };
    b.contacts.push(contact);
    b.quote.SBQQ__PrimaryContact__c = contact.Id;
    return b;
  };

  it("q18: takes the email from the quote's primary contact unless a mapping sets one", () => {
    expect(only(plan(withContact()), 'customers.create').params.email).toBe('billing@acme.example');
    const mapped = plan(withContact(), { mappings: { fieldDefaults: { customer: { email: 'ap@acme.example' } } } });
    expect(only(mapped, 'customers.create').params.email).toBe('ap@acme.example');
  });

  it('sanitises: description cut to 350 characters, shipping phone to 20, shipping without address dropped', () => {
    const { b } = platformOrder(12, 1200);
    Object.assign(b.account, {
      Description: 'd'.repeat(400),
      Phone: '+1 555 0100 0100 0100 0100',
      ShippingCity: 'Springfield',
    });
    const params = only(plan(b), 'customers.create').params;
    expect([params.description?.length, params.shipping && params.shipping.phone]).toEqual([
      350,
      '+1 555 0100 0100 010',
    ]);
    b.account.ShippingCity = null;
    expect(only(plan(b), 'customers.create').params).not.toHaveProperty('shipping');
  });

  it('updates a linked customer only with updateCustomerOnSync, and only when a mapped value differs', () => {
    const { b } = platformOrder(12, 1200);
    b.account.Stripe_ID__c = 'cus_1';
    const metadata = {
      salesforce_account_id: b.account.Id,
      salesforce_account_link: `https://acme.my.salesforce.com/${b.account.Id}`,
    };
    const linked = (name: string): StripeState => ({
      customers: { cus_1: { id: 'cus_1', object: 'customer', name, metadata } as unknown as Stripe.Customer },
    });
    expect(ops(plan(b, { state: linked('Old name') }), 'customers.update')).toEqual([]);
    const update = only(
      plan(b, { state: linked('Old name'), settings: { features: { updateCustomerOnSync: true } } }),
      'customers.update',
    );
    expect([update.id, update.params.name]).toEqual(['cus_1', 'Acme']);
  });

  it('wraps a single mapped invoice custom field into the array Stripe expects', () => {
    const { b } = platformOrder(12, 1200);
    const mappings = {
      fieldDefaults: { customer: { 'invoice_settings.custom_fields.name': 'PO' } },
      fieldMappings: { customer: { 'invoice_settings.custom_fields.value': 'Name' } },
    };
    expect(only(plan(b, { mappings }), 'customers.create').params.invoice_settings).toEqual({
      custom_fields: [{ name: 'PO', value: 'Acme' }],
    });
  });

  it('S41: a deleted linked customer is an error on the Account', () => {
    const { b } = platformOrder(12, 1200);
    b.account.Stripe_ID__c = 'cus_gone';
    const errors = errorsOf(() =>
      plan(b, {
        state: {
          customers: { cus_gone: { id: 'cus_gone', object: 'customer', deleted: true } as Stripe.DeletedCustomer },
        },
      }),
    );
    expect(errors.map((e) => [e.resolutionMessage, e.record.type])).toEqual([
      [
        'Data Error: During translation we attempted to fetch a related Stripe Customer record with ID cus_gone but found that it was deleted.',
        'Account',
      ],
    ]);
  });

  it('treats a linked id Stripe does not know (resource_missing) as no customer: creates one', () => {
    const { b } = platformOrder(12, 1200);
    b.account.Stripe_ID__c = 'cus_unknown';
    expect(ops(plan(b), 'customers.create')).toHaveLength(1);
  });
});

describe('schedule and phase mappings', () => {
  it('subscription_phase.iterations overrides the quote term; trial_end lands on the phase; end_behavior is overridable', () => {
    const { b } = platformOrder(12, 2400);
    const params = only(
      plan(b, {
        mappings: {
          fieldDefaults: {
            subscription_phase: { iterations: 24, trial_end: ts('2030-04-01') },
            subscription_schedule: { end_behavior: 'release' },
          },
        },
      }),
      'subscriptionSchedules.create',
    ).params;
    expect([params.end_behavior, params.phases?.[0]?.end_date, params.phases?.[0]?.trial_end]).toEqual([
      'release',
      ts('2032-03-01'),
      ts('2030-04-01'),
    ]);
  });

  it("subscription_phase mappings reach every phase: metadata beneath the product's own keys, trial_end on the first phase only", () => {
    const { b } = platformOrder(18, 1800); // 18 months of an annual product: a backend-proration second phase
    const phases = only(
      plan(b, {
        mappings: {
          fieldDefaults: {
            subscription_phase: {
              'metadata.region': 'EMEA',
              'metadata.salesforce_order_id': 'spoofed',
              trial_end: ts('2030-04-01'),
            },
          },
          fieldMappings: { subscription_phase: { description: 'OrderNumber' } },
        },
      }),
      'subscriptionSchedules.create',
    ).params.phases;
    const orderId = (only(plan(b), 'subscriptionSchedules.create').params.metadata as Record<string, string>)
      .salesforce_order_id;
    expect(orderId).toMatch(/^[a-zA-Z0-9]{18}$/);
    expect(
      phases?.map((p) => [p.metadata?.region, p.metadata?.salesforce_order_id, p.description, p.trial_end]),
    ).toEqual([
      ['EMEA', orderId, b.order.OrderNumber, ts('2030-04-01')],
      ['EMEA', orderId, b.order.OrderNumber, undefined],
    ]);
  });

  it('uses the sandbox prefix when a sandbox org writes to live Stripe', () => {
    const { b } = platformOrder(12, 1200);
    const result = planOrderSync({
      graph: b.graph(),
      state: {},
      context: { ...syncContext(NOW), sandbox: true, livemode: true },
      orderId: b.order.Id,
    });
    expect(Object.keys(only(result, 'subscriptionSchedules.create').params.metadata ?? {})).toEqual([
      'salesforce_sandbox_order_id',
      'salesforce_sandbox_order_link',
    ]);
  });
});

describe('S19 — pre-integration order', () => {
  it('refuses an initial order activated before the sync start date', () => {
    const { b } = platformOrder(12, 1200);
    b.order.ActivatedDate = '2030-05-15T09:00:00.000+0000';
    const errors = errorsOf(() => plan(b, { settings: { syncStartDate: '2030-06-01' } }));
    expect(errors.map((e) => e.message)).toEqual([
      'Failed to sync pre-integration order: it was activated on 2030-05-15T09:00:00.000+0000, before the sync start date 2030-06-01.',
    ]);
  });
});

describe('one-time order collection', () => {
  it('takes collection method and payment term from the invoice mappings', () => {
    const b = new OrderBuilder({ start: '2030-05-01', term: 12, order: { SBQQ__PaymentTerm__c: 'Net 45' } });
    b.line(b.product({ name: 'Install', listPrice: 300 }), { quantity: 1, unitPrice: 300 });
    const params = only(
      plan(b, { mappings: { fieldMappings: { invoice: { days_until_due: 'SBQQ__PaymentTerm__c' } } } }),
      'invoices.create',
    ).params;
    expect([params.collection_method, params.days_until_due]).toEqual(['send_invoice', 45]);
  });
});
