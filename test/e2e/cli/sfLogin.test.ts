/**
 * An `sf` login as the product uses it, with the real `sf` binary in a temporary home: what @salesforce/core
 * spends loading the org for a `--target-org` command, on the org emulator's own request log, and the
 * relay's container entry point (`plugin/lib/relay/main.js`) signed in by the login's alias (SF_TARGET_ORG),
 * which it then ends by itself on SIGTERM. Needs the compiled plugin (`npm run build`).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { startStripeEmulator, type StripeEmulator } from '@stripe-cpq/stripe-emulator';
import { integrationToken } from '../../support/emulatedServices.js';
import { linkPlugin, loginSfCli, PLUGIN_DIR, REPO_ROOT, type SfCliSession } from '../../support/sfCli.js';
import { sampleOrder, waitFor } from '../../relay/support.js';

jest.setTimeout(180_000);

const NODE = join(REPO_ROOT, 'node_modules/.bin/node');

let org: SalesforceEmulator;
let stripe: StripeEmulator;
let sf: SfCliSession;

beforeAll(async () => {
  [org, stripe] = await Promise.all([startSalesforceEmulator({ pubSub: true }), startStripeEmulator()]);
  // The integration user, as the README's relay user: the commands and the relay run as it.
  sf = await loginSfCli({ instanceUrl: org.instanceUrl, accessToken: integrationToken(org) }, 'cpq');
  await linkPlugin(sf);
});

afterAll(async () => {
  await sf?.cleanup();
  await Promise.all([org?.close(), stripe?.close()]);
});

/** A request as the tests compare it: method, path with the version elided, and an Organization query named. */
const shown = (r: SalesforceEmulator['requestLog'][number]): string =>
  `${r.method} ${r.path.replace(/\/v\d+\.\d+/, '/vXX.X')}${decodeURIComponent(r.query).includes('FROM Organization') ? ' Organization' : ''}`;

/** The org's requests while `work` runs. */
async function requestsOf(work: () => Promise<unknown>): Promise<string[]> {
  const before = org.requestLog.length;
  await work();
  return org.requestLog.slice(before).map(shown);
}

async function status(...args: string[]): Promise<void> {
  const run = await sf.run(['stripe', 'cpq', 'status', '--target-org', 'cpq', '--json', ...args]);
  if (run.exitCode !== 0) throw new Error(`sf stripe cpq status exited ${run.exitCode}: ${run.stdout}${run.stderr}`);
}

describe('loading the org for a --target-org command', () => {
  it("costs nothing per command: the login read the API versions and the org's type once, into its auth file", () => {
    // sf org login access-token: the user (userinfo, its User record, a query), then what @salesforce/core
    // caches in the auth file: the API versions (for 24 hours) and the org's type (for good).
    const login = org.requestLog.map(shown);
    expect(login).toHaveLength(5);
    expect(login.slice(-2)).toEqual(['GET /services/data', 'GET /services/data/vXX.X/query Organization']);
    const auth = JSON.parse(readFileSync(authFile(), 'utf8')) as Record<string, unknown>;
    expect(auth).toMatchObject({ instanceApiVersion: expect.any(String), orgEdition: 'Enterprise Edition' });
  });

  it('status spends its own 3 composite calls and nothing else; --order 1; the version list once a day', async () => {
    expect(await requestsOf(() => status())).toEqual(Array(3).fill('POST /services/data/vXX.X/composite'));
    const order = sampleOrder(org, 'S1').orderId;
    expect(await requestsOf(() => status('--order', order))).toEqual(['POST /services/data/vXX.X/composite']);
    // @salesforce/core keeps the API version 24 hours (Connection.getCachedApiVersion); then one more call.
    const auth = JSON.parse(readFileSync(authFile(), 'utf8')) as Record<string, unknown>;
    const twoDaysAgo = new Date(Date.now() - 48 * 3600_000).toLocaleString('en-US');
    writeFileSync(authFile(), JSON.stringify({ ...auth, instanceApiVersionLastRetrieved: twoDaysAgo }));
    expect(await requestsOf(() => status('--order', order))).toEqual([
      'GET /services/data',
      'POST /services/data/vXX.X/composite',
    ]);
  });
});

describe('the relay entry point signed in by an sf alias (SF_TARGET_ORG)', () => {
  it('syncs a "Sync now" on the alias\'s session, then ends by itself with code 0 on SIGTERM', async () => {
    const output: string[] = [];
    // --trace-exit reports a process.exit() call: the relay must end because nothing is left running.
    const relay = spawn(NODE, ['--trace-exit', join(PLUGIN_DIR, 'lib/relay/main.js')], {
      env: {
        ...sf.env,
        SF_TARGET_ORG: sf.alias,
        STRIPE_API_KEY: stripe.apiKey,
        STRIPE_API_BASE: stripe.url,
        SF_PUBSUB_ENDPOINT: org.pubSub!.endpoint,
        SF_PUBSUB_REJECT_UNAUTHORIZED: 'false',
        RELAY_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    relay.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    relay.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<number | NodeJS.Signals>((resolve) =>
      relay.once('close', (code, signal) => resolve(signal ?? code ?? -1)),
    );
    let ended: number | NodeJS.Signals | undefined;
    void exited.then((code) => (ended = code));
    /** The relay's log holds `text`; an exit before that fails at once, with its output. */
    const logged = (text: string) =>
      waitFor(() => {
        if (ended !== undefined) throw new Error(`The relay exited (${ended}):\n${output.join('')}`);
        return output.join('').includes(text) || undefined;
      }, 60_000);
    try {
      const before = org.requestLog.length;
      await logged('"msg":"relay started"');
      // Its start is its own reconciliation: loading the alias's org cost nothing (the login's caches).
      const loading = org.requestLog
        .slice(before)
        .map(shown)
        .filter((r) => r === 'GET /services/data' || r.endsWith(' Organization'));
      expect(loading).toEqual([]);

      const order = sampleOrder(org, 'S1').orderId;
      const request = org.store.insert('Stripe_Sync_Request__c', {
        Order__c: order,
        Status__c: 'Queued',
        Requested_At__c: new Date().toISOString(),
      });
      const status = () =>
        String(org.query(`SELECT Status__c FROM Stripe_Sync_Request__c WHERE Id = '${request}'`)[0]?.Status__c);
      expect(await waitFor(() => (['Synced', 'Failed'].includes(status()) ? status() : undefined), 60_000)).toBe(
        'Synced',
      );
      expect(org.query(`SELECT Stripe_Sync_Status__c FROM Order WHERE Id = '${order}'`)[0]).toMatchObject({
        Stripe_Sync_Status__c: 'Synced',
      });
    } finally {
      relay.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output.join('')).toContain('"msg":"relay stopped"');
    // The main thread's report has no "thread:" (@salesforce/core's log worker thread may exit its own way).
    expect(output.join('')).not.toMatch(/\(node:\d+\) WARNING: Exited the environment/);
  });
});

/** The login's auth file (`~/.sfdx/<username>.json`), where @salesforce/core caches what it read of the org. */
function authFile(): string {
  const { username } = (sf.login.json?.result ?? {}) as { username?: string };
  return join(sf.home, '.sfdx', `${username}.json`);
}
