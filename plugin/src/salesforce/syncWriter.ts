/**
 * Writes a sync's outcome to Salesforce in one all-or-none `composite` call: the Sync Records upserted by
 * Compound_ID__c (re-runs overwrite), every write-back (Stripe IDs, payment link) merged with the Order's
 * sync status, message, fix and Dashboard links, and the release of the sync's lock. One transaction: a
 * crash leaves all of it written or none (the re-run replays and writes it). More than 25 sub-requests (a
 * composite's limit, REST API Developer Guide "Composite") go in further calls, Sync Records first: once
 * the Order holds its Stripe ID a re-run has nothing to do, so the Stripe ID must never land without them.
 * The caller's own writes can ride in the last call (`alongside`: the relay's sync request outcome).
 */
import type { RecordRef, SyncError } from '../core/errors.js';
import type { SalesforceWriteBack, SyncRecordDraft } from '../core/plan/plan.js';
import { errorSyncRecords } from '../core/plan/syncRecords.js';
import { requestLogLink } from '../stripe/links.js';
import {
  SalesforceApiError,
  type CompositeSubrequest,
  type CompositeSubresponse,
  type SalesforceClient,
  type SalesforceErrorBody,
} from './client.js';
import { isLockRelease, lockGone, releaseLockRequest, type SyncLock } from './syncLock.js';

/** Sub-requests per `composite` call (REST API Developer Guide, "Composite"). */
const MAX_SUBREQUESTS = 25;
const HALTED = 'PROCESSING_HALTED';

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
  /**
   * The caller's own writes (a sync request's outcome), written in the same all-or-none call as the rest
   * of the outcome, at no call of their own; dropped when Salesforce refuses them.
   */
  readonly alongside?: readonly CompositeSubrequest[];
}

/**
 * Writes the outcome and releases `lock` (when given) in one call; see the file's comment. Returns whether
 * `outcome.alongside` was written with it.
 */
export async function writeSyncOutcome(
  client: SalesforceClient,
  outcome: SyncOutcomeWrite,
  lock?: SyncLock,
): Promise<boolean> {
  const updates = new Map<string, Record<string, unknown>>();
  for (const w of outcome.writeBacks)
    updates.set(w.id, { ...updates.get(w.id), attributes: { type: w.sobject }, ...w.fields });
  for (const [id, fields] of Object.entries(outcome.orderFields))
    updates.set(id, { attributes: { type: 'Order' }, ...updates.get(id), ...fields });
  const requests: CompositeSubrequest[] = [
    ...outcome.syncRecords.map((r, i) => syncRecordUpsert(client, r, outcome, i)),
    ...[...updates].map(([id, { attributes, ...fields }], i) => ({
      method: 'PATCH' as const,
      url: `${client.basePath}/sobjects/${(attributes as { type: string }).type}/${id}`,
      referenceId: `update${i}`,
      body: fields,
    })),
    ...(lock ? [releaseLockRequest(client, lock)] : []),
  ];
  const calls: CompositeSubrequest[][] = [];
  for (let i = 0; i < requests.length; i += MAX_SUBREQUESTS) calls.push(requests.slice(i, i + MAX_SUBREQUESTS));
  // The caller's writes ride whole in the last call: they land only once all of the outcome has.
  const alongside = outcome.alongside ?? [];
  const last = calls[calls.length - 1];
  if (last && last.length + alongside.length <= MAX_SUBREQUESTS) last.push(...alongside);
  else if (alongside.length > 0) calls.push([...alongside]);
  let alongsideWritten = true;
  for (const call of calls) alongsideWritten = (await writeAllOrNone(client, call, alongside)) && alongsideWritten;
  return alongsideWritten;
}

function syncRecordUpsert(
  client: SalesforceClient,
  row: SyncRecordRow,
  outcome: SyncOutcomeWrite,
  i: number,
): CompositeSubrequest {
  const { Compound_ID__c: key, ...fields } = syncRecordFields(row, outcome.orderId, outcome.livemode);
  return {
    method: 'PATCH',
    url: `${client.basePath}/sobjects/Stripe_Sync_Record__c/Compound_ID__c/${encodeURIComponent(String(key))}`,
    referenceId: `syncRecord${i}`,
    body: fields,
  };
}

/**
 * One all-or-none call; returns whether the `alongside` sub-requests in it were written. A lock already gone
 * (taken over after it expired) rolls the call back: the rest is then written again without its release,
 * which there is nothing left to do for. The caller's `alongside` writes refused roll it back too: the
 * outcome is then written again without them (the caller writes them its own way), so they never cost
 * the sync its outcome.
 */
async function writeAllOrNone(
  client: SalesforceClient,
  requests: readonly CompositeSubrequest[],
  alongside: readonly CompositeSubrequest[],
): Promise<boolean> {
  if (requests.length === 0) return true;
  const answers = await client.composite(requests, true);
  const failed = answers.filter((a) => a.httpStatusCode >= 400 && !errorsOf(a).every((e) => e.errorCode === HALTED));
  if (failed.length === 0) return true;
  const requestOf = (a: CompositeSubresponse) => requests.find((r) => r.referenceId === a.referenceId);
  const released = (a: CompositeSubresponse) => isLockRelease(requestOf(a)!) && lockGone(a);
  const refused = (a: CompositeSubresponse) => !released(a) && alongside.includes(requestOf(a)!);
  if (failed.every((a) => released(a) || refused(a))) {
    const dropAlongside = failed.some(refused);
    const rest = requests.filter(
      (r) =>
        !failed.some((a) => released(a) && a.referenceId === r.referenceId) &&
        !(dropAlongside && alongside.includes(r)),
    );
    const written = await writeAllOrNone(client, rest, dropAlongside ? [] : alongside);
    return written && !dropAlongside;
  }
  const target = (a: CompositeSubresponse) => requestOf(a)?.url.split('/').pop() ?? a.referenceId;
  throw new SalesforceApiError(
    failed[0]!.httpStatusCode,
    failed.flatMap((a) =>
      errorsOf(a).map((e) => ({ ...e, message: `${decodeURIComponent(target(a))}: ${e.message ?? ''}` })),
    ),
  );
}

const errorsOf = (answer: CompositeSubresponse): SalesforceErrorBody[] =>
  Array.isArray(answer.body) ? (answer.body as SalesforceErrorBody[]) : [];

function syncRecordFields(row: SyncRecordRow, orderId: string, livemode: boolean): Record<string, unknown> {
  return {
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
