/**
 * A sync user short of a permission or licence: the sync ends in a Sync Record, and `mapping check` in a
 * finding, that names the permission, the permission set to assign and the user — not a bare INVALID_FIELD.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OrgUser } from '@stripe-cpq/salesforce-org-emulator';
import { checkOrg } from '../../plugin/src/mappingCheck/index.js';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { createSyncEngine } from '../../plugin/src/sync/engine.js';
import { startEmulatedServices, type EmulatedServices } from '../support/emulatedServices.js';

let services: EmulatedServices;
/** The package's integration set alone: no CPQ permission set, no CPQ licence. */
let withoutCpq: OrgUser;
let client: SalesforceClient;

beforeAll(async () => {
  services = await startEmulatedServices();
  withoutCpq = services.org.org.createUser({
    username: 'relay-no-cpq@cpq-emulator.example',
    permissionSets: ['Stripe_CPQ_Integration_User'],
  });
  client = SalesforceClient.fromSession({ instanceUrl: services.org.instanceUrl, accessToken: withoutCpq.accessToken });
});
afterAll(() => services.close());

describe("a sync user without CPQ's permission set and licence", () => {
  it("fails the sync with a Sync Record naming the missing access, CPQ's permission set, its licence and the user, and writes nothing to Stripe", async () => {
    const order = services.org.sample!.orders.find((o) => o.scenario === 'S1')!;
    const engine = createSyncEngine({ salesforce: client, stripe: services.gateway, workerId: 'no-cpq' });
    const result = await engine.syncOrder(order.orderId);
    expect(result.status).toBe('failed');
    expect(services.stripeWrites()).toBe(0);
    const [record] = services.org.query(
      `SELECT Resolution_Message__c, Resolution_Fix__c FROM Stripe_Sync_Record__c WHERE Order__c = '${order.orderId}'`,
    );
    expect(record?.Resolution_Message__c).toContain(`The sync user ${withoutCpq.username} lacks read access`);
    expect(record?.Resolution_Fix__c).toContain('Assign the permission set SteelBrickCPQUser');
    expect(record?.Resolution_Fix__c).toContain('SalesforceCPQ_CPQStandardPerm');
    expect(record?.Resolution_Fix__c).toContain(withoutCpq.username);
  });

  it('is a mapping check finding on the user for each CPQ object and field it cannot read, with the same fix', async () => {
    const report = await checkOrg(client);
    const chargeType = report.problems.find((p) => p.field === 'OrderItem.SBQQ__ChargeType__c');
    expect(chargeType).toMatchObject({
      severity: 'error',
      recordType: 'User',
      record: withoutCpq.username,
      message: expect.stringContaining(`The sync user ${withoutCpq.username} cannot read`),
    });
    expect(chargeType?.fix).toContain('Assign the permission set SteelBrickCPQUser');
    expect(chargeType?.fix).toContain('SalesforceCPQ_CPQStandardPerm');
    // Package fields come from the package's own permission set, which this user holds: no finding on them.
    expect(report.problems.filter((p) => p.field.includes('Stripe_'))).toEqual([]);
  });

  it('finds nothing to report for the integration user set up as the README says', async () => {
    const report = await checkOrg(services.client);
    expect(report.problems.filter((p) => p.recordType === 'User')).toEqual([]);
  });
});
