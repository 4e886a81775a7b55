/**
 * Stripe_Sync_Request__c: the Order page's "Sync now", and the relay's durable retries.
 *   Queued → Syncing → Synced | Failed
 *                    → Retrying (a retryable failure; due again at Next_Attempt_At__c) → Syncing → …
 * until the backoff (retries.ts) is used up, when the request ends Failed with the error and its fix.
 * A worker takes a request by taking its lock (syncLock.ts, key `request:<Id>`) and, in the same call,
 * reading it afresh: only a request still due once the lock is held is run, so no two relays run one
 * request and none runs a request another has just finished. The claim (Syncing) rides in the sync's
 * call that takes the contract's lock, and the outcome with the lock's release in its write-back
 * (RequestWrites): a "Sync now" costs the engine's calls and one more. A worker dying after the take
 * leaves the request due, its lock expiring; after the claim, Syncing until its lease runs out, when it
 * goes back to Queued and its lock is taken over: no request is dropped. Each request leaves an audit
 * trail: who, when, attempts, how it ended.
 */
import {
  SalesforceApiError,
  type CompositeSubrequest,
  type SalesforceClient,
  type SalesforceErrorBody,
} from '../salesforce/client.js';
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
import type { AlongsideWrites, OrderSyncResult } from '../sync/engine.js';
import { DEFAULT_RETRY_POLICY, maxAttempts, nextAttemptAt, type RetryPolicy } from './retries.js';
import { salesforceInstantMs } from '../core/dates.js';

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

/**
 * A due request whose lock this worker holds, read afresh under it, and which attempt this is (1 for the
 * first run). Its claim (Syncing, by whom, since when) is written with its order's sync (RequestWrites) or
 * on its own (claimRequest).
 */
export interface HeldRequest extends SyncRequest {
  readonly attempt: number;
  readonly lock: SyncLock;
  /** When this worker took it: the claim's start. */
  readonly takenAt: Date;
  /** Where the order's contract is, read in the lock's call when the caller named the order. */
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
    salesforceInstantMs(record.Next_Attempt_At__c) <= now.getTime()
  );
}

/**
 * Takes a due request's lock for `worker` and reads the request (and, given `orderId`, locates its order)
 * in the same call; undefined when it is not due or another worker holds it. Nothing is written on the
 * request yet: a worker dying now leaves it as it was, due, and its lock expires.
 */
export async function takeRequest(
  client: SalesforceClient,
  requestId: string,
  worker: string,
  leaseMs: number,
  now = new Date(),
  orderId?: string,
): Promise<HeldRequest | undefined> {
  type Row = SyncRequest & { Status__c: string | null; Next_Attempt_At__c: string | null };
  const fields = [...REQUEST_FIELDS, 'Status__c', 'Next_Attempt_At__c'].join(',');
  const read = {
    method: 'GET' as const,
    url: `${client.basePath}/sobjects/Stripe_Sync_Request__c/${requestId}?fields=${fields}`,
    referenceId: 'request',
  };
  const locate = orderId ? client.queryRequests({ order: locateQuery(orderId) }) : [];
  const take = (alongside: CompositeSubrequest[]) =>
    takeLock(client, requestLockKey(requestId), { owner: worker, ttlMs: leaseMs, now, alongside });
  // An order Salesforce refuses to read (the user's access) must not hold the request: the engine reads
  // it again and the request ends with the engine's error and its fix.
  const taken = await take([read, ...locate]).catch((error: unknown) => {
    if (locate.length === 0) throw error;
    return take([read]);
  });
  if (!taken) return undefined;
  const record = taken.results.request as Row;
  if (!isDue(record, now)) {
    await releaseLock(client, taken.lock);
    return undefined;
  }
  const [row] = taken.results.order ? ((await client.queryRecords({ order: taken.results.order })).order ?? []) : [];
  const attempt = (record.Attempts__c ?? 0) + 1;
  return {
    ...record,
    Attempts__c: attempt,
    attempt,
    lock: taken.lock,
    takenAt: now,
    ...(row ? { located: locatedFrom(row) } : {}),
  };
}

/** The request's claim: Syncing, by this worker, this attempt, until its lease runs out. */
function claimFields(request: HeldRequest): Record<string, unknown> {
  return {
    Status__c: 'Syncing',
    Claimed_By__c: request.lock.owner,
    Started_At__c: request.takenAt.toISOString(),
    Lease_Expires__c: request.lock.expiresAt.toISOString(),
    Next_Attempt_At__c: null,
    Attempts__c: request.attempt,
  };
}

/** Takes a due request and writes its claim in a call of its own (a Preview's; a Sync's rides in its sync). */
export async function claimRequest(
  client: SalesforceClient,
  requestId: string,
  worker: string,
  leaseMs: number,
  now = new Date(),
  orderId?: string,
): Promise<HeldRequest | undefined> {
  const request = await takeRequest(client, requestId, worker, leaseMs, now, orderId);
  if (request) await claimTaken(client, request);
  return request;
}

/** Writes the claim of a request this worker took, in a call of its own. */
export async function claimTaken(client: SalesforceClient, request: HeldRequest): Promise<void> {
  try {
    await client.updateRecord('Stripe_Sync_Request__c', request.Id, claimFields(request));
  } catch (error) {
    // Not claimed after all (a row lock, an outage): let go at once rather than keep the request waiting.
    await releaseLock(client, request.lock).catch(() => undefined);
    throw error;
  }
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
 * The request once its attempt ended with `result`, as sub-requests: its fields — the claim's too (who,
 * when, which attempt), in case the claim never landed (a sync that failed before its lock) — and its
 * lock's release. A request queued again (busy) was not run: nothing of a claim is written.
 */
function outcomeRequests(
  client: SalesforceClient,
  request: HeldRequest,
  fields: Record<string, unknown>,
): CompositeSubrequest[] {
  return [
    {
      method: 'PATCH',
      url: `${client.basePath}/sobjects/Stripe_Sync_Request__c/${request.Id}`,
      referenceId: 'requestOutcome',
      body: fields.Status__c === 'Queued' ? fields : { ...claimFields(request), ...fields },
    },
    releaseLockRequest(client, request.lock, 'releaseRequestLock'),
  ];
}

/**
 * A Sync request's claim and outcome riding in its order's sync (the engine's `alongside`), at no call
 * of their own: claimed in the call that takes the contract's lock — so a busy contract claims nothing —
 * and finished in the write-back's call. `outcome` is what was last handed to the write-back; when the
 * engine reports it not written (busy, or Salesforce refused it) the runner finishes the request itself.
 */
export class RequestWrites implements AlongsideWrites {
  outcome: RequestOutcome | undefined;
  readonly withLock: readonly CompositeSubrequest[];

  constructor(
    private readonly client: SalesforceClient,
    private readonly request: HeldRequest,
    private readonly now: () => Date,
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {
    this.withLock = [
      {
        method: 'PATCH',
        url: `${client.basePath}/sobjects/Stripe_Sync_Request__c/${request.Id}`,
        referenceId: 'requestClaim',
        body: claimFields(request),
      },
    ];
  }

  withOutcome(result: OrderSyncResult): readonly CompositeSubrequest[] {
    const fields = requestOutcomeFields(result, this.request.attempt, this.now(), this.policy);
    this.outcome = outcomeOf(fields);
    return outcomeRequests(this.client, this.request, fields);
  }
}

/**
 * Records how the attempt ended — Synced, Failed, Retrying at its next time, or Queued again when busy —
 * and releases the request's lock, in one call of its own. A lock already taken over (this worker overran
 * it) is no error: the outcome is recorded all the same.
 */
export async function finishRequest(
  client: SalesforceClient,
  request: HeldRequest,
  result: OrderSyncResult,
  now = new Date(),
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<RequestOutcome> {
  const fields = requestOutcomeFields(result, request.attempt, now, policy);
  const [saved, released] = await client.composite(outcomeRequests(client, request, fields), false);
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
