/**
 * The org's schema: objects and fields with the attributes describe reports (type, length, picklist
 * values, referenceTo, relationshipName, externalId, unique, nillable, createable, updateable).
 * Names are case-insensitive, as in Salesforce; every lookup returns the canonical spelling.
 */
import { invalidField, invalidType } from './errors.js';

/** Describe's `type` values (SOAP API Developer Guide, "Field Types"). */
export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'reference'
  | 'picklist'
  | 'multipicklist'
  | 'email'
  | 'phone'
  | 'url'
  /** A compound address (`BillingAddress`): read-only, returned as an object of its parts (Object Reference, "Address Compound Fields"). */
  | 'address';

export interface FieldDef {
  readonly name: string;
  readonly label: string;
  readonly type: FieldType;
  /** Characters, for text types. */
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  readonly referenceTo?: readonly string[];
  /** Parent relationship name (`Account` for AccountId, `SBQQ__Quote__r` for SBQQ__Quote__c). */
  readonly relationshipName?: string;
  /** Name of the child relationship on the parent (`OrderItems` on Order for OrderItem.OrderId). */
  readonly childRelationshipName?: string;
  readonly picklistValues?: readonly string[];
  readonly restrictedPicklist?: boolean;
  readonly defaultValue?: string | number | boolean;
  readonly nillable: boolean;
  readonly createable: boolean;
  readonly updateable: boolean;
  readonly externalId: boolean;
  readonly unique: boolean;
  readonly autoNumber: boolean;
  /** Formula or roll-up: computed by the org, never written by API clients. */
  readonly calculated: boolean;
  readonly custom: boolean;
  /** A master-detail relationship: access to the child needs access to this master. */
  readonly masterDetail?: boolean;
}

export interface ObjectDef {
  readonly name: string;
  readonly label: string;
  readonly labelPlural: string;
  readonly keyPrefix: string;
  readonly custom: boolean;
  /** `Name` autonumber display format, e.g. `SR-{000000}`; OrderNumber is always autonumbered. */
  readonly fields: Map<string, FieldDef>;
}

export interface ChildRelationship {
  readonly childSObject: string;
  readonly field: string;
  readonly relationshipName: string;
}

/** Fields every object has, maintained by the store (SOAP API Guide, "System Fields"). */
const SYSTEM_FIELDS: readonly FieldDef[] = [
  fieldDef({ name: 'Id', label: 'Record ID', type: 'id', nillable: false, createable: false, updateable: false }),
  fieldDef({
    name: 'IsDeleted',
    label: 'Deleted',
    type: 'boolean',
    nillable: false,
    createable: false,
    updateable: false,
    defaultValue: false,
  }),
  fieldDef({
    name: 'CreatedDate',
    label: 'Created Date',
    type: 'datetime',
    nillable: false,
    createable: false,
    updateable: false,
  }),
  fieldDef({
    name: 'CreatedById',
    label: 'Created By ID',
    type: 'reference',
    referenceTo: ['User'],
    relationshipName: 'CreatedBy',
    nillable: false,
    createable: false,
    updateable: false,
  }),
  fieldDef({
    name: 'LastModifiedDate',
    label: 'Last Modified Date',
    type: 'datetime',
    nillable: false,
    createable: false,
    updateable: false,
  }),
  fieldDef({
    name: 'LastModifiedById',
    label: 'Last Modified By ID',
    type: 'reference',
    referenceTo: ['User'],
    relationshipName: 'LastModifiedBy',
    nillable: false,
    createable: false,
    updateable: false,
  }),
  fieldDef({
    name: 'SystemModstamp',
    label: 'System Modstamp',
    type: 'datetime',
    nillable: false,
    createable: false,
    updateable: false,
  }),
];

export const SYSTEM_FIELD_NAMES = new Set(SYSTEM_FIELDS.map((f) => f.name));

/** Builds a field with Salesforce's defaults: nillable, writable, neither external id nor unique. */
export function fieldDef(spec: Partial<FieldDef> & Pick<FieldDef, 'name' | 'type'>): FieldDef {
  return {
    label: spec.name
      .replace(/__c$/, '')
      .replace(/^SBQQ__/, '')
      .replace(/_/g, ' '),
    nillable: true,
    createable: true,
    updateable: true,
    externalId: false,
    unique: false,
    autoNumber: false,
    calculated: false,
    custom: spec.name.endsWith('__c'),
    ...spec,
  };
}

export interface SchemaOptions {
  /**
   * Multiple currencies enabled: every object holding amounts gets `CurrencyIsoCode` (Help, "Enable
   * Multiple Currencies"). A single-currency org has no such field: selecting it is INVALID_FIELD.
   */
  readonly multiCurrency?: boolean;
}
/** The read side of a schema: what SOQL, describe and record shaping look up (a user's view implements it too, access.ts). */
export type SchemaReader = Pick<
  Schema,
  | 'object'
  | 'field'
  | 'findField'
  | 'hasObject'
  | 'objectByPrefix'
  | 'allObjects'
  | 'parentRelationship'
  | 'childRelationships'
  | 'childRelationship'
>;

/** Field lookups over whatever objects a schema (or a user's view of it) shows. */
export abstract class FieldLookups {
  abstract object(name: string): ObjectDef;

  /** The field, or INVALID_FIELD naming it and the object. */
  field(objectName: string, fieldName: string): FieldDef {
    const def = this.object(objectName);
    const field = def.fields.get(fieldName.toLowerCase());
    if (!field) throw invalidField(fieldName, def.name);
    return field;
  }

  findField(objectName: string, fieldName: string): FieldDef | undefined {
    return this.object(objectName).fields.get(fieldName.toLowerCase());
  }
}

export class Schema extends FieldLookups {
  readonly multiCurrency: boolean;
  private readonly objects = new Map<string, ObjectDef>();
  private readonly byPrefix = new Map<string, ObjectDef>();
  private children = new Map<string, ChildRelationship[]>();
  private childrenStale = true;
  private nextCustomPrefix = 0;

  constructor(options: SchemaOptions = {}) {
    super();
    this.multiCurrency = options.multiCurrency ?? false;
  }

  /** Adds an object (or returns the existing one: fields are merged by `defineField`). */
  defineObject(spec: {
    name: string;
    label?: string;
    labelPlural?: string;
    keyPrefix?: string;
    custom?: boolean;
  }): ObjectDef {
    const existing = this.objects.get(spec.name.toLowerCase());
    if (existing) return existing;
    const keyPrefix = spec.keyPrefix ?? this.allocatePrefix(spec.name);
    const def: ObjectDef = {
      name: spec.name,
      label:
        spec.label ??
        spec.name
          .replace(/__(c|mdt)$/, '')
          .replace(/^SBQQ__/, '')
          .replace(/_/g, ' '),
      labelPlural:
        spec.labelPlural ??
        `${
          spec.label ??
          spec.name
            .replace(/__(c|mdt)$/, '')
            .replace(/^SBQQ__/, '')
            .replace(/_/g, ' ')
        }s`,
      keyPrefix,
      custom: spec.custom ?? /__(c|mdt)$/.test(spec.name),
      fields: new Map(SYSTEM_FIELDS.map((f) => [f.name.toLowerCase(), f])),
    };
    this.objects.set(def.name.toLowerCase(), def);
    this.byPrefix.set(keyPrefix, def);
    this.childrenStale = true;
    return def;
  }

  /** Adds or replaces a field (a later deploy may change a field's attributes). */
  defineField(objectName: string, field: FieldDef): void {
    this.object(objectName).fields.set(field.name.toLowerCase(), field);
    this.childrenStale = true;
  }

  hasObject(name: string): boolean {
    return this.objects.has(name.toLowerCase());
  }

  /** The object, or INVALID_TYPE as Salesforce reports an unknown sObject. */
  object(name: string): ObjectDef {
    const def = this.objects.get(name.toLowerCase());
    if (!def) throw invalidType(name);
    return def;
  }

  objectByPrefix(prefix: string): ObjectDef | undefined {
    return this.byPrefix.get(prefix);
  }

  allObjects(): ObjectDef[] {
    return [...this.objects.values()];
  }

  /** The reference field whose relationship name is `name` (`Account` → AccountId). */
  parentRelationship(objectName: string, name: string): FieldDef | undefined {
    const lower = name.toLowerCase();
    for (const field of this.object(objectName).fields.values()) {
      if (field.relationshipName?.toLowerCase() === lower) return field;
    }
    return undefined;
  }

  childRelationships(objectName: string): ChildRelationship[] {
    if (this.childrenStale) this.indexChildren();
    return this.children.get(this.object(objectName).name) ?? [];
  }

  childRelationship(objectName: string, name: string): ChildRelationship | undefined {
    const lower = name.toLowerCase();
    return this.childRelationships(objectName).find((c) => c.relationshipName.toLowerCase() === lower);
  }

  private indexChildren(): void {
    const children = new Map<string, ChildRelationship[]>();
    for (const object of this.objects.values()) {
      for (const field of object.fields.values()) {
        if (!field.childRelationshipName) continue;
        for (const parent of field.referenceTo ?? []) {
          const list = children.get(parent) ?? [];
          list.push({ childSObject: object.name, field: field.name, relationshipName: field.childRelationshipName });
          children.set(parent, list);
        }
      }
    }
    this.children = children;
    this.childrenStale = false;
  }

  /** Custom objects get `a00`, `a01`, … and custom metadata types `m00`, … as in a real org. */
  private allocatePrefix(name: string): string {
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    for (;;) {
      const n = this.nextCustomPrefix++;
      const prefix = `${name.endsWith('__mdt') ? 'm' : 'a'}${alphabet[Math.floor(n / 62) % 62]}${alphabet[n % 62]}`;
      if (!this.byPrefix.has(prefix)) return prefix;
    }
  }
}
