/**
 * The sample CPQ org covers the scenarios of spec §5 with data shaped as CPQ leaves it (spec §3),
 * relative dates follow the given "today", and the records parse with the core's models.
 */
import { Order, OrderItem } from '../../../plugin/src/core/records/models.js';
import { parseDate } from '../../../plugin/src/core/dates.js';
import {
  DEFAULT_FORCE_APP_DIR,
  EmulatedOrg,
  SAMPLE_SCENARIOS,
  sampleOrgFixture,
  seedSampleOrg,
  type SampleOrg,
} from '@stripe-cpq/salesforce-org-emulator';

const TODAY = parseDate('2031-05-20')!;
const org = new EmulatedOrg({ now: () => new Date('2031-05-20T10:00:00Z') });
org.loadMetadataDir(DEFAULT_FORCE_APP_DIR);
const sample: SampleOrg = seedSampleOrg(org, TODAY);

const order = (scenario: string) => {
  const found = sample.orders.find((o) => o.scenario === scenario);
  if (!found) throw new Error(`no sample order for ${scenario}`);
  return found;
};
const lines = (scenario: string) =>
  org.query(
    `SELECT Quantity, UnitPrice, ServiceDate, EndDate, SBQQ__Activated__c, SBQQ__BillingFrequency__c, SBQQ__ProrateMultiplier__c, SBQQ__SubscriptionTerm__c, SBQQ__DimensionType__c, SBQQ__SegmentIndex__c, SBQQ__SegmentKey__c, SBQQ__RevisedOrderProduct__c, Skip_Line_Item__c, Product2.Name FROM OrderItem WHERE OrderId = '${order(scenario).orderId}' ORDER BY CreatedDate`,
  );

describe('the sample CPQ org', () => {
  it('has one described order per listed scenario, with its order number', () => {
    // S15, a EUR order, needs a multi-currency org; this one has a single currency, as a new org does.
    expect(sample.orders.map((o) => o.scenario).sort()).toEqual(
      Object.keys(SAMPLE_SCENARIOS)
        .filter((s) => s !== 'S15')
        .sort(),
    );
    for (const o of sample.orders) {
      expect(o.description).toBe(SAMPLE_SCENARIOS[o.scenario as keyof typeof SAMPLE_SCENARIOS]);
      expect(org.store.require(o.orderId).OrderNumber).toBe(o.orderNumber);
    }
  });

  it('dates timing scenarios from today and keeps the others fixed (S1, S2, S3, S36)', () => {
    const start = (scenario: string) => org.store.require(order(scenario).quoteId).SBQQ__StartDate__c;
    expect(start('S1')).toBe('2030-03-01');
    expect(start('S2')).toBe('2031-05-20');
    expect(start('S3')).toBe('2031-03-20');
    expect(start('S36')).toBe('2031-05-20');
  });

  it('prices lines as CPQ does: list × term ÷ default term, less discounts (S1, S2, S6, S13)', () => {
    expect(lines('S1')[0]).toMatchObject({
      Quantity: 5,
      UnitPrice: 1200,
      SBQQ__ProrateMultiplier__c: 1,
      EndDate: '2031-02-28',
    });
    expect(lines('S2').map((l) => [l.Product2 && (l.Product2 as { Name: string }).Name, l.UnitPrice])).toEqual([
      ['Seat', 1200],
      ['Setup', 500],
    ]);
    expect(lines('S6')[0]).toMatchObject({ UnitPrice: 1080 });
    expect(lines('S13')[0]).toMatchObject({
      UnitPrice: 1800,
      SBQQ__ProrateMultiplier__c: 1.5,
      SBQQ__SubscriptionTerm__c: 18,
    });
  });

  it('builds the S21 amendment: amendment opportunity on the contract, negative line revising the original', () => {
    // Today is 2031-05-20: the contract started on the 1st of last month, the amendment starts on the 1st of next month.
    expect(org.store.require(order('S21_INITIAL').quoteId).SBQQ__StartDate__c).toBe('2031-04-01');
    const [amendment] = org.query(
      `SELECT Type, Opportunity.SBQQ__AmendedContract__c, SBQQ__Quote__r.SBQQ__StartDate__c, SBQQ__Quote__r.SBQQ__SubscriptionTerm__c FROM Order WHERE Id = '${order('S21').orderId}'`,
    );
    expect(amendment).toMatchObject({
      Type: 'Amendment',
      Opportunity: { SBQQ__AmendedContract__c: sample.contracts.S21 },
      SBQQ__Quote__r: { SBQQ__StartDate__c: '2031-06-01', SBQQ__SubscriptionTerm__c: 10 },
    });
    const initialLine = order('S21_INITIAL').orderItemIds[0];
    expect(lines('S21').map((l) => [l.Quantity, l.SBQQ__RevisedOrderProduct__c])).toEqual([
      [-4, initialLine],
      [5, null],
    ]);
    const [contract] = org.query(
      `SELECT SBQQ__Quote__c, EndDate, (SELECT SBQQ__Quantity__c FROM SBQQ__Subscriptions__r) FROM Contract WHERE Id = '${sample.contracts.S21}'`,
    );
    expect(contract).toMatchObject({
      SBQQ__Quote__c: order('S21_INITIAL').quoteId,
      EndDate: '2032-03-31',
      SBQQ__Subscriptions__r: { totalSize: 1 },
    });
    expect(org.store.require(order('S21_INITIAL').orderId).SBQQ__Contracted__c).toBe(true);
  });

  it('dates the S27 future termination from today: contract started last month, every unit removed six months in', () => {
    const start = (scenario: string) => org.store.require(order(scenario).quoteId).SBQQ__StartDate__c;
    expect([start('S27_INITIAL'), start('S27')]).toEqual(['2031-04-01', '2031-10-01']);
    const initialLine = order('S27_INITIAL').orderItemIds[0];
    expect(lines('S27').map((l) => [l.Quantity, l.SBQQ__RevisedOrderProduct__c])).toEqual([[-2, initialLine]]);
  });

  it('builds the S14 MDQ ramp: three Year segments of one key with their own prices and labels', () => {
    const ramp = lines('S14').filter((l) => l.SBQQ__SegmentKey__c !== null);
    expect(
      ramp.map((l) => [
        l.SBQQ__SegmentIndex__c,
        l.Quantity,
        l.UnitPrice,
        l.ServiceDate,
        l.EndDate,
        l.SBQQ__DimensionType__c,
      ]),
    ).toEqual([
      [1, 10, 1000, '2030-01-01', '2030-12-31', 'Year'],
      [2, 10, 1100, '2031-01-01', '2031-12-31', 'Year'],
      [3, 12, 1200, '2032-01-01', '2032-12-31', 'Year'],
    ]);
    expect(new Set(ramp.map((l) => l.SBQQ__SegmentKey__c)).size).toBe(1);
    const labels = org.query(
      `SELECT SBQQ__SegmentLabel__c FROM SBQQ__QuoteLine__c WHERE SBQQ__Quote__c = '${order('S14').quoteId}' AND SBQQ__SegmentIndex__c != null ORDER BY SBQQ__SegmentIndex__c`,
    );
    expect(labels.map((l) => l.SBQQ__SegmentLabel__c)).toEqual(['Year 1', 'Year 2', 'Year 3']);
  });

  it('attaches coupons (S7), a skipped line (S9) and tiers (S12) through the package objects', () => {
    const [quote] = org.query(
      `SELECT (SELECT Quote_Stripe_Coupon__r.Percent_Off__c, Quote_Stripe_Coupon__r.Duration__c FROM Quote_Stripe_Coupon_Associations__r) FROM SBQQ__Quote__c WHERE Id = '${order('S7').quoteId}'`,
    );
    expect(quote?.Quote_Stripe_Coupon_Associations__r).toMatchObject({
      records: [{ Quote_Stripe_Coupon__r: { Percent_Off__c: 20, Duration__c: 'repeating' } }],
    });
    expect(lines('S9').map((l) => l.Skip_Line_Item__c)).toEqual([false, true, false]);
    const rates = org.query(
      `SELECT SBQQ__UpperBound__c, SBQQ__Price__c FROM SBQQ__OrderItemConsumptionRate__c WHERE SBQQ__OrderItemConsumptionSchedule__r.SBQQ__OrderItem__c = '${order('S12').orderItemIds[0]}' ORDER BY SBQQ__ProcessingOrder__c`,
    );
    expect(rates.map((r) => [r.SBQQ__UpperBound__c, r.SBQQ__Price__c])).toEqual([
      [100, 1],
      [null, 0.5],
    ]);
  });

  it('keeps the documented broken orders broken (S16, S38, S39, S40, unsupported frequency, Custom MDQ)', () => {
    expect(new Set(lines('S16').map((l) => l.SBQQ__BillingFrequency__c))).toEqual(new Set(['Monthly', 'Annual']));
    expect(lines('S38')[0]?.Quantity).toBe(1.5);
    expect(org.store.require(order('S39').quoteId).SBQQ__StartDate__c).toBeNull();
    expect(org.store.require(order('S39_TERM').quoteId).SBQQ__SubscriptionTerm__c).toBeNull();
    expect(lines('S40')[0]?.SBQQ__Activated__c).toBe(false);
    expect(lines('BF')[0]?.SBQQ__BillingFrequency__c).toBe('Invoice Plan');
    expect(lines('MDQ_CUSTOM').some((l) => l.SBQQ__DimensionType__c === 'Custom')).toBe(true);
  });

  it('produces orders and order products the core models accept', () => {
    // CurrencyIsoCode exists in multi-currency orgs only.
    const orderFields = Object.keys(Order.shape).filter((f) => f !== 'attributes' && f !== 'CurrencyIsoCode');
    const itemFields = Object.keys(OrderItem.shape).filter((f) => f !== 'attributes' && f !== 'CurrencyIsoCode');
    for (const row of org.query(`SELECT ${orderFields.join(', ')} FROM Order`))
      expect(() => Order.parse(row)).not.toThrow();
    for (const row of org.query(`SELECT ${itemFields.join(', ')} FROM OrderItem`))
      expect(() => OrderItem.parse(row)).not.toThrow();
  });

  it('exports the same records as fixtures for tests without a server', () => {
    const a = sampleOrgFixture(TODAY);
    const b = sampleOrgFixture(TODAY);
    expect(JSON.stringify(a.records)).toBe(JSON.stringify(b.records));
    expect(a.records.Order?.length).toBe(sample.orders.length);
    expect(a.sample.orders.find((o) => o.scenario === 'S2')?.description).toBe(SAMPLE_SCENARIOS.S2);
  });
});

describe('currencies of the emulated org', () => {
  it('is single-currency by default, like a new org: no CurrencyIsoCode on any object', () => {
    expect(org.query('SELECT IsMultiCurrencyOrganization, DefaultCurrencyIsoCode FROM Organization')[0]).toMatchObject({
      IsMultiCurrencyOrganization: false,
      DefaultCurrencyIsoCode: 'USD',
    });
    const withCurrency = org.schema.allObjects().filter((o) => o.fields.has('currencyisocode'));
    expect(withCurrency.map((o) => o.name)).toEqual([]);
  });

  it('is multi-currency on request: CurrencyIsoCode on the objects of value and the package objects, and S15 in EUR', () => {
    const multi = new EmulatedOrg({ now: () => new Date('2031-05-20T10:00:00Z'), multiCurrency: true });
    multi.loadMetadataDir(DEFAULT_FORCE_APP_DIR);
    const seeded = seedSampleOrg(multi, TODAY);
    expect(multi.query('SELECT IsMultiCurrencyOrganization FROM Organization')[0]?.IsMultiCurrencyOrganization).toBe(
      true,
    );
    for (const object of ['Order', 'OrderItem', 'PricebookEntry', 'SBQQ__Quote__c', 'Quote_Stripe_Coupon__c'])
      expect(multi.schema.findField(object, 'CurrencyIsoCode')).toBeDefined();
    const s15 = seeded.orders.find((o) => o.scenario === 'S15')!;
    expect(
      multi
        .query(`SELECT CurrencyIsoCode FROM OrderItem WHERE OrderId = '${s15.orderId}'`)
        .map((r) => r.CurrencyIsoCode),
    ).toEqual(['EUR']);
  });
});
