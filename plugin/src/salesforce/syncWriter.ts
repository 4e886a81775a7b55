/**
 * Writes a sync's outcome to Salesforce in two batched calls: one upsert of Sync Records by Compound_ID__c
 * (re-runs overwrite), then one `composite/sobjects` update with every write-back (Stripe IDs, payment
 * link) merged with the Order's sync status, message, fix and Dashboard links.
 */
import type { RecordRef, SyncError } from '../core/errors.js';
import type { SalesforceWriteBack, SyncRecordDraft } from '../core/plan/plan.js';
import { errorSyncRecords } from '../core/plan/syncRecords.js';
import { requestLogLink } from '../stripe/links.js';
import type { CollectionResult, SalesforceClient } from './client.js';
import { SalesforceApiError } from './client.js';

export type SyncStatus = 'Not Synced' | 'Queued' | 'Syncing' | 'Synced' | 'Failed';

/** A Sync Record as written: the draft plus the fix and the Stripe request, when known. */
export interface SyncRecordRow extends SyncRecordDraft {
  readonly fix?: string;
  readonly requestId?: string;
}

/** The core's Error Sync Records, with each error's fix and Stripe request. */
export function errorSyncRecordRows(primary: RecordRef, errors: readonly SyncError[]): SyncRecordRow[] {
  return errorSyncRecords(primary, errors).map((draft, i) => {
    const { fix, requestId } = errors[i] as SyncError;
    return { ...draft, fix, ...(requestId ? { requestId } : {}) };
  });
}

export interface SyncOutcomeWrite {
  /** Write-backs with every value already resolved. */
  readonly writeBacks: readonly SalesforceWriteBack[];
  readonly syncRecords: readonly SyncRecordRow[];
  /** Extra Order fields (status, message, links) merged into the same update. */
  readonly orderFields: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The Order the Sync Records belong to (Order__c). */
  readonly orderId: string;
  readonly livemode: boolean;
}

export async function writeSyncOutcome(client: SalesforceClient, outcome: SyncOutcomeWrite): Promise<void> {
  const updates = new Map<string, Record<string, unknown>>();
  for (const w of outcome.writeBacks) updates.set(w.id, { attributes: { type: w.sobject }, Id: w.id, ...updates.get(w.id), ...w.fields });
  for (const [id, fields] of Object.entries(outcome.orderFields)) updates.set(id, { attributes: { type: 'Order' }, Id: id, ...updates.get(id), ...fields });
  // Sync Records first: once the Order holds its Stripe ID a re-run has nothing to do, so a crash between
  // the two calls must leave the Stripe ID unwritten (the re-run replays and writes both), never the record.
  if (outcome.syncRecords.length > 0) {
    const rows = outcome.syncRecords.map((r) => syncRecordFields(r, outcome.orderId, outcome.livemode));
    assertSaved(await client.upsertRecords('Stripe_Sync_Record__c', 'Compound_ID__c', rows), outcome.syncRecords.map((r) => r.compoundId));
  }
  if (updates.size > 0) assertSaved(await client.updateRecords([...updates.values()]), [...updates.keys()]);
}

function syncRecordFields(row: SyncRecordRow, orderId: string, livemode: boolean): Record<string, unknown> {
  return {
    attributes: { type: 'Stripe_Sync_Record__c' },
    Compound_ID__c: row.compoundId,
    Order__c: orderId,
    Primary_Record_ID__c: row.primary.id,
    Primary_Object_Type__c: row.primary.type,
    Secondary_Record_ID__c: row.secondary.id,
    Secondary_Object_Type__c: row.secondary.type,
    Resolution_Status__c: row.status,
    Resolution_Message__c: row.message,
    Resolution_Fix__c: row.fix ?? null,
    Resolution_Documentation_Link__c: row.documentationLink,
    Stripe_Request_Dashboard_Link__c: row.requestId ? requestLogLink(row.requestId, livemode) : null,
  };
}

function assertSaved(results: readonly CollectionResult[], ids: readonly string[]): void {
  const failed = results.flatMap((r, i) => (r.success ? [] : r.errors.map((e) => ({ ...e, message: `${ids[i]}: ${e.message ?? ''}` }))));
  if (failed.length > 0) throw new SalesforceApiError(400, failed);
}
