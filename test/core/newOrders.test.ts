// Spec §5 scenarios for new (non-amendment) orders: the exact Stripe params, write-backs and Sync
// Records the planner produces, or the exact error text and the record it is on.
import type Stripe from 'stripe';
import type { StripeState } from '../../plugin/src/core/plan/context.js';
import { contractExtensions, type ContractExtensions } from '../../plugin/src/core/plan/extensions.js';
import { errorSyncRecords } from '../../plugin/src/core/plan/syncRecords.js';
import { planOrderSync } from '../../plugin/src/core/plan/planner.js';
import type { BillingFrequency } from '@stripe-cpq/salesforce-org-emulator/seed/cpqRecords.js';
import { idSequence, OrderBuilder, syncContext, ts } from './orderFixture.js';
import { errorsOf, json, link, only, ops } from './planHelpers.js';
import { toId18 } from '../../plugin/src/core/records/salesforceIds.js';

const NOW = '2030-01-15T12:00:00Z';
const TODAY = '2030-01-15';

function plan(b: OrderBuilder, state: StripeState = {}, settings = {}) {
  return planOrderSync({ graph: b.graph(), state, context: syncContext(NOW, settings), orderId: b.order.Id });
}

function annualPlatform(start: string, term = 12) {
  const b = new OrderBuilder({ start, term });
  const platform = b.product({ name: 'Platform', billingFrequency: 'Annual', listPrice: 1200 });
  const line = b.line(platform, { quantity: 5, unitPrice: 1200 * (term / 12) });
  return { b, platform, line };
}

describe('S1 — 12-month annual renewable order, future start', () => {
  const { b, platform, line } = annualPlatform('2030-03-01');
  const result = plan(b);
  const account = b.account.Id;
  const pbe = platform.pricebookEntry.Id;

  it('creates the customer from the Account with its metadata', () => {
    expect(only(result, 'customers.create').params).toEqual({
      name: 'Acme',
      address: { line1: '1 Market Street', city: 'San Francisco', state: 'CA', postal_code: '94105', country: 'US' },
      metadata: { salesforce_account_id: account, salesforce_account_link: link(account) },
      test_clock: `@ref:testClock:${account}`,
    });
  });

  it('creates the product and the PricebookEntry price (per-period amount, month × 12, licensed)', () => {
    expect(only(result, 'products.create').params).toEqual({
      name: 'Platform',
      metadata: { salesforce_product2_id: platform.product.Id, salesforce_product2_link: link(platform.product.Id) },
    });
    const price = only(result, 'prices.create');
    expect(price.source).toEqual({ type: 'PricebookEntry', id: pbe });
    expect(json(price.params)).toEqual({
      currency: 'usd',
      product: `@ref:product:${platform.product.Id}`,
      unit_amount_decimal: '120000',
      recurring: { interval: 'month', interval_count: 12, usage_type: 'licensed' },
      metadata: { salesforce_pricebook_entry_id: pbe, salesforce_pricebook_entry_link: link(pbe) },
    });
  });

  it('creates the schedule: UTC-midnight start, end = start + 12 months, proration none, cancel at end', () => {
    const orderMeta = { salesforce_order_id: b.order.Id, salesforce_order_link: link(b.order.Id) };
    expect(json(only(result, 'subscriptionSchedules.create').params)).toEqual({
      end_behavior: 'cancel',
      customer: `@ref:customer:${account}`,
      start_date: ts('2030-03-01'),
      metadata: orderMeta,
      default_settings: { collection_method: 'send_invoice', invoice_settings: { days_until_due: 30 } },
      phases: [
        {
          items: [
            {
              price: `@ref:price:${pbe}`,
              quantity: 5,
              metadata: { salesforce_order_item_id: line.Id, salesforce_order_item_link: link(line.Id) },
            },
          ],
          add_invoice_items: [],
          end_date: ts('2031-03-01'),
          metadata: orderMeta,
          proration_behavior: 'none',
        },
      ],
    });
  });

  it('orders the calls customer → product → price → schedule, archiving nothing (PBE prices are reused)', () => {
    expect(result.operations.map((o) => o.op)).toEqual([
      'testClocks.create',
      'customers.create',
      'products.create',
      'prices.create',
      'subscriptionSchedules.create',
    ]);
  });

  it('writes the Stripe IDs back and a Success Sync Record on the order', () => {
    expect(result.writeBacks).toEqual([
      { sobject: 'Account', id: account, fields: { Stripe_ID__c: `@ref:customer:${account}` } },
      { sobject: 'Product2', id: platform.product.Id, fields: { Stripe_ID__c: `@ref:product:${platform.product.Id}` } },
      { sobject: 'PricebookEntry', id: pbe, fields: { Stripe_ID__c: `@ref:price:${pbe}` } },
      { sobject: 'Order', id: b.order.Id, fields: { Stripe_ID__c: `@ref:schedule:${b.order.Id}` } },
    ]);
    expect(result.syncRecords).toEqual([
      {
        compoundId: `${b.order.Id}-${b.order.Id}`,
        primary: { type: 'Order', id: b.order.Id },
        secondary: { type: 'Order', id: b.order.Id },
        status: 'Success',
        message: `Created Stripe Subscription Schedule with Id: @ref:schedule:${b.order.Id}`,
        documentationLink: 'https://docs.stripe.com/connectors/salesforce-cpq/overview',
      },
    ]);
  });

  it('derives idempotency keys from org, record, record version and operation', () => {
    expect(only(result, 'subscriptionSchedules.create').idempotencyKey).toBe(
      `sfcpq:00D000000000001EAA:${b.order.Id}:20300115T100000000Z:subscriptionSchedules.create`,
    );
  });

  it('plans nothing when the order already has its schedule (re-running the sync)', () => {
    const synced = annualPlatform('2030-03-01');
    synced.b.order.Stripe_ID__c = 'sub_sched_1';
    const again = plan(synced.b, {
      subscriptionSchedules: { sub_sched_1: { id: 'sub_sched_1' } as Stripe.SubscriptionSchedule },
    });
    expect(again.operations).toEqual([]);
    expect(again.writeBacks).toEqual([]);
  });

  it('reuses a linked customer, product and unchanged price without any call for them', () => {
    const linked = annualPlatform('2030-03-01');
    linked.b.account.Stripe_ID__c = 'cus_1';
    linked.platform.product.Stripe_ID__c = 'prod_1';
    linked.platform.pricebookEntry.Stripe_ID__c = 'price_1';
    const meta = (type: string, id: string) => ({
      [`salesforce_${type}_id`]: id,
      [`salesforce_${type}_link`]: link(id),
    });
    const state: StripeState = {
      customers: {
        cus_1: {
          id: 'cus_1',
          object: 'customer',
          metadata: meta('account', linked.b.account.Id),
        } as unknown as Stripe.Customer,
      },
      products: {
        prod_1: {
          id: 'prod_1',
          name: 'Platform',
          metadata: meta('product2', linked.platform.product.Id),
        } as unknown as Stripe.Product,
      },
      prices: {
        price_1: {
          id: 'price_1',
          active: true,
          product: 'prod_1',
          currency: 'usd',
          billing_scheme: 'per_unit',
          unit_amount_decimal: '120000',
          recurring: { interval: 'month', interval_count: 12 },
        } as unknown as Stripe.Price,
      },
    };
    const result2 = plan(linked.b, state);
    expect(result2.operations.map((o) => o.op)).toEqual(['subscriptionSchedules.create']);
    expect(only(result2, 'subscriptionSchedules.create').params.customer).toBe('cus_1');
    expect(only(result2, 'subscriptionSchedules.create').params.phases?.[0]?.items[0]?.price).toBe('price_1');
    expect(result2.writeBacks.map((w) => w.sobject)).toEqual(['Order']);
  });

  it('adds the Salesforce metadata to a linked customer that lacks it (an id pasted by hand), ignoring the instance host', () => {
    const linked = annualPlatform('2030-03-01');
    linked.b.account.Stripe_ID__c = 'cus_1';
    const customer = (metadata: Record<string, string>): StripeState => ({
      customers: { cus_1: { id: 'cus_1', object: 'customer', metadata } as unknown as Stripe.Customer },
    });
    const id = linked.b.account.Id;
    expect(only(plan(linked.b, customer({})), 'customers.update').params).toEqual({
      metadata: { salesforce_account_id: id, salesforce_account_link: link(id) },
    });
    expect(
      ops(
        plan(
          linked.b,
          customer({ salesforce_account_id: id, salesforce_account_link: `https://old.my.salesforce.com/${id}` }),
        ),
        'customers.update',
      ),
    ).toEqual([]);
  });

  it('is deterministic: the same input gives byte-identical JSON', () => {
    expect(JSON.stringify(plan(b))).toBe(JSON.stringify(result));
  });
});

describe('S2 — monthly subscription + one-time setup fee, starting today', () => {
  const b = new OrderBuilder({ start: TODAY, term: 12 });
  const seat = b.product({ name: 'Seat', billingFrequency: 'Monthly', term: 1, listPrice: 100 });
  const setup = b.product({ name: 'Setup', listPrice: 500 });
  const seatLine = b.line(seat, { quantity: 3, unitPrice: 1200 });
  const setupLine = b.line(setup, { quantity: 1, unitPrice: 500 });
  const result = plan(b);

  it('uses the PricebookEntry price for the seat (120000 ÷ 12 = 10000 = list price) and a one-time setup price', () => {
    const prices = ops(result, 'prices.create');
    expect(
      prices.map((p) => [p.source.id, json(p.params.unit_amount_decimal), p.params.recurring?.interval_count ?? null]),
    ).toEqual([
      [seat.pricebookEntry.Id, '10000', 1],
      [setup.pricebookEntry.Id, '50000', null],
    ]);
  });

  it('puts the setup fee in add_invoice_items and leaves proration to Stripe (start already passed)', () => {
    const phase = only(result, 'subscriptionSchedules.create').params.phases?.[0];
    expect(phase?.items.map((i) => [i.price, i.quantity, i.metadata?.salesforce_order_item_id])).toEqual([
      [`@ref:price:${seat.pricebookEntry.Id}`, 3, seatLine.Id],
    ]);
    expect(json(phase?.add_invoice_items)).toEqual([
      {
        price: `@ref:price:${setup.pricebookEntry.Id}`,
        quantity: 1,
        metadata: { salesforce_order_item_id: setupLine.Id, salesforce_order_item_link: link(setupLine.Id) },
      },
    ]);
    expect(phase?.end_date).toBe(ts('2031-01-15'));
    expect(phase).not.toHaveProperty('proration_behavior');
  });
});

describe('S3 — backdated order', () => {
  const backdated = (skipPast: boolean) => {
    const b = new OrderBuilder({ start: '2029-11-15', term: 12, order: { Skip_Past_Initial_Invoices__c: skipPast } });
    b.line(b.product({ name: 'Seat', billingFrequency: 'Monthly', term: 1, listPrice: 10 }), {
      quantity: 1,
      unitPrice: 120,
    });
    return only(plan(b), 'subscriptionSchedules.create').params;
  };

  it('backdates the schedule start and lets Stripe bill the elapsed months', () => {
    const params = backdated(false);
    expect(params.start_date).toBe(ts('2029-11-15'));
    expect(params.phases?.[0]).not.toHaveProperty('proration_behavior');
    expect(params.metadata).toHaveProperty('salesforce_order_id');
  });

  it('S3b: Skip_Past_Initial_Invoices__c turns proration off', () => {
    expect(backdated(true).phases?.[0]?.proration_behavior).toBe('none');
  });
});

describe('S4 — future-dated order', () => {
  it('sets proration_behavior none and writes the Stripe ID at once', () => {
    const { b } = annualPlatform('2030-03-01'); // 45 days after today
    const result = plan(b);
    expect(only(result, 'subscriptionSchedules.create').params.phases?.[0]?.proration_behavior).toBe('none');
    expect(result.writeBacks.find((w) => w.sobject === 'Order')?.fields).toEqual({
      Stripe_ID__c: `@ref:schedule:${b.order.Id}`,
    });
  });
});

describe('S5 — all one-time lines', () => {
  const oneTimeOrder = (term: number | null) => {
    const b = new OrderBuilder({ start: '2030-05-01', term });
    const install = b.product({ name: 'Install', listPrice: 300 });
    const training = b.product({ name: 'Training', listPrice: 150 });
    const l1 = b.line(install, { quantity: 1, unitPrice: 300 });
    const l2 = b.line(training, { quantity: 2, unitPrice: 150 });
    return { b, l1, l2 };
  };

  it('creates a draft invoice, attaches one invoice item per line, finalizes it, and writes the payment link', () => {
    const { b, l1, l2 } = oneTimeOrder(12);
    const result = plan(b);
    const invoice = `@ref:invoice:${b.order.Id}`;
    expect(result.operations.map((o) => o.op)).toEqual([
      'testClocks.create',
      'customers.create',
      'products.create',
      'prices.create',
      'products.create',
      'prices.create',
      'invoices.create',
      'invoiceItems.create',
      'invoiceItems.create',
      'invoices.finalizeInvoice',
    ]);
    expect(only(result, 'invoices.create').params).toEqual({
      customer: `@ref:customer:${b.account.Id}`,
      collection_method: 'send_invoice',
      days_until_due: 30,
      auto_advance: false,
      pending_invoice_items_behavior: 'exclude',
      metadata: { salesforce_order_id: b.order.Id, salesforce_order_link: link(b.order.Id) },
    });
    expect(ops(result, 'invoiceItems.create').map((o) => o.params)).toEqual(
      [
        [l1, 1],
        [l2, 2],
      ].map(([line, quantity]) => ({
        customer: `@ref:customer:${b.account.Id}`,
        invoice,
        pricing: {
          price: `@ref:price:${(b.pricebookEntries.find((p) => p.Product2Id === (line as typeof l1).Product2Id) as { Id: string }).Id}`,
        },
        quantity,
        metadata: {
          salesforce_order_item_id: (line as typeof l1).Id,
          salesforce_order_item_link: link((line as typeof l1).Id),
        },
        period: { start: ts('2030-05-01'), end: ts('2031-05-01') },
      })),
    );
    expect(only(result, 'invoices.finalizeInvoice')).toMatchObject({ id: invoice, ref: invoice });
    expect(result.writeBacks.find((w) => w.sobject === 'Order')?.fields).toEqual({
      Stripe_ID__c: invoice,
      Stripe_Invoice_Payment_Link__c: `${invoice}#hosted_invoice_url`,
    });
    expect(result.syncRecords[0]?.message).toBe(`Created Stripe Invoice with Id: ${invoice}`);
    expect(ops(result, 'subscriptionSchedules.create')).toEqual([]);
  });

  it("bills the order's coupons on the invoice and each line's on its invoice item, created before the invoice", () => {
    const b = new OrderBuilder({ start: '2030-05-01', term: 12 });
    const id = idSequence();
    const quoteLine = id('a0r');
    const install = b.product({ name: 'Install', listPrice: 300 });
    const training = b.product({ name: 'Training', listPrice: 150 });
    b.line(install, { quantity: 1, unitPrice: 300, orderItem: { SBQQ__QuoteLine__c: quoteLine } });
    b.line(training, { quantity: 2, unitPrice: 150 });
    const launch = { Id: id('a1c'), Name__c: 'Launch', Percent_Off__c: 10, Duration__c: 'forever' };
    const setup = { Id: id('a1c'), Name__c: 'Setup credit', Amount_Off__c: 50, Duration__c: 'once' };
    b.extra.quoteStripeCoupons = [launch, setup];
    b.extra.quoteStripeCouponAssociations = [
      { Id: id('a1a'), Quote__c: b.quote.Id, Quote_Stripe_Coupon__c: launch.Id },
    ];
    b.extra.quoteLineStripeCouponAssociations = [
      { Id: id('a1b'), Quote_Line__c: quoteLine, Quote_Stripe_Coupon__c: setup.Id },
    ];
    const result = plan(b);
    const coupon = (c: { Id: string }) => `@ref:coupon:${toId18(c.Id)}`;
    const order = result.operations.map((o) => o.op);
    expect(order.lastIndexOf('coupons.create')).toBeLessThan(order.indexOf('invoices.create'));
    expect(ops(result, 'coupons.create').map((o) => o.ref)).toEqual([coupon(launch), coupon(setup)]);
    expect((only(result, 'invoices.create').params as Stripe.InvoiceCreateParams).discounts).toEqual([
      { coupon: coupon(launch) },
    ]);
    expect(
      ops(result, 'invoiceItems.create').map((o) => (o.params as Stripe.InvoiceItemCreateParams).discounts),
    ).toEqual([[{ coupon: coupon(setup) }], undefined]);
  });

  it('still requires the quote term', () => {
    const { b } = oneTimeOrder(null);
    const [error] = errorsOf(() => plan(b));
    expect(error?.resolutionMessage).toBe(
      'Data Error: The following required fields are missing: SBQQ__Quote__c.SBQQ__SubscriptionTerm__c',
    );
  });
});

describe('S6 — customized (discounted) unit price', () => {
  const b = new OrderBuilder({ start: '2030-03-01', term: 12 });
  const seat = b.product({ name: 'Seat', billingFrequency: 'Monthly', term: 1, listPrice: 100 });
  const line = b.line(seat, { quantity: 2, unitPrice: 1080 });
  const result = plan(b);

  it('creates the price from the order line (108000 ÷ 12 = 9000 ≠ 10000), flagged for auto-archive', () => {
    const price = only(result, 'prices.create');
    expect(price.source).toEqual({ type: 'OrderItem', id: line.Id });
    expect(json(price.params)).toEqual({
      currency: 'usd',
      product: `@ref:product:${seat.product.Id}`,
      unit_amount_decimal: '9000',
      recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
      metadata: {
        salesforce_order_item_id: line.Id,
        salesforce_order_item_link: link(line.Id),
        salesforce_auto_archive: 'true',
      },
    });
    expect(result.writeBacks).toContainEqual({
      sobject: 'OrderItem',
      id: line.Id,
      fields: { Stripe_ID__c: `@ref:price:${line.Id}` },
    });
  });

  it('archives the order-line price after the schedule holds it', () => {
    expect(result.operations.map((o) => o.op).slice(-2)).toEqual(['subscriptionSchedules.create', 'prices.update']);
    expect(only(result, 'prices.update')).toMatchObject({ id: `@ref:price:${line.Id}`, params: { active: false } });
  });
});

describe('S9 — skip line item', () => {
  it('leaves the skipped line out of the phase', () => {
    const b = new OrderBuilder({ start: '2030-03-01', term: 12 });
    const lines = [1, 2, 3].map((n) =>
      b.line(b.product({ name: `P${n}`, billingFrequency: 'Annual', listPrice: 100 }), {
        quantity: 1,
        unitPrice: 100,
        orderItem: { Skip_Line_Item__c: n === 2 },
      }),
    );
    const items = only(plan(b), 'subscriptionSchedules.create').params.phases?.[0]?.items ?? [];
    expect(items.map((i) => i.metadata?.salesforce_order_item_id)).toEqual([lines[0]?.Id, lines[2]?.Id]);
  });
});

describe('S10 — $0 line', () => {
  it('syncs as an item with a zero-amount price', () => {
    const b = new OrderBuilder({ start: '2030-03-01', term: 12 });
    b.line(b.product({ name: 'Free tier', billingFrequency: 'Monthly', term: 1, listPrice: 0 }), {
      quantity: 1,
      unitPrice: 0,
    });
    const result = plan(b);
    expect(json(only(result, 'prices.create').params.unit_amount_decimal)).toBe('0');
    expect(only(result, 'subscriptionSchedules.create').params.phases?.[0]?.items).toHaveLength(1);
  });
});

describe('S11 — metered (arrears) line', () => {
  const metered = (quantity: number) => {
    const b = new OrderBuilder({ start: '2030-03-01', term: 12 });
    const api = b.product({
      name: 'API calls',
      billingFrequency: 'Monthly',
      term: 1,
      billingType: 'Arrears',
      listPrice: 0.05,
    });
    // CPQ prorates a metered line like any other: its UnitPrice is the 12-month term's, 12 × 0.05.
    const line = b.line(api, { quantity, unitPrice: 0.6 });
    return { b, api, line };
  };

  it("bills the pricebook price per month: the line's term price divided by the term (recording amendments.test_amendments__creates_a_new_phase_from_an_order_amendment_adding_a_non-metered_product_to_a_metered_product)", () => {
    const { b } = metered(1);
    const prices = plan(b).operations.filter((o) => o.op === 'prices.create');
    expect(
      prices.map((p) => [p.source.type, (json(p.params) as { unit_amount_decimal?: string }).unit_amount_decimal]),
    ).toEqual([['PricebookEntry', '5']]);
  });

  it('creates a Billing Meter for the product and a metered price on it; the item has no quantity', () => {
    const { b, api, line } = metered(1);
    const result = plan(b);
    expect(only(result, 'billing.meters.create').params).toEqual({
      display_name: 'API calls',
      event_name: `sf_${api.product.Id}`,
      default_aggregation: { formula: 'sum' },
      customer_mapping: { type: 'by_id', event_payload_key: 'stripe_customer_id' },
      value_settings: { event_payload_key: 'value' },
    });
    const price = only(result, 'prices.create');
    expect(price.source.type).toBe('PricebookEntry');
    expect(json(price.params)).toMatchObject({
      unit_amount_decimal: '5',
      recurring: { interval: 'month', interval_count: 1, usage_type: 'metered', meter: `@ref:meter:${api.product.Id}` },
    });
    expect(only(result, 'subscriptionSchedules.create').params.phases?.[0]?.items).toEqual([
      {
        price: `@ref:price:${api.pricebookEntry.Id}`,
        metadata: { salesforce_order_item_id: line.Id, salesforce_order_item_link: link(line.Id) },
      },
    ]);
  });

  it('reuses an active meter with the product event name', () => {
    const { b, api } = metered(1);
    const result = plan(b, {
      meters: [{ id: 'mtr_1', event_name: `sf_${api.product.Id}`, status: 'active' } as Stripe.Billing.Meter],
    });
    expect(ops(result, 'billing.meters.create')).toEqual([]);
    expect(only(result, 'prices.create').params.recurring?.meter).toBe('mtr_1');
  });

  it('refuses a quantity above 1', () => {
    const { b, line } = metered(2);
    const [error] = errorsOf(() => plan(b));
    expect(error?.resolutionMessage).toBe(
      'Order lines with a price configured for metered billing cannot have a quantity greater than 1.',
    );
    expect(error?.record).toEqual({ type: 'OrderItem', id: line.Id });
  });
});

describe('S12 — tiered pricing via consumption schedule', () => {
  const tiered = (
    type: string,
    rates: { UpperBound: number | null; PricingMethod: string; Price: number }[],
    schedules = 1,
  ) => {
    const b = new OrderBuilder({ start: '2030-03-01', term: 12 });
    const usage = b.product({ name: 'Usage', billingFrequency: 'Monthly', term: 1, listPrice: 1 });
    const line = b.line(usage, { quantity: 1, unitPrice: 12 });
    b.extra.consumptionSchedules = Array.from({ length: schedules }, () => {
      const id = b.id('0Mh');
      return {
        Id: id,
        Type: type,
        RatingMethod: 'Tier',
        IsActive: true,
        ProductIds: [usage.product.Id],
        ConsumptionRates: rates.map((r) => ({ Id: b.id('0Mo'), ConsumptionScheduleId: id, ...r })),
      };
    });
    // CPQ copies the product's schedule onto the order line.
    const copyId = b.id('a1C');
    b.extra.orderItemConsumptionSchedules = [
      {
        Id: copyId,
        SBQQ__OrderItem__c: line.Id,
        SBQQ__Type__c: type,
        SBQQ__RatingMethod__c: 'Tier',
        Rates: rates.map((r) => ({
          Id: b.id('a1D'),
          SBQQ__OrderItemConsumptionSchedule__c: copyId,
          SBQQ__UpperBound__c: r.UpperBound,
          SBQQ__PricingMethod__c: r.PricingMethod,
          SBQQ__Price__c: r.Price,
        })),
      },
    ];
    return { b, usage };
  };
  const rates = [
    { UpperBound: null, PricingMethod: 'PerUnit', Price: 0.5 },
    { UpperBound: 100, PricingMethod: 'PerUnit', Price: 1 },
  ];

  it('Slab → graduated tiers sorted with the unbounded tier last, no top-level amount, from the PricebookEntry', () => {
    const { b, usage } = tiered('Slab', rates);
    const created = only(plan(b), 'prices.create');
    expect(created.source.id).toBe(usage.pricebookEntry.Id);
    const price = json(created.params) as Record<string, unknown>;
    expect(price).toMatchObject({
      billing_scheme: 'tiered',
      tiers_mode: 'graduated',
      tiers: [
        { up_to: 100, unit_amount_decimal: '100' },
        { up_to: 'inf', unit_amount_decimal: '50' },
      ],
    });
    expect(price).not.toHaveProperty('unit_amount_decimal');
  });

  it('Range → volume; FlatFee → flat_amount_decimal', () => {
    const { b } = tiered('Range', [{ UpperBound: 10, PricingMethod: 'FlatFee', Price: 5 }, rates[0]!]);
    expect(json(only(plan(b), 'prices.create').params)).toMatchObject({
      tiers_mode: 'volume',
      tiers: [
        { up_to: 10, flat_amount_decimal: '500' },
        { up_to: 'inf', unit_amount_decimal: '50' },
      ],
    });
  });

  it.each([
    [
      'two schedules on the product',
      tiered('Slab', rates, 2).b,
      'Data Error: More than one consumption schedule is linked to a pricebook entry. Only one is supported.',
    ],
    [
      'a decimal upper bound',
      tiered('Slab', [{ UpperBound: 10.5, PricingMethod: 'PerUnit', Price: 1 }, rates[0]!]).b,
      'Data Error: The consumption rate upper bound must be an integer.',
    ],
    [
      'two unbounded rates',
      tiered('Slab', [rates[0]!, rates[0]!]).b,
      'Data Error: Two consumption rates have an infinite upper bound.',
    ],
  ])('errors on %s', (_case, b, message) => {
    expect(errorsOf(() => plan(b)).map((e) => e.resolutionMessage)).toContain(message);
  });
});

describe('S13 — backend-prorated initial order (18 months billed annually)', () => {
  const { b, platform, line } = annualPlatform('2030-03-01', 18);
  const result = plan(b);
  const params = only(result, 'subscriptionSchedules.create').params;

  it('splits the term into a 12-month phase and a 6-month phase without proration', () => {
    expect(params.phases?.map((p) => [p.end_date, p.proration_behavior ?? null])).toEqual([
      [ts('2031-03-01'), 'none'],
      [ts('2031-09-01'), 'none'],
    ]);
    expect(params.phases?.[1]?.items).toEqual(params.phases?.[0]?.items);
    expect(params.phases?.[1]?.metadata).toMatchObject({ salesforce_backend_proration: 'true' });
  });

  it('bills the remaining 6 months once: a one-time price of 120000 × 6/12 = 60000, on an item the relay bills as a proration (recording amendments.test_backend_prorated_amendments__handles_an_initial_order_with_a_backend_proration)', () => {
    const proration = ops(result, 'prices.create').find((p) => p.ref === `@ref:price_backend_proration:${line.Id}`);
    expect(json(proration?.params)).toEqual({
      currency: 'usd',
      product: `@ref:product:${platform.product.Id}`,
      unit_amount_decimal: '60000',
      metadata: {
        salesforce_pricebook_entry_id: platform.pricebookEntry.Id,
        salesforce_pricebook_entry_link: link(platform.pricebookEntry.Id),
        salesforce_proration: 'true',
        salesforce_duplicate: 'true',
        salesforce_auto_archive: 'true',
        salesforce_original_stripe_price_id: `@ref:price:${platform.pricebookEntry.Id}`,
      },
    });
    expect(params.phases?.[1]?.add_invoice_items).toEqual([
      {
        price: `@ref:price_backend_proration:${line.Id}`,
        quantity: 5,
        metadata: {
          salesforce_order_item_id: line.Id,
          salesforce_order_item_link: link(line.Id),
          salesforce_proration: 'true',
          salesforce_backend_proration: 'true',
        },
        period: { start: { type: 'phase_start' }, end: { type: 'phase_end' } },
      },
    ]);
  });
});

describe('S15 — multi-currency', () => {
  it('prices in the PricebookEntry currency, lower-cased', () => {
    const b = new OrderBuilder({ start: '2030-03-01', term: 12 });
    const eur = b.product(
      { name: 'Platform', billingFrequency: 'Annual', listPrice: 1000 },
      { pricebookEntry: { CurrencyIsoCode: 'EUR' } },
    );
    b.line(eur, { quantity: 1, unitPrice: 1000, orderItem: { CurrencyIsoCode: 'EUR' } });
    expect(only(plan(b, {}, { multiCurrency: true }), 'prices.create').params.currency).toBe('eur');
    expect(only(plan(b, {}, { defaultCurrency: 'GBP' }), 'prices.create').params.currency).toBe('gbp');
  });

  it('takes zero-decimal currencies in whole units (JPY: no × 100)', () => {
    const b = new OrderBuilder({ start: '2030-03-01', term: 12 });
    b.line(b.product({ name: 'Platform', billingFrequency: 'Annual', listPrice: 120000 }), {
      quantity: 1,
      unitPrice: 120000,
    });
    expect(json(only(plan(b, {}, { defaultCurrency: 'JPY' }), 'prices.create').params.unit_amount_decimal)).toBe(
      '120000',
    );
  });

  it('takes UGX in whole units, as Stripe lists it among its zero-decimal currencies (README Decisions)', () => {
    const b = new OrderBuilder({ start: '2030-03-01', term: 12 });
    b.line(b.product({ name: 'Platform', billingFrequency: 'Annual', listPrice: 370000 }), {
      quantity: 1,
      unitPrice: 370000,
    });
    expect(json(only(plan(b, {}, { defaultCurrency: 'UGX' }), 'prices.create').params.unit_amount_decimal)).toBe(
      '370000',
    );
  });
});

describe('S16 — mixed billing frequencies', () => {
  it('is refused before anything is written, on the line that differs', () => {
    const b = new OrderBuilder({ start: '2030-03-01', term: 12 });
    b.line(b.product({ name: 'Seat', billingFrequency: 'Monthly', term: 1, listPrice: 10 }), {
      quantity: 1,
      unitPrice: 120,
    });
    const annual = b.line(b.product({ name: 'Platform', billingFrequency: 'Annual', listPrice: 1200 }), {
      quantity: 1,
      unitPrice: 1200,
    });
    const errors = errorsOf(() => plan(b));
    expect(errors.map((e) => [e.record.id, e.field])).toEqual([[annual.Id, 'SBQQ__BillingFrequency__c']]);
    expect(errors[0]?.message).toMatch(/^All recurring order lines must have the same billing frequency/);
  });
});

describe('S17 — pricebook price changed after the first sync', () => {
  it('refuses to reuse the linked price whose amount no longer matches, on the PricebookEntry', () => {
    const b = new OrderBuilder({ start: '2030-03-01', term: 12 });
    const seat = b.product(
      { name: 'Seat', billingFrequency: 'Monthly', term: 1, listPrice: 120 },
      { pricebookEntry: { Stripe_ID__c: 'price_A' } },
    );
    b.line(seat, { quantity: 1, unitPrice: 1440 });
    const state: StripeState = {
      prices: {
        price_A: {
          id: 'price_A',
          active: true,
          currency: 'usd',
          billing_scheme: 'per_unit',
          unit_amount_decimal: '10000',
          recurring: { interval: 'month', interval_count: 1 },
        } as unknown as Stripe.Price,
      },
    };
    const errors = errorsOf(() => plan(b, state));
    expect(errors.map((e) => [e.resolutionMessage, e.record])).toEqual([
      [
        'Data Error: Found a corresponding Stripe price for the Salesforce price, but the price data has changed.',
        { type: 'PricebookEntry', id: seat.pricebookEntry.Id },
      ],
    ]);
    seat.pricebookEntry.Stripe_ID__c = null;
    expect(json(only(plan(b, state), 'prices.create').params.unit_amount_decimal)).toBe('12000');
  });
});

describe('S18 — negative unit price line', () => {
  it('leaves the line out with a warning and syncs the rest', () => {
    const b = new OrderBuilder({ start: '2030-03-01', term: 12 });
    const kept = b.line(b.product({ name: 'Platform', billingFrequency: 'Annual', listPrice: 1200 }), {
      quantity: 1,
      unitPrice: 1200,
    });
    const credit = b.line(b.product({ name: 'Credit', billingFrequency: 'Annual', listPrice: -50 }), {
      quantity: 1,
      unitPrice: -50,
    });
    const result = plan(b);
    expect(
      only(result, 'subscriptionSchedules.create').params.phases?.[0]?.items.map(
        (i) => i.metadata?.salesforce_order_item_id,
      ),
    ).toEqual([kept.Id]);
    expect(result.warnings).toEqual([`Order line ${credit.Id} has a negative price and was left out of Stripe.`]);
  });
});

describe('S38–S40 — line and order errors', () => {
  const withLines = (...overrides: Record<string, unknown>[]) => {
    const b = new OrderBuilder({ start: '2030-03-01', term: 12 });
    const p = b.product({ name: 'Seat', billingFrequency: 'Monthly', term: 1, listPrice: 10 });
    return {
      b,
      lines: overrides.map((item) =>
        b.line(p, { quantity: (item.Quantity as number) ?? 1, unitPrice: 120, orderItem: item }),
      ),
    };
  };

  it('S38: a decimal quantity is an Error Sync Record on the line, with the bare reference text', () => {
    const { b, lines } = withLines({ Quantity: 1.5 });
    const errors = errorsOf(() => plan(b));
    const records = errorSyncRecords({ type: 'Order', id: b.order.Id }, errors);
    expect(records).toEqual([
      {
        compoundId: `${b.order.Id}-${lines[0]?.Id}`,
        primary: { type: 'Order', id: b.order.Id },
        secondary: { type: 'OrderItem', id: lines[0]?.Id },
        status: 'Error',
        message: 'Quantity specified as a decimal value. Only integers are supported.',
        documentationLink: 'https://docs.stripe.com/connectors/salesforce-cpq/error-handling',
      },
    ]);
  });

  it.each([
    ['a start date', { SBQQ__StartDate__c: null }, 'SBQQ__Quote__c.SBQQ__StartDate__c'],
    ['a term', { SBQQ__SubscriptionTerm__c: null }, 'SBQQ__Quote__c.SBQQ__SubscriptionTerm__c'],
    [
      'both',
      { SBQQ__StartDate__c: null, SBQQ__SubscriptionTerm__c: null },
      'SBQQ__Quote__c.SBQQ__StartDate__c, SBQQ__Quote__c.SBQQ__SubscriptionTerm__c',
    ],
  ])('S39: a quote without %s names the missing paths on the order', (_case, quote, paths) => {
    const { b } = withLines({});
    Object.assign(b.quote, quote);
    const errors = errorsOf(() => plan(b));
    expect(errors.map((e) => [e.resolutionMessage, e.record.id])).toEqual([
      [`Data Error: The following required fields are missing: ${paths}`, b.order.Id],
    ]);
  });

  it.each([
    ['not activated', { SBQQ__Activated__c: false }],
    ['deleted', { IsDeleted: true }],
  ])('S40: a line %s is refused', (_case, item) => {
    const { b, lines } = withLines(item);
    expect(errorsOf(() => plan(b)).map((e) => [e.resolutionMessage, e.record.id])).toEqual([
      ['Data Error: The order line is deleted or not activated.', lines[0]?.Id],
    ]);
  });

  it('reports every problem of the order at once, not just the first', () => {
    const { b, lines } = withLines({ Quantity: 1.5 }, { SBQQ__Activated__c: false }, {});
    expect(errorsOf(() => plan(b)).map((e) => e.record.id)).toEqual([lines[0]?.Id, lines[1]?.Id]);
  });

  it('names the record, field and fix for a record that breaks its model', () => {
    const { b, lines } = withLines({});
    (lines[0] as unknown as Record<string, unknown>).Quantity = 'three';
    const [error] = errorsOf(() => plan(b));
    expect([error?.record, error?.field, error?.fix]).toEqual([
      { type: 'OrderItem', id: lines[0]?.Id },
      'Quantity',
      `Correct Quantity on OrderItem ${lines[0]?.Id} and sync again.`,
    ]);
  });
});

describe('limits checked before anything is written (spec §1.5, §4.1)', () => {
  const many = (recurring: number, oneTime: number, frequency: BillingFrequency = 'Annual') => {
    const b = new OrderBuilder({ start: '2030-03-01', term: 12 });
    for (let i = 0; i < recurring; i++)
      b.line(b.product({ name: `R${i}`, billingFrequency: frequency, listPrice: 100 + i }), {
        quantity: 1,
        unitPrice: 100 + i,
      });
    for (let i = 0; i < oneTime; i++)
      b.line(b.product({ name: `O${i}`, listPrice: 10 + i }), { quantity: 1, unitPrice: 10 + i });
    return b;
  };

  it('accepts 20 items and 20 one-time items in a phase', () => {
    expect(only(plan(many(20, 20)), 'subscriptionSchedules.create').params.phases?.[0]?.items).toHaveLength(20);
  });

  it('refuses 21 recurring lines and 21 one-time lines, both reported', () => {
    const messages = errorsOf(() => plan(many(21, 21))).map((e) => e.message);
    expect(messages).toEqual([
      'The order has 21 recurring lines; a Stripe subscription holds at most 20 items.',
      'The order has 21 one-time lines; a Stripe schedule phase bills at most 20.',
    ]);
  });

  it('refuses more than 100 recurring lines (the documented connector limit)', () => {
    expect(errorsOf(() => plan(many(101, 0))).map((e) => e.message)).toEqual([
      'The order has 101 recurring lines; at most 100 are supported.',
    ]);
  });
});

describe('contract shapes handled through the extension seams', () => {
  const evergreen = () => {
    const b = new OrderBuilder({ start: '2030-03-01', term: 1 });
    const p = b.product({ name: 'Support', billingFrequency: 'Monthly', term: 1, listPrice: 10 });
    b.line(p, { quantity: 1, unitPrice: 10, orderItem: { SBQQ__SubscriptionType__c: 'Evergreen' } });
    return b;
  };
  const planWith = (b: OrderBuilder, extensions: ContractExtensions) =>
    planOrderSync({ graph: b.graph(), state: {}, context: syncContext(NOW), orderId: b.order.Id, extensions });

  it('hands evergreen and MDQ orders to their planners, with the header read and the customer planned', () => {
    const calls: string[] = [];
    const spy: ContractExtensions = {
      ...contractExtensions,
      planEvergreenOrder: (input) =>
        calls.push(`evergreen ${input.header.termMonths} ${input.customer} ${input.items.length}`),
      planMdqOrder: () => calls.push('mdq'),
    };
    const b = evergreen();
    planWith(b, spy);
    const mdq = new OrderBuilder({ start: '2030-03-01', term: 12 });
    mdq.line(mdq.product({ name: 'Ramp', billingFrequency: 'Annual', listPrice: 1000 }), {
      quantity: 1,
      unitPrice: 1000,
      orderItem: { SBQQ__PriceDimension__c: mdq.id('a0A') },
    });
    planWith(mdq, spy);
    expect(calls).toEqual([`evergreen 1 @ref:customer:${b.account.Id} 1`, 'mdq']);
  });
});
