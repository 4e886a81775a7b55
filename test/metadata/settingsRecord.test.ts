/**
 * The shipped Default settings record and the mapping core agree: read the way the relay reads it
 * (settingsReader), it gives exactly the core's DEFAULT_SETTINGS, so installing the package changes nothing.
 */
import { DEFAULT_SETTINGS, parseSettings } from '../../plugin/src/core/settings.js';
import { settingsFromRecord } from '../../plugin/src/salesforce/settingsReader.js';
import { readPackageSource, type MetadataValue } from './packageSource.js';

/** A CMT value as the REST API returns it in a query row. */
function restValue(value: MetadataValue): string | number | boolean | null {
  if (value === null) return null;
  if (value.xsdType === 'xsd:boolean') return value.text === 'true';
  if (value.xsdType === 'xsd:double') return Number(value.text);
  return value.text;
}

describe('the Default settings record', () => {
  it('reads as the mapping core’s default settings', () => {
    const record = readPackageSource().customMetadata.find((r) => r.type === 'Stripe_Sync_Setting__mdt' && r.name === 'Default');
    const row = Object.fromEntries([...(record?.values ?? [])].map(([field, value]) => [field, restValue(value)]));

    expect(parseSettings(settingsFromRecord(row))).toEqual(DEFAULT_SETTINGS);
  });

  it('would show a changed setting (the comparison is not vacuous)', () => {
    expect(parseSettings(settingsFromRecord({ Collection_Method__c: 'charge_automatically', Coupons_Enabled__c: false }))).not.toEqual(DEFAULT_SETTINGS);
  });
});
