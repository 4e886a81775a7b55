/**
 * The part of the org's schema the check needs — fields with their describe type, lookups and
 * picklist values, and child relationships — from describe JSON, whether it came from a real org's
 * `/sobjects/X/describe` or was built from local source. Names are case-insensitive, as in Salesforce.
 */
import { SOBJECT_OF } from '../core/records/graph.js';
import { lookupFieldName } from '../core/mappings/mappings.js';
import { didYouMean, suggestName } from './suggestions.js';

export interface FieldDescribe {
  readonly name: string;
  /** Describe's field type: `string`, `picklist`, `double`, `currency`, `date`, `reference`, … */
  readonly type: string;
  readonly length?: number;
  readonly referenceTo?: readonly string[];
  readonly picklistValues?: readonly { readonly value: string; readonly active?: boolean }[];
}

export interface ObjectDescribe {
  readonly name: string;
  readonly fields: readonly FieldDescribe[];
  readonly childRelationships?: readonly { readonly relationshipName: string | null; readonly childSObject: string }[];
}

/** The objects the sync reads for a contract (the core's graph); mapping paths can only reach these. */
export const SYNCED_OBJECTS: readonly string[] = [...new Set(Object.values(SOBJECT_OF))];

export class OrgSchema {
  private readonly objects = new Map<string, ObjectDescribe>();

  constructor(describes: Iterable<ObjectDescribe>) {
    for (const d of describes) this.objects.set(d.name.toLowerCase(), d);
  }

  object(name: string): ObjectDescribe | undefined {
    return this.objects.get(name.toLowerCase());
  }

  /** A copy with `fields` added to `object` (custom fields an admin created, in tests and previews). */
  withFields(object: string, fields: readonly FieldDescribe[]): OrgSchema {
    return new OrgSchema(
      [...this.objects.values()].map((d) =>
        d.name.toLowerCase() === object.toLowerCase() ? { ...d, fields: [...d.fields, ...fields] } : d,
      ),
    );
  }

  field(object: string, field: string): FieldDescribe | undefined {
    return this.object(object)?.fields.find((f) => f.name.toLowerCase() === field.toLowerCase());
  }
}

export type FieldPath =
  | { readonly ok: true; readonly object: string; readonly field: FieldDescribe }
  | { readonly ok: false; readonly message: string; readonly fix: string };

/**
 * Resolves a mapping's Salesforce path from `root` the way the core reads it (mappings.ts): every
 * non-final part is a lookup to exactly one parent object the sync reads; the last part is a field.
 */
export function resolveFieldPath(schema: OrgSchema, root: string, path: string): FieldPath {
  const parts = path.split('.');
  let object = root;
  for (const [i, part] of parts.entries()) {
    const describe = schema.object(object);
    if (!describe) return missingObject(object, root, path);
    const final = i === parts.length - 1;
    const name = final ? part : lookupFieldName(part);
    const field = schema.field(object, name);
    if (!field) {
      const child = describe.childRelationships?.find((c) => c.relationshipName?.toLowerCase() === part.toLowerCase());
      if (child) {
        return {
          ok: false,
          message: `"${path}" crosses ${object}.${part}, a one-to-many relationship to ${child.childSObject}: one ${object} has many.`,
          fix: 'Map only through lookups to a single parent record (for example Account.Name from an Order).',
        };
      }
      const candidates = describe.fields
        .filter((f) => final || f.type === 'reference')
        .map((f) => (final || /(__c|Id)$/.test(part) ? f.name : f.name.replace(/Id$/, '')));
      return {
        ok: false,
        message: `${object} has no ${final ? 'field' : 'lookup'} "${part}" (in "${path}").${didYouMean(suggestName(part, candidates))}`,
        fix: `Use the API name of a ${final ? 'field' : 'lookup field'} on ${object}.`,
      };
    }
    if (final) return { ok: true, object: describe.name, field };
    if (field.type !== 'reference')
      return {
        ok: false,
        message: `${object}.${field.name} in "${path}" is a ${field.type} field, not a lookup, so nothing can be read through it.`,
        fix: `End the path at ${field.name}, or go through a lookup field.`,
      };
    const targets = field.referenceTo ?? [];
    if (targets.length !== 1)
      return {
        ok: false,
        message: `${object}.${field.name} in "${path}" can point at ${targets.join(' or ')}; the sync cannot tell which.`,
        fix: 'Map through a lookup to one object type.',
      };
    object = targets[0] as string;
  }
  return {
    ok: false,
    message: 'The Salesforce path is empty.',
    fix: 'Set Salesforce_Path__c to a field API name such as Name or Account.Name.',
  };
}

function missingObject(object: string, root: string, path: string): FieldPath {
  if (SYNCED_OBJECTS.some((o) => o.toLowerCase() === object.toLowerCase())) {
    return {
      ok: false,
      message: `The org has no ${object} object that the sync user can read (in "${path}").`,
      fix: `Install the package that defines ${object} (sf stripe cpq deploy; CPQ for SBQQ objects), or give the user read access.`,
    };
  }
  return {
    ok: false,
    message: `The sync does not read ${object} records, so "${path}" would always be empty.`,
    fix: `Map a field of ${root} or of a record it looks up that the sync reads (${SYNCED_OBJECTS.join(', ')}).`,
  };
}
