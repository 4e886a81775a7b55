/**
 * Where the Salesforce package's source (force-app) is: given by --source-dir, else the package shipped
 * beside the plugin (`<repo>/force-app`, three levels above this module in src/cli or lib/cli).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUNDLED_PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../force-app');

/** Names of the package's permission sets (force-app/main/default/permissionsets). */
export const PERMISSION_SETS = ['Stripe_CPQ_Admin', 'Stripe_CPQ_Sales_User', 'Stripe_CPQ_Integration_User', 'Stripe_CPQ_Coupon_User'] as const;
export type PermissionSetName = (typeof PERMISSION_SETS)[number];
