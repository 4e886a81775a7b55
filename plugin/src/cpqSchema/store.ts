/**
 * In-memory records with the rules the real org enforces on every write: field existence and
 * writability, types, text lengths, restricted picklists, required fields, unique/external-id
 * values, references that point at live records of the right type, and registered validation rules.
 * System fields (CreatedDate, LastModifiedDate, SystemModstamp, CreatedById, LastModifiedById,
 * IsDeleted) and autonumbers are maintained here, never by clients.
 */
import { isSalesforceId, toId18 } from '../core/records/salesforceIds.js';
import { parseDate, salesforceInstantMs } from '../core/dates.js';
import { SalesforceApiError, notFound } from './errors.js';
import { SYSTEM_FIELD_NAMES, type FieldDef, type ObjectDef, type Schema } from './schema.js';

export type FieldValue = string | number | boolean | null;
/** A stored record: canonical field names → values. Dates are `YYYY-MM-DD`, datetimes ISO with `+0000`. */
export type SObjectRecord = Record<string, FieldValue>;

/**
 * A validation rule: returns an error message when the record (as it would be saved) is invalid,
 * and optionally the field the message belongs to. Raised as FIELD_CUSTOM_VALIDATION_EXCEPTION.
 */
export type ValidationRule = (
  record: Readonly<SObjectRecord>,
  previous: Readonly<SObjectRecord> | undefined,
) => string | { message: string; field?: string } | undefined;

/** Computes a read-only field from the record being saved (a formula field), before validation. */
export type FormulaField = (record: Readonly<SObjectRecord>) => FieldValue;
/** Runs after a record of the object was saved or deleted (roll-ups onto a parent, for instance). */
export type AfterWrite = (
  record: Readonly<SObjectRecord>,
  previous: Readonly<SObjectRecord> | undefined,
  store: RecordStore,
) => void;

/** One committed write, as change listeners see it (the Pub/Sub API's Change Data Capture). */
export interface RecordChange {
  readonly type: 'CREATE' | 'UPDATE' | 'DELETE';
  readonly sobject: string;
  /** The record as saved (for a delete: as it went to the Recycle Bin). */
  readonly record: Readonly<SObjectRecord>;
  readonly previous: Readonly<SObjectRecord> | undefined;
}
/** Receives the writes of one committed transaction (or one write outside a transaction), in order. */
export type ChangeListener = (changes: readonly RecordChange[]) => void;

export interface StoreOptions {
  readonly now: () => Date;
}

export interface WriteOptions {
  /** Writes as the org itself (setup data, read-only fields such as Organization.Name); API calls never set it. */
  readonly system?: boolean;
}

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Salesforce writes datetimes as `2030-01-01T10:00:00.000+0000`. */
export function formatDateTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

export class RecordStore {
  private readonly records = new Map<string, SObjectRecord>();
  private readonly recycleBin = new Map<string, SObjectRecord>();
  private readonly byObject = new Map<string, Map<string, SObjectRecord>>();
  /** `Object.Field` (lowercase) → parent id → child ids, for every reference field. */
  private readonly references = new Map<string, Map<string, Set<string>>>();
  /** `Object.Field` → lowercased value → Id, for unique fields. */
  private readonly uniqueValues = new Map<string, Map<string, string>>();
  /** Object → rule name → rule; a rule loaded again under the same name replaces the old one. */
  private readonly validationRules = new Map<string, Map<string, ValidationRule>>();
  private readonly autoNumbers = new Map<string, number>();
  private readonly formulaFields = new Map<string, Array<[string, FormulaField]>>();
  private readonly afterWrites = new Map<string, AfterWrite[]>();
  private idCounter = 0;
  private lastTimestamp = 0;
  /** Undo entries of the open transaction: the id and the record as it was (undefined = did not exist). */
  private journal: Array<[string, SObjectRecord | undefined]> | undefined;
  private readonly changeListeners: ChangeListener[] = [];
  /** Writes of the open transaction, told to change listeners only once it commits. */
  private pendingChanges: RecordChange[] = [];
  /** The user every write is attributed to (CreatedById, LastModifiedById). */
  currentUserId = '005000000000000AAA';

  constructor(
    readonly schema: Schema,
    private readonly options: StoreOptions,
  ) {}

  /** Registers a rule checked on every insert and update of `sobject` (replacing a rule of the same name). */
  addValidationRule(sobject: string, rule: ValidationRule, ruleName?: string): void {
    const object = this.schema.object(sobject).name;
    let rules = this.validationRules.get(object);
    if (!rules) this.validationRules.set(object, (rules = new Map()));
    rules.set(ruleName ?? `rule-${rules.size + 1}`, rule);
  }

  addFormulaField(sobject: string, field: string, compute: FormulaField): void {
    const object = this.schema.object(sobject).name;
    this.formulaFields.set(object, [
      ...(this.formulaFields.get(object) ?? []),
      [this.schema.field(object, field).name, compute],
    ]);
  }

  addAfterWrite(sobject: string, handler: AfterWrite): void {
    const object = this.schema.object(sobject).name;
    this.afterWrites.set(object, [...(this.afterWrites.get(object) ?? []), handler]);
  }

  /** Calls `listener` with the writes of each committed transaction; rolled-back writes are never told. */
  onChanges(listener: ChangeListener): void {
    this.changeListeners.push(listener);
  }

  /** Inserts and returns the new record's 18-character Id. */
  insert(sobject: string, fields: Record<string, unknown>, options: WriteOptions = {}): string {
    const def = this.schema.object(sobject);
    const record = this.coerce(def, fields, 'create', options.system ?? false);
    for (const field of def.fields.values()) {
      if (record[field.name] !== undefined) continue;
      if (field.autoNumber) record[field.name] = this.nextAutoNumber(def, field);
      else if (field.defaultValue !== undefined) record[field.name] = field.defaultValue;
      else if (field.type === 'boolean') record[field.name] = false;
      else if (!SYSTEM_FIELD_NAMES.has(field.name)) record[field.name] = null;
    }
    const id = this.newId(def.keyPrefix);
    if (def.custom && def.fields.get('name')?.autoNumber === false && record.Name === null) record.Name = id;
    const stamp = this.timestamp();
    Object.assign(record, {
      Id: id,
      IsDeleted: false,
      CreatedDate: stamp,
      CreatedById: this.currentUserId,
      LastModifiedDate: stamp,
      LastModifiedById: this.currentUserId,
      SystemModstamp: stamp,
    });
    this.checkRequired(def, record);
    this.checkUnique(def, record);
    this.computeFormulas(def, record);
    this.runValidationRules(def, record, undefined);
    this.put(def, id, record);
    this.changed({ type: 'CREATE', sobject: def.name, record, previous: undefined });
    this.runAfterWrites(def, record, undefined);
    return id;
  }

  update(sobject: string, id: string, fields: Record<string, unknown>, options: WriteOptions = {}): void {
    const def = this.schema.object(sobject);
    const previous = this.require(id, def.name);
    const changes = this.coerce(def, fields, 'update', options.system ?? false);
    const record = { ...previous, ...changes };
    const stamp = this.timestamp();
    Object.assign(record, { LastModifiedDate: stamp, LastModifiedById: this.currentUserId, SystemModstamp: stamp });
    this.checkRequired(def, record);
    this.checkUnique(def, record);
    this.computeFormulas(def, record);
    this.runValidationRules(def, record, previous);
    this.put(def, previous.Id as string, record);
    this.changed({ type: 'UPDATE', sobject: def.name, record, previous });
    this.runAfterWrites(def, record, previous);
  }

  /** Deletes to the Recycle Bin: the record leaves queries but stays visible to queryAll with IsDeleted = true. */
  delete(sobject: string, id: string): void {
    const def = this.schema.object(sobject);
    const record = this.require(id, def.name);
    const key = record.Id as string;
    this.remember(key);
    this.unindex(def, record);
    this.records.delete(key);
    this.byObject.get(def.name)?.delete(key);
    const stamp = this.timestamp();
    const binned = {
      ...record,
      IsDeleted: true,
      LastModifiedDate: stamp,
      LastModifiedById: this.currentUserId,
      SystemModstamp: stamp,
    };
    this.recycleBin.set(key, binned);
    this.changed({ type: 'DELETE', sobject: def.name, record: binned, previous: record });
    this.runAfterWrites(def, binned, record);
  }

  /** Deleted records of `sobject` still in the Recycle Bin. */
  *deleted(sobject: string): IterableIterator<SObjectRecord> {
    const name = this.schema.object(sobject).name;
    for (const record of this.recycleBin.values()) if (this.typeOf(record) === name) yield record;
  }

  /** The live record with this Id (15 or 18 characters), optionally of a given type. */
  get(id: string): SObjectRecord | undefined {
    const key = normaliseId(id);
    return key ? this.records.get(key) : undefined;
  }

  /**
   * The record, or the REST API's answer for a missing row: ENTITY_IS_DELETED while it is in the
   * Recycle Bin (a second delete, an update or a read of a deleted record), NOT_FOUND otherwise.
   */
  require(id: string, sobject?: string): SObjectRecord {
    const record = this.get(id);
    if (!record || (sobject && this.typeOf(record) !== sobject)) {
      if (!isSalesforceId(id))
        throw new SalesforceApiError(
          404,
          'NOT_FOUND',
          `Provided external ID field does not exist or is not accessible: ${id}`,
        );
      const binned = this.recycleBin.get(normaliseId(id) ?? '');
      if (binned && (!sobject || this.typeOf(binned) === sobject))
        throw new SalesforceApiError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
      throw notFound();
    }
    return record;
  }

  typeOf(record: SObjectRecord): string {
    return this.schema.objectByPrefix(String(record.Id).slice(0, 3))?.name ?? '';
  }

  all(sobject: string): IterableIterator<SObjectRecord> {
    const name = this.schema.object(sobject).name;
    return (this.byObject.get(name) ?? new Map<string, SObjectRecord>()).values();
  }

  count(sobject: string): number {
    return this.byObject.get(this.schema.object(sobject).name)?.size ?? 0;
  }

  /** Ids of the `childObject` records whose `field` points at `parentId`. */
  childIds(childObject: string, field: string, parentId: string): ReadonlySet<string> {
    return this.references.get(`${childObject}.${field}`.toLowerCase())?.get(parentId) ?? new Set();
  }

  findByExternalId(sobject: string, fieldName: string, value: unknown): SObjectRecord | undefined {
    const field = this.schema.field(sobject, fieldName);
    if (field.name !== 'Id' && !field.externalId) {
      throw new SalesforceApiError(
        400,
        'INVALID_FIELD',
        `Field ${field.name} is not an External ID or indexed field for ${this.schema.object(sobject).name}`,
      );
    }
    if (field.name === 'Id') return this.get(String(value));
    const wanted = String(value).toLowerCase();
    if (field.unique) {
      // Unique values are indexed (lowercased, as compared): no scan of the object's records.
      const id = this.uniqueValues.get(`${this.schema.object(sobject).name}.${field.name}`)?.get(wanted);
      return id === undefined ? undefined : this.records.get(id);
    }
    for (const record of this.all(sobject)) {
      if (record[field.name] !== null && String(record[field.name]).toLowerCase() === wanted) return record;
    }
    return undefined;
  }

  /** Runs `work` atomically: if it throws, every write it made is undone. Nested calls are savepoints. */
  transaction<T>(work: () => T): T {
    const outermost = this.journal === undefined;
    const journal = (this.journal ??= []);
    const savepoint = journal.length;
    const changeSavepoint = this.pendingChanges.length;
    try {
      return work();
    } catch (error) {
      this.rollbackTo(journal, savepoint);
      this.pendingChanges.splice(changeSavepoint);
      throw error;
    } finally {
      if (outermost) {
        this.journal = undefined;
        this.tellChanges();
      }
    }
  }

  private changed(change: RecordChange): void {
    if (this.changeListeners.length === 0) return;
    this.pendingChanges.push(change);
    if (!this.journal) this.tellChanges();
  }

  private tellChanges(): void {
    if (this.pendingChanges.length === 0) return;
    const changes = this.pendingChanges;
    this.pendingChanges = [];
    for (const listener of this.changeListeners) listener(changes);
  }

  private rollbackTo(journal: Array<[string, SObjectRecord | undefined]>, savepoint: number): void {
    for (const [id, before] of journal.splice(savepoint).reverse()) {
      const def = this.schema.objectByPrefix(id.slice(0, 3));
      if (!def) continue;
      const current = this.records.get(id);
      if (current) this.unindex(def, current);
      if (before) {
        this.recycleBin.delete(id);
        this.records.set(id, before);
        this.objectMap(def.name).set(id, before);
        this.index(def, before);
      } else {
        this.records.delete(id);
        this.byObject.get(def.name)?.delete(id);
      }
    }
  }

  private put(def: ObjectDef, id: string, record: SObjectRecord): void {
    this.remember(id);
    const previous = this.records.get(id);
    if (previous) this.unindex(def, previous);
    this.records.set(id, record);
    this.objectMap(def.name).set(id, record);
    this.index(def, record);
  }

  private remember(id: string): void {
    this.journal?.push([id, this.records.get(id)]);
  }

  private objectMap(name: string): Map<string, SObjectRecord> {
    let map = this.byObject.get(name);
    if (!map) this.byObject.set(name, (map = new Map()));
    return map;
  }

  private index(def: ObjectDef, record: SObjectRecord): void {
    for (const field of def.fields.values()) {
      const value = record[field.name];
      if (field.unique && value !== null && value !== undefined) {
        const key = `${def.name}.${field.name}`;
        let values = this.uniqueValues.get(key);
        if (!values) this.uniqueValues.set(key, (values = new Map()));
        values.set(String(value).toLowerCase(), record.Id as string);
      }
      if (field.type !== 'reference' || typeof value !== 'string' || field.name === 'Id') continue;
      const key = `${def.name}.${field.name}`.toLowerCase();
      let byParent = this.references.get(key);
      if (!byParent) this.references.set(key, (byParent = new Map()));
      let ids = byParent.get(value);
      if (!ids) byParent.set(value, (ids = new Set()));
      ids.add(record.Id as string);
    }
  }

  private unindex(def: ObjectDef, record: SObjectRecord): void {
    for (const field of def.fields.values()) {
      const value = record[field.name];
      if (field.unique && value !== null && value !== undefined)
        this.uniqueValues.get(`${def.name}.${field.name}`)?.delete(String(value).toLowerCase());
      if (field.type !== 'reference' || typeof value !== 'string') continue;
      this.references
        .get(`${def.name}.${field.name}`.toLowerCase())
        ?.get(value)
        ?.delete(record.Id as string);
    }
  }

  /** Checks each written field against its definition and returns the values in stored form. */
  private coerce(
    def: ObjectDef,
    fields: Record<string, unknown>,
    mode: 'create' | 'update',
    system: boolean,
  ): SObjectRecord {
    const out: SObjectRecord = {};
    const notWritable: string[] = [];
    for (const [name, raw] of Object.entries(fields)) {
      if (name === 'attributes' || (mode === 'update' && name.toLowerCase() === 'id')) continue;
      const field = this.schema.field(def.name, name);
      const writable = mode === 'create' ? field.createable : field.updateable;
      if (!system && (!writable || field.calculated || field.autoNumber)) {
        notWritable.push(field.name);
        continue;
      }
      out[field.name] = this.coerceValue(field, raw);
    }
    if (notWritable.length > 0) {
      throw new SalesforceApiError(
        400,
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to ${mode} fields: ${notWritable.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        notWritable,
      );
    }
    return out;
  }

  private coerceValue(field: FieldDef, raw: unknown): FieldValue {
    if (raw === null || raw === undefined || raw === '') {
      if (field.type === 'boolean') throw badValue(field, raw, 'a boolean');
      return null;
    }
    switch (field.type) {
      case 'boolean':
        if (typeof raw === 'boolean') return raw;
        if (raw === 'true' || raw === 'false') return raw === 'true';
        throw badValue(field, raw, 'a boolean');
      case 'int':
      case 'double':
      case 'currency':
      case 'percent': {
        const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
        if (!Number.isFinite(value)) throw badValue(field, raw, 'a number');
        if (field.type === 'int' && !Number.isInteger(value)) throw badValue(field, raw, 'an integer');
        const integerDigits = (field.precision ?? 18) - (field.scale ?? 0);
        if (Math.abs(value) >= 10 ** integerDigits) {
          throw new SalesforceApiError(
            400,
            'NUMBER_OUTSIDE_VALID_RANGE',
            `${field.label}: value outside of valid range on numeric field: ${value}`,
            [field.name],
          );
        }
        return value;
      }
      case 'date':
        if (typeof raw === 'string' && parseDate(raw.slice(0, 10)) && /^\d{4}-\d{2}-\d{2}$/.test(raw)) return raw;
        throw badValue(field, raw, 'a date (YYYY-MM-DD)');
      case 'datetime': {
        const ms = typeof raw === 'string' ? salesforceInstantMs(raw) : NaN;
        if (Number.isNaN(ms)) throw badValue(field, raw, 'an ISO 8601 datetime');
        return formatDateTime(new Date(ms));
      }
      case 'reference':
        return this.coerceReference(field, raw);
      default: {
        if (typeof raw !== 'string') throw badValue(field, raw, 'text');
        if (field.type === 'picklist' && field.restrictedPicklist && !field.picklistValues?.includes(raw)) {
          throw new SalesforceApiError(
            400,
            'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
            `${field.label}: bad value for restricted picklist field: ${raw}`,
            [field.name],
          );
        }
        if (field.length !== undefined && raw.length > field.length) {
          throw new SalesforceApiError(
            400,
            'STRING_TOO_LONG',
            `${field.label}: data value too large: ${raw} (max length=${field.length})`,
            [field.name],
          );
        }
        return raw;
      }
    }
  }

  private coerceReference(field: FieldDef, raw: unknown): string {
    if (typeof raw !== 'string' || !isSalesforceId(raw)) {
      throw new SalesforceApiError(400, 'MALFORMED_ID', `${field.label}: id value of incorrect type: ${String(raw)}`, [
        field.name,
      ]);
    }
    const target = this.get(raw);
    const targetType = this.schema.objectByPrefix(raw.slice(0, 3))?.name;
    if (!targetType || !field.referenceTo?.includes(targetType)) {
      throw new SalesforceApiError(
        400,
        'FIELD_INTEGRITY_EXCEPTION',
        `${field.label}: id value of incorrect type: ${raw}`,
        [field.name],
      );
    }
    if (!target) {
      throw new SalesforceApiError(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [field.name]);
    }
    return target.Id as string;
  }

  private checkRequired(def: ObjectDef, record: SObjectRecord): void {
    const missing = [...def.fields.values()]
      .filter(
        (f) =>
          !f.nillable &&
          f.createable &&
          !f.autoNumber &&
          f.type !== 'boolean' &&
          (record[f.name] === null || record[f.name] === undefined),
      )
      .map((f) => f.name);
    if (missing.length > 0) {
      throw new SalesforceApiError(
        400,
        'REQUIRED_FIELD_MISSING',
        `Required fields are missing: [${missing.join(', ')}]`,
        missing,
      );
    }
  }

  /**
   * Unique fields are unique case-insensitively (Salesforce's default for unique text). The error is
   * Salesforce's: 400 `[{"message":"duplicate value found: <field> duplicates value on record with id: <id>",
   * "errorCode":"DUPLICATE_VALUE","fields":[]}]` (Help article 000383480 for the message; `fields` is empty in
   * real responses). An insert racing another for the same key loses here: the lock of syncLock.ts.
   */
  private checkUnique(def: ObjectDef, record: SObjectRecord): void {
    for (const field of def.fields.values()) {
      const value = record[field.name];
      if (!field.unique || value === null || value === undefined) continue;
      const holder = this.uniqueValues.get(`${def.name}.${field.name}`)?.get(String(value).toLowerCase());
      if (holder && holder !== record.Id) {
        throw new SalesforceApiError(
          400,
          'DUPLICATE_VALUE',
          `duplicate value found: ${field.name} duplicates value on record with id: ${holder}`,
          [],
        );
      }
    }
  }

  private computeFormulas(def: ObjectDef, record: SObjectRecord): void {
    for (const [field, compute] of this.formulaFields.get(def.name) ?? []) record[field] = compute(record);
  }

  private runAfterWrites(def: ObjectDef, record: SObjectRecord, previous: SObjectRecord | undefined): void {
    for (const handler of this.afterWrites.get(def.name) ?? []) handler(record, previous, this);
  }

  private runValidationRules(def: ObjectDef, record: SObjectRecord, previous: SObjectRecord | undefined): void {
    for (const rule of this.validationRules.get(def.name)?.values() ?? []) {
      const outcome = rule(record, previous);
      if (outcome === undefined) continue;
      const { message, field } = typeof outcome === 'string' ? { message: outcome, field: undefined } : outcome;
      throw new SalesforceApiError(400, 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message, field ? [field] : []);
    }
  }

  private nextAutoNumber(def: ObjectDef, field: FieldDef): string {
    const key = `${def.name}.${field.name}`;
    const n = (this.autoNumbers.get(key) ?? 0) + 1;
    this.autoNumbers.set(key, n);
    const digits = String(n).padStart(8, '0');
    return def.name === 'Order' || def.name === 'OrderItem' || def.name === 'Contract'
      ? digits
      : `${def.label.replace(/\s+/g, '').slice(0, 2).toUpperCase()}-${digits}`;
  }

  private newId(prefix: string): string {
    let n = ++this.idCounter;
    let tail = '';
    for (let i = 0; i < 10; i++) {
      tail = ID_ALPHABET[n % 62] + tail;
      n = Math.floor(n / 62);
    }
    return toId18(`${prefix}Em${tail}`);
  }

  /** Strictly increasing timestamps, so LastModifiedDate orders every write. */
  private timestamp(): string {
    const ms = Math.max(this.options.now().getTime(), this.lastTimestamp + 1);
    this.lastTimestamp = ms;
    return formatDateTime(new Date(ms));
  }
}

function badValue(field: FieldDef, raw: unknown, expected: string): SalesforceApiError {
  return new SalesforceApiError(
    400,
    'JSON_PARSER_ERROR',
    `Cannot deserialize value ${JSON.stringify(raw)} of field ${field.name}: expected ${expected}`,
    [field.name],
  );
}

/** The 18-character key for a 15- or 18-character Id; undefined when it is not an Id. */
export function normaliseId(id: string): string | undefined {
  return isSalesforceId(id) ? toId18(id) : undefined;
}
