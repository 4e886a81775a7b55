/**
 * The sample CPQ org: one order per scenario of spec §5 that the product must handle, plus broken
 * orders for the documented errors. Dates are fixed where the scenario names them and relative to
 * "today" where the scenario is about timing (starting today, backdated, evergreen, and the amendment
 * and termination contracts, so their schedules are live when the amendment reshapes them). Each order is
 * described (scenario id + one line) so the demo can print the list.
 */
import { existsSync } from 'node:fs';
import { addMonths, formatDate, type CalendarDate } from '../dates.js';
import { DEFAULT_FORCE_APP_DIR } from 'plugin-stripe-cpq/lib/cpqSchema/metadataLoader.js';
import { EmulatedOrg } from '../org.js';
import type { JsonRecord } from '../soql/query.js';
import { CpqBuilder, type BuiltOrder, type OrderLineSpec, type OrderSpec, type Product } from './cpqBuilder.js';
import { termEnd, type LineSpec } from './cpqRecords.js';

export interface SampleOrder extends BuiltOrder {
  readonly scenario: string;
  readonly description: string;
  readonly accountId: string;
  readonly orderNumber: string;
}

export interface SampleOrg {
  /** The day relative dates were computed from (`YYYY-MM-DD`). */
  readonly today: string;
  readonly orders: SampleOrder[];
  readonly products: Record<string, Product>;
  /** Contracts by scenario id (amendment and termination). */
  readonly contracts: Record<string, string>;
}

/** Scenario id → the one line the demo prints. */
export const SAMPLE_SCENARIOS = {
  S1: 'New 12-month annual subscription starting 2030-03-01 (5 × Platform at 1,200.00/year)',
  S2: 'Monthly seats starting today plus a one-time setup fee',
  S3: 'Backdated monthly order that started two months ago',
  S5: 'All one-time lines: becomes an invoice, not a subscription',
  S6: 'Seat line with a 10% additional discount (net price below list)',
  S7: 'Stripe coupons: 20% off for 3 months on the quote, $50 off once on a line',
  S9: 'Three recurring lines, the second marked Skip Line Item',
  S11: 'Metered API calls billed in arrears',
  S12: 'Tiered storage through a Slab consumption schedule (0–100 at 1.00, then 0.50)',
  S13: '18-month term of an annual product (backend proration)',
  S14: 'MDQ 3-year ramp (10, 10, 12 seats at 1,000 / 1,100 / 1,200) with support and onboarding',
  S15: 'EUR order of a multi-currency org (seeded only when the org is multi-currency)',
  S16: 'Broken: monthly and annual lines in one order (mixed billing frequencies)',
  S21: 'Amendment from next month of a live contract: 4 fewer Widgets (revising the original line) and 5 new Gadgets',
  S21_INITIAL: 'Initial order of the S21 amendment contract (started last month, 12 months, 10 Widgets)',
  S27: 'Future termination: amendment that removes every unit six months into the contract',
  S27_INITIAL: 'Initial order of the S27 termination contract (started last month, 12 months)',
  S36: 'Evergreen monthly support starting today',
  S38: 'Broken: decimal quantity 1.5',
  S39: 'Broken: quote without a start date',
  S39_TERM: 'Broken: quote without a subscription term',
  S40: 'Broken: order line not activated',
  BF: "Broken: billing frequency 'Invoice Plan' is not supported",
  MDQ_CUSTOM: 'Broken: MDQ line with a Custom price dimension',
} as const;

export type SampleScenario = keyof typeof SAMPLE_SCENARIOS;

/** What a scenario's order says beyond its account and name. */
type ScenarioOrderSpec = Omit<OrderSpec, 'accountId' | 'name'>;

/** One scenario: its id, an account of its own, its order (or how to build it), and what follows the order. */
type ScenarioOrder = readonly [
  scenario: SampleScenario,
  account: string,
  order: ScenarioOrderSpec | ((accountId: string, orderName: string) => BuiltOrder),
  then?: (order: SampleOrder) => void,
];

/** An order from `start` for `term` months of `lines`. */
const at = (start: string | null, term: number | null, ...lines: OrderLineSpec[]): ScenarioOrderSpec => ({
  start,
  term,
  lines,
});

/** `quantity` of `product`, at CPQ's price unless `spec` says otherwise. */
const line = (product: Product, quantity: number, spec: Omit<LineSpec, 'quantity'> = {}): OrderLineSpec => ({
  product,
  quantity,
  ...spec,
});

/** An amendment line's link to the initial order's (first) line it changes. */
const revising = (initial: BuiltOrder) => ({ revises: initial.orderItemIds[0] as string });

/** Inserts the sample org's records into `org`, dating relative scenarios from `today`. */
export function seedSampleOrg(org: EmulatedOrg, today: CalendarDate): SampleOrg {
  const cpq = new CpqBuilder(org);
  const store = org.store;
  const todayText = formatDate(today);
  const monthsFromToday = (n: number): string => formatDate(addMonths(today, n));
  // Contracts start on the 1st so every amendment falls on their day of the month, whatever today is.
  const firstOfMonthFromToday = (n: number): string => formatDate(addMonths({ ...today, day: 1 }, n));
  const has = (object: string, field?: string): boolean =>
    org.schema.hasObject(object) && (!field || org.schema.findField(object, field) !== undefined);

  // CPQ's defaults (completeProductSpec) stand where a product leaves them out: Fixed Price, Renewable,
  // a 12-month default term, billed in Advance.
  const products = {
    platform: cpq.product({
      name: 'Platform',
      listPrice: 1200,
      billingFrequency: 'Annual',
      otherCurrencies: { EUR: 1000 },
    }),
    seat: cpq.product({ name: 'Seat', listPrice: 100, term: 1, billingFrequency: 'Monthly' }),
    basic: cpq.product({ name: 'Basic Monthly', listPrice: 10, term: 1, billingFrequency: 'Monthly' }),
    setup: cpq.product({ name: 'Setup', listPrice: 500 }),
    onboarding: cpq.product({ name: 'Onboarding', listPrice: 2000 }),
    training: cpq.product({ name: 'Training', listPrice: 750 }),
    apiCalls: cpq.product({
      name: 'API Calls',
      listPrice: 0.05,
      term: 1,
      billingFrequency: 'Monthly',
      billingType: 'Arrears',
      chargeType: 'Usage',
    }),
    storage: cpq.product({
      name: 'Storage',
      listPrice: 1,
      term: 1,
      billingFrequency: 'Monthly',
      billingType: 'Arrears',
      chargeType: 'Usage',
    }),
    ramp: cpq.product({ name: 'Ramp', listPrice: 1000, billingFrequency: 'Annual' }),
    support: cpq.product({ name: 'Support', listPrice: 500, billingFrequency: 'Annual' }),
    widget: cpq.product({ name: 'Widget', listPrice: 10, term: 1, billingFrequency: 'Monthly' }),
    gadget: cpq.product({ name: 'Gadget', listPrice: 20, term: 1, billingFrequency: 'Monthly' }),
    evergreen: cpq.product({
      name: 'Evergreen Support',
      listPrice: 50,
      subscriptionType: 'Evergreen',
      term: 1,
      billingFrequency: 'Monthly',
    }),
    invoicePlan: cpq.product({ name: 'Invoice Plan Service', listPrice: 300, billingFrequency: 'Invoice Plan' }),
  };

  const orders: SampleOrder[] = [];
  const contracts: Record<string, string> = {};
  const name = (scenario: SampleScenario): string =>
    `${scenario.replace('_', ' ')}: ${SAMPLE_SCENARIOS[scenario]}`.slice(0, 80);
  const sampleOrder = (scenario: SampleScenario, accountId: string, built: BuiltOrder): SampleOrder => {
    const sample = { ...built, scenario, description: SAMPLE_SCENARIOS[scenario], accountId, orderNumber: '' };
    orders.push(sample);
    return sample;
  };
  /** Contracts `initial` (from the 1st of last month, for 12 months) and adds the amendment `scenario` on it. */
  const amend = (scenario: 'S21' | 'S27', initial: SampleOrder, amendment: ScenarioOrderSpec): void => {
    const contractId = cpq.contract(initial, initial.accountId, firstOfMonthFromToday(-1), 12);
    contracts[scenario] = contractId;
    const { accountId } = initial;
    const built = cpq.order({
      accountId,
      name: name(scenario),
      type: 'Amendment',
      amendedContractId: contractId,
      ...amendment,
    });
    sampleOrder(scenario, accountId, built);
  };

  // One row a scenario, in this order (record Ids and order numbers follow it): scenario, account, order (or
  // how to build it), and what follows the order.
  const { platform, seat, basic, setup, onboarding, training, apiCalls, storage, widget, gadget } = products;
  const ramp = (dimensionType: 'Year' | 'Custom') => (accountId: string, orderName: string) =>
    seedRamp(org, cpq, accountId, orderName, products, dimensionType);
  const skipped = has('OrderItem', 'Skip_Line_Item__c') ? { orderItem: { Skip_Line_Item__c: true } } : {};
  const draft = { orderItem: { SBQQ__Activated__c: false, SBQQ__Status__c: 'Draft' } };
  const lastMonth = firstOfMonthFromToday(-1);
  const scenarios: ScenarioOrder[] = [
    ['S1', 'Acme', at('2030-03-01', 12, line(platform, 5))],
    ['S2', 'Bluebird Seats', at(todayText, 12, line(seat, 3), line(setup, 1))],
    ['S3', 'Copperline', at(monthsFromToday(-2), 12, line(basic, 1))],
    ['S5', 'Driftwood Services', at('2030-05-01', 12, line(onboarding, 1), line(training, 2))],
    ['S6', 'Evergood Retail', at('2030-04-01', 12, line(seat, 4, { discount: 10 }))],
    ['S7', 'Fjord Coupons', at('2030-04-01', 12, line(seat, 2)), (s7) => seedCoupons(org, cpq, s7)],
    ['S9', 'Granite Skip', at('2030-04-01', 12, line(seat, 2), line(basic, 1, skipped), line(widget, 3))],
    ['S11', 'Harbor Metered', at('2030-04-01', 12, line(apiCalls, 1))],
    [
      'S12',
      'Ironwood Storage',
      at('2030-04-01', 12, line(storage, 1, { unitPrice: 1 })),
      (s12) => seedTiers(org, storage.id, s12.orderItemIds[0] as string),
    ],
    ['S13', 'Juniper Annual', at('2030-01-01', 18, line(platform, 1))],
    ['S14', 'Kestrel Ramp', ramp('Year')],
    // A EUR order needs a multi-currency org; a single-currency org has no S15.
    ...(org.schema.multiCurrency
      ? [['S15', 'Europa GmbH', { ...at('2030-06-01', 12, line(platform, 2)), currency: 'EUR' }] as const]
      : []),
    ['S16', 'Lumen Mixed', at('2030-04-01', 12, line(seat, 1), line(platform, 1))],
    [
      'S21_INITIAL',
      'Meridian Amend',
      at(lastMonth, 12, line(widget, 10)),
      (initial) =>
        amend('S21', initial, at(firstOfMonthFromToday(1), 10, line(widget, -4, revising(initial)), line(gadget, 5))),
    ],
    [
      'S27_INITIAL',
      'Northwind Termination',
      at(lastMonth, 12, line(platform, 2)),
      (initial) => amend('S27', initial, at(firstOfMonthFromToday(5), 6, line(platform, -2, revising(initial)))),
    ],
    ['S36', 'Oakridge Evergreen', at(todayText, 1, line(products.evergreen, 1))],
    ['S38', 'Pinecrest Decimal', at('2030-04-01', 12, line(seat, 1.5))],
    ['S39', 'Quarry No Start', at(null, 12, line(seat, 1))],
    ['S39_TERM', 'Quarry No Term', at('2030-04-01', null, line(seat, 1, { term: 12 }))],
    ['S40', 'Redwood Inactive', at('2030-04-01', 12, line(seat, 1, draft))],
    ['BF', 'Sequoia Invoice Plan', at('2030-04-01', 12, line(products.invoicePlan, 1))],
    ['MDQ_CUSTOM', 'Tamarack Custom MDQ', ramp('Custom')],
  ];
  for (const [scenario, account, order, then] of scenarios) {
    const accountId = cpq.account(account);
    const built =
      typeof order === 'function'
        ? order(accountId, name(scenario))
        : cpq.order({ accountId, name: name(scenario), ...order });
    const sample = sampleOrder(scenario, accountId, built);
    then?.(sample);
  }
  // Amendment orders get their numbers after insertion; fill them in for the printed list.
  const withNumbers = orders.map((o) => ({ ...o, orderNumber: String(store.require(o.orderId).OrderNumber) }));
  return { today: todayText, orders: withNumbers, products, contracts };
}

/** S7: a 20 % coupon for 3 months on the quote and $50 off once on its line, when the package's coupon objects are in. */
function seedCoupons(org: EmulatedOrg, cpq: CpqBuilder, s7: BuiltOrder): void {
  const objects = [
    'Quote_Stripe_Coupon__c',
    'Quote_Stripe_Coupon_Association__c',
    'Quote_Line_Stripe_Coupon_Association__c',
  ];
  if (!objects.every((object) => org.schema.hasObject(object))) return;
  const store = org.store;
  const launch = store.insert('Quote_Stripe_Coupon__c', {
    Name: 'Launch',
    Name__c: 'Launch',
    Percent_Off__c: 20,
    Duration__c: 'repeating',
    Duration_In_Months__c: 3,
  });
  const fifty = store.insert('Quote_Stripe_Coupon__c', {
    Name: '$50 off',
    Name__c: '$50 off',
    Amount_Off__c: 50,
    Duration__c: 'once',
    ...cpq.currencyFields(org.defaultCurrency),
  });
  store.insert('Quote_Stripe_Coupon_Association__c', { Quote__c: s7.quoteId, Quote_Stripe_Coupon__c: launch });
  store.insert('Quote_Line_Stripe_Coupon_Association__c', {
    Quote_Line__c: s7.quoteLineIds[0],
    Quote_Stripe_Coupon__c: fifty,
  });
}

/** S12: a Slab schedule on the product (0–100 at 1.00, 100+ at 0.50) and its copy on the order line. */
function seedTiers(org: EmulatedOrg, productId: string, orderItemId: string): void {
  const store = org.store;
  const scheduleId = store.insert('ConsumptionSchedule', {
    Name: 'Storage tiers',
    Type: 'Slab',
    RatingMethod: 'Tier',
    BillingTerm: 1,
    BillingTermUnit: 'Month',
    IsActive: true,
    UnitOfMeasure: 'GB',
  });
  store.insert('ProductConsumptionSchedule', { ProductId: productId, ConsumptionScheduleId: scheduleId });
  const lineSchedule = store.insert('SBQQ__OrderItemConsumptionSchedule__c', {
    SBQQ__OrderItem__c: orderItemId,
    SBQQ__ConsumptionSchedule__c: scheduleId,
    SBQQ__Type__c: 'Slab',
    SBQQ__RatingMethod__c: 'Tier',
    SBQQ__Category__c: 'Rates',
    SBQQ__BillingTerm__c: 1,
    SBQQ__BillingTermUnit__c: 'Month',
  });
  const rates = [
    { lower: 0, upper: 100, price: 1 },
    { lower: 100, upper: null, price: 0.5 },
  ];
  rates.forEach((rate, i) => {
    store.insert('ConsumptionRate', {
      ConsumptionScheduleId: scheduleId,
      LowerBound: rate.lower,
      UpperBound: rate.upper,
      PricingMethod: 'PerUnit',
      Price: rate.price,
      ProcessingOrder: i + 1,
    });
    store.insert('SBQQ__OrderItemConsumptionRate__c', {
      SBQQ__OrderItemConsumptionSchedule__c: lineSchedule,
      SBQQ__LowerBound__c: rate.lower,
      SBQQ__UpperBound__c: rate.upper,
      SBQQ__PricingMethod__c: 'PerUnit',
      SBQQ__Price__c: rate.price,
      SBQQ__ProcessingOrder__c: i + 1,
    });
  });
}

/** S14: 3 yearly segments of Ramp from 2030-01-01, plus 36 months of annual Support and one-time Onboarding. */
function seedRamp(
  org: EmulatedOrg,
  cpq: CpqBuilder,
  accountId: string,
  orderName: string,
  products: Record<string, Product>,
  dimensionType: 'Year' | 'Custom',
): BuiltOrder {
  const ramp = products.ramp as Product;
  const dimension = org.store.insert('SBQQ__Dimension__c', {
    Name: dimensionType === 'Year' ? 'Yearly' : 'Custom segments',
    SBQQ__Product__c: ramp.id,
    SBQQ__Type__c: dimensionType,
  });
  const key = `ramp-${dimension}`;
  const segments = [
    { index: 1, quantity: 10, price: 1000, start: '2030-01-01' },
    { index: 2, quantity: 10, price: 1100, start: '2031-01-01' },
    { index: 3, quantity: 12, price: 1200, start: '2032-01-01' },
  ];
  return cpq.order({
    accountId,
    name: orderName,
    start: '2030-01-01',
    term: 36,
    lines: [
      { product: products.support as Product, quantity: 1 },
      ...segments.map((s) => ({
        product: ramp,
        quantity: s.quantity,
        unitPrice: s.price,
        segment: {
          key,
          index: s.index,
          label: `Year ${s.index}`,
          start: s.start,
          end: termEnd(s.start, 12),
          dimension,
          dimensionType,
        },
      })),
      { product: products.onboarding as Product, quantity: 1 },
    ],
  });
}

/**
 * The sample org's records as the REST API returns them, by object: fixtures for tests that need
 * CPQ data without a server. Same `today` and package metadata, same records (Ids included).
 */
export function sampleOrgFixture(
  today: CalendarDate,
  options: { now?: Date; forceAppDir?: string | false } = {},
): { sample: SampleOrg; records: Record<string, JsonRecord[]> } {
  const now = options.now ?? new Date(Date.UTC(today.year, today.month - 1, today.day, 12));
  const org = new EmulatedOrg({ now: () => now });
  const forceAppDir = options.forceAppDir ?? DEFAULT_FORCE_APP_DIR;
  if (forceAppDir !== false && existsSync(forceAppDir)) org.loadMetadataDir(forceAppDir);
  const sample = seedSampleOrg(org, today);
  const records: Record<string, JsonRecord[]> = {};
  for (const object of org.schema.allObjects()) {
    if (org.store.count(object.name) === 0) continue;
    records[object.name] = org.query(
      `SELECT ${[...object.fields.values()].map((f) => f.name).join(', ')} FROM ${object.name} ORDER BY CreatedDate`,
    );
  }
  return { sample, records };
}
