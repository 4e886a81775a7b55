import type { CalendarDate } from '../../../core/dates.js';
import type { SchemaReader } from '../schema.js';
import type { RecordStore } from '../store.js';

/** What a query runs against: the org's schema and records, and the day date literals count from. */
export interface QueryScope {
  readonly schema: SchemaReader;
  readonly store: RecordStore;
  readonly today: CalendarDate;
  /** `v62.0`-style version, used in each record's `attributes.url`. */
  readonly apiVersion: string;
  /** queryAll: also match records in the Recycle Bin (top-level object only). */
  readonly includeDeleted?: boolean;
}
