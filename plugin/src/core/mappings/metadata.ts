/**
 * Stripe metadata conventions (spec §2.13): every object made from a Salesforce record carries
 * `<prefix><name>_id` and `<prefix><name>_link`; flags such as `salesforce_auto_archive` mark what the
 * connector created. Stripe's limits (50 keys, 40-character keys, 500-character values, strings only)
 * are checked here before anything is sent.
 */
import { SyncError, type RecordRef } from '../errors.js';

export type Metadata = Record<string, string>;

export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const;

export interface MetadataContext {
  readonly instanceUrl: string;
  /** A sandbox org writing to a live Stripe account uses `salesforce_sandbox_` so the two never mix. */
  readonly sandbox: boolean;
  readonly livemode: boolean;
}

export function metadataPrefix(ctx: MetadataContext): string {
  return ctx.sandbox && ctx.livemode ? 'salesforce_sandbox_' : 'salesforce_';
}

const objectNames = new Map<string, string>();

/** sObject API name → metadata name: `OrderItem` → `order_item`, `SBQQ__OrderItemConsumptionSchedule__c` → `oi_consumption_schedule`. */
export function metadataObjectName(sobject: string): string {
  let name = objectNames.get(sobject);
  if (name === undefined) {
    name = sobject
      .replace(/__c$/i, '')
      .replace(/^(?:SBQQ|stripeConnector|QaStripeConnect)__/i, '')
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .replace(/^order_item_/, 'oi_');
    objectNames.set(sobject, name);
  }
  return name;
}

const metadataKeys = new Map<string, readonly [id: string, link: string]>();

/** `{salesforce_order_id, salesforce_order_link}` for one record. */
export function recordMetadata(record: RecordRef, ctx: MetadataContext): Metadata {
  const prefix = metadataPrefix(ctx);
  let keys = metadataKeys.get(prefix + record.type);
  if (!keys) {
    const name = `${prefix}${metadataObjectName(record.type)}`;
    keys = [`${name}_id`, `${name}_link`];
    metadataKeys.set(prefix + record.type, keys);
  }
  const base = ctx.instanceUrl.endsWith('/') ? ctx.instanceUrl.replace(/\/+$/, '') : ctx.instanceUrl;
  const metadata: Metadata = {};
  metadata[keys[0]] = record.id;
  metadata[keys[1]] = `${base}/${record.id}`;
  return metadata;
}

/** A connector flag (`auto_archive` → `salesforce_auto_archive: "true"`). */
export function flagMetadata(ctx: MetadataContext, ...flags: string[]): Metadata {
  // A plain loop: flags are added to every price and item of a plan.
  const prefix = metadataPrefix(ctx);
  const metadata: Metadata = {};
  for (const flag of flags) metadata[`${prefix}${flag}`] = 'true';
  return metadata;
}

/** Mapped metadata values must be strings for Stripe; numbers and booleans become their text. */
export function toMetadataValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** True when one object's metadata keeps Stripe's limits: checked on every map of every plan, so allocation-free. */
export function metadataWithinLimits(metadata: Metadata): boolean {
  let count = 0;
  for (const key in metadata) {
    if (
      ++count > METADATA_LIMITS.keys ||
      key.length > METADATA_LIMITS.keyLength ||
      key.includes('[') ||
      key.includes(']')
    )
      return false;
    if ((metadata[key] ?? '').length > METADATA_LIMITS.valueLength) return false;
  }
  return true;
}

/** Every violation of Stripe's metadata limits on one object, as errors naming the record and the key. */
export function metadataProblems(metadata: Metadata, record: RecordRef, objectLabel: string): SyncError[] {
  if (metadataWithinLimits(metadata)) return [];
  const problems: SyncError[] = [];
  const keys = Object.keys(metadata);
  const fail = (message: string, fix: string, field?: string): void => {
    problems.push(new SyncError(message, { kind: 'data', record, fix, ...(field ? { field } : {}) }));
  };
  if (keys.length > METADATA_LIMITS.keys) {
    fail(
      `The Stripe ${objectLabel} would get ${keys.length} metadata keys; Stripe allows ${METADATA_LIMITS.keys}.`,
      'Remove metadata mappings for this object in the data mapper.',
    );
  }
  for (const key of keys) {
    if (key.length > METADATA_LIMITS.keyLength || /[[\]]/.test(key)) {
      fail(
        `The metadata key "${key}" on the Stripe ${objectLabel} is longer than ${METADATA_LIMITS.keyLength} characters or contains square brackets.`,
        'Shorten the metadata key in the data mapper.',
        `metadata.${key}`,
      );
    }
    const value = metadata[key] ?? '';
    if (value.length > METADATA_LIMITS.valueLength) {
      fail(
        `The metadata value for "${key}" on the Stripe ${objectLabel} is ${value.length} characters; Stripe allows ${METADATA_LIMITS.valueLength}.`,
        'Map a shorter field to this metadata key.',
        `metadata.${key}`,
      );
    }
  }
  return problems;
}

/** Mapped fields at `metadata.<key>` paths. */
export function metadataPaths(fields: Readonly<Record<string, unknown>>): string[] {
  const paths: string[] = [];
  for (const path in fields) if (path.startsWith('metadata.')) paths.push(path);
  return paths;
}

/** User-mapped `metadata.*` values, as Stripe's string values (nulls left out). */
export function mappedMetadata(fields: Readonly<Record<string, unknown>>): Metadata {
  const metadata: Metadata = {};
  for (const path of metadataPaths(fields)) {
    const value = fields[path];
    if (value !== null && value !== undefined) metadata[path.slice('metadata.'.length)] = toMetadataValue(value);
  }
  return metadata;
}

/**
 * The record metadata a linked Stripe object lacks (e.g. an id pasted into Salesforce by hand), or
 * undefined when it has it. A link that differs only in the instance host counts as present.
 */
export function missingRecordMetadata(
  existing: Readonly<Record<string, string>> | null | undefined,
  expected: Metadata,
): Metadata | undefined {
  const lacking = Object.entries(expected).some(([key, value]) => {
    const current = existing?.[key];
    if (current === undefined || current === '') return true;
    return key.endsWith('_link')
      ? current.slice(current.lastIndexOf('/')) !== value.slice(value.lastIndexOf('/'))
      : current !== value;
  });
  return lacking ? expected : undefined;
}

/** `{metadata}` when a linked object lacks its Salesforce record metadata, else nothing to send. */
export function metadataUpdate(
  existing: Readonly<Record<string, string>> | null | undefined,
  expected: Metadata,
): { metadata: Metadata } | undefined {
  const missing = missingRecordMetadata(existing, expected);
  return missing ? { metadata: missing } : undefined;
}
