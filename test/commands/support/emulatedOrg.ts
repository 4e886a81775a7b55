/**
 * Command unit tests against the org emulator: TestContext keeps the CLI's state (auth files, aliases,
 * config) in memory, and its connection stubs are lifted so the command's requests — REST and the
 * Metadata API's SOAP alike — reach the emulator over loopback HTTP, as they would a real org.
 */

/**
 * The auth file `sf org login` leaves: with what @salesforce/core read of the org at login — its latest API
 * version (kept 24 hours) and its type (kept for good) — so loading the org costs a command no call, as with
 * the real `sf` binary (test/e2e/cli/sfLogin.test.ts).
 */
class LoggedInOrgData extends MockTestOrgData {
  override async getConfig(): Promise<AuthFields> {
    return {
      ...(await super.getConfig()),
      instanceApiVersion: LATEST_API_VERSION,
      instanceApiVersionLastRetrieved: new Date().toLocaleString('en-US'),
      orgEdition: 'Enterprise Edition',
      namespacePrefix: null,
    } as AuthFields;
  }
}
import type { AuthFields } from '@salesforce/core';
import { MockTestOrgData, type TestContext } from '@salesforce/core/testSetup';
import {
  LATEST_API_VERSION,
  startSalesforceEmulator,
  type SalesforceEmulator,
  type SalesforceEmulatorOptions,
} from '@stripe-cpq/salesforce-org-emulator';

export const PLUGIN_ROOT = new URL('../../../plugin', import.meta.url).pathname;

/**
 * Logs the CLI in as the integration user when the package is loaded (the commands that sync, report and
 * check run as the relay would, never as the admin), else as the admin (deploying the package needs one).
 */
export async function authenticateToEmulator(
  $$: TestContext,
  options: SalesforceEmulatorOptions = {},
): Promise<SalesforceEmulator> {
  const emulator = await startSalesforceEmulator(options);
  const user = emulator.integrationUser ?? {
    username: emulator.username,
    accessToken: emulator.accessToken,
    userId: emulator.userId,
  };
  const testOrg = new LoggedInOrgData(undefined, { username: user.username });
  testOrg.instanceUrl = emulator.instanceUrl;
  testOrg.loginUrl = emulator.instanceUrl;
  testOrg.accessToken = user.accessToken;
  testOrg.orgId = emulator.orgId;
  testOrg.userId = user.userId;
  await $$.stubAuths(testOrg);
  $$.stubAliases({ cpq: user.username });
  $$.SANDBOXES.CONNECTION.restore();
  return emulator;
}
