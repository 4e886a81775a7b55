// The sync engine and the relay on the sample org (both emulators in-process): Salesforce calls per
// contract, Stripe writes per contract (first sync and re-sync), and request → synced latency through
// the relay with its default settings.
import { Writable } from 'node:stream';
import { startSalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { startStripeEmulator } from '@stripe-cpq/stripe-emulator';
import { SalesforceClient } from '../plugin/lib/salesforce/client.js';
import { readContractGraph } from '../plugin/lib/salesforce/graphReader.js';
import { createStripeGateway } from '../plugin/lib/stripe/client.js';
import { createSyncEngine } from '../plugin/lib/sync/engine.js';
import { startRelay } from '../plugin/lib/relay/index.js';
import { createRelayLogger } from '../plugin/lib/relay/logger.js';
import type { BenchRow } from './run.ts';

const quietLogger = () => createRelayLogger({ destination: new Writable({ write: (_c, _e, done) => done() }) });

async function services() {
  const org = await startSalesforceEmulator({ pubSub: true });
  const stripe = await startStripeEmulator();
  const salesforce = SalesforceClient.fromSession({ instanceUrl: org.instanceUrl, accessToken: org.accessToken });
  const gateway = createStripeGateway({
    apiKey: stripe.apiKey,
    host: stripe.host,
    port: stripe.port,
    protocol: 'http',
  });
  return { org, stripe, salesforce, gateway, close: () => Promise.all([org.close(), stripe.close()]) };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

async function callsPerContract(): Promise<BenchRow[]> {
  const s = await services();
  try {
    const orders = s.org.sample!.orders.map((o) => o.orderId);
    const reads: number[] = [];
    for (const id of orders) {
      const before = s.salesforce.calls;
      await readContractGraph(s.salesforce, id, { multiCurrency: s.org.schema.multiCurrency });
      reads.push(s.salesforce.calls - before);
    }
    const engine = createSyncEngine({ salesforce: s.salesforce, stripe: s.gateway, workerId: 'bench' });
    const settingsBefore = s.salesforce.calls;
    await engine.configuration();
    const settingsCalls = s.salesforce.calls - settingsBefore;
    const amendments = new Set(
      s.org.query('SELECT Id FROM Order WHERE Opportunity.SBQQ__AmendedContract__c != null').map((o) => String(o.Id)),
    );
    const callsOf = async (id: string) => {
      const before = s.salesforce.calls;
      const result = await engine.syncOrder(id);
      return { result, calls: s.salesforce.calls - before };
    };
    const writesBefore = s.stripe.requestLog.writes().length;
    const first = [];
    for (const id of orders) first.push({ id, ...(await callsOf(id)) });
    const synced = first.filter((r) => r.result.status === 'synced');
    const firstWrites = s.stripe.requestLog.writes().slice(writesBefore);
    const stripeWrites = firstWrites.length;
    const refused = firstWrites.filter((w) => w.status >= 400).length;
    const created = first.reduce((n, r) => n + r.result.applied.length, 0);
    const resyncBefore = s.stripe.requestLog.writes().length;
    const resync = [];
    for (const { id } of synced) resync.push(await callsOf(id));
    const resyncWrites = s.stripe.requestLog.writes().length - resyncBefore;
    const initialSyncs = first.filter((r) => !amendments.has(r.id)).map((r) => r.calls);
    const amendmentSyncs = first.filter((r) => amendments.has(r.id)).map((r) => r.calls);
    const resyncs = resync.map((r) => r.calls);
    const mean = (values: number[]) => values.reduce((n, v) => n + v, 0) / values.length;
    const perSync = (label: string, values: number[]): BenchRow[] => [
      {
        name: `sync: Salesforce calls per ${label}, mean (${values.length} syncs, all included)`,
        value: mean(values),
        unit: 'calls',
        goal: '≤ 4',
      },
      { name: `sync: Salesforce calls per ${label}, max`, value: Math.max(...values), unit: 'calls' },
    ];
    return [
      {
        name: `sync: Salesforce read calls per contract (max of ${orders.length} sample orders)`,
        value: Math.max(...reads),
        unit: 'calls',
        goal: '≤ 3',
      },
      ...perSync('first sync of an order', initialSyncs),
      ...perSync('first sync of an amendment', amendmentSyncs),
      ...perSync('re-sync of a synced order', resyncs),
      {
        name: 'sync: Salesforce calls to read the settings, once per engine (the relay: per settings refresh)',
        value: settingsCalls,
        unit: 'calls',
      },
      {
        name: `sync: Stripe writes, first sync of ${String(synced.length)} synced orders`,
        value: stripeWrites,
        unit: 'writes',
        goal: `= applied (${created}) + refused by Stripe (${refused})`,
      },
      { name: 'sync: Stripe writes, re-sync of the synced orders', value: resyncWrites, unit: 'writes', goal: '0' },
    ];
  } finally {
    await s.close();
  }
}

async function relayLatency(): Promise<BenchRow[]> {
  const s = await services();
  const relay = await startRelay({
    salesforce: s.salesforce,
    events: { endpoint: s.org.pubSub!.endpoint, rejectUnauthorized: false },
    stripe: s.gateway,
    port: 0,
    liveSync: false,
    logger: quietLogger(),
  });
  try {
    const broken = new Set(['S16', 'S38', 'S39', 'S39_TERM', 'S40', 'BF', 'MDQ_CUSTOM']);
    const orders = s.org.sample!.orders.filter((o) => !broken.has(o.scenario) && !o.scenario.endsWith('_INITIAL'));
    const latencies: number[] = [];
    for (const order of orders) {
      const t0 = performance.now();
      const id = await s.salesforce.createRecord('Stripe_Sync_Request__c', {
        Order__c: order.orderId,
        Status__c: 'Queued',
        Requested_At__c: new Date().toISOString(),
      });
      for (;;) {
        const status = s.org.query(`SELECT Status__c FROM Stripe_Sync_Request__c WHERE Id = '${id}'`)[0]?.Status__c;
        if (status === 'Synced' || status === 'Failed') break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      latencies.push(performance.now() - t0);
    }
    return [
      {
        name: `relay: sync request → done, p50 (${latencies.length} requests, by change event)`,
        value: percentile(latencies, 50) / 1000,
        unit: 's',
        goal: '≤ 3',
      },
      { name: 'relay: sync request → done, p95', value: percentile(latencies, 95) / 1000, unit: 's' },
    ];
  } finally {
    await relay.stop();
    await s.close();
  }
}

export default async function bench(): Promise<BenchRow[]> {
  return [...(await callsPerContract()), ...(await relayLatency())];
}
