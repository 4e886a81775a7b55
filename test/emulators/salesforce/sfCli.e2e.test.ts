/**
 * The real `sf` binary accepts the emulator as an org: `sf org login access-token` (userinfo, User row,
 * Organization query) and `sf data query` (query + columns=true) work unmodified over loopback HTTP.
 */
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { FORCE_APP, MISSING_MASTER_READ, packageWithoutMasterRead } from '../../commands/support/brokenPackage.js';
import { loginSfCli, type SfCliSession } from '../../support/sfCli.js';

let emulator: SalesforceEmulator;
let sf: SfCliSession;

beforeAll(async () => {
  emulator = await startSalesforceEmulator();
  sf = await loginSfCli(emulator, 'cpq-emulator');
}, 120_000);

afterAll(async () => {
  await sf?.cleanup();
  await emulator?.close();
});

describe('the sf CLI against the org emulator', () => {
  it('accepts the emulator in sf org login access-token --no-prompt --json', () => {
    expect(sf.login.exitCode).toBe(0);
    expect(sf.login.json?.result).toMatchObject({
      username: emulator.username,
      orgId: emulator.orgId,
      instanceUrl: `${emulator.instanceUrl}/`,
    });
  });

  it('lists the org as connected with the emulator user and org id (sf org display)', async () => {
    const display = await sf.run(['org', 'display', '--target-org', sf.alias, '--json']);
    expect(display.exitCode).toBe(0);
    expect(display.json?.result).toMatchObject({
      username: emulator.username,
      id: emulator.orgId,
      connectedStatus: 'Connected',
    });
  }, 120_000);

  it('returns the seeded orders with their order products from sf data query', async () => {
    const result = await sf.run([
      'data',
      'query',
      '--target-org',
      sf.alias,
      '--query',
      'SELECT Id, OrderNumber, (SELECT Id FROM OrderItems) FROM Order',
      '--json',
    ]);
    expect(result.exitCode).toBe(0);
    const records = (
      result.json?.result as {
        records: Array<{ Id: string; OrderNumber: string; OrderItems: { records: Array<{ Id: string }> } | null }>;
      }
    ).records;
    const seeded = emulator.sample?.orders ?? [];
    expect(records).toHaveLength(seeded.length);
    for (const order of seeded) {
      const row = records.find((r) => r.Id === order.orderId);
      expect(row?.OrderNumber).toBe(order.orderNumber);
      expect(row?.OrderItems?.records.map((i) => i.Id).sort()).toEqual([...order.orderItemIds].sort());
    }
  }, 120_000);

  it('shows Salesforce query errors as sf errors with the errorCode', async () => {
    const result = await sf.run([
      'data',
      'query',
      '--target-org',
      sf.alias,
      '--query',
      'SELECT Bogus__c FROM Order',
      '--json',
    ]);
    expect(result.exitCode).not.toBe(0);
    expect(result.json?.name).toBe('INVALID_FIELD');
  }, 120_000);

  it('deploys the shipped package with sf project deploy start --source-dir force-app', async () => {
    const result = await sf.run(
      ['project', 'deploy', 'start', '--target-org', sf.alias, '--source-dir', FORCE_APP, '--json'],
      { timeoutMs: 300_000 },
    );
    expect(result.exitCode).toBe(0);
    expect(result.json?.result).toMatchObject({ status: 'Succeeded' });
  }, 300_000);

  it('refuses, in sf project deploy start, a permission set granting a master-detail child without Read on its master', async () => {
    const broken = packageWithoutMasterRead();
    try {
      const result = await sf.run(
        ['project', 'deploy', 'start', '--target-org', sf.alias, '--source-dir', broken, '--json'],
        { timeoutMs: 300_000 },
      );
      expect(result.exitCode).not.toBe(0);
      expect(JSON.stringify(result.json)).toContain(MISSING_MASTER_READ);
    } finally {
      rmSync(dirname(broken), { recursive: true, force: true });
    }
  }, 300_000);
});
