/**
 * Sync Record retention (spec §2.1 "Sync record retention", default 10,000): the oldest records beyond
 * the limit are deleted, at most `batch` per run so one pass never floods the org's API allowance.
 */
import type { SalesforceClient } from '../salesforce/client.js';

export async function enforceSyncRecordRetention(
  client: SalesforceClient,
  keep: number,
  batch = 2_000,
): Promise<number> {
  const excess = (await client.count('SELECT COUNT() FROM Stripe_Sync_Record__c')) - Math.max(0, Math.floor(keep));
  if (excess <= 0) return 0;
  const oldest = await client.query<{ Id: string }>(
    `SELECT Id FROM Stripe_Sync_Record__c ORDER BY LastModifiedDate ASC, Id ASC LIMIT ${Math.min(excess, batch)}`,
  );
  const results = await client.deleteRecords(oldest.map((r) => r.Id));
  return results.filter((r) => r.success).length;
}
