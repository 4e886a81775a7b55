import { describe, expect, it } from '@jest/globals';
import { EMPTY_MAPPINGS, MappingConfig } from '../../plugin/src/core/mappings/mappings.js';
import { mappedFields } from '../../plugin/src/salesforce/mappedFields.js';
import { mappingsFromRecords, settingsFromRecord } from '../../plugin/src/salesforce/settingsReader.js';
import { soqlFields, soqlId, soqlString } from '../../plugin/src/salesforce/soql.js';
import { dashboardLink, requestLogLink } from '../../plugin/src/stripe/links.js';

describe('SOQL building', () => {
  it('quotes valid Ids only', () => {
    expect(soqlId('801000000000001AAA')).toBe("'801000000000001AAA'");
    expect(() => soqlId("801' OR Id != '")).toThrow('is not a Salesforce record Id');
  });

  it('escapes string literals', () => {
    expect(soqlString("O'Brien \\ \n")).toBe("'O\\'Brien \\\\ \\n'");
  });

  it('accepts dotted API names as fields and refuses anything else', () => {
    expect(soqlFields(['Id', 'Account.Name', 'Id'])).toBe('Id, Account.Name');
    expect(() => soqlFields(['Name FROM User --'])).toThrow('is not a field API name');
  });
});

describe('Stripe Dashboard links', () => {
  it('put test/ in test mode only', () => {
    expect(dashboardLink('sub_sched_1', false)).toBe('https://dashboard.stripe.com/test/id/sub_sched_1');
    expect(dashboardLink('sub_sched_1', true)).toBe('https://dashboard.stripe.com/id/sub_sched_1');
    expect(requestLogLink('req_1', false)).toBe('https://dashboard.stripe.com/test/logs/req_1');
  });
});

describe('mappedFields', () => {
  it('selects each mapped field on the sObject its path ends at, with the lookups it crosses, once and only beyond the models', () => {
    const config = MappingConfig.parse({
      fieldMappings: {
        customer: { 'metadata.region': 'Region__c', 'metadata.region_again': 'region__c', name: 'Name' },
        subscription_item: {
          'metadata.family': 'Product2.Family',
          'metadata.industry': 'Order.Account.Industry',
          quantity: 'Quantity',
        },
        subscription_schedule: { 'metadata.buyer': 'SBQQ__Quote__c.SBQQ__PrimaryContact__c.Title' },
        coupon: { 'metadata.campaign': 'Campaign__c' },
      },
    });
    // Product2Id, OrderId, AccountId, SBQQ__Quote__c, SBQQ__PrimaryContact__c, Name and Quantity are in the models.
    expect(mappedFields(config)).toEqual({
      Account: ['Industry', 'Region__c'],
      Product2: ['Family'],
      Contact: ['Title'],
      Quote_Stripe_Coupon__c: ['Campaign__c'],
    });
  });

  it('reads nothing of a path through a lookup whose records the graph does not hold (Order.Owner → User)', () => {
    expect(
      mappedFields(
        MappingConfig.parse({ fieldMappings: { subscription_schedule: { 'metadata.owner': 'Owner.Name' } } }),
      ),
    ).toEqual({});
  });

  it('adds nothing for the shipped and required mappings: the models read their fields', () => {
    expect(mappedFields(EMPTY_MAPPINGS)).toEqual({});
  });
});

describe('Custom Metadata → settings and mappings', () => {
  it('maps setting fields to the core settings, leaving blanks to the defaults', () => {
    expect(
      settingsFromRecord({
        Default_Currency__c: 'EUR',
        Sync_Start_Date__c: null,
        Frontend_Prorations__c: false,
        MDQ_Enabled__c: true,
      }),
    ).toEqual({
      defaultCurrency: 'EUR',
      features: { frontendProrations: false, mdq: true },
    });
  });

  const row = (name: string, fields: Record<string, unknown>) => ({
    DeveloperName: name,
    Active__c: true,
    Source__c: 'User',
    Static_Value__c: null,
    Salesforce_Path__c: null,
    ...fields,
  });

  it('turns the active mapping records into field mappings and static defaults by key, a User record overriding the shipped Default', () => {
    expect(
      mappingsFromRecords([
        row('Customer_Description', {
          Mapping_Key__c: 'customer',
          Stripe_Path__c: 'description',
          Salesforce_Path__c: 'Description',
        }),
        row('Customer_Name', { Mapping_Key__c: 'customer', Stripe_Path__c: 'name', Salesforce_Path__c: 'Name__c' }),
        row('Customer_Name_Default', {
          Mapping_Key__c: 'customer',
          Stripe_Path__c: 'name',
          Salesforce_Path__c: 'Name',
          Source__c: 'Default',
        }),
        row('Schedule_End', {
          Mapping_Key__c: 'subscription_schedule',
          Stripe_Path__c: 'end_behavior',
          Static_Value__c: 'release',
        }),
        row('Off', {
          Mapping_Key__c: 'customer',
          Stripe_Path__c: 'phone',
          Salesforce_Path__c: 'Phone',
          Active__c: false,
        }),
      ]),
    ).toEqual({
      fieldMappings: { customer: { description: 'Description', name: 'Name__c' } },
      fieldDefaults: { subscription_schedule: { end_behavior: 'release' } },
    });
  });

  it('refuses a mapping record with an invalid Salesforce path', () => {
    expect(() =>
      mappingsFromRecords([
        row('Bad', { Mapping_Key__c: 'customer', Stripe_Path__c: 'name', Salesforce_Path__c: 'Name; DROP' }),
      ]),
    ).toThrow();
  });
});
