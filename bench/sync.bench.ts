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
  const org = await startSalesforceEmulator();
  const stripe = await startStripeEmulator();
  const salesforce = new SalesforceClient({ instanceUrl: org.instanceUrl, accessToken: org.accessToken });
  const gateway = createStripeGateway({ apiKey: stripe.apiKey, host: stripe.host, port: stripe.port, protocol: 'http' });
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
    const sfBefore = s.salesforce.calls;
    const writesBefore = s.stripe.requestLog.writes().length;
    const first = await engine.syncOrders(orders);
    const synced = first.filter((r) => r.status === 'synced');
    const firstWrites = s.stripe.requestLog.writes().slice(writesBefore);
    const stripeWrites = firstWrites.length;
    const refused = firstWrites.filter((w) => w.status >= 400).length;
    const created = first.reduce((n, r) => n + r.applied.length, 0);
    const sfPerSync = (s.salesforce.calls - sfBefore) / orders.length;
    const resyncBefore = s.stripe.requestLog.writes().length;
    await engine.syncOrders(synced.map((r) => r.orderId));
    const resyncWrites = s.stripe.requestLog.writes().length - resyncBefore;
    return [
      { name: `sync: Salesforce read calls per contract (max of ${orders.length} sample orders)`, value: Math.max(...reads), unit: 'calls', goal: '≤ 3' },
      { name: 'sync: Salesforce calls per order sync, all (read, lock, write-back)', value: sfPerSync, unit: 'calls' },
      { name: `sync: Stripe writes, first sync of ${synced.length} synced orders`, value: stripeWrites, unit: 'writes', goal: `= applied (${created}) + refused by Stripe (${refused})` },
      { name: 'sync: Stripe writes, re-sync of the synced orders', value: resyncWrites, unit: 'writes', goal: '0' },
    ];
  } finally {
    await s.close();
  }
}

async function relayLatency(): Promise<BenchRow[]> {
  const s = await services();
  const relay = await startRelay({ salesforce: s.salesforce, stripe: s.gateway, port: 0, liveSync: false, logger: quietLogger() });
  try {
    const broken = new Set(['S16', 'S38', 'S39', 'S39_TERM', 'S40', 'BF', 'MDQ_CUSTOM']);
    const orders = s.org.sample!.orders.filter((o) => !broken.has(o.scenario) && !o.scenario.endsWith('_INITIAL'));
    const latencies: number[] = [];
    for (const order of orders) {
      const t0 = performance.now();
      const id = await s.salesforce.createRecord('Stripe_Sync_Request__c', { Order__c: order.orderId, Status__c: 'Queued', Requested_At__c: new Date().toISOString() });
      for (;;) {
        const status = s.org.query(`SELECT Status__c FROM Stripe_Sync_Request__c WHERE Id = '${id}'`)[0]?.Status__c;
        if (status === 'Synced' || status === 'Failed') break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      latencies.push(performance.now() - t0);
    }
    return [
      { name: `relay: sync request → done, p50 (${latencies.length} requests, default poll)`, value: percentile(latencies, 50) / 1000, unit: 's', goal: '≤ 3' },
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
