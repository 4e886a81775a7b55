// Planning cost of the amendment core: a contract with 50 stacked amendments (all unsynced, so one run
// creates the schedule and plans 50 updates on top of it), and a 200-line, 36-segment MDQ order. The
// records are made by the org emulator's CpqBuilder, as every test and the sample org make them, and read
// back through the product's graph reader; only the plan is timed.
import { startSalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { CpqBuilder, type Product } from '@stripe-cpq/salesforce-org-emulator/seed/cpqBuilder.js';
import { termEnd } from '@stripe-cpq/salesforce-org-emulator/seed/cpqRecords.js';
import { planOrderSync } from '../plugin/lib/core/plan/planner.js';
import { parseSettings } from '../plugin/lib/core/settings.js';
import { EMPTY_MAPPINGS } from '../plugin/lib/core/mappings/mappings.js';
import type { CpqGraphInput } from '../plugin/lib/core/records/graph.js';
import { SalesforceClient } from '../plugin/lib/salesforce/client.js';
import { readContractGraph } from '../plugin/lib/salesforce/graphReader.js';
import type { BenchRow } from './run.ts';

const NOW = '2029-12-01';
const context = {
  orgId: '00D000000000001AAA',
  instanceUrl: 'https://bench.my.salesforce.com',
  livemode: false,
  sandbox: false,
  now: Date.parse(`${NOW}T00:00:00Z`) / 1000,
  settings: parseSettings({}),
  mappings: EMPTY_MAPPINGS,
};

/** `YYYY-MM-01` of the `n`th month from January 2030 (0-based). */
const monthStart = (n: number): string => `${2030 + Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}-01`;

/** A monthly product priced per month (default term 1), as the sample org's Seat. */
const monthly = (cpq: CpqBuilder, name: string, listPrice: number): Product =>
  cpq.product({ name, listPrice, billingFrequency: 'Monthly', term: 1 });

/** Initial monthly order over five years and 50 amendments, one a month, adding and removing units. */
function stackedContract(cpq: CpqBuilder, tick: () => void): string {
  const accountId = cpq.account('Bench Stacked');
  const products = Array.from({ length: 5 }, (_, i) => monthly(cpq, `P${i}`, 10 + i));
  const start = monthStart(0);
  const initial = cpq.order({
    accountId,
    name: 'Initial',
    start,
    term: 60,
    lines: products.map((product) => ({ product, quantity: 10 })),
  });
  const contractId = cpq.contract(initial, accountId, start, 60);
  let last = initial.orderId;
  for (let k = 1; k <= 50; k++) {
    tick(); // CPQ's order: each amendment modified after the one before.
    const i = k % 5;
    const j = (i + 2) % 5;
    last = cpq.order({
      accountId,
      name: `Amendment ${k}`,
      type: 'Amendment',
      amendedContractId: contractId,
      start: monthStart(k),
      term: 60 - k,
      lines: [
        { product: products[i]!, quantity: 1, revises: initial.orderItemIds[i]! },
        { product: products[j]!, quantity: -1, revises: initial.orderItemIds[j]! },
      ],
    }).orderId;
  }
  return last;
}

/** 200 lines: 5 MDQ products × 36 monthly segments, 14 standing monthly lines, 6 one-time lines. */
function mdqOrder(cpq: CpqBuilder, dimensionOf: (productId: string) => string): string {
  const ramps = Array.from({ length: 5 }, (_, p) => monthly(cpq, `Ramp${p}`, 100));
  const segmentLines = ramps.flatMap((product, p) => {
    const dimension = dimensionOf(product.id);
    return Array.from({ length: 36 }, (_, n) => {
      const s = n + 1;
      const start = monthStart(n);
      return {
        product,
        quantity: 10 + s,
        unitPrice: 100 + s,
        segment: {
          key: `K${p}`,
          index: s,
          label: `Month ${s}`,
          start,
          end: termEnd(start, 1),
          dimension,
          dimensionType: 'Month',
        },
      };
    });
  });
  const standing = Array.from({ length: 14 }, (_, i) => ({ product: monthly(cpq, `Standing${i}`, 5), quantity: 1 }));
  const fees = Array.from({ length: 6 }, (_, i) => ({
    product: cpq.product({ name: `Fee${i}`, listPrice: 50 }),
    quantity: 1,
  }));
  return cpq.order({
    accountId: cpq.account('Bench MDQ'),
    name: 'MDQ',
    start: monthStart(0),
    term: 36,
    lines: [...segmentLines, ...standing, ...fees],
  }).orderId;
}

interface PlanInput {
  readonly graph: CpqGraphInput;
  readonly orderId: string;
}

/** Both orders' contract graphs, built in an empty emulated org and read as the engine reads them. */
async function planInputs(): Promise<{ stacked: PlanInput; mdq: PlanInput }> {
  let clock = Date.parse(`${NOW}T00:00:00Z`);
  const emulator = await startSalesforceEmulator({ seed: 'empty', now: () => new Date(clock) });
  try {
    const cpq = new CpqBuilder(emulator.org);
    const stackedId = stackedContract(cpq, () => (clock += 1000));
    const mdqId = mdqOrder(cpq, (productId) =>
      emulator.store.insert('SBQQ__Dimension__c', {
        Name: 'Monthly',
        SBQQ__Product__c: productId,
        SBQQ__Type__c: 'Month',
      }),
    );
    const client = SalesforceClient.fromSession({
      instanceUrl: emulator.instanceUrl,
      accessToken: emulator.accessToken,
    });
    const read = async (orderId: string): Promise<PlanInput> => ({
      orderId,
      graph: await readContractGraph(client, orderId, { multiCurrency: emulator.schema.multiCurrency }),
    });
    return { stacked: await read(stackedId), mdq: await read(mdqId) };
  } finally {
    await emulator.close();
  }
}

/**
 * Median CPU milliseconds of `runs` plans (after warm-up), checking the plan is what it should be. CPU
 * time, not wall time: the benchmark machine is shared, and a busy neighbour must not count as our cost.
 */
function medianPlanMs({ graph, orderId }: PlanInput, check: (ops: { op: string }[]) => void, runs = 50): number {
  const plan = () => planOrderSync({ graph, state: {}, context, orderId });
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
  const inputs = await planInputs();
  const stacked = medianPlanMs(inputs.stacked, (ops) => {
    if (ops.filter((o) => o.op === 'subscriptionSchedules.update').length !== 50)
      throw new Error('expected 50 schedule updates');
  });
  const mdq = medianPlanMs(inputs.mdq, (ops) => {
    const create = ops.find((o) => o.op === 'subscriptionSchedules.create') as
      { params: { phases: unknown[] } } | undefined;
    if (create?.params.phases.length !== 36) throw new Error('expected 36 phases');
  });
  return [
    { name: 'plan: contract with 50 stacked amendments', value: stacked, unit: 'ms CPU', goal: '< 10 ms' },
    { name: 'plan: 200-line 36-segment MDQ order', value: mdq, unit: 'ms CPU', goal: '< 10 ms' },
  ];
}
