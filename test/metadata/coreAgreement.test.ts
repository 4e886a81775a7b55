/**
 * The package's metadata and the mapping core agree: the shipped Default settings record, read the way
 * the relay reads it (settingsReader), is the core's DEFAULT_SETTINGS, and the shipped Default mapping
 * records are the core's DEFAULT_MAPPINGS under its MAPPING_KEYS. Installing the package changes nothing.
 */
import { DEFAULT_MAPPINGS, MAPPING_KEYS } from '../../plugin/src/core/mappings/mappings.js';
import { DEFAULT_SETTINGS, parseSettings } from '../../plugin/src/core/settings.js';
import { settingsFromRecord } from '../../plugin/src/salesforce/settingsReader.js';
import { readPackageSource, type MetadataValue } from './packageSource.js';

const pkg = readPackageSource();

/** A CMT value as the REST API returns it in a query row. */
function restValue(value: MetadataValue): string | number | boolean | null {
  if (value === null) return null;
  if (value.xsdType === 'xsd:boolean') return value.text === 'true';
  if (value.xsdType === 'xsd:double') return Number(value.text);
  return value.text;
}

describe('the Default settings record', () => {
  it('reads as the mapping core’s default settings', () => {
    const record = pkg.customMetadata.find((r) => r.type === 'Stripe_Sync_Setting__mdt' && r.name === 'Default');
    const row = Object.fromEntries([...(record?.values ?? [])].map(([field, value]) => [field, restValue(value)]));

    expect(parseSettings(settingsFromRecord(row))).toEqual(DEFAULT_SETTINGS);
  });

  it('would show a changed setting (the comparison is not vacuous)', () => {
    expect(
      parseSettings(settingsFromRecord({ Collection_Method__c: 'charge_automatically', Coupons_Enabled__c: false })),
    ).not.toEqual(DEFAULT_SETTINGS);
  });
});

describe('the Default field mapping records', () => {
  it('are the core’s default mappings', () => {
    const shipped: Record<string, Record<string, string>> = {};
    for (const record of pkg.customMetadata.filter((r) => r.type === 'Stripe_Field_Mapping__mdt')) {
      const text = (field: string) => {
        const value = record.values.get(field);
        return value ? value.text : '';
      };
      (shipped[text('Mapping_Key__c')] ??= {})[text('Stripe_Path__c')] = text('Salesforce_Path__c');
    }
    expect(shipped).toEqual(DEFAULT_MAPPINGS);
  });

  it('offer exactly the core’s mapping keys', () => {
    const key = pkg.objects.get('Stripe_Field_Mapping__mdt')?.fields.get('Mapping_Key__c');
    expect(key?.type === 'Picklist' && key.valueSet.valueSetDefinition.value.map((v) => v.fullName)).toEqual([
      ...MAPPING_KEYS,
    ]);
  });
});
