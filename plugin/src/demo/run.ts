/**
 * `npm run demo`: the product end to end in a minute. Starts the local Salesforce org (sample CPQ
 * orders, spec §5) and the local Stripe, syncs every sample order with a progress bar, and prints what
 * each became in Stripe — or its error and the fix. With `STRIPE_API_KEY=sk_test_…` and
 * `--target-org <alias>` it talks to the real services instead (test mode only) and syncs the orders
 * given with `--order <Id>` (repeatable).
 */
import { parseArgs } from 'node:util';
import { startSalesforceEmulator } from '../emulators/salesforce/index.js';
import { startStripeEmulator } from '../emulators/stripe/index.js';
import { salesforceClientFrom, SalesforceClient } from '../salesforce/client.js';
import { createStripeGateway, isLiveKey, type StripeGateway } from '../stripe/client.js';
import { createSyncEngine, type OrderSyncResult } from '../sync/engine.js';
import { progressBar, renderTable } from './table.js';

interface DemoOrder {
  readonly id: string;
  readonly label: string;
}

interface DemoTarget {
  readonly salesforce: SalesforceClient;
  readonly stripe: StripeGateway;
  readonly orders: readonly DemoOrder[];
  readonly where: string;
  close(): Promise<void>;
}

async function localTarget(): Promise<DemoTarget> {
  const org = await startSalesforceEmulator();
  const stripe = await startStripeEmulator();
  return {
    salesforce: new SalesforceClient({ instanceUrl: org.instanceUrl, accessToken: org.accessToken }),
    stripe: createStripeGateway({ apiKey: stripe.apiKey, host: stripe.host, port: stripe.port, protocol: 'http' }),
    orders: (org.sample?.orders ?? []).map((o) => ({ id: o.orderId, label: `${o.scenario} ${o.description}` })),
    where: org.instanceUrl,
    close: async () => void (await Promise.all([org.close(), stripe.close()])),
  };
}

async function realTarget(targetOrg: string, orderIds: readonly string[]): Promise<DemoTarget> {
  const apiKey = process.env.STRIPE_API_KEY ?? '';
  if (!/^(sk|rk)_test_/.test(apiKey) || isLiveKey(apiKey)) throw new Error('With --target-org, set STRIPE_API_KEY to a Stripe test-mode key (sk_test_… or rk_test_…).');
  if (orderIds.length === 0) throw new Error('With --target-org, name the orders to sync: --order 801… (repeatable).');
  const { Org } = await import('@salesforce/core');
  const org = await Org.create({ aliasOrUsername: targetOrg });
  const connection = org.getConnection();
  return {
    salesforce: salesforceClientFrom(connection),
    stripe: createStripeGateway({ apiKey }),
    orders: orderIds.map((id) => ({ id, label: id })),
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
  const made = [...counts].map(([op, n]) => `${op.replace(/\.create$/, '').replace(/^billing\./, '')}${n > 1 ? ` ×${n}` : ''}`).join(', ');
  return ['synced', `${made || 'nothing new'}${result.stripeId ? ` → ${result.stripeId}` : ''}`];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'target-org': { type: 'string', short: 'o' }, order: { type: 'string', multiple: true } } });
  const target = values['target-org'] ? await realTarget(values['target-org'], values.order ?? []) : await localTarget();
  try {
    const engine = createSyncEngine({ salesforce: target.salesforce, stripe: target.stripe, workerId: 'demo' });
    const tty = process.stderr.isTTY;
    process.stderr.write(`Syncing ${target.orders.length} orders from ${target.where}\n`);
    const results = await engine.syncOrders(
      target.orders.map((o) => o.id),
      { onProgress: (_r, done, total) => process.stderr.write(tty ? `\r${progressBar(done, total)}` : `${progressBar(done, total)}\n`) },
    );
    if (tty) process.stderr.write('\n');
    const rows = results.map((r, i) => [target.orders[i]!.label, ...describeResult(r)]);
    process.stdout.write(`\n${renderTable(['Order', 'Result', 'Stripe objects created, or the error and its fix'], rows, 70)}\n\n`);
    const synced = results.filter((r) => r.status === 'synced').length;
    process.stdout.write(`${synced} of ${results.length} orders synced; ${target.salesforce.calls} Salesforce calls.\n`);
    const first = results.find((r) => r.status === 'synced');
    process.stdout.write(
      `The Order page (the "Stripe Billing" card) shows each order's links, status and errors: ` +
        `${target.where}/lightning/r/Order/${first?.orderId ?? '<Order Id>'}/view once the package is deployed to the org ` +
        `(sf stripe cpq deploy --target-org <alias>).\n`,
    );
  } finally {
    await target.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
