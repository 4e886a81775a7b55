// Properties over random amendment sequences, synced end to end on the in-memory Stripe ledger.
import fc from 'fast-check';
import type * as M from '../../../plugin/src/core/records/models.js';
import { toId18 } from '../../../plugin/src/core/records/salesforceIds.js';
import { ContractFixture } from './contractFixture.js';
import { StripeLedger, ts } from './stripeLedger.js';
import { unusedPrices } from '../planHelpers.js';

const CONTRACT_END = ts('2031-01-01');

/** One amendment: the month it starts in and a delta per chain (0 = no line for that chain). */
const amendmentArb = fc.record({
  month: fc.integer({ min: 2, max: 12 }),
  deltas: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 3, maxLength: 3 }),
});
const scenarioArb = fc.record({
  initial: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 3 }),
  amendments: fc.array(amendmentArb, { minLength: 1, maxLength: 5 }),
  /** Sync everything at once before the first start, or each amendment the day before it starts. */
  stacked: fc.boolean(),
  /** Credit units taken back (both credit flags). */
  credits: fc.boolean(),
});

interface Scenario {
  readonly c: ContractFixture;
  readonly stripe: StripeLedger;
  readonly origins: M.OrderItem[];
  readonly expected: number[];
  readonly amendments: { order: M.Order; start: string }[];
  /** Negative lines made (units taken back). */
  readonly reductions: number;
}

function build(initial: number[], amendments: { month: number; deltas: number[] }[], credits = false): Scenario {
  const c = new ContractFixture('2030-01-01', 12);
  const products = ['A', 'B', 'C'].map((name, i) =>
    c.product({ name, billingFrequency: 'Monthly', listPrice: 10 * (i + 1) }),
  );
  const origins = initial.map((q, i) => c.line(products[i]!, { quantity: q }));
  const expected = [...initial];
  const stripe = new StripeLedger(c, {
    features: { quantityReductionOrderItemCredit: credits, terminatedOrderItemCredit: credits },
  });
  stripe.sync(c.initial.order.Id, ts('2029-12-01'));
  const made: { order: M.Order; start: string }[] = [];
  let reductions = 0;
  for (const { month, deltas } of [...amendments].sort((a, b) => a.month - b.month)) {
    const start = `2030-${String(month).padStart(2, '0')}-01`;
    const m = c.amendment(start, 13 - month);
    deltas.forEach((delta, i) => {
      // Never below one unit a chain: a full termination ends the schedule, which other tests cover.
      const take = Math.max(delta, 1 - expected[i]!);
      if (take === 0) return;
      m.line(products[i]!, { quantity: take, revises: origins[i]!.Id });
      if (take < 0) reductions++;
      expected[i]! += take;
    });
    made.push({ order: m.order, start });
  }
  return { c, stripe, origins, expected, amendments: made, reductions };
}

describe('amendment sequences (properties)', () => {
  it('phases stay contiguous to the contract end, quantities positive, chains equal to their deltas, and a re-plan is empty', () => {
    fc.assert(
      fc.property(scenarioArb, ({ initial, amendments, stacked, credits }) => {
        const { c, stripe, origins, expected, amendments: made, reductions } = build(initial, amendments, credits);
        const last = made[made.length - 1]!;
        const plans = stacked
          ? [stripe.sync(last.order.Id, ts('2030-01-15'))]
          : made.map(({ order, start }) => stripe.sync(order.Id, ts(start) - 86_400));
        // Every planned price stands on some item, invoice item or schedule.
        for (const plan of plans) expect(unusedPrices(plan)).toEqual([]);
        // Credits only with the flag, and always a negative amount for units actually taken back.
        const creditItems = plans
          .flatMap((p) => p.operations)
          .flatMap((o) => (o.op === 'subscriptionSchedules.update' ? (o.params.phases ?? []) : []))
          .flatMap((p) => p.add_invoice_items ?? [])
          .filter((i) => i.metadata?.salesforce_credit === 'true');
        if (!credits) expect(creditItems).toEqual([]);
        for (const item of creditItems) {
          expect(Number(String(item.price_data?.unit_amount_decimal))).toBeLessThan(0);
          expect(item.quantity).toBeGreaterThan(0);
        }
        if (credits && reductions > 0) expect(creditItems.length).toBeGreaterThan(0);

        const schedule = stripe.schedule(c.initial.order.Stripe_ID__c!);
        const phases = schedule.phases;
        phases.forEach((phase, i) => {
          if (i > 0) expect(phase.start_date).toBe(phases[i - 1]!.end_date);
          expect(phase.end_date).toBeGreaterThan(phase.start_date);
        });
        expect(phases[phases.length - 1]!.end_date).toBe(CONTRACT_END);

        const lines = c.graph().orderItems;
        const originOf = (id: string) => {
          const line = lines.find((l) => toId18(l.Id) === id)!;
          return line.SBQQ__RevisedOrderProduct__c ?? line.Id;
        };
        const finalItems = phases[phases.length - 1]!.items;
        for (const item of finalItems) expect(item.quantity).toBeGreaterThan(0);
        origins.forEach((origin, i) => {
          const total = finalItems
            .filter((it) => originOf(String(it.metadata?.salesforce_order_item_id)) === origin.Id)
            .reduce((sum, it) => sum + (it.quantity ?? 0), 0);
          expect(total).toBe(expected[i]);
        });
        // Distinct prices within every phase (Stripe refuses a price twice).
        for (const phase of phases) expect(new Set(phase.items.map((it) => it.price)).size).toBe(phase.items.length);

        for (const { order } of made) expect(order.Stripe_ID__c).toBe(c.initial.order.Stripe_ID__c);
        expect(stripe.plan(last.order.Id, ts('2030-01-16')).operations).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
