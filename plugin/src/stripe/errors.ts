/**
 * Stripe failures as SyncErrors (kind 'stripe', "Stripe Error: …" on the Sync Record), keeping the
 * request id and `doc_url` so the Sync Record links to the request log and Stripe's explanation.
 */
import Stripe from 'stripe';
import { SyncError, type RecordRef } from '../core/errors.js';
import { isRetryable } from './retry.js';

const FIXES: Readonly<Record<string, string>> = {
  StripeRateLimitError: 'Nothing to change: the sync is retried automatically; use Sync now to force it.',
  StripeConnectionError: 'Check the network between the relay and Stripe; the sync is retried automatically.',
  StripeAuthenticationError: 'Set a valid Stripe secret or restricted key (STRIPE_API_KEY) for the relay.',
  StripePermissionError: 'Grant the restricted key the write permissions the relay needs (see the README).',
  StripeIdempotencyError: 'The record changed while a sync was in flight; sync the order again.',
  StripeAPIError: 'Stripe had a temporary problem; the sync is retried automatically.',
};

const INVALID_REQUEST_FIX = 'Correct the Salesforce value behind the parameter Stripe names and sync again.';

export function stripeSyncError(error: unknown, source: RecordRef): SyncError {
  if (!(error instanceof Stripe.errors.StripeError)) {
    return new SyncError(error instanceof Error ? error.message : String(error), {
      kind: 'connector',
      record: source,
      fix: 'Look at the relay log for the cause; the sync is retried automatically.',
      retryable: true,
    });
  }
  const param = error.param ? ` (parameter: ${error.param})` : '';
  return new SyncError(`${error.message}${param}`, {
    kind: 'stripe',
    record: source,
    ...(error.param ? { field: error.param } : {}),
    fix: FIXES[error.type] ?? INVALID_REQUEST_FIX,
    retryable: isRetryable(error),
    ...(error.requestId ? { requestId: error.requestId } : {}),
    ...(error.doc_url ? { docUrl: error.doc_url } : {}),
  });
}

/** True for a `resource_missing` answer: an id Salesforce holds that Stripe does not know. */
export function isResourceMissing(error: unknown): boolean {
  return error instanceof Stripe.errors.StripeError && error.code === 'resource_missing';
}
