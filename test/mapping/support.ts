/** Shared pieces of the mapping-check tests: the package source, its schema, and record builders. */
import { fileURLToPath } from 'node:url';
import type { MappingRecord } from '../../plugin/src/salesforce/settingsReader.js';
import { describeLocalSource } from '../../plugin/src/mappingCheck/schemaSource.js';

export const FORCE_APP = fileURLToPath(new URL('../../force-app', import.meta.url));

/** The CPQ schema plus the package: what `--source-dir force-app` checks against. */
export const localSchema = describeLocalSource(FORCE_APP);

export interface MappingSpec {
  readonly key: string;
  readonly stripePath: string;
  readonly salesforcePath?: string;
  readonly staticValue?: string;
  readonly active?: boolean;
  readonly source?: 'Default' | 'User';
  readonly name?: string;
}

let counter = 0;
export function mapping(spec: MappingSpec): MappingRecord {
  return {
    name: spec.name ?? `User_Mapping_${++counter}`,
    mappingKey: spec.key,
    stripePath: spec.stripePath,
    salesforcePath: spec.salesforcePath ?? null,
    staticValue: spec.staticValue ?? null,
    active: spec.active ?? true,
    source: spec.source ?? 'User',
  };
}

const value = (field: string, v: string | undefined, type = 'xsd:string'): string =>
  `    <values>\n        <field>${field}</field>\n        ${v === undefined ? '<value xsi:nil="true"/>' : `<value xsi:type="${type}">${v}</value>`}\n    </values>\n`;

/** A Stripe_Field_Mapping record file as an admin would retrieve it from Setup. */
export function mappingXml(spec: MappingSpec): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<CustomMetadata xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n' +
    `    <label>${spec.stripePath}</label>\n    <protected>false</protected>\n` +
    value('Active__c', String(spec.active ?? true), 'xsd:boolean') +
    value('Mapping_Key__c', spec.key) +
    value('Salesforce_Path__c', spec.salesforcePath) +
    value('Source__c', spec.source ?? 'User') +
    value('Static_Value__c', spec.staticValue) +
    value('Stripe_Path__c', spec.stripePath) +
    '</CustomMetadata>\n'
  );
}
