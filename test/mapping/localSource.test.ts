/**
 * Mapping and settings records read from local source (force-app XML) before deploying, and the
 * shipped defaults: the core's DEFAULT_MAPPINGS are the source of truth, the Default records mirror them.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAPPINGS } from '../../plugin/src/core/mappings/mappings.js';
import { checkLocalSource } from '../../plugin/src/mappingCheck/index.js';
import { readLocalConfigurationRows } from '../../plugin/src/mappingCheck/mappingRecords.js';
import { mappingRecord, mappingsFromRecords, settingsFromRecord } from '../../plugin/src/salesforce/settingsReader.js';
import { FORCE_APP, mappingXml } from './support.js';

describe('local mapping and settings records', () => {
  const rows = readLocalConfigurationRows(FORCE_APP);

  it('reads every shipped mapping record and the Default settings record, typed as the XML declares', () => {
    expect(rows.mappings.length).toBe(27);
    const name = rows.mappings.find((r) => r.DeveloperName === 'Customer_Name');
    expect(name).toEqual({
      DeveloperName: 'Customer_Name',
      Active__c: true,
      Mapping_Key__c: 'customer',
      Salesforce_Path__c: 'Name',
      Source__c: 'Default',
      Static_Value__c: null,
      Stripe_Path__c: 'name',
    });
    expect(rows.settings.map((r) => r.DeveloperName)).toEqual(['Default']);
    expect(settingsFromRecord(rows.settings[0])).toMatchObject({
      defaultCurrency: 'USD',
      defaultDaysUntilDue: 30,
      collectionMethod: 'send_invoice',
    });
  });

  it('mirror the core’s DEFAULT_MAPPINGS exactly (the core constant is the source of truth)', () => {
    const fromRecords = mappingsFromRecords(rows.mappings.filter((r) => r.Source__c === 'Default')).fieldMappings;
    expect(fromRecords).toEqual(DEFAULT_MAPPINGS);
  });

  it('find no problem in the shipped package source', () => {
    expect(checkLocalSource(FORCE_APP)).toMatchObject({ mappingRecords: 27, problems: [], orders: [] });
  });

  describe('with an admin’s records added to a copy of the source', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'mapping-source-'));
      cpSync(FORCE_APP, dir, { recursive: true });
      const cmt = join(dir, 'main/default/customMetadata');
      writeFileSync(
        join(cmt, 'Stripe_Field_Mapping.Schedule_Typo.md-meta.xml'),
        mappingXml({ key: 'subscription_schedule', stripePath: 'metdata.region', salesforcePath: 'Account.Name' }),
      );
      writeFileSync(
        join(cmt, 'Stripe_Field_Mapping.Customer_Source.md-meta.xml'),
        mappingXml({ key: 'customer', stripePath: 'metadata.Source', staticValue: 'Salesforce' }),
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads them as records and reports the bad one with a suggestion', () => {
      const typo = readLocalConfigurationRows(dir).mappings.find((r) => r.DeveloperName === 'Schedule_Typo');
      expect(typo && mappingRecord(typo)).toEqual({
        name: 'Schedule_Typo',
        mappingKey: 'subscription_schedule',
        stripePath: 'metdata.region',
        salesforcePath: 'Account.Name',
        staticValue: null,
        active: true,
        source: 'User',
      });
      const report = checkLocalSource(dir);
      expect(report.mappingRecords).toBe(29);
      expect(report.problems).toEqual([
        {
          severity: 'error',
          recordType: 'Stripe_Field_Mapping__mdt',
          record: 'Schedule_Typo',
          field: 'Stripe_Path__c',
          message:
            'Stripe subscription schedules have no parameter "metdata.region" in API version 2026-10-28.endive. Did you mean "metadata.region"?',
          fix: 'Change the Stripe path to metadata.region.',
        },
      ]);
    });
  });
});
