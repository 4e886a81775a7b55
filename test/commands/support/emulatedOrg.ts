/**
 * Command unit tests against the org emulator: TestContext keeps the CLI's state (auth files, aliases,
 * config) in memory, and its connection stubs are lifted so the command's requests — REST and the
 * Metadata API's SOAP alike — reach the emulator over loopback HTTP, as they would a real org.
 */
import { MockTestOrgData, type TestContext } from '@salesforce/core/testSetup';
import { startSalesforceEmulator, type SalesforceEmulator, type SalesforceEmulatorOptions } from '../../../plugin/src/emulators/salesforce/index.js';

export const PLUGIN_ROOT = new URL('../../../plugin', import.meta.url).pathname;

export async function authenticateToEmulator($$: TestContext, options: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  const emulator = await startSalesforceEmulator(options);
  const testOrg = new MockTestOrgData(undefined, { username: emulator.username });
  testOrg.instanceUrl = emulator.instanceUrl;
  testOrg.loginUrl = emulator.instanceUrl;
  testOrg.accessToken = emulator.accessToken;
  testOrg.orgId = emulator.orgId;
  testOrg.userId = emulator.userId;
  await $$.stubAuths(testOrg);
  $$.stubAliases({ cpq: emulator.username });
  $$.SANDBOXES.CONNECTION.restore();
  return emulator;
}
