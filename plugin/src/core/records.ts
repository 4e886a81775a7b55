/** Small helpers that name Salesforce records the same way everywhere. */
import type { RecordRef } from './errors.js';
import { toId18 } from './salesforceIds.js';

/** The record's reference in its 18-character Id form (stable across Id forms, so plans are too). */
export function recordRef(type: string, id: string): RecordRef {
  return { type, id: toId18(id) };
}
