/** Small helpers that name Salesforce records the same way everywhere. */
import type { RecordRef } from '../errors.js';
import { toId18 } from './salesforceIds.js';

/**
 * The 18-character form of an Id already validated by the models: an 18-character Id only needs its
 * suffix upper-cased, so the checksum is computed once per 15-character Id only.
 */
export function id18(id: string): string {
  if (id.length !== 18) return toId18(id);
  const suffix = id.slice(15);
  const upper = suffix.toUpperCase();
  return upper === suffix ? id : id.slice(0, 15) + upper; // usually already upper-case: no new string
}

/** The record's reference in its 18-character Id form (stable across Id forms, so plans are too). */
export function recordRef(type: string, id: string): RecordRef {
  return { type, id: id18(id) };
}
