/**
 * Sync Record drafts (spec §2.10): one per (primary, secondary) pair, upserted by `Compound_ID__c`, so a
 * re-run overwrites the last outcome. Success records are written only for the primary record itself.
 */
import type { RecordRef, SyncError } from '../errors.js';
import type { SyncRecordDraft } from './plan.js';

export const DOCUMENTATION_LINKS = {
  success: 'https://docs.stripe.com/connectors/salesforce-cpq/overview',
  error: 'https://docs.stripe.com/connectors/salesforce-cpq/error-handling',
} as const;

/** `Subscription Schedule`, `Invoice`, `Subscription`: the words after "Created Stripe". */
export type StripeObjectTitle = 'Subscription Schedule' | 'Subscription' | 'Invoice';

export function compoundId(primary: RecordRef, secondary: RecordRef): string {
  return `${primary.id}-${secondary.id}`;
}

/** "Created Stripe Subscription Schedule with Id: sub_sched_…" on the primary record. */
export function successSyncRecord(primary: RecordRef, title: StripeObjectTitle, stripeId: string): SyncRecordDraft {
  return {
    compoundId: compoundId(primary, primary),
    primary,
    secondary: primary,
    status: 'Success',
    message: `Created Stripe ${title} with Id: ${stripeId}`,
    documentationLink: DOCUMENTATION_LINKS.success,
  };
}

/** One Error record per problem, on the record the problem is on. */
export function errorSyncRecords(primary: RecordRef, errors: readonly SyncError[]): SyncRecordDraft[] {
  return errors.map((error) => ({
    compoundId: compoundId(primary, error.record),
    primary,
    secondary: error.record,
    status: 'Error',
    message: error.resolutionMessage,
    documentationLink: error.docUrl ?? DOCUMENTATION_LINKS.error,
  }));
}
