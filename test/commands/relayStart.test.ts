import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import RelayStart from '../../plugin/src/commands/stripe/cpq/relay/start.js';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { authenticateToEmulator, PLUGIN_ROOT } from './support/emulatedOrg.js';
import { schemaErrors } from './support/resultSchemas.js';

describe('sf stripe cpq relay start', () => {
  const $$ = new TestContext();
  let emulator: SalesforceEmulator;
  let ux: ReturnType<typeof stubSfCommandUx>;
  const events: string[] = [];
  const startRelay = (): ReturnType<TestContext['SANDBOX']['stub']> =>
    $$.SANDBOX.stub().callsFake(async (options: { reconcileSeconds?: number }) => {
      events.push('started');
      // The relay reports the interval it reconciles at: the flag's, else its default (600 s).
      return {
        url: 'http://127.0.0.1:8787',
        reconcileSeconds: options.reconcileSeconds ?? 600,
        stop: async () => void events.push('stopped'),
      };
    });

  beforeEach(async () => {
    events.length = 0;
    emulator = await authenticateToEmulator($$, { seed: 'empty' });
    ux = stubSfCommandUx($$.SANDBOX);
    $$.SANDBOX.stub(process, 'env').value({
      ...process.env,
      STRIPE_API_KEY: 'sk_test_relay',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc',
    });
    $$.SANDBOX.stub(RelayStart, 'untilStopped').callsFake(async () => {
      events.push('waiting');
      return 'SIGINT';
    });
  });

  afterEach(async () => {
    $$.restore();
    await emulator.close();
    process.exitCode = undefined; // a failed command sets the CLI's exit code, not the test runner's
  });

  it('runs the relay with the org connection and the flags until interrupted, then stops it', async () => {
    const relay = startRelay();
    $$.SANDBOX.stub(RelayStart, 'loadEngine').resolves({ startRelay: relay, createSyncEngine: $$.SANDBOX.stub() });
    const result = await RelayStart.run(
      ['--target-org', 'cpq', '--port', '0', '--concurrency', '4', '--reconcile-interval', '300'],
      PLUGIN_ROOT,
    );
    const options = relay.firstCall.args[0] as Record<string, unknown> & { connection: { instanceUrl: string } };
    expect(options).toMatchObject({
      stripeApiKey: 'sk_test_relay',
      port: 0,
      concurrency: 4,
      reconcileSeconds: 300,
      webhookSecret: 'whsec_abc',
    });
    expect(options.connection.instanceUrl).toBe(emulator.instanceUrl);
    expect(events).toEqual(['waiting', 'started', 'stopped']);
    expect(result).toMatchObject({
      url: 'http://127.0.0.1:8787',
      username: emulator.integrationUser?.username,
      concurrency: 4,
      webhooks: true,
      stoppedBy: 'SIGINT',
    });
    expect(ux.log.firstCall.args[0]).toContain('Relay running at http://127.0.0.1:8787');
    expect(schemaErrors('stripe-cpq-relay-start', result)).toEqual([]);
  });

  it("uses the documented defaults: port 8787, concurrency 2, and the relay's reconcile interval, which it reports", async () => {
    const relay = startRelay();
    $$.SANDBOX.stub(RelayStart, 'loadEngine').resolves({ startRelay: relay, createSyncEngine: $$.SANDBOX.stub() });
    const result = await RelayStart.run(['--target-org', 'cpq'], PLUGIN_ROOT);
    expect(relay.firstCall.args[0]).toMatchObject({ port: 8787, concurrency: 2, reconcileSeconds: 600 });
    expect(result.reconcileSeconds).toBe(600);
    expect(ux.log.firstCall.args[0]).toContain('reconciling every 600 s');
  });

  it('refuses to start on a sync filter the poller would refuse, naming the setting, field and fix', async () => {
    const invalid = Object.assign(new Error('bad filter'), {
      name: 'InvalidSyncFilter',
      problem: 'The order sync filter "x;" is not a SOQL condition on Order (unexpected ;).',
      fix: 'Write one SOQL condition in Order_Sync_Filter__c.',
    });
    $$.SANDBOX.stub(RelayStart, 'loadEngine').resolves({
      startRelay: $$.SANDBOX.stub().rejects(invalid),
      createSyncEngine: $$.SANDBOX.stub(),
    });
    const error = await RelayStart.run(['--target-org', 'cpq'], PLUGIN_ROOT).then(
      () => ({ message: 'started', actions: [] }),
      (e: unknown) => e as { message: string; actions?: string[] },
    );
    expect(error.message).toContain('The order sync filter "x;" is not a SOQL condition on Order');
    expect(error.message).toContain('The relay did not start');
    expect(error.actions).toEqual(['Write one SOQL condition in Order_Sync_Filter__c.']);
  });

  it('passes --live-sync / --no-live-sync on, and leaves the org setting in charge without either', async () => {
    const relay = startRelay();
    $$.SANDBOX.stub(RelayStart, 'loadEngine').resolves({ startRelay: relay, createSyncEngine: $$.SANDBOX.stub() });
    const on = await RelayStart.run(['--target-org', 'cpq', '--live-sync'], PLUGIN_ROOT);
    await RelayStart.run(['--target-org', 'cpq', '--no-live-sync'], PLUGIN_ROOT);
    const unset = await RelayStart.run(['--target-org', 'cpq'], PLUGIN_ROOT);
    expect(relay.getCalls().map((c: { args: unknown[] }) => (c.args[0] as { liveSync?: boolean }).liveSync)).toEqual([
      true,
      false,
      undefined,
    ]);
    expect([on.liveSync, unset.liveSync]).toEqual([true, null]);
  });

  it('fails with the fix when STRIPE_API_KEY is missing, starting nothing', async () => {
    $$.SANDBOX.stub(process, 'env').value({ ...process.env, STRIPE_API_KEY: undefined });
    const relay = startRelay();
    $$.SANDBOX.stub(RelayStart, 'loadEngine').resolves({ startRelay: relay, createSyncEngine: $$.SANDBOX.stub() });
    await expect(RelayStart.run(['--target-org', 'cpq'], PLUGIN_ROOT)).rejects.toMatchObject({
      name: 'MissingStripeKeyError',
    });
    expect(relay.called).toBe(false);
  });

  it('rejects a concurrency below 1', async () => {
    await expect(RelayStart.run(['--target-org', 'cpq', '--concurrency', '0'], PLUGIN_ROOT)).rejects.toThrow(
      /concurrency/i,
    );
  });
});
