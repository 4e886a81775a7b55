/**
 * The live-sync trigger (spec §2.5, S43): activated orders not yet in Stripe, found by a cursor on
 * LastModifiedDate — `Stripe_ID__c = null AND LastModifiedDate >= cursor AND LastModifiedDate < now AND
 * (<sync filter>)`, all pages — plus the sync start date. The admin's filter is a SOQL fragment, parsed
 * with the SOQL parser and recomposed, so it can only ever be one WHERE condition on Order.
 * Orders whose last sync failed are left to "Sync now" and the relay's own retries, not re-polled.
 */
import { composeQuery, parseQuery } from '@jetstreamapp/soql-parser-js';
import type { SalesforceClient } from '../salesforce/client.js';
import { soqlDateTime } from '../salesforce/soql.js';

export class InvalidSyncFilter extends Error {
  constructor(filter: string, reason: string) {
    super(`The order sync filter "${filter}" is not a SOQL condition on Order (${reason}). Fix Order_Sync_Filter__c on the Default Stripe Sync Setting.`);
    this.name = 'InvalidSyncFilter';
  }
}

/** The filter as one recomposed WHERE condition; throws InvalidSyncFilter for anything else. */
export function validatedOrderFilter(filter: string): string {
  let parsed;
  try {
    parsed = parseQuery(`SELECT Id FROM Order WHERE ${filter}`);
  } catch (error) {
    throw new InvalidSyncFilter(filter, (error as Error).message.split('\n')[0] ?? 'unparseable');
  }
  const extra = (['limit', 'offset', 'orderBy', 'groupBy', 'having', 'for', 'update', 'withSecurityEnforced', 'withDataCategory'] as const).filter((k) => parsed[k as keyof typeof parsed] !== undefined);
  if (extra.length > 0 || !parsed.where) throw new InvalidSyncFilter(filter, `only a WHERE condition is allowed, found ${extra.join(', ') || 'none'}`);
  const composed = composeQuery(parsed);
  return composed.slice(composed.indexOf(' WHERE ') + ' WHERE '.length);
}

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
