/**
 * The README's admin walkthrough, end to end with the real `sf` binary: the plugin
 * linked offline into a temporary CLI home, logged into the org emulator with
 * `sf org login access-token`, every command run with --json and its result checked against its JSON
 * schema. The org starts without the package: `deploy` brings it through the Metadata API (deploy,
 * then checkDeployStatus), then the sample CPQ data is loaded, and orders sync to the Stripe emulator:
 * by `sync`, and by `relay start` from the change events of the channel the deploy brought.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import {
  seedSampleOrg,
  startSalesforceEmulator,
  type SalesforceEmulator,
  type SampleOrder,
  type SampleOrg,
} from '@stripe-cpq/salesforce-org-emulator';
import { startStripeEmulator, type StripeEmulator } from '@stripe-cpq/stripe-emulator';
import { linkPlugin, loginSfCli, REPO_ROOT, runSf, type SfCliSession, type SfResult } from '../../support/sfCli.js';
import { schemaErrors } from '../../commands/support/resultSchemas.js';

const NODE = join(REPO_ROOT, 'node_modules/.bin/node');
const SF = join(REPO_ROOT, 'node_modules/@salesforce/cli/bin/run.js');

jest.setTimeout(600_000);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until(probe: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function result<T>(run: SfResult): T {
  if (run.exitCode !== 0 || !run.json) throw new Error(`sf exited ${run.exitCode}: ${run.stdout}\n${run.stderr}`);
  return run.json.result as T;
}

describe('admin walkthrough with the real sf CLI', () => {
  let org: SalesforceEmulator;
  let stripe: StripeEmulator;
  let sf: SfCliSession;
  let stripeEnv: NodeJS.ProcessEnv;
  let sampleOrg: SampleOrg | undefined;
  const sample = (scenario: string): SampleOrder => {
    const order = sampleOrg?.orders.find((o) => o.scenario === scenario);
    if (!order) throw new Error(`no sample order ${scenario}`);
    return order;
  };

  beforeAll(async () => {
    [org, stripe] = await Promise.all([
      // The Pub/Sub API serves the channel the package deploy brings (relay start subscribes to it).
      startSalesforceEmulator({ seed: 'empty', forceAppDir: false, pubSub: true }),
      startStripeEmulator(),
    ]);
    stripeEnv = { STRIPE_API_KEY: stripe.apiKey, STRIPE_API_BASE: stripe.url };
    sf = await loginSfCli(org, 'cpq');
    await linkPlugin(sf);
  });

  afterAll(async () => {
    await sf?.cleanup();
    await Promise.all([org?.close(), stripe?.close()]);
  });

  it('sf stripe cpq deploy brings the package in through deploy + checkDeployStatus, and describe shows it', async () => {
    const deployed = result<{ status: string; permissionSets: unknown[]; customMetadata: { settings: number } }>(
      await sf.run(['stripe', 'cpq', 'deploy', '--target-org', 'cpq', '--json']),
    );
    expect(deployed).toMatchObject({
      status: 'Succeeded',
      permissionSets: [{ permissionSet: 'Stripe_CPQ_Admin', status: 'assigned' }],
      customMetadata: { settings: 1 },
    });
    expect(schemaErrors('stripe-cpq-deploy', deployed)).toEqual([]);
    const soapCalls = org.requestLog.filter(
      (entry) => entry.method === 'POST' && entry.path.startsWith('/services/Soap/m/'),
    );
    expect(soapCalls.length).toBeGreaterThanOrEqual(2);

    const [order, syncRecord] = await Promise.all([
      sf.run(['sobject', 'describe', '--sobject', 'Order', '--target-org', 'cpq', '--json']),
      sf.run(['sobject', 'describe', '--sobject', 'Stripe_Sync_Record__c', '--target-org', 'cpq', '--json']),
    ]);
    const fieldNames = (run: SfResult): string[] =>
      result<{ fields: Array<{ name: string }> }>(run).fields.map((f) => f.name);
    expect(fieldNames(order)).toEqual(
      expect.arrayContaining(['Stripe_ID__c', 'Stripe_Sync_Status__c', 'Stripe_Sync_Fix__c']),
    );
    expect(fieldNames(syncRecord)).toEqual(
      expect.arrayContaining(['Compound_ID__c', 'Resolution_Message__c', 'Resolution_Fix__c']),
    );

    // The package is in: now the org gets its CPQ data.
    sampleOrg = seedSampleOrg(org.org, org.org.today());
  });

  it('sf stripe cpq mapping check passes the shipped mappings against the deployed org', async () => {
    const checked = await sf.run(['stripe', 'cpq', 'mapping', 'check', '--target-org', 'cpq', '--json']);
    expect(checked.json).toMatchObject({ status: 0 });
  });

  it('sf stripe cpq sync --dry-run prints the plan and writes nothing to Stripe or Salesforce', async () => {
    const s1 = sample('S1');
    const planned = result<{ orders: Array<{ status: string; plan: { operations: Array<{ op: string }> } }> }>(
      await sf.run(['stripe', 'cpq', 'sync', '--target-org', 'cpq', '--order', s1.orderId, '--dry-run', '--json'], {
        env: stripeEnv,
      }),
    );
    expect(planned.orders[0]?.status).toBe('planned');
    expect(planned.orders[0]?.plan.operations.map((o) => o.op)).toContain('subscriptionSchedules.create');
    expect(schemaErrors('stripe-cpq-sync', planned)).toEqual([]);
    expect(stripe.requestLog.writes()).toHaveLength(0);
    expect(org.query(`SELECT Stripe_ID__c FROM Order WHERE Id = '${s1.orderId}'`)[0]?.Stripe_ID__c).toBeNull();
  });

  it('sf stripe cpq sync creates the schedule in Stripe and sf stripe cpq status shows the links', async () => {
    const s1 = sample('S1');
    const synced = result<{ orders: Array<{ status: string; stripeId: string }> }>(
      await sf.run(['stripe', 'cpq', 'sync', '--target-org', 'cpq', '--order', s1.orderId, '--json'], {
        env: stripeEnv,
      }),
    );
    expect(synced.orders[0]).toMatchObject({
      status: 'synced',
      stripeId: expect.stringMatching(/^sub_sched_/) as unknown,
    });

    const status = result<{ order: { syncStatus: string; links: { stripeId: string } } }>(
      await sf.run(['stripe', 'cpq', 'status', '--target-org', 'cpq', '--order', s1.orderId, '--json']),
    );
    expect(status.order).toMatchObject({ syncStatus: 'Synced', links: { stripeId: synced.orders[0]?.stripeId } });
    expect(schemaErrors('stripe-cpq-status', status)).toEqual([]);
  });

  it('sf stripe cpq sync exits 1 with the fix for a broken order', async () => {
    const run = await sf.run(
      ['stripe', 'cpq', 'sync', '--target-org', 'cpq', '--order', sample('S38').orderId, '--json'],
      { env: stripeEnv },
    );
    expect(run.exitCode).toBe(1);
    expect(run.json?.result).toMatchObject({
      counts: { failed: 1 },
      orders: [{ status: 'failed', message: expect.stringContaining('decimal') as unknown }],
    });
  });

  it('sf stripe cpq relay start syncs an order activated while it runs, and ends on Ctrl+C', async () => {
    const s2 = sample('S2');
    org.store.update('Order', s2.orderId, { Status: 'Draft' });
    const port = await freePort();
    const relay = spawn(
      NODE,
      [SF, 'stripe', 'cpq', 'relay', 'start', '--target-org', 'cpq', '--port', String(port), '--live-sync', '--json'],
      {
        env: {
          ...sf.env,
          ...stripeEnv,
          SF_PUBSUB_ENDPOINT: org.pubSub!.endpoint,
          SF_PUBSUB_REJECT_UNAUTHORIZED: 'false',
        },
        cwd: REPO_ROOT,
      },
    );
    let stdout = '';
    let stderr = '';
    relay.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    relay.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let exitCode: number | null | undefined;
    const exited = new Promise<void>((resolve) =>
      relay.on('exit', (code) => {
        exitCode = code;
        resolve();
      }),
    );
    const linkOf = () => org.query(`SELECT Stripe_ID__c FROM Order WHERE Id = '${s2.orderId}'`)[0]?.Stripe_ID__c;
    try {
      // Subscribed: the admin's activation now reaches the relay as a change event.
      await until(() => org.pubSub!.openStreams > 0 || exitCode !== undefined, 'the relay to subscribe');
      org.store.update('Order', s2.orderId, { Status: 'Activated' });
      await until(() => Boolean(linkOf()) || exitCode !== undefined, 'the order to sync');
      expect(linkOf()).toMatch(/^sub_sched_/);
      relay.kill('SIGINT');
      // Ctrl+C ends the process itself: nothing the relay opened (the Subscribe stream) keeps it alive.
      await until(() => exitCode !== undefined, 'relay start to exit after SIGINT', 30_000);
    } finally {
      if (exitCode === undefined) relay.kill('SIGKILL');
      await exited;
    }
    if (exitCode !== 0) throw new Error(`relay start exited ${exitCode}:\n${stdout}\n${stderr.slice(-3000)}`);
    expect(org.pubSub!.openStreams).toBe(0);
    const stopped = (JSON.parse(stdout) as { result: unknown }).result;
    expect(stopped).toMatchObject({ stoppedBy: 'SIGINT', url: `http://127.0.0.1:${port}` });
    expect(schemaErrors('stripe-cpq-relay-start', stopped)).toEqual([]);
  });

  it('--help shows the examples as sf commands', async () => {
    const help = await runSf(['stripe', 'cpq', 'sync', '--help'], { ...sf.env, OCLIF_COLUMNS: '200' });
    expect(help.stdout).toContain(
      '$ sf stripe cpq sync --target-org cpq --order 801000000000001AAA --order 801000000000002AAA --dry-run',
    );
  });
});
