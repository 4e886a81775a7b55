/**
 * The billing summary builder (core/billingSummary): exact money, coupons, calendars, currencies; and the
 * Order card's jest fixtures are this builder's output and pass the zod schema the relay writes with, so
 * the card is tested on the very shape it will read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import type Stripe from 'stripe';
import { previewBillingSummary } from '../../plugin/src/core/billingSummary/preview.js';
import type { StripeState } from '../../plugin/src/core/plan/context.js';
import type { SyncPlan } from '../../plugin/src/core/plan/plan.js';
import {
  billingPreviewSchema,
  billingSummarySchema,
  parseBillingSummary,
  summaryFieldText,
  type BillingSummary,
} from '../../plugin/src/core/billingSummary/schema.js';
import {
  summariseBilling,
  type BillingShape,
  type CouponFacts,
  type PriceFacts,
} from '../../plugin/src/core/billingSummary/summarise.js';
import { Decimal } from '../../plugin/src/core/money.js';
import { ts } from '../support/time.js';

const LWC = new URL('../../force-app/main/default/lwc/', import.meta.url);
const fixture = (bundle: string, name: string): unknown =>
  JSON.parse(readFileSync(new URL(`${bundle}/__tests__/data/${name}`, LWC), 'utf8'));
const fixtures = (bundle: string) =>
  readdirSync(new URL(`${bundle}/__tests__/data/`, LWC)).map((name) => [name, fixture(bundle, name)] as const);

const ASOF = ts('2030-01-15');
const LINK = 'https://invoice.stripe.com/i/acct_test/test_YWNjdF9pbnZvaWNl';

/** Prices by id `<product>|<minor unit amount>|<interval>|<count>` (usage-priced: no amount). */
const price = (id: string): PriceFacts => {
  const [product = '', unit, interval, count] = id.split('|');
  return {
    product,
    unitAmount: unit ? new Decimal(unit) : undefined,
    recurring: interval ? { interval: interval as 'month', intervalCount: Number(count ?? 1) } : null,
  };
};
const COUPONS: Record<string, CouponFacts> = {
  launch: {
    name: 'Launch discount',
    percentOff: new Decimal(10),
    amountOff: null,
    duration: 'forever',
    durationInMonths: null,
  },
  quarter: {
    name: 'First quarter credit',
    percentOff: null,
    amountOff: new Decimal(10000),
    duration: 'repeating',
    durationInMonths: 3,
  },
  support: {
    name: 'Support at half price',
    percentOff: new Decimal(50),
    amountOff: null,
    duration: 'forever',
    durationInMonths: null,
  },
  onboarding: {
    name: 'Onboarding credit',
    percentOff: null,
    amountOff: new Decimal(20000),
    duration: 'once',
    durationInMonths: null,
  },
  firstMonth: {
    name: 'First month free',
    percentOff: new Decimal(100),
    amountOff: null,
    duration: 'once',
    durationInMonths: null,
  },
};

function build(shape: Partial<BillingShape> & Pick<BillingShape, 'kind' | 'phases'>): BillingSummary {
  return summariseBilling({
    source: 'stripe',
    currency: 'usd',
    stripeId: null,
    now: ASOF,
    latestInvoice: null,
    price,
    coupon: (id) => COUPONS[id]!,
    ...shape,
  });
}
/** An item: `[price, quantity]`, with the line's own coupons as a third entry. */
type Item = [string, number] | [string, number, string[]];
const itemRef = ([p, quantity, coupons]: Item) => ({ price: p, quantity, ...(coupons ? { coupons } : {}) });
const phase = (
  start: string,
  end: string | null,
  items: Item[],
  extra: { oneTime?: Item[]; coupons?: string[] } = {},
) => ({
  start: ts(start),
  end: end ? ts(end) : null,
  items: items.map(itemRef),
  oneTimeItems: (extra.oneTime ?? []).map(itemRef),
  coupons: extra.coupons ?? [],
});
const invoice = (status: string, amountDue: number, total: number) => ({ status, amountDue, total, paymentLink: LINK });

describe('billing summary builder', () => {
  it.each([
    [
      'scheduled.json',
      {
        kind: 'scheduled',
        stripeId: 'sub_sched_1Scheduled',
        latestInvoice: invoice('open', 175000, 175000),
        phases: [
          phase(
            '2030-01-01',
            '2031-01-01',
            [
              ['Platform Seat|10000|month', 10],
              ['Support Plan|25000|month', 1],
            ],
            { oneTime: [['Onboarding|50000', 1]] },
          ),
        ],
      },
    ],
    [
      'evergreen.json',
      {
        kind: 'evergreen',
        stripeId: 'sub_1Evergreen',
        latestInvoice: invoice('paid', 0, 49500),
        phases: [phase('2030-01-01', null, [['Analytics Add-on|9900|month', 5]])],
      },
    ],
    [
      'oneTime.json',
      {
        kind: 'one-time',
        stripeId: 'in_1OneTime',
        latestInvoice: invoice('open', 460000, 460000),
        phases: [],
        oneTimeItems: [
          { price: 'Implementation Services|15000', quantity: 20 },
          { price: 'Training Day|80000', quantity: 2 },
        ],
      },
    ],
    [
      'oneTimeCoupons.json',
      {
        kind: 'one-time',
        stripeId: 'in_1OneTimeCoupons',
        latestInvoice: invoice('open', 396000, 396000),
        phases: [],
        // 20 × 150 less 200 off the line, plus 2 × 800: 4,400; then 10 % off the invoice: 3,960.
        oneTimeItems: [
          { price: 'Implementation Services|15000', quantity: 20, coupons: ['onboarding'] },
          { price: 'Training Day|80000', quantity: 2 },
        ],
        invoiceCoupons: ['launch'],
      },
    ],
    [
      'amended.json',
      {
        kind: 'scheduled',
        stripeId: 'sub_sched_1Amended',
        latestInvoice: invoice('paid', 0, 100000),
        phases: [
          phase('2030-01-01', '2030-07-01', [['Platform Seat|10000|month', 10]]),
          phase('2030-07-01', '2030-10-01', [['Platform Seat|10000|month', 15]]),
          phase('2030-10-01', '2031-01-01', [
            ['Platform Seat|10000|month', 15],
            ['Support Plan|25000|month', 1],
          ]),
        ],
      },
    ],
    [
      'mdqRamp.json',
      {
        kind: 'scheduled',
        stripeId: 'sub_sched_1MdqRamp',
        latestInvoice: invoice('open', 1200000, 1200000),
        phases: [
          phase('2030-01-01', '2031-01-01', [['Data Platform (ramp)|12000|month|12', 100]]),
          phase('2031-01-01', '2032-01-01', [['Data Platform (ramp)|11000|year|1', 200]]),
          phase('2032-01-01', '2033-01-01', [['Data Platform (ramp)|10000|year|1', 300]]),
        ],
      },
    ],
    [
      'coupons.json',
      {
        kind: 'scheduled',
        stripeId: 'sub_sched_1Coupons',
        phases: [
          phase(
            '2030-01-01',
            '2031-01-01',
            [
              ['Platform Seat|10000|month', 10],
              ['Support Plan|25000|month', 1, ['support']],
            ],
            { oneTime: [['Onboarding|50000', 1, ['onboarding']]], coupons: ['launch', 'quarter'] },
          ),
        ],
      },
    ],
    [
      'multiCurrency.json',
      {
        kind: 'scheduled',
        currency: 'jpy',
        stripeId: 'sub_sched_1Yen',
        latestInvoice: invoice('open', 120000, 120000),
        phases: [phase('2030-01-01', '2031-01-01', [['Platform Seat|12000|month', 10]])],
      },
    ],
  ] as const)('builds the card fixture %s from its Stripe-shaped billing', (name, shape) => {
    const built = build(shape as unknown as Parameters<typeof build>[0]);
    // The MDQ fixture's first price is sent as 12 months: shown as the year it is.
    expect(built).toEqual({ ...(fixture('stripeBillingSummary', name) as object), asOf: '2030-01-15T00:00:00.000Z' });
  });

  it('takes line-level coupons off their own line first, then the order-level coupons off the invoice, each while it lasts', () => {
    const summary = build({
      kind: 'scheduled',
      phases: [
        phase(
          '2030-01-01',
          '2031-01-01',
          [
            ['Platform Seat|10000|month', 10],
            ['Support Plan|25000|month', 1, ['support']],
          ],
          { oneTime: [['Onboarding|50000', 1, ['onboarding']]], coupons: ['launch', 'quarter'] },
        ),
      ],
    });
    const [only] = summary.phases;
    expect(only!.items.map((i) => [i.product, i.amount, i.coupons.map((c) => c.name)])).toEqual([
      ['Platform Seat', '1000.00', []],
      ['Support Plan', '250.00', ['Support at half price']],
    ]);
    expect(only!.oneTimeItems[0]!.coupons).toEqual([
      { name: 'Onboarding credit', percentOff: null, amountOff: '200.00', duration: 'once', durationInMonths: null },
    ]);
    expect(only!.coupons.map((c) => c.name)).toEqual(['Launch discount', 'First quarter credit']);
    // A month: 1000 + 250 × 50 % = 1125, less 10 % = 1012.50; January also bills onboarding 500 − 200 = 300 (× 90 % = 270);
    // January to March lose the $100 quarter credit: 1182.50 + 2 × 912.50 + 9 × 1012.50 = 12120.00.
    expect(only!.total).toBe('12120.00');
    expect(summary.tcv).toBe('12120.00');
    expect(summary.nextInvoice).toEqual({ date: '2030-02-01', amount: '912.50' });
    expect(summary.mrr).toBe('1012.50');
  });

  it('a line coupon that lasts once takes its percentage off the first invoice only', () => {
    const summary = build({
      kind: 'scheduled',
      phases: [
        phase('2030-01-01', '2030-04-01', [
          ['Seat|1000|month', 1, ['firstMonth']],
          ['Support|500|month', 1],
        ]),
      ],
    });
    // January bills the support only (5.00); February and March bill both (15.00 each).
    expect(summary.phases[0]!.total).toBe('35.00');
    expect(summary.nextInvoice).toEqual({ date: '2030-02-01', amount: '15.00' });
    expect(summary.mrr).toBe('15.00');
  });

  it('keeps money exact: fractional unit amounts are summed before rounding once, half up, to the minor unit', () => {
    // 3 × 33.3333…¢ a month: 99.9999…¢ → $1.00 a month, $12.00 over the year (never 0.99 × 12).
    const summary = build({
      kind: 'scheduled',
      phases: [phase('2030-01-01', '2031-01-01', [['Thirds|33.333333333333|month', 3]])],
    });
    expect(summary.phases[0]!.items[0]!.amount).toBe('1.00');
    expect(summary.phases[0]!.total).toBe('12.00');
  });

  it('counts usage-priced items in no total, and shows their amount as null', () => {
    const summary = build({
      kind: 'scheduled',
      phases: [
        phase('2030-02-01', '2030-05-01', [
          ['API Calls', 1],
          ['Seat|1000|month', 2],
        ]),
      ],
    });
    expect(summary.phases[0]!.items.map((i) => i.amount)).toEqual([null, '20.00']);
    expect(summary.phases[0]!.total).toBe('60.00');
    expect(summary.mrr).toBe('20.00');
  });

  it('bills each interval on its own calendar: a quarterly and a monthly item in one phase', () => {
    const summary = build({
      kind: 'scheduled',
      phases: [
        phase('2030-01-31', '2030-07-31', [
          ['Monthly|1000|month', 1],
          ['Quarterly|6000|month|3', 1],
        ]),
      ],
    });
    // Month ends clamp (Jan 31 → Feb 28) and the quarterly item bills on Jan 31 and Apr 30.
    expect(summary.phases[0]!.total).toBe('180.00');
    expect(summary.nextInvoice).toEqual({ date: '2030-01-31', amount: '70.00' });
    // Before the phase starts (now is the 15th), the MRR is its: 10.00 a month + 60.00 a quarter.
    expect(summary.mrr).toBe('30.00');
  });

  it('finds the phase in force for the MRR and the next invoice once billing has begun', () => {
    const summary = build({
      kind: 'scheduled',
      now: ts('2030-03-10'),
      phases: [
        phase('2030-01-01', '2030-06-01', [['Seat|1000|month', 1]]),
        phase('2030-06-01', '2031-01-01', [['Seat|1000|month', 3]]),
      ],
    });
    expect(summary.mrr).toBe('10.00');
    expect(summary.nextInvoice).toEqual({ date: '2030-04-01', amount: '10.00' });
  });

  it('fits the Salesforce field: items of the largest phases are left out and counted, totals unchanged', () => {
    const items: [string, number][] = Array.from({ length: 60 }, (_, i) => [
      `Product number ${i} with a long name|1000|month`,
      1,
    ]);
    const summary = build({ kind: 'scheduled', phases: [phase('2030-01-01', '2031-01-01', items)] });
    const text = summaryFieldText(summary, 3000);
    expect(text.length).toBeLessThanOrEqual(3000);
    const kept = billingSummarySchema.parse(JSON.parse(text));
    expect(kept.phases[0]!.items.length + (kept.phases[0]!.omittedItems ?? 0)).toBe(60);
    expect(kept.phases[0]!.omittedItems).toBe(45);
    expect(kept.phases[0]!.total).toBe(summary.phases[0]!.total);
  });
});

describe('the preview of a plan', () => {
  it("an amendment's schedule update: the phases that ended stay before the ones it sends, as Stripe keeps them", () => {
    const [start, amended, end] = [ts('2029-07-01'), ts('2029-10-01'), ts('2030-07-01')];
    const phase = (from: number, to: number, quantity: number) => ({
      start_date: from,
      end_date: to,
      items: [{ price: 'price_seat', quantity }],
      add_invoice_items: [],
      discounts: [],
    });
    const state = {
      subscriptionSchedules: {
        sub_sched_1: { end_behavior: 'cancel', phases: [phase(start, amended, 1), phase(amended, end, 2)] },
      },
      prices: {
        price_seat: {
          currency: 'usd',
          unit_amount: 1000,
          recurring: { interval: 'month', interval_count: 1 },
          product: 'prod_seat',
        },
      },
      products: { prod_seat: { name: 'Seat' } },
    } as unknown as StripeState;
    const order = { type: 'Order', id: '801000000000002AAA' };
    const plan: SyncPlan = {
      primary: order,
      operations: [
        {
          op: 'subscriptionSchedules.update',
          ref: '@ref:schedule',
          id: 'sub_sched_1',
          idempotencyKey: 'k',
          source: order,
          params: {
            phases: [
              { start_date: amended, end_date: 'now', items: [{ price: 'price_seat', quantity: 2 }] },
              { end_date: end, items: [{ price: 'price_seat', quantity: 3 }] },
            ] as Stripe.SubscriptionScheduleUpdateParams.Phase[],
          },
        },
      ],
      writeBacks: [],
      syncRecords: [],
      warnings: [],
    };
    const summary = previewBillingSummary(plan, state, order.id, 'sub_sched_1', ASOF)!;
    expect(summary.phases.map((p) => [p.start, p.end, p.items.map((i) => i.quantity)])).toEqual([
      ['2029-07-01', '2029-10-01', ['1']],
      ['2029-10-01', '2030-01-15', ['2']],
      ['2030-01-15', '2030-07-01', ['3']],
    ]);
  });
});

describe('the card fixtures and the zod schema', () => {
  it('every summary fixture of the card passes the schema, except the one made to fail', () => {
    const results = fixtures('stripeBillingSummary').map(([name, data]) => [
      name,
      billingSummarySchema.safeParse(data).success,
    ]);
    expect(results).toEqual(results.map(([name]) => [name, name !== 'unsupportedVersion.json']));
  });

  it('a version-1 summary, written before invoices had coupons of their own, still parses: with none', () => {
    const old = fixture('stripeBillingSummary', 'oneTimeVersion1.json') as { version: number };
    expect(old.version).toBe(1);
    expect(parseBillingSummary(JSON.stringify(old))?.oneTimeInvoice?.coupons).toEqual([]);
  });

  it('every preview fixture of the card passes the preview schema', () => {
    for (const [name, data] of fixtures('stripeBillingPreview'))
      expect([name, billingPreviewSchema.safeParse(data).error]).toEqual([name, undefined]);
  });
});
