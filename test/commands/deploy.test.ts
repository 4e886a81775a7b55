import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import Deploy from '../../plugin/src/commands/stripe/cpq/deploy.js';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { MISSING_MASTER_READ, packageWithoutMasterRead } from './support/brokenPackage.js';
import { authenticateToEmulator, PLUGIN_ROOT } from './support/emulatedOrg.js';
import { schemaErrors } from './support/resultSchemas.js';

const FORCE_APP = new URL('../../force-app', import.meta.url).pathname;

describe('sf stripe cpq deploy', () => {
  const $$ = new TestContext();
  let emulator: SalesforceEmulator;
  let ux: ReturnType<typeof stubSfCommandUx>;

  beforeEach(async () => {
    // An org without the package: the deploy is what brings it.
    emulator = await authenticateToEmulator($$, { seed: 'empty', forceAppDir: false });
    ux = stubSfCommandUx($$.SANDBOX);
  });

  afterEach(async () => {
    $$.restore();
    await emulator.close();
    process.exitCode = undefined; // a failed command sets the CLI's exit code, not the test runner's
  });

  it('deploys the package, assigns Stripe_CPQ_Admin to the running user and finds the default mappings and settings', async () => {
    const result = await Deploy.run(['--target-org', 'cpq', '--json'], PLUGIN_ROOT);
    expect(result).toMatchObject({ status: 'Succeeded', checkOnly: false });
    expect(result.components.deployed).toBe(result.components.total);
    expect(emulator.schema.findField('Order', 'Stripe_Sync_Status__c')).toBeDefined();
    expect(emulator.schema.hasObject('Stripe_Sync_Record__c')).toBe(true);
    expect(result.permissionSets).toEqual([
      { permissionSet: 'Stripe_CPQ_Admin', username: emulator.username, status: 'assigned' },
    ]);
    expect(
      emulator.query(`SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '${emulator.userId}'`),
    ).toHaveLength(1);
    expect(result.customMetadata).toEqual({
      fieldMappings: emulator.query('SELECT Id FROM Stripe_Field_Mapping__mdt').length,
      settings: 1,
    });
    expect(result.nextSteps[0]).toContain('sf stripe cpq mapping check --target-org');
    expect(schemaErrors('stripe-cpq-deploy', result)).toEqual([]);
  });

  it('ends with a summary and the next steps', async () => {
    await Deploy.run(['--target-org', 'cpq'], PLUGIN_ROOT);
    expect(ux.logSuccess.firstCall.args[0]).toMatch(/^Deployed \d+ components to admin@/);
    const logged = ux.log
      .getCalls()
      .map((c) => String(c.args[0]))
      .join('\n');
    expect(logged).toContain('Stripe_CPQ_Admin → admin@cpq-emulator.example: assigned');
    expect(logged).toContain('sf stripe cpq relay start --target-org');
  });

  it('with --dry-run validates in the org without saving anything or assigning permission sets', async () => {
    const result = await Deploy.run(['--target-org', 'cpq', '--dry-run', '--json'], PLUGIN_ROOT);
    expect(result).toMatchObject({ status: 'Succeeded', checkOnly: true, permissionSets: [], customMetadata: null });
    expect(emulator.schema.hasObject('Stripe_Sync_Record__c')).toBe(false);
    expect(emulator.query('SELECT Id FROM PermissionSetAssignment')).toHaveLength(0);
    expect(schemaErrors('stripe-cpq-deploy', result)).toEqual([]);
  });

  it('assigns the named permission sets to the named users, and a re-run finds them already assigned', async () => {
    const profileId = String(emulator.query('SELECT Id FROM Profile')[0]?.Id);
    emulator.store.insert('User', {
      Username: 'relay@example.com',
      LastName: 'Relay',
      Email: 'relay@example.com',
      Alias: 'relay',
      TimeZoneSidKey: 'GMT',
      ProfileId: profileId,
    });
    const argv = [
      '--target-org',
      'cpq',
      '--permission-set',
      'Stripe_CPQ_Integration_User',
      '--permission-set',
      'Stripe_CPQ_Coupon_User',
      '--on-behalf-of',
      'relay@example.com',
      '--json',
    ];
    const first = await Deploy.run(argv, PLUGIN_ROOT);
    expect(first.permissionSets).toEqual([
      { permissionSet: 'Stripe_CPQ_Integration_User', username: 'relay@example.com', status: 'assigned' },
      { permissionSet: 'Stripe_CPQ_Coupon_User', username: 'relay@example.com', status: 'assigned' },
    ]);
    const second = await Deploy.run(argv, PLUGIN_ROOT);
    expect(second.permissionSets.map((a) => a.status)).toEqual(['already assigned', 'already assigned']);
    expect(emulator.query('SELECT Id FROM PermissionSetAssignment')).toHaveLength(2);
  });

  it("makes the calls after the Metadata API deploy through the one client, whose counter equals the org's", async () => {
    const build = SalesforceClient.fromConnection.bind(SalesforceClient);
    const clients: Array<{ client: SalesforceClient; orgAtBuild: number }> = [];
    $$.SANDBOX.stub(SalesforceClient, 'fromConnection').callsFake((connection) => {
      const client = build(connection);
      clients.push({ client, orgAtBuild: emulator.org.apiRequestsToday() });
      return client;
    });
    const since = () => {
      const { client, orgAtBuild } = clients.at(-1)!;
      return { org: emulator.org.apiRequestsToday() - orgAtBuild, client: client.calls };
    };
    await Deploy.run(['--target-org', 'cpq', '--json'], PLUGIN_ROOT);
    // Permission sets, users and existing assignments in one composite call; one collection create; the two
    // settings counts in one composite call.
    expect(since()).toEqual({ org: 3, client: 3 });
    await Deploy.run(['--target-org', 'cpq', '--json'], PLUGIN_ROOT);
    expect(since()).toEqual({ org: 2, client: 2 }); // already assigned: nothing to create
  });

  it('names the user when --on-behalf-of is not a user of the org', async () => {
    await expect(
      Deploy.run(['--target-org', 'cpq', '--on-behalf-of', 'nobody@example.com', '--json'], PLUGIN_ROOT),
    ).rejects.toMatchObject({
      name: 'UserMissingError',
      message: 'No active user with username nobody@example.com in the org.',
    });
    expect(process.exitCode).toBe(1);
  });

  describe('with a broken component', () => {
    let sourceDir: string;

    beforeEach(() => {
      sourceDir = mkdtempSync(join(tmpdir(), 'force-app-'));
      cpSync(FORCE_APP, sourceDir, { recursive: true });
      const field = join(sourceDir, 'main/default/objects/Order/fields/Stripe_Sync_Message__c.field-meta.xml');
      writeFileSync(field, readFileSync(field, 'utf8').replace(/<type>\w+<\/type>/, '<type>Hologram</type>'));
    });

    afterEach(() => rmSync(sourceDir, { recursive: true, force: true }));

    it('fails naming the component, its file and line, and saves nothing', async () => {
      const error = (await Deploy.run(['--target-org', 'cpq', '--source-dir', sourceDir, '--json'], PLUGIN_ROOT).then(
        () => new Error('the deploy succeeded'),
        (e: unknown) => e,
      )) as Error & { actions?: string[] };
      expect(error).toMatchObject({ name: 'DeployFailedError' });
      expect(error.message).toMatch(
        /CustomField Order\.Stripe_Sync_Message__c \(.*Stripe_Sync_Message__c\.field-meta\.xml:\d+:\d+\): .*Hologram/,
      );
      expect(error.actions?.[0]).toContain('file and line');
      expect(emulator.schema.findField('Order', 'Stripe_ID__c')).toBeUndefined();
    });
  });

  describe('with a permission set granting a master-detail child without Read on its master', () => {
    let sourceDir: string;

    beforeEach(() => {
      sourceDir = packageWithoutMasterRead();
    });

    afterEach(() => rmSync(sourceDir, { recursive: true, force: true }));

    it("fails with Salesforce's dependency message on the permission set, and saves nothing", async () => {
      const error = (await Deploy.run(['--target-org', 'cpq', '--source-dir', sourceDir, '--json'], PLUGIN_ROOT).then(
        () => new Error('the deploy succeeded'),
        (e: unknown) => e,
      )) as Error;
      expect(error).toMatchObject({ name: 'DeployFailedError' });
      expect(error.message).toContain('PermissionSet Stripe_CPQ_Coupon_User');
      expect(error.message).toContain(MISSING_MASTER_READ);
      expect(emulator.schema.findField('Order', 'Stripe_ID__c')).toBeUndefined();
    });
  });
});
