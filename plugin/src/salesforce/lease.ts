/**
 * One contract is synced by one worker at a time, across relay processes: a lease on the contract's
 * initial Order (Stripe_Sync_Lease_Owner__c / _Expires__c) taken with a conditional update (If-Match on
 * the record's ETag), so of two workers that read the same free lease only one write succeeds. An
 * expired lease (a crashed worker) can be taken over. The lease is released by the sync's final Order
 * update (`LEASE_RELEASED`) or by `releaseLease`.
 */
import { SalesforceApiError, type SalesforceClient } from './client.js';

export const LEASE_RELEASED = { Stripe_Sync_Lease_Owner__c: null, Stripe_Sync_Lease_Expires__c: null } as const;

interface LeaseFields {
  readonly Stripe_Sync_Lease_Owner__c?: string | null;
  readonly Stripe_Sync_Lease_Expires__c?: string | null;
}

export interface Lease {
  readonly orderId: string;
  readonly owner: string;
  readonly expiresAt: Date;
}

/**
 * Takes the lease for `owner`, or returns undefined when another live worker holds it. `alsoSet` is
 * written in the same conditional update (e.g. the Order's sync status).
 */
export async function claimLease(
  client: SalesforceClient,
  orderId: string,
  owner: string,
  ttlMs: number,
  now = new Date(),
  alsoSet: Readonly<Record<string, unknown>> = {},
): Promise<Lease | undefined> {
  const { record, etag } = await client.getRecord<LeaseFields>('Order', orderId, ['Stripe_Sync_Lease_Owner__c', 'Stripe_Sync_Lease_Expires__c']);
  const holder = record.Stripe_Sync_Lease_Owner__c;
  const expires = record.Stripe_Sync_Lease_Expires__c ? Date.parse(record.Stripe_Sync_Lease_Expires__c) : 0;
  if (holder && holder !== owner && expires > now.getTime()) return undefined;
  const expiresAt = new Date(now.getTime() + ttlMs);
  try {
    await client.updateRecord('Order', orderId, { ...alsoSet, Stripe_Sync_Lease_Owner__c: owner, Stripe_Sync_Lease_Expires__c: expiresAt.toISOString() }, etag ?? '*');
  } catch (error) {
    if (error instanceof SalesforceApiError && error.status === 412) return undefined;
    throw error;
  }
  return { orderId, owner, expiresAt };
}

export async function releaseLease(client: SalesforceClient, lease: Lease): Promise<void> {
  await client.updateRecord('Order', lease.orderId, { ...LEASE_RELEASED });
}
