/**
 * Field paths in SOQL (`Name`, `Account.Name`, `SBQQ__Quote__r.SBQQ__Opportunity2__r.CloseDate`):
 * resolved against the schema once per query, so an unknown name fails with INVALID_FIELD before any
 * record is read, then followed record by record through the store.
 */
import { SalesforceApiError } from 'plugin-stripe-cpq/lib/cpqSchema/errors.js';
import type { FieldDef, SchemaReader } from 'plugin-stripe-cpq/lib/cpqSchema/schema.js';
import type { FieldValue, RecordStore, SObjectRecord } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';

export interface FieldPath {
  /** Canonical spelling, `Account.Name`. */
  readonly canonical: string;
  /** Reference fields followed, in order, with their relationship names. */
  readonly hops: readonly FieldDef[];
  readonly field: FieldDef;
}

/**
 * Resolves `text` against `sobject`. A leading object name or alias (`Order.Id` in `FROM Order`)
 * is allowed, as in SOQL.
 */
export function resolvePath(schema: SchemaReader, sobject: string, text: string, alias?: string): FieldPath {
  let parts = text.split('.');
  const head = parts[0]?.toLowerCase();
  if (
    parts.length > 1 &&
    (head === sobject.toLowerCase() || head === alias?.toLowerCase()) &&
    !schema.parentRelationship(sobject, parts[0] ?? '')
  ) {
    parts = parts.slice(1);
  }
  const hops: FieldDef[] = [];
  let current = schema.object(sobject).name;
  for (const name of parts.slice(0, -1)) {
    const reference = schema.parentRelationship(current, name);
    if (!reference) {
      throw new SalesforceApiError(
        400,
        'INVALID_FIELD',
        `Didn't understand relationship '${name}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    hops.push(reference);
    current = reference.referenceTo?.[0] ?? current;
  }
  const field = schema.field(current, parts[parts.length - 1] ?? '');
  return { canonical: [...hops.map((h) => h.relationshipName), field.name].join('.'), hops, field };
}

/** The record at the end of the path's relationships (undefined when a lookup on the way is empty). */
export function followHops(
  store: RecordStore,
  record: SObjectRecord,
  hops: readonly FieldDef[],
): SObjectRecord | undefined {
  let current: SObjectRecord | undefined = record;
  for (const hop of hops) {
    const id: FieldValue | undefined = current[hop.name];
    current = typeof id === 'string' ? store.get(id) : undefined;
    if (!current) return undefined;
  }
  return current;
}

export function readPath(store: RecordStore, record: SObjectRecord, path: FieldPath): FieldValue {
  const target = path.hops.length === 0 ? record : followHops(store, record, path.hops);
  return target?.[path.field.name] ?? null;
}
