/**
 * Order preflight (`mapping check --order`): every documented error knowable before writing (spec
 * §2.10) is reported on its record with its documented text and fix — with the Stripe emulator running
 * and receiving nothing, and the org receiving no write.
 */
import { startStripeEmulator, type StripeEmulator } from '@stripe-cpq/stripe-emulator';
import type { SalesforceEmulator, SampleScenario } from '@stripe-cpq/salesforce-org-emulator';
import { checkOrg, type MappingCheckReport } from '../../plugin/src/mappingCheck/index.js';
import type { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { orderOf, startSampleOrg, watchWrites } from './orgSupport.js';

const BROKEN: readonly [SampleScenario, string, string, string, string][] = [
  [
    'S16',
    'OrderItem',
    'SBQQ__BillingFrequency__c',
    'Data Error: All recurring order lines must have the same billing frequency: this line bills every 12 month(s), order line',
    'Put products with different billing frequencies on separate orders.',
  ],
  [
    'S38',
    'OrderItem',
    'Quantity',
    'Quantity specified as a decimal value. Only integers are supported.',
    'Use whole-number quantities on the quote lines, then sync again.',
  ],
  [
    'S39',
    'Order',
    'SBQQ__Quote__c.SBQQ__StartDate__c',
    'Data Error: The following required fields are missing: SBQQ__Quote__c.SBQQ__StartDate__c',
    'Fill in the quote start date and subscription term, then sync again.',
  ],
  [
    'S39_TERM',
    'Order',
    'SBQQ__Quote__c.SBQQ__SubscriptionTerm__c',
    'Data Error: The following required fields are missing: SBQQ__Quote__c.SBQQ__SubscriptionTerm__c',
    'Fill in the quote start date and subscription term, then sync again.',
  ],
  [
    'S40',
    'OrderItem',
    'SBQQ__Activated__c',
    'Data Error: The order line is deleted or not activated.',
    'Activate every order product of the order (or remove deleted ones), then sync again.',
  ],
  [
    'BF',
    'OrderItem',
    'SBQQ__BillingFrequency__c',
    'Data Error: Billing frequency is not a supported CPQ Billing Frequency option: Invoice Plan',
    'Use Monthly, Quarterly, Semiannual or Annual as the billing frequency.',
  ],
  [
    'MDQ_CUSTOM',
    'OrderItem',
    'SBQQ__DimensionType__c',
    'Data Error: MDQ products with Custom segments are not supported. Please use Month, Quarter, Year or One-Time segments.',
    'Use a Year, Quarter, Month or One-Time price dimension for the product.',
  ],
];

/** Records changed the way admins break orders, each with the documented error it must give. */
const CHANGED: readonly [SampleScenario, string, (org: SalesforceEmulator) => void, string, string, string][] = [
  [
    'S9',
    'mixing evergreen and renewable lines',
    (org) =>
      updateLine(org, 'S9', {
        SBQQ__SubscriptionType__c: 'Evergreen',
        SBQQ__SubscriptionTerm__c: 1,
        SBQQ__DefaultSubscriptionTerm__c: 1,
      }),
    'Order',
    '',
    'Salesforce orders with both Evergreen and Renewable items are not yet supported.',
  ],
  [
    'S11',
    'a decimal subscription term',
    (org) => updateQuote(org, 'S11', { SBQQ__SubscriptionTerm__c: 12.5 }),
    'SBQQ__Quote__c',
    'SBQQ__SubscriptionTerm__c',
    'Data Error: The subscription term must be a whole, positive number of months; found 12.5.',
  ],
  [
    'S13',
    'an evergreen line with an 18-month term',
    (org) => updateLine(org, 'S13', { SBQQ__SubscriptionType__c: 'Evergreen' }),
    'OrderItem',
    'SBQQ__DefaultSubscriptionTerm__c',
    'Evergreen Salesforce orders should have default subscription term and quote subscription term equal to 1.',
  ],
  [
    'S6',
    'an unsupported billing type',
    (org) => updateLine(org, 'S6', { SBQQ__BillingType__c: 'Invoice' }),
    'OrderItem',
    'SBQQ__BillingType__c',
    "Data Error: Product billing type isn't a supported CPQ Product Billing Type option: Invoice",
  ],
  [
    'S21',
    'an amendment that ends before the contract',
    (org) => updateQuote(org, 'S21', { SBQQ__SubscriptionTerm__c: 9 }),
    'Order',
    'SBQQ__Quote__c.SBQQ__SubscriptionTerm__c',
    'Data Error: Order amendments must coterminate with the initial order.',
  ],
  [
    'S27',
    'an amendment off the contract’s day of the month',
    (org) => updateQuote(org, 'S27', { SBQQ__StartDate__c: quoteStart(org, 'S27').replace(/-01$/, '-15') }),
    'Order',
    'SBQQ__Quote__c.SBQQ__StartDate__c',
    'Data Error: Amendment orders must start on the same day of the month as the initial order. Enable the feature for non-anniversary amendments to sync this order.',
  ],
  [
    'S12',
    'a metered line with quantity 2',
    (org) => updateLine(org, 'S12', { Quantity: 2 }),
    'OrderItem',
    'Quantity',
    'Order lines with a price configured for metered billing cannot have a quantity greater than 1.',
  ],
];

function updateQuote(org: SalesforceEmulator, scenario: SampleScenario, fields: Record<string, unknown>): void {
  org.store.update('SBQQ__Quote__c', orderOf(org, scenario).quoteId, fields, { system: true });
}

function quoteStart(org: SalesforceEmulator, scenario: SampleScenario): string {
  return String(org.store.require(orderOf(org, scenario).quoteId).SBQQ__StartDate__c);
}

function updateLine(org: SalesforceEmulator, scenario: SampleScenario, fields: Record<string, unknown>): void {
  org.store.update('OrderItem', orderOf(org, scenario).orderItemIds[0] as string, fields, { system: true });
}

describe('order preflight', () => {
  let org: SalesforceEmulator;
  let client: SalesforceClient;
  let stripe: StripeEmulator;
  let report: MappingCheckReport;
  let writes: { count(): number };
  const ids = (...scenarios: SampleScenario[]) => scenarios.map((s) => orderOf(org, s).orderId);

  beforeAll(async () => {
    ({ org, client } = await startSampleOrg());
    stripe = await startStripeEmulator();
    // S3 is already in Stripe (for the warning below); and one more order is broken the way admins do: an order that no longer points at its CPQ quote.
    org.store.update('Order', orderOf(org, 'S2').orderId, { SBQQ__Quote__c: null }, { system: true });
    org.store.update('Order', orderOf(org, 'S3').orderId, { Stripe_ID__c: 'sub_sched_123' }, { system: true });
    for (const [, , change] of CHANGED) change(org);
    writes = watchWrites(org);
    report = await checkOrg(client, {
      orderIds: ids('S1', 'S7', 'S36', 'S2', ...BROKEN.map(([s]) => s), ...CHANGED.map(([s]) => s)),
    });
  });
  afterAll(async () => {
    await org.close();
    await stripe.close();
  });

  it.each(BROKEN)(
    '%s: reports the documented error on the %s, field %s',
    (scenario, recordType, field, message, fix) => {
      const built = orderOf(org, scenario);
      const preflight = report.orders.find((o) => o.orderId === built.orderId);
      expect(preflight).toMatchObject({ ready: false, operations: [], summary: '' });
      expect(preflight?.problems).toEqual([
        {
          severity: 'error',
          recordType,
          record: expect.any(String),
          field,
          message: expect.stringContaining(message),
          fix,
        },
      ]);
      const record = preflight?.problems[0]?.record;
      expect(recordType === 'Order' ? [built.orderId] : built.orderItemIds).toContain(record);
    },
  );

  it.each(CHANGED)(
    '%s with %s: reports the documented error',
    (scenario, _change, _apply, recordType, field, message) => {
      const built = orderOf(org, scenario);
      const problems = report.orders.find((o) => o.orderId === built.orderId)?.problems ?? [];
      expect(problems.map((p) => [p.severity, p.recordType, p.field, p.message])).toEqual([
        ['error', recordType, field, message],
      ]);
      const expectedRecord = { Order: built.orderId, SBQQ__Quote__c: built.quoteId, OrderItem: built.orderItemIds[0] }[
        recordType
      ];
      expect(problems[0]?.record).toBe(expectedRecord);
      expect(problems[0]?.fix).not.toBe('');
    },
  );

  it('reports an order without a CPQ quote on the order', () => {
    const orderId = orderOf(org, 'S2').orderId;
    expect(report.orders.find((o) => o.orderId === orderId)?.problems).toEqual([
      {
        severity: 'error',
        recordType: 'Order',
        record: orderId,
        field: 'SBQQ__Quote__c',
        message: "Data Error: There's no CPQ quote associated with the Salesforce order.",
        fix: 'Regenerate the order from a CPQ quote (SBQQ__Quote__c).',
      },
    ]);
  });

  it('summarises what a first sync of a valid order would create, in plan order', () => {
    const [s1, s7, s36] = ids('S1', 'S7', 'S36').map((id) => report.orders.find((o) => o.orderId === id));
    expect(s1).toMatchObject({
      ready: true,
      problems: [],
      summary: '1 customer, 1 product, 1 price, 1 subscription schedule',
    });
    expect(s1?.operations.map((o) => [o.op, o.sourceType])).toEqual([
      ['customers.create', 'Account'],
      ['products.create', 'Product2'],
      ['prices.create', 'PricebookEntry'],
      ['subscriptionSchedules.create', 'Order'],
    ]);
    expect(s7?.summary).toBe('1 customer, 1 product, 1 price, 2 coupons, 1 subscription schedule');
    expect(s36?.summary).toBe('1 customer, 1 product, 1 price, 1 subscription');
  });

  it('warns that Stripe was not read when an order of the contract is already linked to Stripe', async () => {
    const orderId = orderOf(org, 'S3').orderId;
    const { orders } = await checkOrg(client, { orderIds: [orderId] });
    expect(orders[0]?.ready).toBe(true);
    expect(orders[0]?.problems.map((p) => [p.severity, p.record, p.field, p.message])).toEqual([
      [
        'warning',
        orderId,
        'Stripe_ID__c',
        'This order of the contract is already linked to sub_sched_123; the preflight does not read Stripe, so its summary shows what a first sync would make.',
      ],
    ]);
  });

  it('reports an unknown order instead of failing the run', async () => {
    const missing = '801000000000999AAA';
    const { orders } = await checkOrg(client, { orderIds: [missing] });
    expect(orders).toEqual([
      {
        orderId: missing,
        ready: false,
        operations: [],
        summary: '',
        problems: [
          {
            severity: 'error',
            recordType: 'Order',
            record: missing,
            field: 'Id',
            message: `Order ${missing} was not found or is not readable by the sync user.`,
            fix: expect.any(String),
          },
        ],
      },
    ]);
  });

  it('calls Stripe zero times and writes nothing to Salesforce', () => {
    expect(stripe.requestLog.entries).toEqual([]);
    expect(writes.count()).toBe(0);
  });

  it('reads the org in 2 API calls, plus 3 per order (locate, one composite, product schedules)', async () => {
    const before = client.calls;
    await checkOrg(client);
    expect(client.calls - before).toBe(2);
    const withOrders = client.calls;
    await checkOrg(client, { orderIds: ids('S1', 'S7', 'S14') });
    expect(client.calls - withOrders).toBe(2 + 3 * 3);
  });
});
