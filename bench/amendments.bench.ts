// Planning cost of the amendment core: a contract with 50 stacked amendments (all unsynced, so one run
// creates the schedule and plans 50 updates on top of it), and a 200-line, 36-segment MDQ order.
import { planOrderSync } from '../plugin/lib/core/plan/planner.js';
import { parseSettings } from '../plugin/lib/core/settings.js';
import { EMPTY_MAPPINGS } from '../plugin/lib/core/mappings/mappings.js';
import { toId18 } from '../plugin/lib/core/records/salesforceIds.js';
import type { BenchRow } from './run.ts';

type Row = Record<string, unknown> & { Id: string };

let counter = 0;
const id = (prefix: string): string => toId18(prefix + String(++counter).padStart(12, '0'));
const date = (year: number, month: number, day = 1): string => {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.toISOString().slice(0, 10);
};
const context = (now: string) => ({
  orgId: '00D000000000001AAA',
  instanceUrl: 'https://bench.my.salesforce.com',
  livemode: false,
  sandbox: false,
  now: Date.parse(`${now}T00:00:00Z`) / 1000,
  settings: parseSettings({}),
  mappings: EMPTY_MAPPINGS,
});

class Graph {
  readonly account: Row = { Id: id('001'), Name: 'Bench' };
  readonly rows: Record<string, Row[]> = {
    accounts: [this.account],
    opportunities: [],
    contracts: [],
    quotes: [],
    orders: [],
    orderItems: [],
    products: [],
    pricebookEntries: [],
    quoteLines: [],
  };

  product(name: string, frequency: string | null, price: number): { product: Row; entry: Row } {
    const product = {
      Id: id('01t'),
      Name: name,
      SBQQ__SubscriptionPricing__c: frequency ? 'Fixed Price' : null,
      SBQQ__SubscriptionType__c: frequency ? 'Renewable' : null,
      SBQQ__BillingFrequency__c: frequency,
      SBQQ__BillingType__c: frequency ? 'Advance' : null,
    };
    const entry = { Id: id('01u'), UnitPrice: price, Product2Id: product.Id, IsActive: true };
    this.rows.products!.push(product);
    this.rows.pricebookEntries!.push(entry);
    return { product, entry };
  }

  order(start: string, term: number, amends?: string, modified = 0): Row {
    const opportunity = { Id: id('006'), SBQQ__AmendedContract__c: amends ?? null };
    const quote = {
      Id: id('a0q'),
      SBQQ__StartDate__c: start,
      SBQQ__SubscriptionTerm__c: term,
      SBQQ__Opportunity2__c: opportunity.Id,
    };
    const order = {
      Id: id('801'),
      AccountId: this.account.Id,
      Status: 'Activated',
      OpportunityId: opportunity.Id,
      SBQQ__Quote__c: quote.Id,
      SBQQ__Contracted__c: !amends,
      LastModifiedDate: `2029-01-01T00:00:${String(modified % 60).padStart(2, '0')}.000+0000`,
    };
    this.rows.opportunities!.push(opportunity);
    this.rows.quotes!.push(quote);
    this.rows.orders!.push(order);
    return order;
  }

  line(
    order: Row,
    p: { product: Row; entry: Row },
    quantity: number,
    unitPrice: number,
    extra: Record<string, unknown> = {},
  ): Row {
    const line = {
      Id: id('802'),
      OrderId: order.Id,
      Product2Id: p.product.Id,
      PricebookEntryId: p.entry.Id,
      Quantity: quantity,
      UnitPrice: unitPrice,
      SBQQ__Activated__c: true,
      SBQQ__SubscriptionPricing__c: p.product.SBQQ__SubscriptionPricing__c,
      SBQQ__SubscriptionType__c: p.product.SBQQ__SubscriptionType__c,
      SBQQ__BillingFrequency__c: p.product.SBQQ__BillingFrequency__c,
      SBQQ__BillingType__c: p.product.SBQQ__BillingType__c,
      ...extra,
    };
    this.rows.orderItems!.push(line);
    return line;
  }
}

/** Initial monthly order over five years and 50 amendments, one a month, adding and removing units. */
function stackedContract(): { graph: Graph; orderId: string } {
  const graph = new Graph();
  const products = Array.from({ length: 5 }, (_, i) => graph.product(`P${i}`, 'Monthly', 10 + i));
  const initial = graph.order('2030-01-01', 60);
  const origins = products.map((p, i) => graph.line(initial, p, 10, (10 + i) * 60));
  graph.rows.contracts!.push({ Id: id('800'), SBQQ__Quote__c: initial.SBQQ__Quote__c });
  const contractId = graph.rows.contracts![0]!.Id;
  let last = initial;
  for (let k = 1; k <= 50; k++) {
    const term = 60 - k;
    last = graph.order(date(2030, 1 + k), term, contractId, k);
    const i = k % 5;
    graph.line(last, products[i]!, 1, (10 + i) * term, { SBQQ__RevisedOrderProduct__c: origins[i]!.Id });
    graph.line(last, products[(i + 2) % 5]!, -1, (10 + i) * term, {
      SBQQ__RevisedOrderProduct__c: origins[(i + 2) % 5]!.Id,
    });
  }
  return { graph, orderId: last.Id };
}

/** 200 lines: 5 MDQ products × 36 monthly segments, 14 standing monthly lines, 6 one-time lines. */
function mdqOrder(): { graph: Graph; orderId: string } {
  const graph = new Graph();
  const order = graph.order('2030-01-01', 36);
  const dimension = id('a0d');
  for (let p = 0; p < 5; p++) {
    const product = graph.product(`Ramp${p}`, 'Monthly', 100);
    for (let s = 1; s <= 36; s++) {
      const start = date(2030, s);
      const end = date(2030, s + 1, 0);
      const quoteLine = {
        Id: id('a0r'),
        SBQQ__EffectiveStartDate__c: start,
        SBQQ__EndDate__c: end,
        SBQQ__SegmentLabel__c: `Month ${s}`,
        SBQQ__SegmentIndex__c: s,
      };
      graph.rows.quoteLines!.push(quoteLine);
      graph.line(order, product, 10 + s, 100 + s, {
        SBQQ__PriceDimension__c: dimension,
        SBQQ__DimensionType__c: 'Month',
        SBQQ__SegmentKey__c: `K${p}`,
        SBQQ__SegmentIndex__c: s,
        SBQQ__QuoteLine__c: quoteLine.Id,
        EndDate: end,
      });
    }
  }
  for (let i = 0; i < 14; i++) graph.line(order, graph.product(`Standing${i}`, 'Monthly', 5), 1, 5 * 36);
  for (let i = 0; i < 6; i++) graph.line(order, graph.product(`Fee${i}`, null, 50), 1, 50);
  return { graph, orderId: order.Id };
}

/**
 * Median CPU milliseconds of `runs` plans (after warm-up), checking the plan is what it should be. CPU
 * time, not wall time: the benchmark machine is shared, and a busy neighbour must not count as our cost.
 */
function medianPlanMs(
  build: () => { graph: Graph; orderId: string },
  check: (ops: { op: string }[]) => void,
  runs = 50,
): number {
  const { graph, orderId } = build();
  const plan = () => planOrderSync({ graph: graph.rows, state: {}, context: context('2029-12-01'), orderId });
  check(plan().operations);
  for (let i = 0; i < 50; i++) plan();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.cpuUsage();
    plan();
    const used = process.cpuUsage(t0);
    times.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export default async function bench(): Promise<BenchRow[]> {
  const stacked = medianPlanMs(stackedContract, (ops) => {
    if (ops.filter((o) => o.op === 'subscriptionSchedules.update').length !== 50)
      throw new Error('expected 50 schedule updates');
  });
  const mdq = medianPlanMs(mdqOrder, (ops) => {
    const create = ops.find((o) => o.op === 'subscriptionSchedules.create') as
      { params: { phases: unknown[] } } | undefined;
    if (create?.params.phases.length !== 36) throw new Error('expected 36 phases');
  });
  return [
    { name: 'plan: contract with 50 stacked amendments', value: stacked, unit: 'ms CPU', goal: '< 10 ms' },
    { name: 'plan: 200-line 36-segment MDQ order', value: mdq, unit: 'ms CPU', goal: '< 10 ms' },
  ];
}
