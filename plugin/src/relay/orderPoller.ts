/**
 * The live-sync trigger (spec §2.5, S43): activated orders not yet in Stripe, found by a cursor on
 * LastModifiedDate — `Stripe_ID__c = null AND LastModifiedDate >= cursor AND LastModifiedDate < now AND
 * (<sync filter>)`, all pages — plus the sync start date. The admin's filter is a SOQL fragment, parsed
 * with the SOQL parser and recomposed (settingsReader.ts), so it can only ever be one WHERE condition on Order.
 * Orders whose last sync failed are left to "Sync now" and the relay's own retries, not re-polled.
 */
import type { SalesforceClient } from '../salesforce/client.js';
import { validatedOrderFilter } from '../salesforce/settingsReader.js';
import { soqlDateTime } from '../salesforce/soql.js';

export { InvalidSyncFilter, validatedOrderFilter } from '../salesforce/settingsReader.js';

export interface OrderPollWindow {
  readonly from: Date;
  readonly to: Date;
}

export interface OrderPollOptions {
  readonly filter: string;
  /** `YYYY-MM-DD`: orders activated earlier are pre-integration and not polled. */
  readonly syncStartDate: string | null;
}

/** Ids of orders to sync whose LastModifiedDate falls in [from, to). */
export async function pollOrders(client: SalesforceClient, window: OrderPollWindow, options: OrderPollOptions): Promise<string[]> {
  const conditions = [
    'Stripe_ID__c = null',
    "(Stripe_Sync_Status__c = null OR Stripe_Sync_Status__c != 'Failed')",
    `LastModifiedDate >= ${soqlDateTime(window.from)}`,
    `LastModifiedDate < ${soqlDateTime(window.to)}`,
    `(${validatedOrderFilter(options.filter)})`,
  ];
  if (options.syncStartDate) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(options.syncStartDate)) throw new Error(`Sync start date ${options.syncStartDate} is not a YYYY-MM-DD date.`);
    conditions.push(`ActivatedDate >= ${options.syncStartDate}T00:00:00Z`);
  }
  const rows = await client.query<{ Id: string }>(`SELECT Id FROM Order WHERE ${conditions.join(' AND ')} ORDER BY LastModifiedDate ASC`);
  return rows.map((r) => r.Id);
}
