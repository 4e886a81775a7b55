/**
 * Keeps the org emulator's recorded catalogue (plugin/src/cpqSchema/catalogRecorded.json, shared with `mapping check`)
 * complete: every field that a record of the recordings (real CPQ org traffic, format in their README)
 * holds for a catalogued object, and that the emulated org lacks, is added with a type inferred from its
 * recorded values (`Checkbox`, `Number(18,2)`, `Date`, `Lookup(Contract)`, `Address`, `Text(255)`, …).
 * Entries already in the file are kept as they are, so types corrected from real metadata stay; an
 * inferred type is a starting point to check against the object's metadata, whose source the file names.
 *
 * Run `npm run build && node --no-warnings plugin/scripts/catalogFromRecordings.ts [recordings dir]`; catalogRecordings.test.ts fails while
 * a recorded field is missing.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DEFAULT_FORCE_APP_DIR, EmulatedOrg } from '@stripe-cpq/salesforce-org-emulator';

const CATALOGUE = join(import.meta.dirname, '..', 'src', 'cpqSchema', 'catalogRecorded.json');
const RECORDINGS =
  process.argv[2] ?? process.env.CPQ_RECORDINGS_DIR ?? join(import.meta.dirname, '..', '..', 'reference', 'recordings');
const INFERRED = "recordings: types inferred from the recorded values, to check against the object's metadata";

interface RecordedRecord {
  readonly type: string;
  readonly id: string;
  readonly fields: Record<string, unknown>;
}

type Catalogue = Record<string, { source: string; fields: Record<string, string> }>;

const records: RecordedRecord[] = readdirSync(RECORDINGS)
  .filter((f) => f.endsWith('.json.gz'))
  .flatMap(
    (f) =>
      (
        JSON.parse(gunzipSync(readFileSync(join(RECORDINGS, f))).toString('utf8')) as {
          salesforce: { records: RecordedRecord[] };
        }
      ).salesforce.records,
  );
const typeOfId = new Map(records.map((r) => [r.id.slice(0, 15), r.type]));

const org = new EmulatedOrg({ multiCurrency: true });
org.loadMetadataDir(DEFAULT_FORCE_APP_DIR);

/** Recorded values per missing field, keyed `Object.Field`. */
const missing = new Map<string, unknown[]>();
for (const record of records) {
  if (!org.schema.hasObject(record.type)) continue;
  for (const [name, value] of Object.entries(record.fields)) {
    // Lists are the connector's own additions; nested records are relationships; other namespaces are the recorded org's own.
    if (
      Array.isArray(value) ||
      org.schema.parentRelationship(record.type, name) ||
      (name.endsWith('__c') && !name.startsWith('SBQQ__'))
    )
      continue;
    if (org.schema.findField(record.type, name)) continue;
    const key = `${record.type}.${name}`;
    missing.set(key, [...(missing.get(key) ?? []), value]);
  }
}

const catalogue = JSON.parse(readFileSync(CATALOGUE, 'utf8')) as Catalogue;
for (const [key, values] of missing) {
  const [object = '', name = ''] = key.split('.');
  const entry = (catalogue[object] ??= { source: INFERRED, fields: {} });
  entry.fields[name] ??= notationOf(values.filter((v) => v !== null));
  console.log(`${key}: ${entry.fields[name]}`);
}
const sorted = Object.fromEntries(
  Object.entries(catalogue)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([object, { source, fields }]) => [
      object,
      {
        source,
        fields: Object.fromEntries(
          Object.entries(fields).sort(([a], [b]) => a.toLowerCase().localeCompare(b.toLowerCase())),
        ),
      },
    ]),
);
writeFileSync(CATALOGUE, `${JSON.stringify(sorted, null, 1)}\n`);
console.log(`${missing.size} recorded field(s) added to ${CATALOGUE}`);

/** The narrowest type the recorded values fit. */
function notationOf(values: readonly unknown[]): string {
  if (values.length === 0) return 'Text(255)';
  if (values.every((v) => typeof v === 'object')) return 'Address';
  if (values.every((v) => typeof v === 'boolean')) return 'Checkbox';
  if (values.every((v) => typeof v === 'number'))
    return `Number(18,${Math.max(...values.map((v) => String(v).split('.')[1]?.length ?? 0))})`;
  const texts = values.map(String);
  if (texts.every((t) => /^\d{4}-\d{2}-\d{2}$/.test(t))) return 'Date';
  if (texts.every((t) => /^\d{4}-\d{2}-\d{2}T/.test(t))) return 'Date/Time';
  const targets = new Set(
    texts.map((t) =>
      /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(t)
        ? (typeOfId.get(t.slice(0, 15)) ?? org.schema.objectByPrefix(t.slice(0, 3))?.name)
        : undefined,
    ),
  );
  if (targets.size === 1 && [...targets][0]) return `Lookup(${[...targets][0] ?? ''})`;
  return texts.some((t) => t.length > 255 || t.includes('\n')) ? 'Long Text Area(32000)' : 'Text(255)';
}
