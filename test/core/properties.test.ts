// Properties of money and dates over generated new orders: phases tile the term, per-period prices add
// back up to CPQ's whole-term amounts, params carry no floats, and month arithmetic clamps.
import fc from 'fast-check';
import {
  addMonths,
  daysInMonth,
  formatDate,
  fromUnixSeconds,
  parseDate,
  toUnixSeconds,
  type CalendarDate,
} from '../../plugin/src/core/dates.js';
import { Decimal } from '../../plugin/src/core/money.js';
import type { SyncPlan } from '../../plugin/src/core/plan/plan.js';
import { planOrderSync } from '../../plugin/src/core/plan/planner.js';
import type { BillingFrequency } from '@stripe-cpq/salesforce-org-emulator/seed/cpqRecords.js';
import { OrderBuilder, syncContext } from './orderFixture.js';
import { only, unusedPrices } from './planHelpers.js';

const FREQUENCIES: [BillingFrequency, number][] = [
  ['Monthly', 1],
  ['Quarterly', 3],
  ['Semiannual', 6],
  ['Annual', 12],
];

const calendarDate = fc
  .record({
    year: fc.integer({ min: 2025, max: 2040 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
  })
  .map(({ year, month, day }): CalendarDate => ({ year, month, day: Math.min(day, daysInMonth(year, month)) }));
const frequency = fc.constantFrom(...FREQUENCIES);
/** Whole-term CPQ amounts in major units with 2 decimals, as Salesforce currency fields hold them. */
const cpqAmount = fc.integer({ min: 0, max: 100_000_000 }).map((cents) => cents / 100);

interface GeneratedOrder {
  readonly start: CalendarDate;
  readonly term: number;
  readonly frequency: [BillingFrequency, number];
  readonly lines: readonly { unitPrice: number; quantity: number; oneTime: boolean }[];
}

const order = fc.record({
  start: calendarDate,
  term: fc.integer({ min: 1, max: 60 }),
  frequency,
  lines: fc.array(
    fc.record({ unitPrice: cpqAmount, quantity: fc.integer({ min: 1, max: 1000 }), oneTime: fc.boolean() }),
    { minLength: 1, maxLength: 8 },
  ),
});

function planFor(o: GeneratedOrder): { plan: SyncPlan; builder: OrderBuilder } {
  const b = new OrderBuilder({ start: formatDate(o.start), term: o.term });
  o.lines.forEach((line, i) => {
    const catalogue = line.oneTime
      ? b.product({ name: `One-time ${i}`, listPrice: line.unitPrice })
      : b.product({
          name: `Plan ${i}`,
          billingFrequency: o.frequency[0],
          term: o.frequency[1],
          listPrice: line.unitPrice,
        });
    b.line(catalogue, { quantity: line.quantity, unitPrice: line.unitPrice });
  });
  // Synced halfway through the term: backdated but live (a term that has already ended is refused).
  const now = `${formatDate(addMonths(o.start, Math.floor(o.term / 2)))}T08:00:00Z`;
  return {
    plan: planOrderSync({ graph: b.graph(), state: {}, context: syncContext(now), orderId: b.order.Id }),
    builder: b,
  };
}

function numbersIn(value: unknown, found: number[] = []): number[] {
  if (typeof value === 'number') found.push(value);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) numbersIn(v, found);
  return found;
}

describe('money and date properties of new-order plans', () => {
  it('phases are contiguous from the start date to start + term months, with clamped month ends', () => {
    fc.assert(
      fc.property(order, (o) => {
        fc.pre(o.lines.some((l) => !l.oneTime));
        const params = only(planFor(o).plan, 'subscriptionSchedules.create').params;
        const ends = (params.phases ?? []).map((p) => p.end_date as number);
        expect(params.start_date).toBe(toUnixSeconds(o.start));
        expect(ends.at(-1)).toBe(toUnixSeconds(addMonths(o.start, o.term)));
        [params.start_date as number, ...ends].reduce((previous, end) => {
          expect(end).toBeGreaterThan(previous);
          return end;
        });
        for (const end of ends.map(fromUnixSeconds))
          expect(end.day).toBe(Math.min(o.start.day, daysInMonth(end.year, end.month)));
        const remainder = o.term % o.frequency[1];
        expect(ends).toHaveLength(remainder !== 0 && o.term > o.frequency[1] ? 2 : 1);
      }),
      { numRuns: 150 },
    );
  });

  it("a recurring line's per-period price × periods equals its CPQ whole-term unit price (anniversary terms)", () => {
    const anniversary = fc
      .tuple(frequency, fc.integer({ min: 1, max: 5 }), cpqAmount, calendarDate)
      .map(([f, periods, unitPrice, start]) => ({ f, periods, unitPrice, start }));
    fc.assert(
      fc.property(anniversary, ({ f, periods, unitPrice, start }) => {
        const { plan } = planFor({
          start,
          term: f[1] * periods,
          frequency: f,
          lines: [{ unitPrice, quantity: 1, oneTime: false }],
        });
        const item = only(plan, 'subscriptionSchedules.create').params.phases?.[0]?.items[0];
        const price = plan.operations.find((o) => o.ref === item?.price);
        const perPeriod = new Decimal(
          JSON.parse(JSON.stringify(price?.op === 'prices.create' ? price.params.unit_amount_decimal : null)) as string,
        );
        const total = new Decimal(unitPrice.toString()).times(100);
        // Division is exact to Stripe's 12 decimal places; the product may differ by that rounding only.
        expect(perPeriod.times(periods).minus(total).abs().lte(new Decimal('0.5e-12').times(periods))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('plans only prices that some phase item or invoice item uses', () => {
    fc.assert(
      fc.property(order, (o) => {
        expect(unusedPrices(planFor(o).plan)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('puts no floats in Stripe params: every number is an integer, every amount a decimal string', () => {
    fc.assert(
      fc.property(order, (o) => {
        const { plan } = planFor(o);
        const params = JSON.parse(JSON.stringify(plan.operations.map((op) => ('params' in op ? op.params : null))));
        for (const n of numbersIn(params)) expect(Number.isInteger(n)).toBe(true);
        for (const op of plan.operations) {
          if (op.op === 'prices.create')
            expect(typeof JSON.parse(JSON.stringify(op.params)).unit_amount_decimal).toBe('string');
        }
      }),
      { numRuns: 150 },
    );
  });

  it('month addition clamps to the end of the target month and keeps the day otherwise', () => {
    fc.assert(
      fc.property(calendarDate, fc.integer({ min: -120, max: 120 }), (start, months) => {
        const end = addMonths(start, months);
        expect((end.year - start.year) * 12 + end.month - start.month).toBe(months);
        expect(end.day).toBe(Math.min(start.day, daysInMonth(end.year, end.month)));
        expect(parseDate(formatDate(end))).toEqual(end);
      }),
    );
  });

  it('plans are deterministic: the same generated order always gives byte-identical JSON', () => {
    fc.assert(
      fc.property(order, (o) => {
        expect(JSON.stringify(planFor(o).plan)).toBe(JSON.stringify(planFor(o).plan));
      }),
      { numRuns: 50 },
    );
  });
});
