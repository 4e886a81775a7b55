/**
 * One worker at a time, across relay processes, by a rule a real org enforces: a Stripe_Sync_Lock__c record
 * whose Lock_Key__c (External ID, Unique) names what is locked — `quote:<the contract's original quote Id>` for
 * a contract's syncs (contractLockKey), `request:<Id>` for a sync request. Taking a lock inserts the record; a
 * second insert of the same key fails with DUPLICATE_VALUE, so of any number of workers exactly one holds it.
 * (Salesforce honours If-Match on Account rows only, so a conditional update of an Order or a request guards
 * nothing.)
 *
 * A lock lasts until Expires_At__c; after that its worker is taken to be dead. A takeover deletes that very
 * record by Id and inserts the new one in one all-or-none composite call: of two workers that saw the same
 * expired lock, the second's delete finds it gone (ENTITY_IS_DELETED / NOT_FOUND) and its whole call rolls
 * back. Deletes name the record read, never the key, so a live lock is never removed by anyone but its
 * holder — and a holder that overran its lock cannot free its successor's either.
 *
 * Crashes: before the insert nothing is held; after it the lock simply expires; a takeover is one
 * transaction, so it either happened or not. Release is a delete, in the same call as the outcome it
 * guards (releaseLockRequest: a sync's write-back, a request's status); a release lost to a crash also just
 * expires. What the lock guards can be read in the call that takes it (`alongside`): the read then comes
 * after the lock, at no call of its own.
 */
import { toId18 } from '../core/records/salesforceIds.js';
import type { LocatedOrder } from './graphReader.js';
import {
  SalesforceApiError,
  type CompositeSubrequest,
  type CompositeSubresponse,
  type SalesforceClient,
  type SalesforceErrorBody,
} from './client.js';
import { soqlString } from './soql.js';
import { salesforceInstantMs } from '../core/dates.js';

const LOCK_OBJECT = 'Stripe_Sync_Lock__c';

export interface SyncLock {
  readonly id: string;
  readonly key: string;
  readonly owner: string;
  readonly expiresAt: Date;
}

export interface TakeLockOptions {
  readonly owner: string;
  readonly ttlMs: number;
  readonly now?: Date;
  /**
   * Sub-requests run in the same transaction after the lock is taken (the Order's "Syncing" status, a fresh
   * read of the request the lock guards): they happen only if the lock is taken, and the lock only if they do.
   */
  readonly alongside?: readonly CompositeSubrequest[];
}

export interface TakenLock {
  readonly lock: SyncLock;
  /** The `alongside` sub-requests' answers, by referenceId. */
  readonly results: Readonly<Record<string, unknown>>;
}

/**
 * The one key every sync of a contract takes, from whichever of its orders, before or after CPQ contracts it:
 * the contract's original quote — an initial order's own SBQQ__Quote__c, an amendment's
 * Contract.SBQQ__Quote__c (the core's rule for the initial order, contract.ts). Not Contract.SBQQ__Order__c:
 * CPQ points it at an amendment it contracts, and an initial order synced before contracting has no contract.
 * An order missing that quote (its sync fails on it as bad data) locks on itself.
 */
export function contractLockKey(located: LocatedOrder): string {
  const quoteId = located.amendment ? located.contractQuoteId : located.quoteId;
  return quoteId ? `quote:${toId18(quoteId)}` : `order:${toId18(located.orderId)}`;
}
export const requestLockKey = (requestId: string): string => `request:${toId18(requestId)}`;

/** Errors that mean another worker got there first: the key is held, or the stale lock is already gone. */
const LOST_RACE = new Set(['DUPLICATE_VALUE', 'ENTITY_IS_DELETED', 'NOT_FOUND', 'UNABLE_TO_LOCK_ROW']);
const HALTED = 'PROCESSING_HALTED';
/** A delete of a record already deleted: ENTITY_IS_DELETED while in the Recycle Bin, NOT_FOUND after. */
const GONE = new Set(['ENTITY_IS_DELETED', 'NOT_FOUND']);

/** Takes the lock named `key` for `options.owner`; undefined while another worker holds it. */
export async function takeLock(
  client: SalesforceClient,
  key: string,
  options: TakeLockOptions,
): Promise<TakenLock | undefined> {
  const now = options.now ?? new Date();
  const lock: Omit<SyncLock, 'id'> = { key, owner: options.owner, expiresAt: new Date(now.getTime() + options.ttlMs) };
  const first = await insertLock(client, lock, undefined, options.alongside ?? []);
  if (first.taken || !first.contended) return first.taken;
  const holder = await currentHolder(client, key);
  // Released between our insert and this read: one more insert decides it.
  if (!holder) return (await insertLock(client, lock, undefined, options.alongside ?? [])).taken;
  if (holder.expiresAt.getTime() > now.getTime()) return undefined;
  return (await insertLock(client, lock, holder.id, options.alongside ?? [])).taken;
}

/** Frees the lock; a lock already gone (taken over after it expired) is no error. */
export async function releaseLock(client: SalesforceClient, lock: SyncLock): Promise<void> {
  try {
    await client.deleteRecord(LOCK_OBJECT, lock.id);
  } catch (error) {
    if (!(error instanceof SalesforceApiError && error.errors.every((e) => GONE.has(e.errorCode ?? '')))) throw error;
  }
}

/** The release as a composite sub-request, to ride along with another write (no call of its own). */
export function releaseLockRequest(
  client: SalesforceClient,
  lock: SyncLock,
  referenceId = 'releaseLock',
): CompositeSubrequest {
  return { method: 'DELETE', url: `${client.basePath}/sobjects/${LOCK_OBJECT}/${lock.id}`, referenceId };
}

/** The sub-request is a lock's release (whoever's lock it is). */
export const isLockRelease = (request: CompositeSubrequest): boolean =>
  request.method === 'DELETE' && request.url.includes(`/sobjects/${LOCK_OBJECT}/`);

/** Checks the release's answer: deleted, or already gone; anything else is Salesforce refusing it. */
export function assertReleased(answer: CompositeSubresponse): void {
  if (answer.httpStatusCode < 400 || lockGone(answer)) return;
  throw new SalesforceApiError(answer.httpStatusCode, answer.body as SalesforceErrorBody[]);
}

/** The release's answer says the lock was already gone (taken over after it expired). */
export function lockGone(answer: CompositeSubresponse): boolean {
  return (
    answer.httpStatusCode >= 400 && (answer.body as SalesforceErrorBody[]).every((e) => GONE.has(e.errorCode ?? ''))
  );
}

interface InsertOutcome {
  readonly taken: TakenLock | undefined;
  /** The key is held by someone else (or the stale lock we meant to replace is gone). */
  readonly contended: boolean;
}

/** One all-or-none call: [delete the stale lock,] insert ours, then the `alongside` sub-requests. */
async function insertLock(
  client: SalesforceClient,
  lock: Omit<SyncLock, 'id'>,
  staleId: string | undefined,
  alongside: readonly CompositeSubrequest[],
): Promise<InsertOutcome> {
  const fields = { Lock_Key__c: lock.key, Held_By__c: lock.owner, Expires_At__c: lock.expiresAt.toISOString() };
  const requests: CompositeSubrequest[] = [
    ...(staleId
      ? [
          {
            method: 'DELETE' as const,
            url: `${client.basePath}/sobjects/${LOCK_OBJECT}/${staleId}`,
            referenceId: 'staleLock',
          },
        ]
      : []),
    { method: 'POST', url: `${client.basePath}/sobjects/${LOCK_OBJECT}`, referenceId: 'lock', body: fields },
    ...alongside,
  ];
  const answers = await client.composite(requests, true);
  const failures = answers.flatMap((a) =>
    a.httpStatusCode >= 400 ? (a.body as SalesforceErrorBody[]).filter((e) => e.errorCode !== HALTED) : [],
  );
  if (failures.length === 0) {
    const id = (answers.find((a) => a.referenceId === 'lock')?.body as { id: string }).id;
    const results = Object.fromEntries(
      answers.filter((a) => alongside.some((s) => s.referenceId === a.referenceId)).map((a) => [a.referenceId, a.body]),
    );
    return { taken: { lock: { ...lock, id }, results }, contended: false };
  }
  const lockAnswers = answers.filter((a) => a.referenceId === 'lock' || a.referenceId === 'staleLock');
  const lostRace =
    failures.every((e) => LOST_RACE.has(e.errorCode ?? '')) &&
    lockAnswers.some(
      (a) => a.httpStatusCode >= 400 && (a.body as SalesforceErrorBody[]).some((e) => e.errorCode !== HALTED),
    );
  if (lostRace) return { taken: undefined, contended: true };
  const failed = answers.find(
    (a) => a.httpStatusCode >= 400 && (a.body as SalesforceErrorBody[]).some((e) => e.errorCode !== HALTED),
  )!;
  throw new SalesforceApiError(failed.httpStatusCode, failures);
}

/** The record holding `key` now, if any. */
async function currentHolder(
  client: SalesforceClient,
  key: string,
): Promise<{ id: string; expiresAt: Date } | undefined> {
  const rows = await client.query<{ Id: string; Expires_At__c: string | null }>(
    `SELECT Id, Expires_At__c FROM ${LOCK_OBJECT} WHERE Lock_Key__c = ${soqlString(key)} LIMIT 1`,
  );
  const row = rows[0];
  if (!row) return undefined;
  const expires = row.Expires_At__c ? salesforceInstantMs(row.Expires_At__c) : 0;
  return { id: row.Id, expiresAt: new Date(expires) };
}
