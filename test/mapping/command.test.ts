/**
 * `sf stripe cpq mapping check` as a command: flags, the table, the --json result against its schema,
 * and the exit code (1 when any error), on the org emulator through TestContext.
 */
import { readFileSync } from 'node:fs';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { Ajv } from 'ajv';
import MappingCheck from '../../plugin/src/commands/stripe/cpq/mapping/check.js';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { authenticateToEmulator, PLUGIN_ROOT } from '../commands/support/emulatedOrg.js';
import { addMapping, orderOf } from './orgSupport.js';
import { FORCE_APP } from './support.js';

const schema = JSON.parse(
  readFileSync(new URL('../../plugin/schemas/stripe-cpq-mapping-check.json', import.meta.url), 'utf8'),
) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const schemaErrors = (result: unknown): string[] =>
  validate(result) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);

describe('sf stripe cpq mapping check', () => {
  const $$ = new TestContext();
  let emulator: SalesforceEmulator;
  let ux: ReturnType<typeof stubSfCommandUx>;

  beforeEach(async () => {
    emulator = await authenticateToEmulator($$);
    ux = stubSfCommandUx($$.SANDBOX);
    process.exitCode = undefined;
  });

  afterEach(async () => {
    $$.restore();
    await emulator.close();
    process.exitCode = undefined;
  });

  it('passes the shipped package source with --source-dir, exit code 0', async () => {
    const result = await MappingCheck.run(['--source-dir', FORCE_APP], PLUGIN_ROOT);
    expect(result).toMatchObject({
      source: 'local',
      mappingRecords: 27,
      problems: [],
      orders: [],
      counts: { errors: 0, warnings: 0, ordersReady: 0, ordersBlocked: 0 },
    });
    expect(schemaErrors(result)).toEqual([]);
    expect(process.exitCode).toBeUndefined();
    expect(ux.log.args.flat()).toContain('No problems found.');
  });

  it('lists every problem of the org in one table with record, field and fix, and exits 1', async () => {
    addMapping(emulator, 'Region_Typo', {
      key: 'subscription_schedule',
      stripePath: 'metdata.region',
      salesforcePath: 'Account.Name',
    });
    addMapping(emulator, 'Lines_Quantity', {
      key: 'subscription_schedule',
      stripePath: 'metadata.qty',
      salesforcePath: 'OrderItems.Quantity',
    });
    const result = await MappingCheck.run(['--target-org', 'cpq'], PLUGIN_ROOT);
    expect(result.problems.map((p) => [p.record, p.field])).toEqual([
      ['Lines_Quantity', 'Salesforce_Path__c'],
      ['Region_Typo', 'Stripe_Path__c'],
    ]);
    expect(result.counts).toEqual({ errors: 2, warnings: 0, ordersReady: 0, ordersBlocked: 0 });
    expect(schemaErrors(result)).toEqual([]);
    expect(process.exitCode).toBe(1);
    const table = ux.table.firstCall.args[0];
    expect(table.columns).toEqual(['Severity', 'Record', 'Field', 'Problem', 'Fix']);
    expect(table.data[1]).toEqual({
      Severity: 'error',
      Record: 'Stripe_Field_Mapping.Region_Typo',
      Field: 'Stripe_Path__c',
      Problem:
        'Stripe subscription schedules have no parameter "metdata.region" in API version 2026-10-28.endive. Did you mean "metadata.region"?',
      Fix: 'Change the Stripe path to metadata.region.',
    });
  });

  it('preflights orders named with --order (15 or 18 characters) and summarises the ready ones', async () => {
    const ready = orderOf(emulator, 'S1').orderId;
    const broken = orderOf(emulator, 'S38').orderId;
    const result = await MappingCheck.run(
      ['--target-org', 'cpq', '--order', ready.slice(0, 15), '--order', broken],
      PLUGIN_ROOT,
    );
    expect(result.orders.map((o) => [o.orderId, o.ready])).toEqual([
      [ready, true],
      [broken, false],
    ]);
    expect(result.counts).toEqual({ errors: 1, warnings: 0, ordersReady: 1, ordersBlocked: 1 });
    expect(schemaErrors(result)).toEqual([]);
    expect(process.exitCode).toBe(1);
    expect(ux.log.args.flat()).toContain(
      `Order ${ready} is ready. A first sync would make: 1 customer, 1 product, 1 price, 1 subscription schedule.`,
    );
    expect(ux.log.args.flat()).toContain(`Order ${broken} would not sync: 1 error(s).`);
  });

  it('needs an org or --source-dir, and --order only with an org', async () => {
    await expect(MappingCheck.run([], PLUGIN_ROOT)).rejects.toThrow(
      'Nothing to check: give an org with --target-org (or set a default org), or local source with --source-dir.',
    );
    await expect(MappingCheck.run(['--source-dir', FORCE_APP, '--target-org', 'cpq'], PLUGIN_ROOT)).rejects.toThrow(
      /--target-org=.* cannot also be provided when using --source-dir/,
    );
    await expect(
      MappingCheck.run(['--source-dir', FORCE_APP, '--order', '801000000000001AAA'], PLUGIN_ROOT),
    ).rejects.toThrow('cannot also be provided when using --order');
  });

  it('uses the default org when none is named, and --source-dir still works beside a default org', async () => {
    await $$.stubConfig({ 'target-org': emulator.integrationUser!.username });
    expect((await MappingCheck.run([], PLUGIN_ROOT)).source).toBe('org');
    expect((await MappingCheck.run(['--source-dir', FORCE_APP], PLUGIN_ROOT)).source).toBe('local');
  });
});

describe('sf stripe cpq mapping check on an org without the package', () => {
  const $$ = new TestContext();
  let emulator: SalesforceEmulator;

  beforeEach(async () => {
    emulator = await authenticateToEmulator($$, { seed: 'empty', forceAppDir: false });
    stubSfCommandUx($$.SANDBOX);
  });

  afterEach(async () => {
    $$.restore();
    await emulator.close();
    process.exitCode = undefined; // the failed command set the CLI's exit code, not the test runner's
  });

  it('says to deploy the package first, with the next steps', async () => {
    const error = (await MappingCheck.run(['--target-org', 'cpq'], PLUGIN_ROOT).then(
      () => undefined,
      (e: unknown) => e,
    )) as { message: string; actions?: string[] } | undefined;
    expect(error?.message).toMatch(
      /^The Stripe package is not in this org: The org has no Stripe_Field_Mapping__mdt or Stripe_Sync_Setting__mdt \(INVALID_TYPE/,
    );
    expect(process.exitCode).toBe(1);
    expect(error?.actions).toEqual([
      'Deploy it first: sf stripe cpq deploy --target-org <alias>',
      'Or check the records in local source before deploying: sf stripe cpq mapping check --source-dir force-app',
    ]);
  });
});
