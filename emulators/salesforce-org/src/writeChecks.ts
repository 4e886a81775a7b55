/** The checks every API write meets in the org emulator, REST and UI API alike. */
import { checkWrite } from './access.js';
import { checkActivatedOrderLock } from './activatedOrders.js';
import type { EmulatedOrg } from './org.js';
import type { SObjectRecord } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';

/**
 * The calling user's object permission and field-level security for a write (access.ts), then the lock on
 * activated orders every user meets (activatedOrders.ts).
 */
export function checkAccess(
  org: EmulatedOrg,
  sobject: string,
  operation: 'create' | 'edit' | 'delete',
  fields: Record<string, unknown>,
  existing?: SObjectRecord,
): void {
  const view = org.restrictedView();
  if (view) checkWrite(view, org.store, sobject, operation, fields, existing);
  checkActivatedOrderLock(org.store, org.schema.object(sobject).name, operation, fields, existing);
}
