import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import Deploy from '../../plugin/src/commands/stripe/cpq/deploy.js';
import type { SalesforceEmulator } from '../../plugin/src/emulators/salesforce/index.js';
import { authenticateToEmulator, PLUGIN_ROOT } from './support/emulatedOrg.js';

describe('sf stripe cpq deploy', () => {
  const $$ = new TestContext();
  let emulator: SalesforceEmulator;

  beforeEach(async () => {
    emulator = await authenticateToEmulator($$, { seed: 'empty', forceAppDir: false });
    stubSfCommandUx($$.SANDBOX);
  });

  afterEach(async () => {
    $$.restore();
    await emulator.close();
  });

  it('deploys the package, assigns Stripe_CPQ_Admin to the running user and finds the default mappings and settings', async () => {
    const result = await Deploy.run(['--target-org', 'cpq'], PLUGIN_ROOT);
    expect(result.status).toBe('Succeeded');
    expect(result.checkOnly).toBe(false);
    expect(emulator.schema.findField('Order', 'Stripe_Sync_Status__c')).toBeDefined();
    expect(emulator.schema.hasObject('Stripe_Sync_Record__c')).toBe(true);
    expect(result.permissionSets).toEqual([{ permissionSet: 'Stripe_CPQ_Admin', username: emulator.username, status: 'assigned' }]);
    expect(result.customMetadata?.settings).toBe(1);
    expect(result.customMetadata?.fieldMappings).toBe(emulator.query('SELECT Id FROM Stripe_Field_Mapping__mdt').length);
  });
});
