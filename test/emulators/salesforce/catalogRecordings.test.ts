/**
 * The CPQ catalogue against ground truth: every field of every record the recordings hold (Stripe's
 * own connector against a real CPQ scratch org, reference/recordings) for the sObjects the
 * product reads must exist in the emulated org (catalogue plus force-app) with a compatible type:
 * the JSON type matches, text fits the length, numbers fit precision and scale, restricted picklists
 * hold the value, and nested objects are relationships or compound fields.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DEFAULT_FORCE_APP_DIR, EmulatedOrg, type FieldDef } from '@stripe-cpq/salesforce-org-emulator';

const RECORDINGS =
  process.env.CPQ_RECORDINGS_DIR ?? join(import.meta.dirname, '..', '..', '..', 'reference', 'recordings');

/** The sObjects the graph read, the settings read and the sync write-backs touch. */
const READ_BY_THE_PRODUCT = [
  'Account',
  'Contact',
  'Opportunity',
  'Contract',
  'Order',
  'OrderItem',
  'Product2',
  'PricebookEntry',
  'Pricebook2',
  'ConsumptionSchedule',
  'ConsumptionRate',
  'ProductConsumptionSchedule',
  'SBQQ__Quote__c',
  'SBQQ__QuoteLine__c',
  'SBQQ__OrderItemConsumptionSchedule__c',
  'SBQQ__OrderItemConsumptionRate__c',
  'SBQQ__Subscription__c',
];

/**
 * A custom field outside the CPQ namespace (`Stripe_Dashboard_Link__c`, `Test_String_Field__c`) belongs
 * to the recorded org or to Stripe's own package: checked only where force-app ships the same field.
 */
const isForeignCustomField = (name: string): boolean => name.endsWith('__c') && !name.startsWith('SBQQ__');

interface RecordedRecord {
  readonly type: string;
  readonly id: string;
  readonly fields: Record<string, unknown>;
}

function recordedRecords(): RecordedRecord[] {
  const files = readdirSync(RECORDINGS).filter((f) => f.endsWith('.json.gz'));
  return files.flatMap(
    (f) =>
      (
        JSON.parse(gunzipSync(readFileSync(join(RECORDINGS, f))).toString('utf8')) as {
          salesforce: { records: RecordedRecord[] };
        }
      ).salesforce.records,
  );
}

/** A compound address as the API returns it (Object Reference, "Address Compound Fields"). */
const ADDRESS_PARTS = new Set([
  'city',
  'country',
  'countryCode',
  'geocodeAccuracy',
  'latitude',
  'longitude',
  'postalCode',
  'state',
  'stateCode',
  'street',
]);
const TEXT = new Set(['string', 'textarea', 'picklist', 'multipicklist', 'email', 'phone', 'url']);
const NUMBER = new Set(['int', 'double', 'currency', 'percent']);

/** Why `value` cannot be a value of `field`, or undefined when it can. */
function incompatibility(field: FieldDef, value: unknown): string | undefined {
  if (value === null) return undefined;
  if (field.type === 'address')
    return typeof value === 'object' && Object.keys(value).every((k) => ADDRESS_PARTS.has(k))
      ? undefined
      : 'not an address object';
  if (typeof value === 'boolean') return field.type === 'boolean' ? undefined : `a boolean in a ${field.type} field`;
  if (typeof value === 'number') {
    if (!NUMBER.has(field.type)) return `a number in a ${field.type} field`;
    const [whole = '', fraction = ''] = Math.abs(value).toString().split('.');
    const scale = field.scale ?? 0;
    if (fraction.length > scale) return `${value} has more decimals than scale ${scale}`;
    if (field.precision !== undefined && whole.replace(/^0$/, '').length > field.precision - scale)
      return `${value} exceeds precision ${field.precision},${scale}`;
    return undefined;
  }
  if (typeof value !== 'string') return `a ${typeof value}`;
  if (field.type === 'date') return /^\d{4}-\d{2}-\d{2}$/.test(value) ? undefined : `"${value}" is not a date`;
  if (field.type === 'datetime') return /^\d{4}-\d{2}-\d{2}T/.test(value) ? undefined : `"${value}" is not a datetime`;
  if (field.type === 'id' || field.type === 'reference')
    return /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(value) ? undefined : `"${value}" is not an Id`;
  if (!TEXT.has(field.type)) return `a string in a ${field.type} field`;
  if (field.length !== undefined && value.length > field.length)
    return `"${value.slice(0, 20)}…" is longer than ${field.length}`;
  if (field.type === 'picklist' && field.restrictedPicklist && !field.picklistValues?.includes(value))
    return `"${value}" is not a value of the restricted picklist`;
  return undefined;
}

describe('the CPQ catalogue against the recordings of a real CPQ org', () => {
  // The recorded org had multiple currencies enabled (every record carries CurrencyIsoCode).
  const org = new EmulatedOrg({ multiCurrency: true });
  org.loadMetadataDir(DEFAULT_FORCE_APP_DIR);
  const records = recordedRecords().filter((r) => READ_BY_THE_PRODUCT.includes(r.type));

  it('has records of every object the product reads', () => {
    expect(new Set(records.map((r) => r.type))).toEqual(
      new Set(
        READ_BY_THE_PRODUCT.filter((t) => t !== 'ProductConsumptionSchedule' || records.some((r) => r.type === t)),
      ),
    );
  });

  it('has every recorded field, with a compatible type', () => {
    const problems = new Set<string>();
    for (const record of records) {
      for (const [name, value] of Object.entries(record.fields)) {
        // Lists are the connector's own Apex batch endpoint adding related Ids, not fields.
        if (Array.isArray(value)) continue;
        const field = org.schema.findField(record.type, name);
        if (value !== null && typeof value === 'object' && field?.type !== 'address') {
          if (!org.schema.parentRelationship(record.type, name))
            problems.add(`${record.type}.${name}: no such relationship`);
          continue;
        }
        if (!field) {
          if (!isForeignCustomField(name)) problems.add(`${record.type}.${name}: no such field`);
          continue;
        }
        const why = incompatibility(field, value);
        if (why) problems.add(`${record.type}.${name}: ${why}`);
      }
    }
    expect([...problems].sort()).toEqual([]);
  });

  it('matches real CPQ metadata where values cannot tell (README "CPQ catalogue" lists the sources)', () => {
    const field = (object: string, name: string) => org.schema.field(object, name);
    // Ids held in Text fields, not lookups: no relationship to cross.
    expect(field('SBQQ__QuoteLine__c', 'SBQQ__PricebookEntryId__c')).toMatchObject({ type: 'string', length: 18 });
    expect(field('SBQQ__Quote__c', 'SBQQ__PricebookId__c')).toMatchObject({ type: 'string', length: 18 });
    expect(org.schema.parentRelationship('SBQQ__QuoteLine__c', 'SBQQ__PricebookEntryId__r')).toBeUndefined();
    expect(field('OrderItem', 'SBQQ__DimensionType__c').type).toBe('string');
    for (const object of ['OrderItem', 'SBQQ__QuoteLine__c', 'SBQQ__Quote__c', 'Product2'])
      expect(field(object, 'SBQQ__SubscriptionTerm__c')).toMatchObject({ type: 'double', precision: 18, scale: 0 });
    expect(field('ConsumptionSchedule', 'BillingTerm').type).toBe('int');
    expect(field('ConsumptionSchedule', 'BillingTermUnit')).toMatchObject({
      type: 'picklist',
      picklistValues: ['Month', 'Quarter', 'Year'],
    });
    expect(org.schema.childRelationship('OrderItem', 'SBQQ__OrderItems__r')).toMatchObject({
      childSObject: 'SBQQ__OrderItemConsumptionSchedule__c',
      field: 'SBQQ__OrderItem__c',
    });
    expect(field('SBQQ__OrderItemConsumptionRate__c', 'SBQQ__Price__c')).toMatchObject({
      type: 'currency',
      precision: 11,
      scale: 7,
    });
    expect(org.schema.findField('OrderItem', 'SBQQ__SegmentLabel__c')).toBeUndefined();
    // Picklists hold only values CPQ produces.
    for (const object of ['Product2', 'OrderItem', 'SBQQ__QuoteLine__c'])
      expect(field(object, 'SBQQ__BillingFrequency__c').picklistValues).toEqual([
        'Monthly',
        'Quarterly',
        'Semiannual',
        'Annual',
        'Invoice Plan',
      ]);
  });
});
