/**
 * Idempotency keys: one per logical Stripe write, derived from (org, Salesforce record, record version,
 * operation) and nothing random, so a replay after a crash — in any process — gets Stripe's saved
 * response instead of a second object. A new record version (an edited record) gets a new key.
 */
import { id18 } from '../records/records.js';
import { salesforceInstantMs } from '../dates.js';

/** Stripe's limit on the Idempotency-Key header (spec §4.6). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export interface VersionedRecord {
  readonly Id: string;
  readonly SystemModstamp?: unknown;
  readonly LastModifiedDate?: unknown;
}

/** The record's version: SystemModstamp, else LastModifiedDate, as compact UTC digits; `v0` when neither is known. */
export function recordVersion(record: VersionedRecord): string {
  const stamp = record.SystemModstamp ?? record.LastModifiedDate;
  if (typeof stamp !== 'string') return 'v0';
  // The REST API's own form (`2030-01-15T10:00:00.000+0000`, always UTC) needs no date parsing.
  const utc = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})\+0000$/.exec(stamp);
  if (utc) return `${utc[1]}${utc[2]}${utc[3]}T${utc[4]}${utc[5]}${utc[6]}${utc[7]}Z`;
  const ms = salesforceInstantMs(stamp);
  return Number.isNaN(ms) ? 'v0' : new Date(ms).toISOString().replace(/[-:.]/g, '');
}

/** `sfcpq:<org>:<record>:<version>:<operation>[:<detail>]`, e.g. `…:prices.create`. */
export function idempotencyKey(orgId: string, record: VersionedRecord, operation: string, detail?: string): string {
  const parts = ['sfcpq', orgId, id18(record.Id), recordVersion(record), operation, ...(detail ? [detail] : [])];
  const key = parts.join(':');
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH)
    throw new Error(`Idempotency key longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters: ${key}`);
  return key;
}

/**
 * When the key's record version was made, in Unix seconds (undefined for `v0` or a key not made here): no run can
 * have sent the key before, so Stripe, which keeps keys at least 24 hours, still holds it for a day after that.
 */
export function keyVersionSeconds(key: string): number | undefined {
  const version = key.split(':')[3];
  const utc = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(version ?? '');
  if (!key.startsWith('sfcpq:') || !utc) return undefined;
  const [year, month, day, hour, minute, second] = utc.slice(1, 7).map(Number) as [number, ...number[]];
  return Date.UTC(year, month! - 1, day, hour, minute, second) / 1000;
}
