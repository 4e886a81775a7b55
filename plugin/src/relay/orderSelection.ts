/**
 * The live-sync selection (spec §2.5, S43): activated orders not yet in Stripe — `Stripe_ID__c = null AND
 * (<sync filter>)` plus the sync start date — among the orders change events named, or any of them in
 * the reconciliation. Orders syncing now are left to their sync. The admin's filter is a SOQL fragment, parsed
 * with the SOQL parser and recomposed (settingsReader.ts), so it can only ever be one WHERE condition on Order.
 * Orders whose last sync failed are left to "Sync now" and the relay's own retries, not picked again.
 */
import type { SalesforceClient } from '../salesforce/client.js';
import { LOCATE_FIELDS, locatedFrom, type LocatedOrder } from '../salesforce/graphReader.js';
import { validatedOrderFilter } from '../salesforce/settingsReader.js';
import { soqlIdList } from '../salesforce/soql.js';

export { InvalidSyncFilter, validatedOrderFilter } from '../salesforce/settingsReader.js';

export interface OrderSyncOptions {
  readonly filter: string;
  /** `YYYY-MM-DD`: orders activated earlier are pre-integration and not synced by the relay. */
  readonly syncStartDate: string | null;
}

/** At most this many orders per reconciliation: the next one takes the rest. */
export const RECONCILE_ORDER_LIMIT = 200;

/**
 * SOQL for the activated orders to sync, with the fields that locate their contracts (so the engine's sync
 * need not read them again): among `ids` (the orders change events named), else any
 * (the reconciliation's safety net, oldest first, at most RECONCILE_ORDER_LIMIT).
 */
export function ordersToSyncQuery(options: OrderSyncOptions, ids?: readonly string[]): string {
  const conditions = [
    'Stripe_ID__c = null',
    "(Stripe_Sync_Status__c = null OR Stripe_Sync_Status__c NOT IN ('Failed', 'Syncing'))",
    `(${validatedOrderFilter(options.filter)})`,
  ];
  if (ids) conditions.unshift(`Id IN ${soqlIdList(ids)}`);
  if (options.syncStartDate) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(options.syncStartDate))
      throw new Error(`Sync start date ${options.syncStartDate} is not a YYYY-MM-DD date.`);
    conditions.push(`ActivatedDate >= ${options.syncStartDate}T00:00:00Z`);
  }
  return `SELECT ${LOCATE_FIELDS} FROM Order WHERE ${conditions.join(' AND ')} ORDER BY LastModifiedDate ASC${ids ? '' : ` LIMIT ${RECONCILE_ORDER_LIMIT}`}`;
}

/** The orders to sync among `ids` (or any, see ordersToSyncQuery), located. */
export async function ordersToSync(
  client: SalesforceClient,
  options: OrderSyncOptions,
  ids?: readonly string[],
): Promise<LocatedOrder[]> {
  if (ids && ids.length === 0) return [];
  const rows = await client.query<Record<string, unknown>>(ordersToSyncQuery(options, ids));
  return rows.map(locatedFrom);
}
