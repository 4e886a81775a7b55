// Plan time of the mapping core: one large order (200 lines) and a batch of 1,000 typical orders.
// Orders with more than 20 recurring lines are refused by validation, so the 200-line order is planned
// as a one-time invoice (200 invoice items) — the largest plan a single order can produce.
import { planOrderSync } from '../plugin/lib/core/plan/planner.js';
import { parseSettings } from '../plugin/lib/core/settings.js';
import { toId18 } from '../plugin/lib/core/records/salesforceIds.js';
import type { CpqGraphInput } from '../plugin/lib/core/records/graph.js';
import type { SyncContext } from '../plugin/lib/core/plan/context.js';
import type { BenchRow } from './run.ts';

const context: SyncContext = {
  orgId: '00D000000000001EAA',
  instanceUrl: 'https://bench.my.salesforce.com',
  livemode: false,
  sandbox: false,
  now: Date.UTC(2030, 0, 15) / 1000,
  settings: parseSettings({}),
  mappings: { fieldMappings: {}, fieldDefaults: {} },
};

const id = (prefix: string, n: number): string => toId18(prefix + String(n).padStart(12, '0'));

/** An order with `recurring` annual lines and `oneTime` one-time lines, each its own product. */
function orderGraph(seed: number, recurring: number, oneTime: number): { graph: CpqGraphInput; orderId: string } {
  const orderId = id('801', seed);
  const products: object[] = [];
  const pricebookEntries: object[] = [];
  const orderItems: object[] = [];
  for (let i = 0; i < recurring + oneTime; i++) {
    const n = seed * 1000 + i;
    const isRecurring = i < recurring;
    products.push({
      Id: id('01t', n),
      Name: `Product ${n}`,
      SBQQ__SubscriptionPricing__c: isRecurring ? 'Fixed Price' : null,
      SBQQ__BillingFrequency__c: isRecurring ? 'Annual' : null,
      SBQQ__BillingType__c: isRecurring ? 'Advance' : null,
    });
    pricebookEntries.push({ Id: id('01u', n), Product2Id: id('01t', n), UnitPrice: 100 + i });
    orderItems.push({
      Id: id('802', n),
      OrderId: orderId,
      Product2Id: id('01t', n),
      PricebookEntryId: id('01u', n),
      Quantity: 1 + (i % 5),
      UnitPrice: i % 3 === 0 ? 95.5 + i : 100 + i, // every third line discounted → its own price
      SBQQ__Activated__c: true,
      SBQQ__SubscriptionPricing__c: isRecurring ? 'Fixed Price' : null,
      SBQQ__BillingFrequency__c: isRecurring ? 'Annual' : null,
      SBQQ__BillingType__c: isRecurring ? 'Advance' : null,
    });
  }
  return {
    orderId,
    graph: {
      accounts: [{ Id: id('001', seed), Name: `Account ${seed}`, BillingCity: 'Springfield', BillingCountry: 'US' }],
      quotes: [{ Id: id('a0q', seed), SBQQ__StartDate__c: '2030-03-01', SBQQ__SubscriptionTerm__c: 12 }],
      orders: [
        {
          Id: orderId,
          AccountId: id('001', seed),
          Status: 'Activated',
          SBQQ__Quote__c: id('a0q', seed),
          SystemModstamp: '2030-01-15T10:00:00.000+0000',
        },
      ],
      orderItems,
      products,
      pricebookEntries,
    },
  };
}

/**
 * CPU milliseconds per run (user + system of this process): on a machine shared with other jobs, wall
 * time measures the neighbours as much as the planner. `warmUp` runs first let the JIT settle, as it
 * has in the long-running relay.
 */
function timeMs(run: () => void, repeat: number, warmUp = 0): number {
  for (let i = 0; i < warmUp; i++) run();
  const before = process.cpuUsage();
  for (let i = 0; i < repeat; i++) run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / repeat;
}

export default async function bench(): Promise<BenchRow[]> {
  const large = orderGraph(1, 0, 200);
  const planLarge = (): unknown => planOrderSync({ ...large, state: {}, context });
  const coldMs = timeMs(planLarge, 1);
  const largeMs = timeMs(planLarge, 20, 50);
  const typical = Array.from({ length: 1000 }, (_, i) => orderGraph(i + 2, 5, 2));
  const batchMs = timeMs(
    () => {
      for (const o of typical) planOrderSync({ ...o, state: {}, context });
    },
    3,
    1,
  );
  return [
    { name: 'core: plan a 200-line order, first call (cold JIT)', value: coldMs, unit: 'ms CPU' },
    { name: 'core: plan a 200-line order', value: largeMs, unit: 'ms CPU', goal: '< 10 ms' },
    { name: 'core: plan 1,000 typical orders (7 lines)', value: batchMs, unit: 'ms CPU', goal: '< 1,000 ms' },
  ];
}
