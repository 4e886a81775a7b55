/**
 * Index lookups that narrow the records a WHERE clause must test. An equality or IN on an Id or
 * reference, directly or through parent relationships (`Order.ContractId = …` from OrderItem), is
 * answered from the store's Id map and reference index by walking the relationships backwards; an OR
 * of such conditions is the union of their lookups. A lookup only narrows: the full predicate still
 * runs on every candidate, so results are exactly those of a scan.
 */
import type { FieldDef } from 'plugin-stripe-cpq/lib/cpqSchema/schema.js';
import type { RecordStore, SObjectRecord } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';
import type { FieldPath } from './paths.js';

export type IndexLookup =
  | {
      readonly kind: 'path';
      /** The queried object, then the object each hop leads to; `field` belongs to the last one. */
      readonly objects: readonly string[];
      readonly hops: readonly FieldDef[];
      readonly field: FieldDef;
      /** 18-character Ids. */
      readonly values: readonly string[];
    }
  | { readonly kind: 'any'; readonly of: readonly IndexLookup[] };

/** A lookup for `path IN values`, or undefined when the path is not indexable (not an Id/reference, polymorphic hop, null value). */
export function pathLookup(sobject: string, path: FieldPath, values: Iterable<unknown>): IndexLookup | undefined {
  if (path.field.type !== 'id' && path.field.type !== 'reference') return undefined;
  const objects = [sobject];
  for (const hop of path.hops) {
    const [target, ...others] = hop.referenceTo ?? [];
    if (!target || others.length > 0) return undefined;
    objects.push(target);
  }
  const wanted = [...values];
  if (!wanted.every((v): v is string => typeof v === 'string')) return undefined;
  return { kind: 'path', objects, hops: path.hops, field: path.field, values: wanted };
}

/** A lookup covering every operand of an OR, or undefined when one operand has none (a scan is needed). */
export function unionLookup(lookups: ReadonlyArray<IndexLookup | undefined>): IndexLookup | undefined {
  return lookups.every((l): l is IndexLookup => l !== undefined) ? { kind: 'any', of: lookups } : undefined;
}

/** Live records of `sobject` that may match: every record the lookup finds, or all of them without one. */
export function candidateRecords(
  store: RecordStore,
  sobject: string,
  lookup: IndexLookup | undefined,
): Iterable<SObjectRecord> {
  if (!lookup) return store.all(sobject);
  const records = new Set<SObjectRecord>();
  for (const id of lookupIds(store, lookup)) {
    const record = store.get(id);
    if (record) records.add(record);
  }
  return records;
}

function lookupIds(store: RecordStore, lookup: IndexLookup): Set<string> {
  if (lookup.kind === 'any') return new Set(lookup.of.flatMap((l) => [...lookupIds(store, l)]));
  const last = lookup.objects[lookup.objects.length - 1] ?? '';
  let ids = new Set<string>();
  for (const value of lookup.values) {
    if (lookup.field.type === 'id') {
      const record = store.get(value);
      if (record && store.typeOf(record) === last) ids.add(record.Id as string);
    } else {
      for (const id of store.childIds(last, lookup.field.name, value)) ids.add(id);
    }
  }
  // Back down the relationships: the records whose hop points at one of the ids found one level up.
  for (let i = lookup.hops.length - 1; i >= 0; i--) {
    const hop = lookup.hops[i] as FieldDef;
    const holder = lookup.objects[i] ?? '';
    const children = new Set<string>();
    for (const parentId of ids) for (const id of store.childIds(holder, hop.name, parentId)) children.add(id);
    ids = children;
  }
  return ids;
}
