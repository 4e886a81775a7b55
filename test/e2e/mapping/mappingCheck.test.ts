/**
 * `sf stripe cpq mapping check` in the real `sf` binary: the plugin linked offline into a temporary CLI
 * home (as in the admin walkthrough), logged into the sample CPQ org emulator. It checks the org's
 * mappings and preflights orders with the Stripe emulator running, and checks local source; nothing is
 * written to the org and Stripe is never called.
 */
import { jest } from '@jest/globals';
import { startStripeEmulator, type StripeEmulator } from '@stripe-cpq/stripe-emulator';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import type { MappingCheckResult } from '../../../plugin/src/commands/stripe/cpq/mapping/check.js';
import { join } from 'node:path';
import { linkPlugin, loginSfCli, REPO_ROOT, type SfCliSession } from '../../support/sfCli.js';
import { addMapping, orderOf, startSampleOrg, watchWrites } from '../../mapping/orgSupport.js';

jest.setTimeout(300_000);

describe('sf stripe cpq mapping check with the real sf CLI', () => {
  let org: SalesforceEmulator;
  let stripe: StripeEmulator;
  let sf: SfCliSession;
  let stripeEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    [{ org }, stripe] = await Promise.all([startSampleOrg(), startStripeEmulator()]);
    // If the check called Stripe, it would land here (and in the request log).
    stripeEnv = { STRIPE_API_KEY: stripe.apiKey, STRIPE_API_BASE: stripe.url };
    sf = await loginSfCli(org, 'cpq');
    await linkPlugin(sf);
  });

  afterAll(async () => {
    await sf?.cleanup();
    await Promise.all([org?.close(), stripe?.close()]);
  });

  it('checks the org and preflights orders in one pass: --json result, exit code 1, no write, no Stripe call', async () => {
    addMapping(org, 'Region_Typo', {
      key: 'subscription_schedule',
      stripePath: 'metdata.region',
      salesforcePath: 'Account.Name',
    });
    const writes = watchWrites(org);
    const [ready, broken] = [orderOf(org, 'S1').orderId, orderOf(org, 'S39').orderId];
    const run = await sf.run(
      ['stripe', 'cpq', 'mapping', 'check', '--target-org', 'cpq', '--order', ready, '--order', broken, '--json'],
      { env: stripeEnv },
    );

    expect(run.exitCode).toBe(1);
    const result = run.json?.result as MappingCheckResult;
    expect(result.source).toBe('org');
    expect(result.problems.map((p) => [p.record, p.field, p.fix])).toEqual([
      ['Region_Typo', 'Stripe_Path__c', 'Change the Stripe path to metadata.region.'],
    ]);
    expect(result.orders.map((o) => [o.orderId, o.ready, o.summary])).toEqual([
      [ready, true, '1 customer, 1 product, 1 price, 1 subscription schedule'],
      [broken, false, ''],
    ]);
    expect(result.orders[1]?.problems.map((p) => [p.recordType, p.record, p.message])).toEqual([
      ['Order', broken, 'Data Error: The following required fields are missing: SBQQ__Quote__c.SBQQ__StartDate__c'],
    ]);
    expect(result.counts).toEqual({ errors: 2, warnings: 0, ordersReady: 1, ordersBlocked: 1 });
    expect(stripe.requestLog.entries).toEqual([]);
    expect(writes.count()).toBe(0);
  });

  it('prints the problems as a table for people', async () => {
    const run = await sf.run(['stripe', 'cpq', 'mapping', 'check', '--target-org', 'cpq'], { env: stripeEnv });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/Severity\s.*Record\s.*Field\s.*Problem\s.*Fix/);
    expect(run.stdout).toContain('Region_Typo');
    expect(run.stdout).toContain('1 error(s), 0 warning(s).');
  });

  it('checks local source before deploying: the shipped package passes with exit code 0', async () => {
    const run = await sf.run([
      'stripe',
      'cpq',
      'mapping',
      'check',
      '--source-dir',
      join(REPO_ROOT, 'force-app'),
      '--json',
    ]);
    expect(run.exitCode).toBe(0);
    expect(run.json?.result).toMatchObject({
      source: 'local',
      mappingRecords: 27,
      problems: [],
      counts: { errors: 0, warnings: 0 },
    });
  });
});
