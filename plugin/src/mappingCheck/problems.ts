/**
 * What `mapping check` reports: one problem per finding, each naming the record, the field on it and
 * the fix, so an admin can act on the table without reading code. Errors stop a sync (non-zero exit);
 * warnings are worth a look but a sync would go through.
 */
import type { SyncError } from '../core/errors.js';

export type Severity = 'error' | 'warning';

export interface CheckProblem {
  readonly severity: Severity;
  /** sObject or metadata type of the record: `Stripe_Field_Mapping__mdt`, `Order`, `OrderItem`, … */
  readonly recordType: string;
  /** The record: a custom metadata record's DeveloperName or a Salesforce Id. */
  readonly record: string;
  /** The field on that record at fault (`Stripe_Path__c`, `SBQQ__Quote__c.SBQQ__StartDate__c`), or empty. */
  readonly field: string;
  readonly message: string;
  readonly fix: string;
}

/** A core SyncError as a check problem, worded as its Sync Record would be (spec §2.10). */
export function problemFromSyncError(error: SyncError): CheckProblem {
  return {
    severity: 'error',
    recordType: error.record.type,
    record: error.record.id,
    field: error.field ?? '',
    message: error.resolutionMessage,
    fix: error.fix,
  };
}

export function hasErrors(problems: readonly CheckProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
