/**
 * The Order page's "Sync now": Stripe_Sync_Request__c records, Queued → Syncing → Synced | Failed.
 * A worker claims a request with a conditional update (If-Match), so two relays never run one request;
 * a claim whose lease expired (a crashed relay) goes back to Queued. Each request leaves an audit trail:
 * who, when, attempts, how it ended.
 */
import { SalesforceApiError, type SalesforceClient } from '../salesforce/client.js';
import { soqlDateTime } from '../salesforce/soql.js';
import type { OrderSyncResult } from '../sync/engine.js';

export interface SyncRequest {
  readonly Id: string;
  readonly Order__c: string;
  readonly Attempts__c: number | null;
  readonly Requested_At__c: string | null;
  readonly CreatedDate?: string | null;
}

const REQUEST_FIELDS = 'Id, Order__c, Attempts__c, Requested_At__c, CreatedDate';

export async function queuedRequests(client: SalesforceClient, limit = 50): Promise<SyncRequest[]> {
  return client.query<SyncRequest>(`SELECT ${REQUEST_FIELDS} FROM Stripe_Sync_Request__c WHERE Status__c = 'Queued' ORDER BY CreatedDate ASC LIMIT ${Math.max(1, Math.floor(limit))}`);
}

/** Takes a Queued request for `worker`; undefined when another worker took it first. */
export async function claimRequest(client: SalesforceClient, requestId: string, worker: string, leaseMs: number, now = new Date()): Promise<SyncRequest | undefined> {
  const { record, etag } = await client.getRecord<SyncRequest & { Status__c: string }>('Stripe_Sync_Request__c', requestId, ['Id', 'Order__c', 'Attempts__c', 'Status__c', 'Requested_At__c', 'CreatedDate']);
  if (record.Status__c !== 'Queued') return undefined;
  try {
    await client.updateRecord(
      'Stripe_Sync_Request__c',
      requestId,
      { Status__c: 'Syncing', Claimed_By__c: worker, Started_At__c: now.toISOString(), Lease_Expires__c: new Date(now.getTime() + leaseMs).toISOString(), Attempts__c: (record.Attempts__c ?? 0) + 1 },
      etag ?? '*',
    );
  } catch (error) {
    if (error instanceof SalesforceApiError && error.status === 412) return undefined;
    throw error;
  }
  return record;
}

/** Records how the request ended; a busy contract goes back to the queue. */
export async function finishRequest(client: SalesforceClient, requestId: string, result: OrderSyncResult, now = new Date()): Promise<void> {
  if (result.status === 'busy') {
    await client.updateRecord('Stripe_Sync_Request__c', requestId, { Status__c: 'Queued', Claimed_By__c: null, Lease_Expires__c: null, Message__c: 'Another sync of this contract was running; queued again.' });
    return;
  }
  const message = result.status === 'synced'
    ? result.applied.length > 0 ? `Synced: ${result.applied.length} Stripe write(s); ${result.stripeId ?? ''}`.trim() : 'Synced: already in sync, nothing to change.'
    : result.errors.map((e) => `${e.resolutionMessage} Fix: ${e.fix}`).join('\n');
  await client.updateRecord('Stripe_Sync_Request__c', requestId, {
    Status__c: result.status === 'synced' ? 'Synced' : 'Failed',
    Finished_At__c: now.toISOString(),
    Lease_Expires__c: null,
    Message__c: message,
  });
}

/** Requests stuck in Syncing past their lease (their relay died) go back to Queued; returns how many. */
export async function recoverStaleRequests(client: SalesforceClient, now = new Date()): Promise<number> {
  const stale = await client.query<{ Id: string }>(`SELECT Id FROM Stripe_Sync_Request__c WHERE Status__c = 'Syncing' AND Lease_Expires__c < ${soqlDateTime(now)} LIMIT 200`);
  if (stale.length === 0) return 0;
  await client.updateRecords(stale.map((r) => ({ attributes: { type: 'Stripe_Sync_Request__c' }, Id: r.Id, Status__c: 'Queued', Claimed_By__c: null, Lease_Expires__c: null, Message__c: 'The relay working on this request stopped; queued again.' })));
  return stale.length;
}
