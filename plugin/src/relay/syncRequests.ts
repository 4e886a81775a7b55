/**
 * Stripe_Sync_Request__c: the Order page's "Sync now", and the relay's durable retries.
 *   Queued → Syncing → Synced | Failed
 *                    → Retrying (a retryable failure; due again at Next_Attempt_At__c) → Syncing → …
 * until the backoff (retries.ts) is used up, when the request ends Failed with the error and its fix.
 * A worker claims a request by taking its lock (syncLock.ts, key `request:<Id>`) and, in the same call,
 * reading it afresh: only a request still due once the lock is held is run, so no two relays run one
 * request and none runs a request another has just finished. Finishing writes the outcome and releases
 * the lock in one call. A claim whose lease expired (a crashed relay) goes back to Queued, and its lock
 * is taken over, so no request is dropped. Each request leaves an audit trail: who, when, attempts, how
 * it ended.
 */
import { SalesforceApiError, type SalesforceClient, type SalesforceErrorBody } from '../salesforce/client.js';
import { locatedFrom, locateQuery, type LocatedOrder } from '../salesforce/graphReader.js';
import { soqlDateTime, soqlId } from '../salesforce/soql.js';
import {
  assertReleased,
  releaseLock,
  releaseLockRequest,
  requestLockKey,
  takeLock,
  type SyncLock,
} from '../salesforce/syncLock.js';
import type { OrderSyncResult } from '../sync/engine.js';
import { DEFAULT_RETRY_POLICY, maxAttempts, nextAttemptAt, type RetryPolicy } from './retries.js';

export type SyncRequestStatus = 'Queued' | 'Syncing' | 'Synced' | 'Failed' | 'Retrying' | 'Previewed';

export interface SyncRequest {
  readonly Id: string;
  readonly Order__c: string;
  readonly Attempts__c: number | null;
  readonly Requested_At__c: string | null;
  readonly CreatedDate?: string | null;
  /** Sync (or empty) or Preview (previewRequests.ts). */
  readonly Type__c?: string | null;
}

/** A request this worker holds (its lock), and which attempt this is (1 for the first run). */
export interface ClaimedRequest extends SyncRequest {
  readonly attempt: number;
  readonly lock: SyncLock;
  /** Where the order's contract is, read in the claim's call when the caller named the order. */
  readonly located?: LocatedOrder;
}

/** What finishing a request wrote: its new status and, while it waits to be retried, when. */
export interface RequestOutcome {
  readonly status: SyncRequestStatus;
  readonly nextAttemptAt: string | undefined;
}

const REQUEST_FIELDS = ['Id', 'Order__c', 'Attempts__c', 'Requested_At__c', 'CreatedDate', 'Type__c'];
/** Statuses of a request still to run (or running): another one for its order adds nothing. */
const OPEN_STATUSES = "('Queued', 'Syncing', 'Retrying')";

/**
 * Requests the reconciliation looks at: due (Queued, or Retrying with their next attempt due) and stale
 * (Syncing past their lease: their relay died). Oldest first; `Status__c` tells which.
 */
export function openRequestsQuery(now: Date, limit = 50): string {
  return `SELECT ${REQUEST_FIELDS.join(', ')}, Status__c FROM Stripe_Sync_Request__c WHERE Status__c = 'Queued' OR (Status__c = 'Retrying' AND Next_Attempt_At__c <= ${soqlDateTime(now)}) OR (Status__c = 'Syncing' AND Lease_Expires__c < ${soqlDateTime(now)}) ORDER BY CreatedDate ASC LIMIT ${Math.max(1, Math.floor(limit))}`;
}

function isDue(record: { Status__c: string | null; Next_Attempt_At__c: string | null }, now: Date): boolean {
  if (record.Status__c === 'Queued') return true;
  return (
    record.Status__c === 'Retrying' &&
    record.Next_Attempt_At__c !== null &&
    Date.parse(record.Next_Attempt_At__c.replace(/\+0000$/, 'Z')) <= now.getTime()
  );
}

/** Takes a due request for `worker`; undefined when it is not due or another worker holds it. */
export async function claimRequest(
  client: SalesforceClient,
  requestId: string,
  worker: string,
  leaseMs: number,
  now = new Date(),
  orderId?: string,
): Promise<ClaimedRequest | undefined> {
  type Row = SyncRequest & { Status__c: string | null; Next_Attempt_At__c: string | null };
  const fields = [...REQUEST_FIELDS, 'Status__c', 'Next_Attempt_At__c'].join(',');
  const read = {
    method: 'GET' as const,
    url: `${client.basePath}/sobjects/Stripe_Sync_Request__c/${requestId}?fields=${fields}`,
    referenceId: 'request',
  };
  const taken = await takeLock(client, requestLockKey(requestId), {
    owner: worker,
    ttlMs: leaseMs,
    now,
    alongside: [read],
  });
  if (!taken) return undefined;
  const record = taken.results.request as Row;
  if (!isDue(record, now)) {
    await releaseLock(client, taken.lock);
    return undefined;
  }
  const attempt = (record.Attempts__c ?? 0) + 1;
  const claim = {
    method: 'PATCH' as const,
    url: `${client.basePath}/sobjects/Stripe_Sync_Request__c/${requestId}`,
    referenceId: 'claim',
    body: {
      Status__c: 'Syncing',
      Claimed_By__c: worker,
      Started_At__c: now.toISOString(),
      Lease_Expires__c: taken.lock.expiresAt.toISOString(),
      Next_Attempt_At__c: null,
      Attempts__c: attempt,
    },
  };
  let located: LocatedOrder | undefined;
  try {
    // The order is located in the claim's call (not all-or-none: a failed read leaves it to the engine).
    const [claimed, order] = await client.composite(
      [claim, ...(orderId ? client.queryRequests({ order: locateQuery(orderId) }) : [])],
      false,
    );
    if (claimed && claimed.httpStatusCode >= 400)
      throw new SalesforceApiError(claimed.httpStatusCode, claimed.body as SalesforceErrorBody[]);
    if (order && order.httpStatusCode < 400) {
      const [row] = (await client.queryRecords({ order: order.body })).order ?? [];
      located = row ? locatedFrom(row) : undefined;
    }
  } catch (error) {
    // Not claimed after all (a row lock, an outage): let go at once rather than keep the request waiting.
    await releaseLock(client, taken.lock).catch(() => undefined);
    throw error;
  }
  return { ...record, Attempts__c: attempt, attempt, lock: taken.lock, ...(located ? { located } : {}) };
}

/** `2030-01-01T10:01:00Z`: the retry time as the request message shows it (whole seconds, as stored). */
const isoSeconds = (date: Date) => soqlDateTime(date);

/** The request's fields once attempt `attempt` ended with `result`. */
export function requestOutcomeFields(
  result: OrderSyncResult,
  attempt: number,
  now: Date,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Record<string, unknown> {
  // A busy contract is not an attempt: the request waits for the other sync to let go.
  if (result.status === 'busy')
    return {
      Status__c: 'Queued',
      Attempts__c: attempt - 1,
      Claimed_By__c: null,
      Lease_Expires__c: null,
      Message__c: 'Another sync of this contract was running; queued again.',
    };
  const ended = { Finished_At__c: now.toISOString(), Lease_Expires__c: null, Next_Attempt_At__c: null };
  if (result.status === 'synced') {
    const message =
      result.applied.length > 0
        ? `Synced: ${result.applied.length} Stripe write(s); ${result.stripeId ?? ''}`.trim()
        : 'Synced: already in sync, nothing to change.';
    return { Status__c: 'Synced', ...ended, Message__c: message };
  }
  const errors = result.errors.map((e) => `${e.resolutionMessage} Fix: ${e.fix}`).join('\n');
  const next = result.retryable ? nextAttemptAt(attempt, now, policy) : undefined;
  if (next) {
    return {
      Status__c: 'Retrying',
      Next_Attempt_At__c: next.toISOString(),
      Lease_Expires__c: null,
      Message__c: `${errors}\nAttempt ${attempt} of ${maxAttempts(policy)} failed; the relay tries again after ${isoSeconds(next)}.`,
    };
  }
  const gaveUp = result.retryable
    ? `\nThe relay gave up after ${attempt} attempts; press Sync now once the cause is fixed.`
    : '';
  return { Status__c: 'Failed', ...ended, Message__c: `${errors}${gaveUp}` };
}

const outcomeOf = (fields: Record<string, unknown>): RequestOutcome => ({
  status: fields.Status__c as SyncRequestStatus,
  nextAttemptAt: typeof fields.Next_Attempt_At__c === 'string' ? fields.Next_Attempt_At__c : undefined,
});

/**
 * Records how the claimed attempt ended — Synced, Failed, Retrying at its next time, or Queued again when
 * busy — and releases the request's lock, in one call. A lock already taken over (this worker overran it)
 * is no error: the outcome is recorded all the same.
 */
export async function finishRequest(
  client: SalesforceClient,
  request: ClaimedRequest,
  result: OrderSyncResult,
  now = new Date(),
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<RequestOutcome> {
  const fields = requestOutcomeFields(result, request.attempt, now, policy);
  const update = {
    method: 'PATCH' as const,
    url: `${client.basePath}/sobjects/Stripe_Sync_Request__c/${request.Id}`,
    referenceId: 'outcome',
    body: fields,
  };
  const [saved, released] = await client.composite([update, releaseLockRequest(client, request.lock)], false);
  if (saved && saved.httpStatusCode >= 400)
    throw new SalesforceApiError(saved.httpStatusCode, saved.body as SalesforceErrorBody[]);
  if (released) assertReleased(released);
  return outcomeOf(fields);
}

/**
 * A sync the relay started on its own (live sync, POST /sync) that failed retryably becomes a request,
 * so its retries survive a restart. Nothing is created when the order already has an open request
 * (that one will run) or the backoff allows no retry. Returns the new request's Id.
 */
export async function requestRetry(
  client: SalesforceClient,
  result: OrderSyncResult,
  worker: string,
  now = new Date(),
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<string | undefined> {
  const fields = requestOutcomeFields(result, 1, now, policy);
  if (fields.Status__c !== 'Retrying' && fields.Status__c !== 'Queued') return undefined;
  const open = await client.query<{ Id: string }>(
    `SELECT Id FROM Stripe_Sync_Request__c WHERE Order__c = ${soqlId(result.orderId)} AND Status__c IN ${OPEN_STATUSES} LIMIT 1`,
  );
  if (open.length > 0) return undefined;
  return client.createRecord('Stripe_Sync_Request__c', {
    Order__c: result.orderId,
    Requested_At__c: now.toISOString(),
    Claimed_By__c: worker,
    Attempts__c: 1,
    ...fields,
  });
}

/** Requests stuck in Syncing past their lease (their relay died) go back to Queued; returns how many. */
export async function recoverStaleRequests(client: SalesforceClient, now = new Date()): Promise<number> {
  const stale = await client.query<{ Id: string }>(
    `SELECT Id FROM Stripe_Sync_Request__c WHERE Status__c = 'Syncing' AND Lease_Expires__c < ${soqlDateTime(now)} LIMIT 200`,
  );
  if (stale.length === 0) return 0;
  await client.updateRecords(
    stale.map((r) => ({
      attributes: { type: 'Stripe_Sync_Request__c' },
      Id: r.Id,
      Status__c: 'Queued',
      Claimed_By__c: null,
      Lease_Expires__c: null,
      Message__c: 'The relay working on this request stopped; queued again.',
    })),
  );
  return stale.length;
}
