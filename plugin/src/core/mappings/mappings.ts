/**
 * The mapping engine (spec §2.2): Stripe parameters from Salesforce records through four dictionaries —
 * required mappings (fixed), shipped default mappings, the user's static field defaults and the user's
 * field mappings — keyed by mapping key, then by Stripe dot-path. Precedence, lowest first:
 * required → shipped defaults → user defaults → user mappings.
 *
 * A Salesforce path crosses 1:1 parent lookups inside the graph: `Account.Name` reads `AccountId` and then
 * that Account's `Name`; `SBQQ__Quote__c.SBQQ__StartDate__c` reads the quote Id, then the quote's field.
 */
import { z } from 'zod';
import type { GraphIndex, SalesforceRecord } from '../records/graph.js';

export const MAPPING_KEYS = [
  'customer',
  'product',
  'price',
  'price_order_item',
  'subscription_schedule',
  'subscription_phase',
  'subscription_item',
  'invoice',
  'coupon',
] as const;
export type MappingKey = (typeof MAPPING_KEYS)[number];
export const isMappingKey = (key: string): key is MappingKey => (MAPPING_KEYS as readonly string[]).includes(key);

export type StaticValue = string | number | boolean;
/** Stripe dot-path → Salesforce path. */
export type FieldMappings = Readonly<Record<string, string>>;
/** Stripe dot-path → static value. */
export type FieldDefaults = Readonly<Record<string, StaticValue>>;

/** A Stripe parameter dot-path: lower-case parameter names, metadata keys of letters, digits, `_` and `-`. */
export const StripePath = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*(\.[A-Za-z0-9_-]+)*$/, 'is not a Stripe parameter path like metadata.region');
/** Field API names joined by dots: no spaces, quotes, parentheses or line breaks can reach a query. */
export const SalesforcePath = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/, 'is not a Salesforce field path like Account.Name');
const keyed = <T extends z.ZodType>(value: T) => z.partialRecord(z.enum(MAPPING_KEYS), z.record(StripePath, value));

/** The user's side of the mapper: what a later task stores in Custom Metadata. */
export const MappingConfig = z.object({
  fieldMappings: keyed(SalesforcePath).default({}),
  fieldDefaults: keyed(z.union([z.string(), z.number(), z.boolean()])).default({}),
});
export type MappingConfig = z.infer<typeof MappingConfig>;
export const EMPTY_MAPPINGS: MappingConfig = { fieldMappings: {}, fieldDefaults: {} };

/** Fixed by the product: a null value is a MissingRequiredFields error (spec §2.2). */
export const REQUIRED_MAPPINGS: Readonly<Partial<Record<MappingKey, FieldMappings>>> = {
  subscription_schedule: {
    start_date: 'SBQQ__Quote__c.SBQQ__StartDate__c',
    // The subscription term in months; used to compute end dates, never sent to Stripe.
    iterations: 'SBQQ__Quote__c.SBQQ__SubscriptionTerm__c',
  },
  subscription_item: { quantity: 'Quantity' },
  price: { unit_amount_decimal: 'UnitPrice' },
  price_order_item: { unit_amount_decimal: 'UnitPrice' },
};

const ADDRESS = (prefix: string): Record<string, string> => ({
  'address.line1': `${prefix}Street`,
  'address.city': `${prefix}City`,
  'address.state': `${prefix}State`,
  'address.postal_code': `${prefix}PostalCode`,
  'address.country': `${prefix}Country`,
});

/** Shipped defaults; user defaults and mappings override them path by path. */
export const DEFAULT_MAPPINGS: Readonly<Partial<Record<MappingKey, FieldMappings>>> = {
  customer: {
    name: 'Name',
    phone: 'Phone',
    description: 'Description',
    ...ADDRESS('Billing'),
    'shipping.name': 'Name',
    'shipping.phone': 'Phone',
    ...Object.fromEntries(Object.entries(ADDRESS('Shipping')).map(([k, v]) => [`shipping.${k}`, v])),
  },
  product: { name: 'Name', description: 'Description' },
  price: {
    'recurring.interval_count': 'Product2.SBQQ__BillingFrequency__c',
    'recurring.usage_type': 'Product2.SBQQ__BillingType__c',
  },
  price_order_item: {
    'recurring.interval_count': 'SBQQ__BillingFrequency__c',
    'recurring.usage_type': 'SBQQ__BillingType__c',
  },
  coupon: {
    name: 'Name__c',
    amount_off: 'Amount_Off__c',
    percent_off: 'Percent_Off__c',
    duration: 'Duration__c',
    duration_in_months: 'Duration_In_Months__c',
    max_redemptions: 'Max_Redemptions__c',
  },
};

/** Keys applied only to terminated phase items (termination-metadata feature), never in normal mapping. */
export const TERMINATION_PREFIX = 'sbc_termination.';

export type MappedValue = StaticValue | null;
/** Stripe dot-path → resolved value, before shaping into nested params. */
export type MappedFields = Record<string, MappedValue>;

export interface MappingResult {
  /** Every path with its final value (nulls kept so builders can tell "mapped to empty"). */
  readonly fields: MappedFields;
  /** Salesforce paths of required mappings that resolved to null, in mapping order. */
  readonly missing: readonly string[];
}

/** `"true"`/`"false"` text (any case, padded) becomes a boolean; other values pass through. */
export function coerceMappedValue(value: unknown): MappedValue {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') {
    const t = value.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

/** The lookup field a non-final path part reads: `Account` → `AccountId`; `SBQQ__Quote__c` and `OwnerId` as they are. */
export function lookupFieldName(part: string): string {
  return /(__c|Id)$/.test(part) ? part : `${part}Id`;
}

/**
 * Resolves a Salesforce path from `record` inside the graph. Each non-final part names a lookup: parts
 * not ending in `__c` or `Id` get `Id` appended (`Account` → `AccountId`). A null link or a field the
 * record lacks resolves to null.
 */
export function resolveSalesforcePath(index: GraphIndex, record: SalesforceRecord, path: string): unknown {
  const { lookups, field } = compiledPath(path);
  let current: SalesforceRecord | undefined = record;
  for (let i = 0; i < lookups.length && current; i++) {
    const id: unknown = current[lookups[i] as string];
    current = typeof id === 'string' ? index.find(id)?.record : undefined;
  }
  return current?.[field] ?? null;
}

interface CompiledPath {
  readonly lookups: readonly string[];
  readonly field: string;
}
const compiledPaths = new Map<string, CompiledPath>();

/** `Account.Owner.Name` → lookups `AccountId`, `OwnerId` and field `Name`; compiled once per path. */
function compiledPath(path: string): CompiledPath {
  let compiled = compiledPaths.get(path);
  if (!compiled) {
    const parts = path.split('.');
    const field = parts.pop() as string;
    compiled = { lookups: parts.map(lookupFieldName), field };
    compiledPaths.set(path, compiled);
  }
  return compiled;
}

/** Runs the four dictionaries of one mapping key against one source record. */
export function applyMappings(
  key: MappingKey,
  record: SalesforceRecord,
  index: GraphIndex,
  config: MappingConfig,
): MappingResult {
  // Called for every product, price and line of a plan: plain loops, no per-call arrays or closures.
  const fields: MappedFields = {};
  const missing: string[] = [];
  const required = REQUIRED_MAPPINGS[key];
  for (const stripePath in required) {
    const sfPath = required[stripePath] as string;
    const value = coerceMappedValue(resolveSalesforcePath(index, record, sfPath));
    if (value === null) missing.push(sfPath);
    fields[stripePath] = value;
  }
  resolveLayer(fields, DEFAULT_MAPPINGS[key], record, index);
  const defaults = config.fieldDefaults[key];
  for (const stripePath in defaults) {
    if (!stripePath.startsWith(TERMINATION_PREFIX)) fields[stripePath] = coerceMappedValue(defaults[stripePath]);
  }
  resolveLayer(fields, config.fieldMappings[key], record, index);
  return { fields, missing };
}

/** One layer of Salesforce paths onto `fields` (termination paths are read by the termination planner). */
function resolveLayer(
  fields: MappedFields,
  layer: FieldMappings | undefined,
  record: SalesforceRecord,
  index: GraphIndex,
): void {
  for (const stripePath in layer) {
    if (!stripePath.startsWith(TERMINATION_PREFIX))
      fields[stripePath] = coerceMappedValue(resolveSalesforcePath(index, record, String(layer[stripePath])));
  }
}

/** True when the user (not the product) decides this Stripe path for the mapping key. */
export function isUserMapped(config: MappingConfig, key: MappingKey, stripePath: string): boolean {
  return stripePath in (config.fieldMappings[key] ?? {}) || stripePath in (config.fieldDefaults[key] ?? {});
}

/** Nested params from dot-paths (`address.line1` → `{address: {line1}}`); null values are left out. */
export function toNestedParams(fields: MappedFields, skip: readonly string[] = []): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const path in fields) {
    const value = fields[path];
    if (value === null || skip.includes(path)) continue;
    // Most mapped paths have no dot: set them directly (this runs for every product, price and line).
    if (path.includes('.')) setByPath(params, path, value);
    else params[path] = value;
  }
  return params;
}

export function setByPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    node = (next !== null && typeof next === 'object' ? next : (node[part] = {})) as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}
