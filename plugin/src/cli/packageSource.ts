/**
 * Where the Salesforce package's source (force-app) is: given by --source-dir, else the package shipped
 * with the plugin. In a checkout of the repository that is `<repo>/force-app`, beside `plugin/`; an
 * installed plugin carries its own copy in `<plugin>/force-app` (made at pack time, scripts/bundlePackageSource.js).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The plugin package's root, two levels above this module (src/cli or lib/cli). */
const PLUGIN_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const IN_CHECKOUT = existsSync(resolve(PLUGIN_ROOT, '../sfdx-project.json'));

export const BUNDLED_PACKAGE_DIR = resolve(PLUGIN_ROOT, IN_CHECKOUT ? '../force-app' : 'force-app');

/** Names of the package's permission sets (force-app/main/default/permissionsets). */
export const PERMISSION_SETS = [
  'Stripe_CPQ_Admin',
  'Stripe_CPQ_Sales_User',
  'Stripe_CPQ_Integration_User',
  'Stripe_CPQ_Coupon_User',
] as const;
export type PermissionSetName = (typeof PERMISSION_SETS)[number];
