/** The connector settings record (Stripe_Sync_Setting__mdt `Default`, spec §2.1) as `mapping check` sees it. */
import { DEFAULT_SETTINGS } from '../../plugin/src/core/settings.js';
import { readLocalConfigurationRows } from '../../plugin/src/mappingCheck/mappingRecords.js';
import type { MetadataRow } from '../../plugin/src/salesforce/settingsReader.js';
import { checkSettings } from '../../plugin/src/mappingCheck/settingsCheck.js';
import { FORCE_APP } from './support.js';

const shipped = readLocalConfigurationRows(FORCE_APP).settings[0] as MetadataRow;
const withValues = (values: Record<string, unknown>): MetadataRow[] => [{ ...shipped, ...values }];

describe('settings check', () => {
  it('accepts the shipped Default record and returns the settings the sync would use', () => {
    const { problems, settings } = checkSettings([shipped]);
    expect(problems).toEqual([]);
    expect(settings).toMatchObject({
      defaultCurrency: 'USD',
      collectionMethod: 'send_invoice',
      defaultDaysUntilDue: 30,
      orderSyncFilter: "Status = 'Activated'",
    });
  });

  it('names the record field of an invalid value', () => {
    const { problems, settings } = checkSettings(
      withValues({ Default_Currency__c: 'Dollars', Proration_Precision__c: 'week' }),
    );
    expect(problems.map((p) => [p.severity, p.recordType, p.record, p.field])).toEqual([
      ['error', 'Stripe_Sync_Setting__mdt', 'Default', 'Default_Currency__c'],
      ['error', 'Stripe_Sync_Setting__mdt', 'Default', 'Proration_Precision__c'],
    ]);
    expect(settings).toBe(DEFAULT_SETTINGS);
  });

  it('names a feature switch by its record field', () => {
    expect(checkSettings(withValues({ MDQ_Enabled__c: 'sometimes' })).problems.map((p) => p.field)).toEqual([
      'MDQ_Enabled__c',
    ]);
  });

  it('rejects an order sync filter that is not a SOQL condition', () => {
    expect(checkSettings(withValues({ Order_Sync_Filter__c: "Status = 'Activated' AND" })).problems).toEqual([
      {
        severity: 'error',
        recordType: 'Stripe_Sync_Setting__mdt',
        record: 'Default',
        field: 'Order_Sync_Filter__c',
        message: expect.stringContaining(
          `The order sync filter "Status = 'Activated' AND" is not a SOQL condition on Order (`,
        ),
        fix: "Write one SOQL condition on Order fields, such as Status = 'Activated' AND Type = 'New', in Order_Sync_Filter__c of the Default Stripe Sync Setting.",
      },
    ]);
  });

  it('warns when there is no Default record, and falls back to the built-in defaults', () => {
    const { problems, settings } = checkSettings([]);
    expect(problems.map((p) => [p.severity, p.message])).toEqual([
      ['warning', 'There is no Default connector settings record; the sync would run on built-in defaults.'],
    ]);
    expect(settings).toBe(DEFAULT_SETTINGS);
  });
});
