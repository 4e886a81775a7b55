/**
 * Loads package metadata in source format (what `force-app/` holds) into the org: custom objects and
 * custom metadata types (`objects/X/X.object-meta.xml`), their fields and fields added to standard
 * objects (`objects/X/fields/F.field-meta.xml`), and custom metadata records
 * (`customMetadata/Type.Record.md-meta.xml`), so describe and SOQL reflect the deployed package.
 * `loadMetadataFiles` takes files in memory, so a Metadata API deploy can reuse it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { currency } from './catalog.js';
import { compileFormula, type Formula } from './formula.js';
import { fieldDef, type FieldDef, type Schema } from './schema.js';
import type { RecordStore } from './store.js';

/** The repository's package source: `force-app/` three levels above this module (in src or lib). */
export const DEFAULT_FORCE_APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../force-app');

export interface ObjectAccess {
  readonly read: boolean;
  readonly create: boolean;
  readonly edit: boolean;
  readonly delete: boolean;
}

export interface FieldAccess {
  readonly read: boolean;
  readonly edit: boolean;
}

/** What one permission set grants (Metadata API Developer Guide, "PermissionSet"). */
export interface PermissionSetGrants {
  readonly name: string;
  readonly label: string;
  /** Object API name (lower case) → access. */
  readonly objects: ReadonlyMap<string, ObjectAccess>;
  /** `Object.Field` (lower case) → access. */
  readonly fields: ReadonlyMap<string, FieldAccess>;
  /** User permission API names: `ApiEnabled`, `ViewSetup`, `EditActivatedOrders`, … */
  readonly userPermissions: ReadonlySet<string>;
  /** Custom metadata types (lower case) the set grants. */
  readonly metadataTypes: ReadonlySet<string>;
  /** The permission set licence a user needs before this set can be assigned to them. */
  readonly license?: string;
  readonly namespacePrefix?: string;
}

/** Where loaded permission sets go: the org emulator's access control; the mapping check has none. */
export interface PermissionSetSink {
  definePermissionSet(grants: PermissionSetGrants): void;
}

export interface MetadataFile {
  /** Path with `/` separators; only the part from `objects/` or `customMetadata/` on matters. */
  readonly path: string;
  readonly content: string;
}

export interface LoadedMetadata {
  readonly objects: string[];
  readonly fields: string[];
  readonly validationRules: string[];
  readonly customMetadataRecords: string[];
  readonly permissionSets: string[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: true,
});

type Xml = Record<string, unknown>;
const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const bool = (value: unknown): boolean => value === 'true';
const int = (value: unknown): number | undefined =>
  typeof value === 'string' && value !== '' ? Number(value) : undefined;

/** Reads every object, field and custom metadata file under a source directory (e.g. `force-app`). */
export function readMetadataDir(dir: string): MetadataFile[] {
  const files: MetadataFile[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current)) {
      const full = join(current, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(object|field|md|validationRule|permissionset)-meta\.xml$/.test(entry))
        files.push({ path: relative(dir, full).split(sep).join('/'), content: readFileSync(full, 'utf8') });
    }
  };
  walk(dir);
  return files;
}

/** Applies metadata files: objects first, then fields, then custom metadata records. */
export function loadMetadataFiles(
  schema: Schema,
  store: RecordStore,
  files: readonly MetadataFile[],
  access?: PermissionSetSink,
): LoadedMetadata {
  const loaded: LoadedMetadata = {
    objects: [],
    fields: [],
    validationRules: [],
    customMetadataRecords: [],
    permissionSets: [],
  };
  const match = (re: RegExp): Array<[RegExpExecArray, MetadataFile]> =>
    files.flatMap((f) => {
      const m = re.exec(f.path);
      return m ? [[m, f] as [RegExpExecArray, MetadataFile]] : [];
    });
  for (const [m, file] of match(/(?:^|\/)objects\/([^/]+)\/\1\.object-meta\.xml$/)) {
    defineObjectFromXml(schema, m[1] as string, parser.parse(file.content) as Xml);
    loaded.objects.push(m[1] as string);
  }
  for (const [m, file] of match(/(?:^|\/)objects\/([^/]+)\/fields\/([^/]+)\.field-meta\.xml$/)) {
    const objectName = m[1] as string;
    if (!schema.hasObject(objectName)) schema.defineObject({ name: objectName });
    schema.defineField(
      objectName,
      fieldFromXml(m[2] as string, ((parser.parse(file.content) as Xml).CustomField ?? {}) as Xml),
    );
    loaded.fields.push(`${objectName}.${m[2] as string}`);
  }
  for (const [m, file] of match(/(?:^|\/)objects\/([^/]+)\/validationRules\/([^/]+)\.validationRule-meta\.xml$/)) {
    if (
      addValidationRule(
        schema,
        store,
        m[1] as string,
        ((parser.parse(file.content) as Xml).ValidationRule ?? {}) as Xml,
        m[2] as string,
      )
    ) {
      loaded.validationRules.push(`${m[1] as string}.${m[2] as string}`);
    }
  }
  for (const [m, file] of match(/(?:^|\/)customMetadata\/([^/.]+)\.([^/]+)\.md-meta\.xml$/)) {
    insertCustomMetadataRecord(
      store,
      `${m[1] as string}__mdt`,
      m[2] as string,
      ((parser.parse(file.content) as Xml).CustomMetadata ?? {}) as Xml,
    );
    loaded.customMetadataRecords.push(`${m[1] as string}.${m[2] as string}`);
  }
  // Permission sets need an org to hold them (a schema read from source alone has no users).
  for (const [m, file] of access ? match(/(?:^|\/)permissionsets\/([^/]+)\.permissionset(?:-meta\.xml)?$/) : []) {
    access?.definePermissionSet(
      permissionSetFromXml(m[1] as string, ((parser.parse(file.content) as Xml).PermissionSet ?? {}) as Xml),
    );
    loaded.permissionSets.push(m[1] as string);
  }
  return loaded;
}

/** A permission set's grants (Metadata API Developer Guide, "PermissionSet"): objects, fields, user permissions, metadata types. */
export function permissionSetFromXml(name: string, xml: Xml): PermissionSetGrants {
  const objects = new Map<string, ObjectAccess>();
  for (const p of asArray(xml.objectPermissions as Xml | Xml[] | undefined)) {
    objects.set(String(p.object).toLowerCase(), {
      read: bool(p.allowRead),
      create: bool(p.allowCreate),
      edit: bool(p.allowEdit),
      delete: bool(p.allowDelete),
    });
  }
  const fields = new Map<string, FieldAccess>();
  for (const p of asArray(xml.fieldPermissions as Xml | Xml[] | undefined))
    fields.set(String(p.field).toLowerCase(), { read: bool(p.readable), edit: bool(p.editable) });
  const enabled = (entries: unknown, key: string) =>
    new Set(
      asArray(entries as Xml | Xml[] | undefined)
        .filter((e) => bool(e.enabled))
        .map((e) => String(e[key])),
    );
  const license = text(xml.license);
  return {
    name,
    label: text(xml.label) ?? name,
    objects,
    fields,
    userPermissions: enabled(xml.userPermissions, 'name'),
    metadataTypes: new Set([...enabled(xml.customMetadataTypeAccesses, 'name')].map((n) => n.toLowerCase())),
    ...(license ? { license } : {}),
  };
}

function defineObjectFromXml(schema: Schema, name: string, xml: Xml): void {
  const object = (xml.CustomObject ?? {}) as Xml;
  const label = text(object.label) ?? name;
  schema.defineObject({
    name,
    label,
    labelPlural: text(object.pluralLabel) ?? `${label}s`,
    custom: name.endsWith('__c') || name.endsWith('__mdt'),
  });
  if (name.endsWith('__mdt')) {
    for (const [field, length] of [
      ['DeveloperName', 40],
      ['MasterLabel', 40],
      ['Label', 40],
      ['QualifiedApiName', 70],
      ['NamespacePrefix', 15],
      ['Language', 40],
    ] as const) {
      schema.defineField(
        name,
        fieldDef({
          name: field,
          type: 'string',
          length,
          custom: false,
          nillable: field !== 'DeveloperName' && field !== 'MasterLabel',
        }),
      );
    }
    return;
  }
  if (!name.endsWith('__c')) return;
  const nameField = (object.nameField ?? {}) as Xml;
  const autoNumber = text(nameField.type) === 'AutoNumber';
  schema.defineField(
    name,
    fieldDef({
      name: 'Name',
      type: 'string',
      label: text(nameField.label) ?? `${label} Name`,
      length: 80,
      custom: false,
      autoNumber,
      // A text Name left empty on insert defaults to the record's Id, so it is not required.
      nillable: true,
      createable: !autoNumber,
      updateable: !autoNumber,
    }),
  );
  schema.defineField(
    name,
    fieldDef({ name: 'OwnerId', type: 'reference', referenceTo: ['User'], relationshipName: 'Owner', custom: false }),
  );
  if (schema.multiCurrency) schema.defineField(name, currency());
}

/** One `<CustomField>` as describe reports it (Metadata API Developer Guide, "CustomField"). */
export function fieldFromXml(fileName: string, xml: Xml): FieldDef {
  const name = text(xml.fullName) ?? fileName;
  const type = text(xml.type) ?? 'Text';
  const formula = text(xml.formula) !== undefined || type === 'Summary';
  const base = {
    name,
    label: text(xml.label) ?? name,
    nillable: !bool(xml.required) && type !== 'MasterDetail',
    externalId: bool(xml.externalId),
    unique: bool(xml.unique),
    calculated: formula,
    createable: !formula && type !== 'AutoNumber',
    updateable: !formula && type !== 'AutoNumber',
    custom: true,
  };
  const numeric = { precision: int(xml.precision) ?? 18, scale: int(xml.scale) ?? 0 };
  switch (type) {
    case 'Text':
    case 'EncryptedText':
      return fieldDef({ ...base, type: 'string', length: int(xml.length) ?? 255 });
    case 'TextArea':
      return fieldDef({ ...base, type: 'textarea', length: 255 });
    case 'LongTextArea':
    case 'Html':
      return fieldDef({ ...base, type: 'textarea', length: int(xml.length) ?? 32_768 });
    case 'AutoNumber':
      return fieldDef({ ...base, type: 'string', length: 30, autoNumber: true });
    case 'Number':
    case 'Summary':
      return fieldDef({ ...base, type: 'double', ...numeric });
    case 'Currency':
      return fieldDef({ ...base, type: 'currency', ...numeric });
    case 'Percent':
      return fieldDef({ ...base, type: 'percent', ...numeric });
    case 'Checkbox':
      return fieldDef({ ...base, type: 'boolean', nillable: false, defaultValue: bool(xml.defaultValue) });
    case 'Date':
      return fieldDef({ ...base, type: 'date' });
    case 'DateTime':
      return fieldDef({ ...base, type: 'datetime' });
    case 'Email':
      return fieldDef({ ...base, type: 'email', length: 80 });
    case 'Phone':
      return fieldDef({ ...base, type: 'phone', length: 40 });
    case 'Url':
      return fieldDef({ ...base, type: 'url', length: 255 });
    case 'Picklist':
    case 'MultiselectPicklist': {
      const valueSet = (xml.valueSet ?? {}) as Xml;
      const values = asArray(((valueSet.valueSetDefinition ?? {}) as Xml).value as Xml | Xml[] | undefined);
      const defaultValue = values.find((v) => bool(v.default));
      return fieldDef({
        ...base,
        type: type === 'Picklist' ? 'picklist' : 'multipicklist',
        length: 255,
        picklistValues: values.map((v) => text(v.fullName) ?? ''),
        restrictedPicklist: bool(valueSet.restricted),
        ...(defaultValue ? { defaultValue: text(defaultValue.fullName) ?? '' } : {}),
      });
    }
    case 'Lookup':
    case 'MasterDetail': {
      const child = text(xml.relationshipName);
      return fieldDef({
        ...base,
        type: 'reference',
        length: 18,
        referenceTo: [text(xml.referenceTo) ?? ''],
        relationshipName: name.replace(/__c$/, '__r'),
        ...(child ? { childRelationshipName: `${child}__r` } : {}),
        ...(type === 'MasterDetail' ? { masterDetail: true } : {}),
        ...(type === 'MasterDetail' && !bool(xml.reparentableMasterDetail) ? { updateable: false } : {}),
      });
    }
    case 'MetadataRelationship':
      return fieldDef({ ...base, type: 'string', length: 255 });
    default:
      throw new Error(
        `Field ${name}: field type ${type} is not supported by the org emulator; use one of Text, Number, Checkbox, Picklist, Lookup, …`,
      );
  }
}

/** An active validation rule, evaluated on every write (FIELD_CUSTOM_VALIDATION_EXCEPTION when its formula is true). */
function addValidationRule(schema: Schema, store: RecordStore, object: string, xml: Xml, fileName: string): boolean {
  const name = text(xml.fullName) ?? fileName;
  if (!bool(xml.active)) return false;
  let formula: Formula;
  try {
    formula = compileFormula(text(xml.errorConditionFormula) ?? '', (field) => schema.findField(object, field));
  } catch (error) {
    throw new Error(
      `Validation rule ${object}.${name}: ${(error as Error).message}; the org emulator evaluates the formula subset listed in formula.ts`,
    );
  }
  const message = text(xml.errorMessage) ?? `Validation rule ${name} failed`;
  const field = text(xml.errorDisplayField);
  store.addValidationRule(
    object,
    (record, previous) =>
      formula({ record, previous }) === true ? { message, ...(field ? { field } : {}) } : undefined,
    name,
  );
  return true;
}

function insertCustomMetadataRecord(store: RecordStore, type: string, developerName: string, xml: Xml): void {
  const label = text(xml.label) ?? developerName;
  const fields: Record<string, unknown> = {
    DeveloperName: developerName,
    MasterLabel: label,
    Label: label,
    QualifiedApiName: developerName,
  };
  for (const entry of asArray(xml.values as Xml | Xml[] | undefined)) {
    const value = entry.value;
    const nil = typeof value === 'object' && value !== null && (value as Xml)['@xsi:nil'] === 'true';
    fields[text(entry.field) ?? ''] = nil
      ? null
      : typeof value === 'object' && value !== null
        ? ((value as Xml)['#text'] ?? '')
        : (value ?? null);
  }
  store.insert(type, fields, { system: true });
}
