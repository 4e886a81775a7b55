/**
 * Change events as the Pub/Sub API delivers them: an Avro record per object (`OrderChangeEvent`)
 * whose first field is the ChangeEventHeader and whose other fields are the object's fields, each a
 * union with null (Change Data Capture Developer Guide, "Change Event Message Structure" and
 * "ChangeEventHeader Fields"; Pub/Sub API, "Event Data Serialization with Apache Avro").
 *
 * What the payload holds (Pub/Sub API, "Differences Between Change Events Received with Streaming API vs.
 * Pub/Sub API"): CREATE — the new record's non-null fields; UPDATE — the changed fields' new values,
 * unchanged fields null, plus the fields a channel filter names (auto-enriched, "Change Event Filters");
 * DELETE — no field values. Dates are days and datetimes milliseconds since the epoch ("Date fields are
 * in Epoch time"). Formula fields are not in change events.
 *
 * changedFields, nulledFields and diffFields are bitmaps (Pub/Sub API, "Event Deserialization
 * Considerations"): an array whose first string is `0x` and upper-case hex digits, bit n set for the
 * field at position n of the Avro schema (the header is position 0). Compound fields would add
 * `parent-0xBITS` entries; this org has none. The emulator never sends a diff (diffFields stays empty),
 * which Salesforce does only for long text areas.
 *
 * commitNumber is of a real org's magnitude, beyond 2^60 and so beyond what a JavaScript number holds
 * exactly: real orgs send values like 1698100138468892700 (forcedotcom/pub-sub-api issue #44).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AvroType } from 'avro-js';
import type { FieldDef, ObjectDef } from 'plugin-stripe-cpq/lib/cpqSchema/schema.js';
import type { FieldValue, RecordChange } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';
import { parsePubSubSchema } from 'plugin-stripe-cpq/lib/salesforce/pubSubAvro.js';

export interface ChangeEventSchema {
  readonly id: string;
  readonly json: string;
  readonly type: AvroType;
  /** Record fields in schema order (position n + 1 in the Avro record). */
  readonly fields: readonly FieldDef[];
}

/** What one store transaction adds to every event's header. */
export interface CommitInfo {
  readonly transactionKey: string;
  readonly commitNumber: bigint;
  readonly commitTimestamp: number;
  readonly commitUser: string;
}

/** The first transaction's commitNumber: the value issue #44 quotes; each later transaction's is greater. */
export const FIRST_COMMIT_NUMBER = 1_698_100_138_468_892_700n;

const NOT_IN_CHANGE_EVENTS = new Set(['Id', 'IsDeleted', 'SystemModstamp']);
const bitmapArray = { type: 'array', items: 'string' };

const HEADER = {
  type: 'record',
  name: 'ChangeEventHeader',
  namespace: 'com.sforce.eventbus',
  fields: [
    { name: 'entityName', type: 'string' },
    { name: 'recordIds', type: { type: 'array', items: 'string' } },
    {
      name: 'changeType',
      type: {
        type: 'enum',
        name: 'ChangeType',
        namespace: 'com.sforce.eventbus',
        symbols: [
          'CREATE',
          'UPDATE',
          'DELETE',
          'UNDELETE',
          'GAP_CREATE',
          'GAP_UPDATE',
          'GAP_DELETE',
          'GAP_UNDELETE',
          'GAP_OVERFLOW',
          'SNAPSHOT',
        ],
      },
    },
    { name: 'changeOrigin', type: 'string' },
    { name: 'transactionKey', type: 'string' },
    { name: 'sequenceNumber', type: 'int' },
    { name: 'commitTimestamp', type: 'long' },
    { name: 'commitNumber', type: 'long' },
    { name: 'commitUser', type: 'string' },
    { name: 'nulledFields', type: bitmapArray },
    { name: 'diffFields', type: bitmapArray },
    { name: 'changedFields', type: bitmapArray },
  ],
};

function avroFieldType(field: FieldDef): unknown {
  switch (field.type) {
    case 'boolean':
      return 'boolean';
    case 'int':
      return 'int';
    case 'double':
    case 'currency':
    case 'percent':
      return 'double';
    case 'date':
      return { type: 'int', logicalType: 'date' };
    case 'datetime':
      return { type: 'long', logicalType: 'timestamp-millis' };
    default:
      return 'string';
  }
}

/** The change event schema of an object: `<Object>ChangeEvent`, its id a digest of its JSON. */
export function changeEventSchema(def: ObjectDef, entity: string): ChangeEventSchema {
  const fields = [...def.fields.values()].filter((f) => !f.calculated && !NOT_IN_CHANGE_EVENTS.has(f.name));
  const schema = {
    type: 'record',
    name: entity,
    namespace: 'com.sforce.eventbus',
    fields: [
      { name: 'ChangeEventHeader', type: HEADER },
      ...fields.map((f) => ({ name: f.name, type: ['null', avroFieldType(f)], default: null })),
    ],
  };
  const json = JSON.stringify(schema);
  return {
    id: createHash('sha256').update(json).digest('base64url').slice(0, 22),
    json,
    // A long type that writes commit numbers beyond 2^53, which avro-js's default one refuses.
    type: parsePubSubSchema(json),
    fields,
  };
}

/** Bit n for each field at Avro position n: `['0x…']`, or `[]` when none. */
export function fieldBitmap(positions: readonly number[]): string[] {
  if (positions.length === 0) return [];
  const bits = positions.reduce((acc, p) => acc | (1n << BigInt(p)), 0n);
  const hex = bits.toString(16).toUpperCase();
  return [`0x${hex.length % 2 === 0 ? hex : `0${hex}`}`];
}

function avroValue(field: FieldDef, value: FieldValue | undefined): unknown {
  if (value === null || value === undefined) return null;
  const branch = (v: unknown) => ({
    [field.type === 'date' ? 'int' : field.type === 'datetime' ? 'long' : (avroFieldType(field) as string)]: v,
  });
  switch (field.type) {
    case 'date':
      return branch(Date.parse(`${String(value)}T00:00:00Z`) / 86_400_000);
    case 'datetime':
      return branch(Date.parse(String(value).replace(/\+0000$/, 'Z')));
    case 'int':
      return branch(Math.trunc(Number(value)));
    case 'double':
    case 'currency':
    case 'percent':
      return branch(Number(value));
    case 'boolean':
      return branch(value === true);
    default:
      return branch(String(value));
  }
}

const same = (a: FieldValue | undefined, b: FieldValue | undefined) => (a ?? null) === (b ?? null);

/** The Avro payload of one change, its position `sequenceNumber` in the transaction. */
export function encodeChange(
  schema: ChangeEventSchema,
  change: RecordChange,
  sequenceNumber: number,
  commit: CommitInfo,
  enriched: readonly string[],
): Buffer {
  const { record, previous } = change;
  const changed =
    change.type === 'UPDATE' ? schema.fields.filter((f) => !same(record[f.name], previous?.[f.name])) : [];
  const carried = (f: FieldDef): boolean => {
    if (change.type === 'CREATE') return record[f.name] !== null && record[f.name] !== undefined;
    if (change.type === 'UPDATE') return changed.includes(f) || enriched.includes(f.name);
    return false;
  };
  const position = (f: FieldDef) => schema.fields.indexOf(f) + 1;
  const payload: Record<string, unknown> = {
    ChangeEventHeader: {
      entityName: change.sobject,
      recordIds: [String(record.Id)],
      changeType: change.type,
      changeOrigin: '',
      transactionKey: commit.transactionKey,
      sequenceNumber,
      commitTimestamp: commit.commitTimestamp,
      commitNumber: commit.commitNumber,
      commitUser: commit.commitUser,
      nulledFields: fieldBitmap(changed.filter((f) => record[f.name] === null).map(position)),
      diffFields: [],
      changedFields: fieldBitmap(changed.map(position)),
    },
  };
  for (const f of schema.fields) payload[f.name] = carried(f) ? avroValue(f, record[f.name]) : null;
  return schema.type.toBuffer(payload);
}

/** Header values shared by the events of one committed transaction. */
export function commitInfo(commitNumber: bigint, now: Date, user: string): CommitInfo {
  return { transactionKey: randomUUID(), commitNumber, commitTimestamp: now.getTime(), commitUser: user };
}
