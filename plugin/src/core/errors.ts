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
