/**
 * The demo itself, apart from its command line (run.ts): sync the orders, print what each became, and
 * with `serve` keep the local emulators running behind the Order page card and the relay, so a user
 * can press "Sync now" in their own browser.
 */
import type { Writable } from 'node:stream';
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { startStripeEmulator } from '@stripe-cpq/stripe-emulator';
import { startRelay } from 'plugin-stripe-cpq/lib/relay/index.js';
import { createRelayLogger } from 'plugin-stripe-cpq/lib/relay/logger.js';
import { SalesforceClient } from 'plugin-stripe-cpq/lib/salesforce/client.js';
import { createStripeGateway, isLiveKey, type StripeGateway } from 'plugin-stripe-cpq/lib/stripe/client.js';
import { createSyncEngine, type OrderSyncResult } from 'plugin-stripe-cpq/lib/sync/engine.js';
import { progressBar, renderTable } from './table.js';

export interface DemoOptions {
  /** An sf alias or username: the real org (with STRIPE_API_KEY, test mode); absent, the local emulators. */
  readonly targetOrg?: string;
  /** With targetOrg, the orders to sync. */
  readonly orders?: readonly string[];
  /** Keep the emulators, the relay and the Order page server running (local emulators only). */
  readonly serve?: boolean;
  /** The Order page server's port; 0 (default) picks a free one. */
  readonly port?: number;
}

export interface DemoOutput {
  /** The table and the page URLs. */
  readonly stdout: Writable;
  /** Progress, and the relay's warnings while serving. */
  readonly stderr: Writable & { isTTY?: boolean };
}

/** The served Order page; stop() ends the page server, the relay and the emulators. */
export interface ServingDemo {
  readonly pageUrl: string;
  stop(): Promise<void>;
}

/**
 * Left unsynced when serving, so "Sync now" has work to do: one that syncs to a subscription schedule
 * and one that fails with its documented message and fix.
 */
export const LEFT_FOR_SYNC_NOW = ['S1', 'S38'] as const;

interface DemoOrder {
  readonly id: string;
  readonly scenario: string;
  readonly description: string;
}

const labelOf = (order: DemoOrder) => (order.description ? `${order.scenario} ${order.description}` : order.scenario);

interface DemoTarget {
  readonly salesforce: SalesforceClient;
  readonly stripe: StripeGateway;
  readonly orders: readonly DemoOrder[];
  readonly where: string;
  /** The org emulator, when the demo runs locally. */
  readonly org?: SalesforceEmulator;
  close(): Promise<void>;
}

async function localTarget(): Promise<DemoTarget> {
  // With its Pub/Sub API: the relay of `--serve` takes "Sync now" from change events.
  const [org, stripe] = await Promise.all([startSalesforceEmulator({ pubSub: true }), startStripeEmulator()]);
  return {
    salesforce: SalesforceClient.fromSession({ instanceUrl: org.instanceUrl, accessToken: org.accessToken }),
    stripe: createStripeGateway({ apiKey: stripe.apiKey, host: stripe.host, port: stripe.port, protocol: 'http' }),
    orders: (org.sample?.orders ?? []).map((o) => ({
      id: o.orderId,
      scenario: o.scenario,
      description: o.description,
    })),
    where: org.instanceUrl,
    org,
    close: async () => void (await Promise.all([org.close(), stripe.close()])),
  };
}

async function realTarget(targetOrg: string, orderIds: readonly string[]): Promise<DemoTarget> {
  const apiKey = process.env.STRIPE_API_KEY ?? '';
  if (!/^(sk|rk)_test_/.test(apiKey) || isLiveKey(apiKey))
    throw new Error('With --target-org, set STRIPE_API_KEY to a Stripe test-mode key (sk_test_… or rk_test_…).');
  if (orderIds.length === 0) throw new Error('With --target-org, name the orders to sync: --order 801… (repeatable).');
  const { Org } = await import('@salesforce/core');
  const org = await Org.create({ aliasOrUsername: targetOrg });
  const connection = org.getConnection();
  return {
    salesforce: SalesforceClient.fromConnection(connection),
    stripe: createStripeGateway({ apiKey }),
    orders: orderIds.map((id) => ({ id, scenario: id, description: '' })),
    where: connection.instanceUrl,
    close: async () => undefined,
  };
}

function describeResult(result: OrderSyncResult): [string, string] {
  if (result.status === 'failed') {
    return ['failed', result.errors.map((e) => `${e.resolutionMessage}\nFix: ${e.fix}`).join('\n')];
  }
  if (result.status === 'busy') return ['busy', 'Another worker holds this contract; try again.'];
  const counts = new Map<string, number>();
  for (const a of result.applied) counts.set(a.op, (counts.get(a.op) ?? 0) + 1);
  const made = [...counts]
    .map(([op, n]) => `${op.replace(/\.create$/, '').replace(/^billing\./, '')}${n > 1 ? ` ×${n}` : ''}`)
    .join(', ');
  return ['synced', `${made || 'nothing new'}${result.stripeId ? ` → ${result.stripeId}` : ''}`];
}

/** Syncs the target's orders with a progress bar and prints the table; returns the results by order id. */
async function syncAndReport(
  target: DemoTarget,
  orders: readonly DemoOrder[],
  { stdout, stderr }: DemoOutput,
): Promise<Map<string, OrderSyncResult>> {
  const engine = createSyncEngine({ salesforce: target.salesforce, stripe: target.stripe, workerId: 'demo' });
  const tty = stderr.isTTY === true;
  stderr.write(`Syncing ${orders.length} orders from ${target.where}\n`);
  const results = await engine.syncOrders(
    orders.map((o) => o.id),
    {
      onProgress: (_r, done, total) =>
        stderr.write(tty ? `\r${progressBar(done, total)}` : `${progressBar(done, total)}\n`),
    },
  );
  if (tty) stderr.write('\n');
  const rows = results.map((r, i) => [labelOf(orders[i]!), ...describeResult(r)]);
  stdout.write(
    `\n${renderTable(['Order', 'Result', 'Stripe objects created, or the error and its fix'], rows, 70)}\n\n`,
  );
  const synced = results.filter((r) => r.status === 'synced').length;
  stdout.write(`${synced} of ${results.length} orders synced; ${target.salesforce.calls} Salesforce calls.\n`);
  return new Map(results.map((r) => [r.orderId, r]));
}

/**
 * Runs the demo. Without `serve` it stops everything and resolves undefined; with it, it resolves the
 * running Order page once every URL is printed, and the caller stops it.
 */
export async function runDemo(options: DemoOptions, output: DemoOutput): Promise<ServingDemo | undefined> {
  if (options.serve && options.targetOrg) {
    throw new Error(
      '--serve runs the Order page on the local emulators; on a real org the card is on the Lightning record page. Drop --target-org or --serve.',
    );
  }
  const target = options.targetOrg ? await realTarget(options.targetOrg, options.orders ?? []) : await localTarget();
  try {
    const held = new Set<string>(options.serve ? LEFT_FOR_SYNC_NOW : []);
    const results = await syncAndReport(
      target,
      target.orders.filter((o) => !held.has(o.scenario)),
      output,
    );
    if (options.serve && target.org)
      return await serveOrderPages(target, target.org, results, options.port ?? 0, output);
    output.stdout.write(closingLine(target, results));
  } catch (error) {
    await target.close();
    throw error;
  }
  await target.close();
  return undefined;
}

function closingLine(target: DemoTarget, results: Map<string, OrderSyncResult>): string {
  if (target.org) {
    return 'Open each order\'s page (the "Stripe Billing" card) in your browser, and press "Sync now" with a local relay doing the work: npm run demo -- --serve\n';
  }
  const first = [...results.values()].find((r) => r.status === 'synced');
  return (
    `The Order page (the "Stripe Billing" card) shows each order's links, status and errors: ` +
    `${target.where}/lightning/r/Order/${first?.orderId ?? '<Order Id>'}/view once the package is deployed to the org ` +
    `(sf stripe cpq deploy --target-org <alias>).\n`
  );
}

/** Builds the card if its sources changed, starts the relay and the page server, and prints one URL per order. */
async function serveOrderPages(
  target: DemoTarget,
  org: SalesforceEmulator,
  results: Map<string, OrderSyncResult>,
  port: number,
  { stdout, stderr }: DemoOutput,
): Promise<ServingDemo> {
  // Loaded only here: the page build needs rollup and the LWC compilers (root devDependencies).
  const { ensureOrderPageBuilt } = await import('@stripe-cpq/order-page/build.js');
  const { startEmulatorOrderPageServer } = await import('@stripe-cpq/order-page/server.js');
  stderr.write('Building the Order page card (LWC OSS + SLDS) unless it is up to date…\n');
  const build = await ensureOrderPageBuilt();
  stderr.write(build.built ? `Built in ${(build.ms / 1000).toFixed(1)} s.\n` : 'Up to date.\n');
  // liveSync off: the relay syncs on "Sync now" only, so the orders left unsynced wait for the button.
  const relay = await startRelay({
    salesforce: target.salesforce,
    events: { endpoint: org.pubSub!.endpoint, rejectUnauthorized: false },
    stripe: target.stripe,
    port: 0,
    liveSync: false,
    logger: createRelayLogger({ destination: stderr, level: 'warn' }),
  });
  const pages = await startEmulatorOrderPageServer(org, port).catch(async (error: unknown) => {
    await relay.stop();
    throw error;
  });
  // The URL before the description: it never wraps, so each order's first line holds its link.
  const rows = target.orders.map((o) => {
    const result = results.get(o.id);
    return [
      o.scenario,
      result ? describeResult(result)[0] : 'not synced: press Sync now',
      pages.orderUrl(o.id),
      o.description,
    ];
  });
  stdout.write(`\nThe Order page of each sample order, with the relay (${relay.url}) syncing on "Sync now":\n\n`);
  stdout.write(
    `${renderTable(['Order', 'State', 'Open in your browser', 'Scenario'], rows, 50)}\n\nCtrl+C stops the page, the relay and the emulators.\n`,
  );
  return {
    pageUrl: pages.url,
    stop: async () => {
      await pages.close();
      await relay.stop();
      await target.close();
    },
  };
}
