// The mapping engine (spec §2.2) and what rides on it: precedence, Salesforce paths across parent
// lookups, "true"/"false" coercion, payment terms → days_until_due (§2.6.6), metadata conventions (§2.13).
import { GraphIndex, parseGraph } from '../../plugin/src/core/records/graph.js';
import {
  applyMappings,
  coerceMappedValue,
  MappingConfig,
  resolveSalesforcePath,
  toNestedParams,
} from '../../plugin/src/core/mappings/mappings.js';
import {
  metadataObjectName,
  metadataPrefix,
  metadataProblems,
  recordMetadata,
} from '../../plugin/src/core/mappings/metadata.js';
import { daysUntilDue } from '../../plugin/src/core/newOrders/paymentTerms.js';
import { planOrderSync } from '../../plugin/src/core/plan/planner.js';
import { OrderBuilder, syncContext } from './orderFixture.js';
import { errorsOf, only } from './planHelpers.js';

const order = { type: 'Order', id: '801000000000001AAA' };

function s8Order(paymentTerm: string) {
  const b = new OrderBuilder({
    start: '2030-03-01',
    term: 12,
    account: { Region__c: 'EMEA' },
    order: { SBQQ__PaymentTerm__c: paymentTerm },
  });
  b.line(b.product({ name: 'Platform', billingFrequency: 'Annual', listPrice: 1200 }), {
    quantity: 1,
    unitPrice: 1200,
  });
  const mappings = MappingConfig.parse({
    fieldMappings: {
      subscription_schedule: {
        'metadata.example_field': 'OrderNumber',
        'metadata.account_region': 'Account.Region__c',
        'default_settings.invoice_settings.days_until_due': 'SBQQ__PaymentTerm__c',
      },
    },
    fieldDefaults: {
      customer: { 'metadata.Source': 'Salesforce' },
      subscription_schedule: { 'default_settings.collection_method': 'send_invoice' },
    },
  });
  const plan = () =>
    planOrderSync({
      graph: b.graph(),
      state: {},
      context: syncContext('2030-01-15T12:00:00Z', {}, mappings),
      orderId: b.order.Id,
    });
  return { b, plan };
}

describe('S8 — custom field mappings and defaults', () => {
  it('maps order and parent-account fields into schedule metadata, a static default onto the customer, and Net 30 to 30 days', () => {
    const { b, plan } = s8Order('Net 30');
    const result = plan();
    const schedule = only(result, 'subscriptionSchedules.create').params;
    expect(schedule.metadata).toEqual({
      salesforce_order_id: b.order.Id,
      salesforce_order_link: `https://acme.my.salesforce.com/${b.order.Id}`,
      example_field: '00000123',
      account_region: 'EMEA',
    });
    expect(schedule.default_settings).toEqual({
      collection_method: 'send_invoice',
      invoice_settings: { days_until_due: 30 },
    });
    expect(only(result, 'customers.create').params.metadata).toMatchObject({ Source: 'Salesforce' });
  });

  it("keeps the schedule's mapped metadata off its phases, as the reference does (recording test_translate_order__integrates_a_standard_subscription_order)", () => {
    const { b, plan } = s8Order('Net 30');
    const [phase] = only(plan(), 'subscriptionSchedules.create').params.phases ?? [];
    expect(phase?.metadata).toEqual({
      salesforce_order_id: b.order.Id,
      salesforce_order_link: `https://acme.my.salesforce.com/${b.order.Id}`,
    });
  });

  it.each([
    ['Net-45', 45],
    ['60', 60],
  ])('payment term %s → %i days', (term, days) => {
    expect(
      only(s8Order(term).plan(), 'subscriptionSchedules.create').params.default_settings?.invoice_settings
        ?.days_until_due,
    ).toBe(days);
  });

  it('Net 20 is the reference error, on the order', () => {
    const [error] = errorsOf(s8Order('Net 20').plan);
    expect([error?.resolutionMessage, error?.record.type]).toEqual([
      'Data Error: Recieved unexpected days_until_due option: Net 20',
      'Order',
    ]);
  });
});

describe('payment terms → days_until_due (spec §2.6.6, decision q16)', () => {
  it.each([
    [30, 30],
    [45.0, 45],
    ['15', 15],
    ['Net 90', 90],
    ['Due on Receipt', 0],
  ])('%p → %p', (value, days) => {
    expect(daysUntilDue(value, order, 'SBQQ__PaymentTerm__c', true)).toBe(days);
  });

  it('"Due on Receipt" is the documented error when zero-day terms are switched off', () => {
    expect(() => daysUntilDue('Due on Receipt', order, 'SBQQ__PaymentTerm__c', false)).toThrow(
      'Unsupported field value for days_until_due: Due on Receipt',
    );
  });

  it.each([[-1], [2.5], ['soon']])('refuses %p', (value) => {
    expect(() => daysUntilDue(value, order, 'SBQQ__PaymentTerm__c', true)).toThrow(/days_until_due/);
  });
});

describe('mapping engine', () => {
  const b = new OrderBuilder({
    start: '2030-03-01',
    term: 12,
    account: { Tax_Exempt__c: ' TRUE ', Phone: '555-0100' },
  });
  b.line(b.product({ name: 'Platform', billingFrequency: 'Annual', listPrice: 1200 }), {
    quantity: 1,
    unitPrice: 1200,
  });
  const { graph } = parseGraph(b.graph());
  const index = new GraphIndex(graph);
  const orderRecord = graph.orders[0]!;
  const account = graph.accounts[0]!;

  it('reads across 1:1 parent lookups (Account → AccountId, SBQQ__Quote__c) and gives null for broken links', () => {
    expect(resolveSalesforcePath(index, orderRecord, 'Account.Name')).toBe('Acme');
    expect(resolveSalesforcePath(index, orderRecord, 'SBQQ__Quote__c.SBQQ__StartDate__c')).toBe('2030-03-01');
    expect(resolveSalesforcePath(index, orderRecord, 'Opportunity.CloseDate')).toBeNull();
    expect(resolveSalesforcePath(index, orderRecord, 'No_Such_Field__c')).toBeNull();
  });

  it('applies required → shipped defaults → user defaults → user mappings, later layers winning', () => {
    const config = MappingConfig.parse({
      fieldDefaults: { customer: { phone: '000', description: 'static' } },
      fieldMappings: { customer: { phone: 'Phone' } },
    });
    const { fields } = applyMappings('customer', account, index, config);
    expect([fields.name, fields.phone, fields.description]).toEqual(['Acme', '555-0100', 'static']);
  });

  it('lists required paths that resolved to null', () => {
    const quote = { ...graph.quotes[0]!, SBQQ__StartDate__c: null };
    const bare = new GraphIndex({ ...graph, quotes: [quote] });
    expect(applyMappings('subscription_schedule', orderRecord, bare, MappingConfig.parse({})).missing).toEqual([
      'SBQQ__Quote__c.SBQQ__StartDate__c',
    ]);
  });

  it('coerces "true"/"false" text (any case, padded) to booleans', () => {
    const config = MappingConfig.parse({ fieldMappings: { customer: { 'metadata.exempt': 'Tax_Exempt__c' } } });
    expect(applyMappings('customer', account, index, config).fields['metadata.exempt']).toBe(true);
    expect([coerceMappedValue('False'), coerceMappedValue('yes'), coerceMappedValue('')]).toEqual([false, 'yes', null]);
  });

  it('ignores sbc_termination.* keys in normal mapping', () => {
    const config = MappingConfig.parse({
      fieldDefaults: { subscription_item: { 'sbc_termination.metadata.reason': 'churn' } },
    });
    expect(applyMappings('subscription_item', graph.orderItems[0]!, index, config).fields).not.toHaveProperty(
      'sbc_termination.metadata.reason',
    );
  });

  it('nests dot-paths and leaves nulls out', () => {
    expect(toNestedParams({ 'address.line1': 'x', 'address.city': null, name: 'n' })).toEqual({
      address: { line1: 'x' },
      name: 'n',
    });
  });

  it('rejects a mapping config with a bad key or path, naming it', () => {
    expect(() => MappingConfig.parse({ fieldMappings: { customer: { name: 'Account..Name' } } })).toThrow(
      /Salesforce field path/,
    );
    expect(() => MappingConfig.parse({ fieldMappings: { invoices: {} } })).toThrow();
  });
});

describe('metadata conventions (spec §2.13)', () => {
  it('names objects the reference way', () => {
    expect(
      [
        'Order',
        'OrderItem',
        'Product2',
        'PricebookEntry',
        'SBQQ__OrderItemConsumptionSchedule__c',
        'Order_Stripe_Coupon__c',
      ].map(metadataObjectName),
    ).toEqual(['order', 'order_item', 'product2', 'pricebook_entry', 'oi_consumption_schedule', 'order_stripe_coupon']);
  });

  it('uses salesforce_sandbox_ only for a sandbox org writing to live Stripe', () => {
    const base = { instanceUrl: 'https://x.my.salesforce.com/' };
    expect(metadataPrefix({ ...base, sandbox: true, livemode: true })).toBe('salesforce_sandbox_');
    expect(metadataPrefix({ ...base, sandbox: true, livemode: false })).toBe('salesforce_');
    expect(recordMetadata(order, { ...base, sandbox: false, livemode: true })).toEqual({
      salesforce_order_id: order.id,
      salesforce_order_link: `https://x.my.salesforce.com/${order.id}`,
    });
  });

  it("reports every breach of Stripe's limits: 50 keys, 40-character keys, 500-character values", () => {
    const metadata = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    metadata['a_key_that_is_much_longer_than_forty_characters'] = 'v';
    metadata.long = 'x'.repeat(501);
    expect(metadataProblems(metadata, order, 'customer').map((e) => e.message)).toEqual([
      'The Stripe customer would get 53 metadata keys; Stripe allows 50.',
      'The metadata key "a_key_that_is_much_longer_than_forty_characters" on the Stripe customer is longer than 40 characters or contains square brackets.',
      'The metadata value for "long" on the Stripe customer is 501 characters; Stripe allows 500.',
    ]);
  });
});
