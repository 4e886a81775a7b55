/**
 * The one error type the core raises. It names the record, the field and the fix, and knows how the
 * reference product words it on a Sync Record (spec §2.10): "Data Error: …" for data problems, the
 * missing-fields form, bare text for the few messages the reference raises without a prefix, and
 * "Connector Error: …" for internal consistency checks.
 */

export type SyncErrorKind = 'data' | 'missing_fields' | 'bare' | 'connector' | 'stripe' | 'salesforce';

export interface RecordRef {
  readonly id: string;
  /** sObject API name, e.g. `OrderItem`. */
  readonly type: string;
}

export interface SyncErrorDetails {
  readonly kind: SyncErrorKind;
  /** The record the problem is on (the Sync Record's secondary record). */
  readonly record: RecordRef;
  /** Field API name or Salesforce path (`SBQQ__Quote__c.SBQQ__StartDate__c`), when one field is at fault. */
  readonly field?: string;
  /** What the admin should do, one sentence. */
  readonly fix: string;
  /** Retryable errors (rate limits, locks, test clocks advancing) are tried again; data errors wait for a fix. */
  readonly retryable?: boolean;
  /** Stripe request id, for Stripe errors. */
  readonly requestId?: string;
  readonly docUrl?: string;
}

export class SyncError extends Error {
  readonly kind: SyncErrorKind;
  readonly record: RecordRef;
  readonly field: string | undefined;
  readonly fix: string;
  readonly retryable: boolean;
  readonly requestId: string | undefined;
  readonly docUrl: string | undefined;

  constructor(message: string, details: SyncErrorDetails) {
    super(message);
    this.name = 'SyncError';
    this.kind = details.kind;
    this.record = details.record;
    this.field = details.field;
    this.fix = details.fix;
    this.retryable = details.retryable ?? false;
    this.requestId = details.requestId;
    this.docUrl = details.docUrl;
  }

  /** The text of the Sync Record's Resolution_Message__c, with the reference product's prefix. */
  get resolutionMessage(): string {
    switch (this.kind) {
      case 'data':
        return `Data Error: ${this.message}`;
      case 'missing_fields':
        return `Data Error: The following required fields are missing: ${this.message}`;
      case 'connector':
        return `Connector Error: ${this.message}`;
      case 'stripe':
        return `Stripe Error: ${this.message}`;
      case 'salesforce':
        return `Salesforce Error: ${this.message}`;
      case 'bare':
        return this.message;
    }
  }
}

/** Every problem found in one planning run (validation reports them all, not just the first). */
export class SyncErrors extends Error {
  readonly errors: readonly SyncError[];

  constructor(errors: readonly SyncError[]) {
    super(errors.map((e) => `${e.record.type} ${e.record.id}: ${e.resolutionMessage}`).join('\n'));
    this.name = 'SyncErrors';
    this.errors = errors;
  }
}

/** A problem with one field mapping record (Stripe_Field_Mapping__mdt), as the engine finds it without a describe. */
export interface MappingRecordProblem {
  /** The record's DeveloperName. */
  readonly record: string;
  /** The field of the mapping record at fault: `Salesforce_Path__c`, `Stripe_Path__c`, `Mapping_Key__c`, … */
  readonly field: string;
  readonly message: string;
  readonly fix: string;
}

/**
 * A mapping record the sync cannot use, reported on the order being synced: Sync Records hold Salesforce
 * Ids (18 characters), so the message names the mapping record instead.
 */
export function fieldMappingError(order: RecordRef, problem: MappingRecordProblem): SyncError {
  return new SyncError(`The field mapping ${problem.record} cannot be used (${problem.field}): ${problem.message}`, {
    kind: 'data',
    record: order,
    field: problem.field,
    fix: problem.fix,
  });
}

/** Salesforce refused a field that a mapping record reads (INVALID_FIELD). */
export function missingMappedFieldError(order: RecordRef, mapping: string, path: string, sobject: string): SyncError {
  return new SyncError(
    `The field mapping ${mapping} points at ${path}, which ${sobject} does not have (or the integration user cannot read).`,
    {
      kind: 'data',
      record: order,
      field: 'Salesforce_Path__c',
      fix: `Run sf stripe cpq mapping check and correct Salesforce_Path__c of ${mapping}, or create the field on ${sobject} and give the integration user read access to it.`,
    },
  );
}
