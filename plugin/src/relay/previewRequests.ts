/**
 * A Preview request (`Stripe_Sync_Request__c.Type__c = 'Preview'`, from the card's "Preview billing"):
 * the engine plans the order as it stands — a dry run: no lease, nothing written to Stripe or to the Order
 * — and the request gets what the plan would bill (`Preview_Result__c`, the versioned JSON of
 * core/billingSummary) and the problems that would stop the sync, with the Sync Records' messages and fixes.
 * The request ends Previewed either way: a preview that finds problems did its job.
 */
import { BILLING_SUMMARY_VERSION, summaryFieldText, type BillingPreview } from '../core/billingSummary/schema.js';
import { DOCUMENTATION_LINKS } from '../core/plan/syncRecords.js';
import type { SalesforceClient } from '../salesforce/client.js';
import type { OrderSyncResult, SyncEngine } from '../sync/engine.js';
import type { HeldRequest } from './syncRequests.js';

export function billingPreview(result: OrderSyncResult): BillingPreview {
  return {
    version: BILLING_SUMMARY_VERSION,
    summary: result.summary ?? null,
    problems: result.errors.map((e) => ({
      record: `${e.record.type} ${e.record.id}`,
      message: e.resolutionMessage,
      fix: e.fix,
      documentationLink: e.docUrl ?? DOCUMENTATION_LINKS.error,
    })),
  };
}

/** The preview's text for the request field, within its length (items trimmed as for the Order's summary). */
export function previewFieldText(preview: BillingPreview): string {
  const summary = preview.summary
    ? (JSON.parse(summaryFieldText(preview.summary, 100_000)) as BillingPreview['summary'])
    : null;
  return JSON.stringify({ ...preview, summary });
}

export async function runPreview(
  salesforce: SalesforceClient,
  engine: SyncEngine,
  request: HeldRequest,
  now: () => Date,
): Promise<OrderSyncResult> {
  const result = await engine.syncOrder(request.Order__c, {
    dryRun: true,
    asActivated: true,
    located: request.located,
  });
  const preview = billingPreview(result);
  const problems = preview.problems.length;
  await salesforce.updateRecord('Stripe_Sync_Request__c', request.Id, {
    Status__c: 'Previewed',
    Finished_At__c: now().toISOString(),
    Lease_Expires__c: null,
    Next_Attempt_At__c: null,
    Preview_Result__c: previewFieldText(preview),
    Message__c:
      problems === 0
        ? 'Preview ready: nothing was written to Stripe.'
        : `Preview: ${problems} problem(s) would stop the sync. Nothing was written to Stripe.`,
  });
  return result;
}
