/**
 * Accumulates one SyncPlan: Stripe operations in call order (each reference created once), Salesforce
 * write-backs merged per record, Sync Records and warnings.
 */
import type { RecordRef } from '../errors.js';
import type { Ref, SalesforceWriteBack, StripeOperation, SyncPlan, SyncRecordDraft } from './plan.js';

type FieldValue = SalesforceWriteBack['fields'][string];

export class PlanBuilder {
  private readonly operations: StripeOperation[] = [];
  private readonly created = new Map<string, StripeOperation>();
  private readonly writeBacks = new Map<string, { sobject: string; id: string; fields: Record<string, FieldValue> }>();
  private readonly syncRecords: SyncRecordDraft[] = [];
  private readonly warnings: string[] = [];
  private readonly deferred: RecordRef[] = [];

  constructor(readonly primary: RecordRef) {}

  /** True once an operation creating or changing `ref` is planned. */
  has(ref: Ref): boolean {
    return this.created.has(ref);
  }

  /** The first operation planned for `ref` (its create, for planned objects). */
  createOperation(target: string): StripeOperation | undefined {
    return this.created.get(target);
  }

  add(operation: StripeOperation): void {
    this.operations.push(operation);
    if (!this.created.has(operation.ref)) this.created.set(operation.ref, operation);
  }

  /** Sets fields on a Salesforce record; values left as they are in Salesforce are not written. */
  writeBack(record: RecordRef, fields: Record<string, FieldValue>, current: Record<string, unknown> = {}): void {
    const key = `${record.type}:${record.id}`;
    for (const field in fields) {
      const value = fields[field] as FieldValue;
      if (current[field] === value) continue;
      let entry = this.writeBacks.get(key);
      if (!entry) {
        entry = { sobject: record.type, id: record.id, fields: {} };
        this.writeBacks.set(key, entry);
      }
      entry.fields[field] = value;
    }
  }

  syncRecord(draft: SyncRecordDraft): void {
    this.syncRecords.push(draft);
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  /** Leaves an order for the plan made after this one is applied (see `SyncPlan.deferred`). */
  defer(record: RecordRef): void {
    this.deferred.push(record);
  }

  get operationCount(): number {
    return this.operations.length;
  }

  build(): SyncPlan {
    return {
      primary: this.primary,
      operations: [...this.operations],
      writeBacks: [...this.writeBacks.values()].map((w) => ({ sobject: w.sobject, id: w.id, fields: { ...w.fields } })),
      syncRecords: [...this.syncRecords],
      warnings: [...this.warnings],
      ...(this.deferred.length > 0 ? { deferred: [...this.deferred] } : {}),
    };
  }
}
