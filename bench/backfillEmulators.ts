// The backfill's emulators, in a process of their own (bench/backfill.bench.ts forks it): the relay's memory
// is then its own, not the emulators' records, Stripe objects and request logs. It seeds the orders straight
// into the org's store (the CPQ builder, no REST call: 10,000 orders in seconds), sends where to reach both
// emulators as the relay's integration user, then answers the parent's questions until told to stop.
import { cpuUsage, memoryUsage } from 'node:process';
import { startSalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { CpqBuilder } from '@stripe-cpq/salesforce-org-emulator/seed/cpqBuilder.js';
import { startStripeEmulator } from '@stripe-cpq/stripe-emulator';

export interface EmulatorsReady {
  readonly type: 'ready';
  /** The integration user's session: the relay never runs as the admin. */
  readonly salesforce: { readonly instanceUrl: string; readonly accessToken: string };
  /** The org's Pub/Sub API (self-signed TLS). */
  readonly pubSubEndpoint: string;
  readonly stripe: { readonly apiKey: string; readonly host: string; readonly port: number };
  readonly seedSeconds: number;
}

/** Activated orders the relay has still to sync, and those whose sync failed. */
export interface EmulatorsProgress {
  readonly type: 'progress';
  readonly unsynced: number;
  readonly failed: number;
}

/** Stripe requests since `mark`, the emulators' CPU since `mark` and their peak RSS. */
export interface EmulatorsStats {
  readonly type: 'stats';
  readonly stripeRequests: number;
  readonly stripeServed: number;
  readonly cpuMs: number;
  readonly peakRss: number;
}

export type ParentMessage =
  { readonly type: 'mark' } | { readonly type: 'progress' } | { readonly type: 'stats' } | { readonly type: 'stop' };

const ORDERS_PER_ACCOUNT = 10;

/** Monthly seat subscriptions, ten orders per account, all on the org's standard catalogue. */
function seedBackfill(org: Awaited<ReturnType<typeof startSalesforceEmulator>>, orders: number): void {
  const cpq = new CpqBuilder(org.org);
  const seat = cpq.product({
    name: 'Backfill Seat',
    listPrice: 25,
    pricing: 'Fixed Price',
    subscriptionType: 'Renewable',
    term: 1,
    billingFrequency: 'Monthly',
    billingType: 'Advance',
  });
  let accountId = '';
  for (let i = 0; i < orders; i++) {
    if (i % ORDERS_PER_ACCOUNT === 0) accountId = cpq.account(`Backfill Account ${i / ORDERS_PER_ACCOUNT}`);
    cpq.order({
      accountId,
      name: `Backfill ${i}`,
      start: '2030-01-01',
      term: 12,
      lines: [{ product: seat, quantity: 1 + (i % 50) }],
    });
  }
}

/** Read from the store in-process, not through the API: the relay's call count stays its own. */
function progress(org: Awaited<ReturnType<typeof startSalesforceEmulator>>): EmulatorsProgress {
  let unsynced = 0;
  let failed = 0;
  for (const order of org.store.all('Order')) {
    if (order.Status !== 'Activated' || order.Stripe_ID__c) continue;
    if (order.Stripe_Sync_Status__c === 'Failed') failed++;
    else unsynced++;
  }
  return { type: 'progress', unsynced, failed };
}

const send = (message: EmulatorsReady | EmulatorsProgress | EmulatorsStats): void => void process.send?.(message);

if (process.send) {
  const org = await startSalesforceEmulator({ seed: 'empty', pubSub: true });
  const stripe = await startStripeEmulator({ opsPerSecond: Number(process.env.BACKFILL_OPS_PER_SECOND) });
  const seeding = performance.now();
  seedBackfill(org, Number(process.env.BACKFILL_ORDERS));
  const seedSeconds = (performance.now() - seeding) / 1000;
  let requestsAtMark = 0;
  let cpuAtMark = cpuUsage();
  let peakRss = memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, memoryUsage.rss())), 100);
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'mark') {
      requestsAtMark = stripe.requestLog.entries.length;
      cpuAtMark = cpuUsage();
      peakRss = memoryUsage.rss();
    } else if (message.type === 'progress') {
      send(progress(org));
    } else if (message.type === 'stats') {
      const requests = stripe.requestLog.entries.slice(requestsAtMark);
      const cpu = cpuUsage(cpuAtMark);
      send({
        type: 'stats',
        stripeRequests: requests.length,
        stripeServed: requests.filter((e) => e.status !== 429).length,
        cpuMs: (cpu.user + cpu.system) / 1000,
        peakRss: Math.max(peakRss, memoryUsage.rss()),
      });
    } else {
      clearInterval(sampler);
      void Promise.all([org.close(), stripe.close()]).then(() => process.exit(0));
    }
  });
  send({
    type: 'ready',
    salesforce: { instanceUrl: org.instanceUrl, accessToken: org.integrationUser!.accessToken },
    pubSubEndpoint: org.pubSub!.endpoint,
    stripe: { apiKey: stripe.apiKey, host: stripe.host, port: stripe.port },
    seedSeconds,
  });
}
