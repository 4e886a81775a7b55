/** Copies of force-app with one deliberate defect, for the deploy tests. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FORCE_APP = new URL('../../../force-app', import.meta.url).pathname;

/** A copy of force-app whose Coupon User set grants the coupon associations without Read on their master SBQQ__Quote__c. */
export function packageWithoutMasterRead(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'perms-')), 'force-app');
  cpSync(FORCE_APP, dir, { recursive: true });
  const file = join(dir, 'main/default/permissionsets/Stripe_CPQ_Coupon_User.permissionset-meta.xml');
  const elements = /\s*<objectPermissions>[\s\S]*?<\/objectPermissions>/g;
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(elements, (element) =>
      element.includes('<object>SBQQ__Quote__c</object>') ? '' : element,
    ),
  );
  return dir;
}

export const MISSING_MASTER_READ =
  'Permission Read Quote_Stripe_Coupon_Association__c depends on permission(s): Read SBQQ__Quote__c';
