/**
 * The mapping and settings records (Stripe_Field_Mapping__mdt, Stripe_Sync_Setting__mdt) as rows,
 * read either from an org through SOQL or from local source (`customMetadata/*.md-meta.xml`) before
 * deploying. Both give the same row shape, so one check serves both.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { SalesforceApiError, type SalesforceClient } from '../salesforce/client.js';
import { ORGANIZATION_CURRENCY_FIELDS, orgCurrencyOf, type OrgCurrency } from '../salesforce/orgCurrency.js';
import { MAPPING_FIELDS, SETTING_FIELDS, type MetadataRow } from '../salesforce/settingsReader.js';

export const MAPPING_TYPE = 'Stripe_Field_Mapping__mdt';
export const SETTING_TYPE = 'Stripe_Sync_Setting__mdt';

export interface ConfigurationRows {
  readonly mappings: readonly MetadataRow[];
  readonly settings: readonly MetadataRow[];
  /** The org's Id and sandbox flag (metadata prefix, idempotency keys); absent for local source. */
  readonly organization?: { readonly id: string; readonly sandbox: boolean; readonly currency: OrgCurrency };
}

/** The org lacks the package's metadata types: nothing to check until it is deployed. */
export class PackageNotDeployed extends Error {
  constructor(cause: SalesforceApiError) {
    super(`The org has no ${MAPPING_TYPE} or ${SETTING_TYPE} (${cause.message}).`);
    this.name = 'PackageNotDeployed';
  }
}

/** Every mapping record (inactive ones too, so the check can say they are off) and every settings record. */
export async function readOrgConfigurationRows(client: SalesforceClient): Promise<ConfigurationRows> {
  const rows = await queryConfiguration(client);
  const org = rows.organization?.[0];
  return {
    mappings: (rows.mappings ?? []) as MetadataRow[],
    settings: (rows.settings ?? []) as MetadataRow[],
    organization: { id: String(org?.Id ?? ''), sandbox: org?.IsSandbox === true, currency: orgCurrencyOf(org) },
  };
}

async function queryConfiguration(client: SalesforceClient): Promise<Record<string, Record<string, unknown>[]>> {
  try {
    return await client.queries({
      mappings: `SELECT ${MAPPING_FIELDS.join(', ')} FROM ${MAPPING_TYPE} ORDER BY DeveloperName`,
      settings: `SELECT ${SETTING_FIELDS.join(', ')} FROM ${SETTING_TYPE}`,
      organization: `SELECT Id, IsSandbox, ${ORGANIZATION_CURRENCY_FIELDS.join(', ')} FROM Organization`,
    });
  } catch (error) {
    if (error instanceof SalesforceApiError && error.errors.some((e) => e.errorCode === 'INVALID_TYPE'))
      throw new PackageNotDeployed(error);
    throw error;
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => name === 'values',
});

/**
 * Reads custom metadata records from a source directory (`force-app` or any folder holding
 * `customMetadata/`), typed as the XML declares them: `xsd:boolean` → boolean, `xsd:double` → number,
 * `xsi:nil` → null.
 */
export function readLocalConfigurationRows(sourceDir: string): ConfigurationRows {
  const mappings: MetadataRow[] = [];
  const settings: MetadataRow[] = [];
  for (const file of findFiles(sourceDir, /\.md-meta\.xml$/)) {
    const match = /(?:^|[\\/])customMetadata[\\/]([^\\/.]+)\.([^\\/]+)\.md-meta\.xml$/.exec(file);
    if (!match) continue;
    const type = `${match[1] as string}__mdt`;
    if (type !== MAPPING_TYPE && type !== SETTING_TYPE) continue;
    const row = metadataRow(match[2] as string, readFileSync(file, 'utf8'));
    (type === MAPPING_TYPE ? mappings : settings).push(row);
  }
  mappings.sort((a, b) => a.DeveloperName.localeCompare(b.DeveloperName));
  return { mappings, settings };
}

function metadataRow(developerName: string, xml: string): MetadataRow {
  const values =
    (parser.parse(xml) as { CustomMetadata?: { values?: { field?: string; value?: unknown }[] } }).CustomMetadata
      ?.values ?? [];
  const row: Record<string, unknown> = { DeveloperName: developerName };
  for (const { field, value } of values) if (field) row[field] = xmlValue(value);
  return row as MetadataRow;
}

function xmlValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object') return String(value);
  const v = value as Record<string, unknown>;
  if (v['@xsi:nil'] === 'true') return null;
  const content = String(v['#text'] ?? '');
  switch (v['@xsi:type']) {
    case 'xsd:boolean':
      return content === 'true';
    case 'xsd:double':
    case 'xsd:int':
      return Number(content);
    default:
      return content;
  }
}

function findFiles(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : findFiles(full, pattern);
    return pattern.test(entry.name) ? [full] : [];
  });
}
