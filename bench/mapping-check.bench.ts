// `mapping check`: how long the pure check of 200 mapping records takes against the org schema, the
// local-source check of force-app, and an org check (records + describe + preflight of every sample
// order) over loopback HTTP against the sample org emulator, with its Salesforce call count.
import { checkMappings } from '../plugin/lib/mappingCheck/checkMappings.js';
import { checkLocalSource, checkOrg } from '../plugin/lib/mappingCheck/index.js';
import { describeLocalSource } from '../plugin/lib/mappingCheck/schemaSource.js';
import { startSalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { SalesforceClient } from '../plugin/lib/salesforce/client.js';
import type { BenchRow } from './run.ts';

const FORCE_APP = new URL('../force-app', import.meta.url).pathname;

function median(samples: number[]): number {
  return [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] as number;
}

async function timed(runs: number, work: () => unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await work();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

export default async function bench(): Promise<BenchRow[]> {
  const schema = describeLocalSource(FORCE_APP);
  const records = Array.from({ length: 200 }, (_, i) => ({
    name: `M${i}`,
    mappingKey: ['customer', 'subscription_schedule', 'subscription_item', 'price_order_item'][i % 4] as string,
    stripePath: i % 2 ? `metadata.key_${i}` : 'description',
    salesforcePath: i % 3 ? 'Id' : null,
    staticValue: i % 3 ? null : 'Salesforce',
    active: true,
    source: 'User' as const,
  }));
  const pureMs = await timed(20, () => checkMappings(records, schema, { dueOnReceiptAsZeroDays: true }));
  const localMs = await timed(5, () => checkLocalSource(FORCE_APP));

  const org = await startSalesforceEmulator();
  try {
    const client = SalesforceClient.fromSession({ instanceUrl: org.instanceUrl, accessToken: org.accessToken });
    const orderIds = (org.sample?.orders ?? []).map((o) => o.orderId);
    const before = client.calls;
    const orgMs = await timed(3, () => checkOrg(client, { orderIds }));
    const calls = (client.calls - before) / 3;
    return [
      { name: 'mapping check: 200 mapping records (pure)', value: pureMs, unit: 'ms', goal: '< 50 ms' },
      { name: 'mapping check --source-dir force-app', value: localMs, unit: 'ms', goal: '< 1 s' },
      {
        name: `mapping check --target-org with ${orderIds.length} orders (emulator)`,
        value: orgMs,
        unit: 'ms',
        goal: '< 5 s',
      },
      {
        name: `mapping check --target-org with ${orderIds.length} orders: Salesforce calls`,
        value: calls,
        unit: 'calls',
        goal: '2 + ≤ 3 per order',
      },
    ];
  } finally {
    await org.close();
  }
}
