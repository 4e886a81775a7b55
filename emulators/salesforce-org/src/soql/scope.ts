import type { CalendarDate } from '../dates.js';
import type { SchemaReader } from 'plugin-stripe-cpq/lib/cpqSchema/schema.js';
import type { RecordStore } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';
import type { JsonRecord } from './query.js';

/** What a query runs against: the org's schema and records, and the day date literals count from. */
export interface QueryScope {
  readonly schema: SchemaReader;
  readonly store: RecordStore;
  readonly today: CalendarDate;
  /** `v62.0`-style version, used in each record's `attributes.url`. */
  readonly apiVersion: string;
  /** queryAll: also match records in the Recycle Bin (top-level object only). */
  readonly includeDeleted?: boolean;
  /**
   * Pages a parent row's subquery rows as the REST API does (first batch inline, the rest behind the
   * child result's own nextRecordsUrl). Absent, as for in-process queries, every child row is inline.
   */
  readonly pageChildren?: (records: JsonRecord[]) => ChildPage;
}

/** A parent row's child result, as the REST API nests it. */
export interface ChildPage {
  readonly totalSize: number;
  readonly done: boolean;
  readonly nextRecordsUrl?: string;
  readonly records: JsonRecord[];
}
