/**
 * `mapping check` as two calls: against an org (its Custom Metadata through SOQL, its describe, and
 * optionally orders preflighted through the core) or against local source before deploying. Every
 * problem comes back at once; nothing is written anywhere.
 */
import { accessProblems } from './access.js';
import type { SalesforceClient } from '../salesforce/client.js';
import { checkMappings } from './checkMappings.js';
import { orgCurrencyOf, withOrgCurrency } from '../salesforce/orgCurrency.js';
import { mappingRecord } from '../salesforce/settingsReader.js';
import { readLocalConfigurationRows, readOrgConfigurationRows, type ConfigurationRows } from './mappingRecords.js';
import type { OrgSchema } from './orgSchema.js';
import { preflightOrder, type OrderPreflight } from './preflight.js';
import type { CheckProblem } from './problems.js';
import { describeLocalSource, describeOrg } from './schemaSource.js';
import { checkSettings } from './settingsCheck.js';

export type { CheckProblem, Severity } from './problems.js';
export type { OrderPreflight, PlannedOperation } from './preflight.js';
export { hasErrors } from './problems.js';
export { PackageNotDeployed } from './mappingRecords.js';

export interface MappingCheckReport {
  /** Active mapping records checked. */
  readonly mappingRecords: number;
  /** Problems with mappings and settings. */
  readonly problems: CheckProblem[];
  readonly orders: OrderPreflight[];
  /** Fields the valid mappings read beyond the core's models, per sObject: pass them to readContractGraph. */
  readonly readFields: Record<string, string[]>;
}

function checkConfiguration(rows: ConfigurationRows, schema: OrgSchema) {
  const settings = checkSettings(rows.settings);
  const records = rows.mappings.map(mappingRecord);
  const mappings = checkMappings(records, schema, {
    dueOnReceiptAsZeroDays: settings.settings.features.dueOnReceiptAsZeroDays,
  });
  return { settings, mappings, active: records.filter((r) => r.active).length };
}

/** Mapping and settings records under `sourceDir` against the CPQ schema plus that source. */
export function checkLocalSource(sourceDir: string): MappingCheckReport {
  const { settings, mappings, active } = checkConfiguration(
    readLocalConfigurationRows(sourceDir),
    describeLocalSource(sourceDir),
  );
  return {
    mappingRecords: active,
    problems: [...mappings.problems, ...settings.problems],
    orders: [],
    readFields: mappings.readFields,
  };
}

export interface OrgCheckOptions {
  /** Orders to preflight (read and planned, never synced). */
  readonly orderIds?: readonly string[];
  /** Unix seconds; default the wall clock. */
  readonly now?: number;
}

/** The org's mapping and settings records against its describe; then each order through the core. */
export async function checkOrg(client: SalesforceClient, options: OrgCheckOptions = {}): Promise<MappingCheckReport> {
  const [rows, schema, user] = await Promise.all([
    readOrgConfigurationRows(client),
    describeOrg(client),
    client.username(),
  ]);
  const { settings, mappings, active } = checkConfiguration(rows, schema);
  const currency = rows.organization?.currency ?? orgCurrencyOf(undefined);
  const defaultRecord = rows.settings.find((r) => r.DeveloperName === 'Default');
  // The describe is the sync user's: what it leaves out, their permissions hide.
  const access = accessProblems(schema, user, currency);
  const context = {
    client,
    orgId: rows.organization?.id ?? '',
    sandbox: rows.organization?.sandbox ?? false,
    settings: withOrgCurrency(
      settings.settings,
      currency,
      defaultRecord?.Default_Currency__c != null && defaultRecord.Default_Currency__c !== '',
    ),
    multiCurrency: currency.multiCurrency,
    mappings: mappings.config,
    readFields: mappings.readFields,
    now: options.now ?? Math.floor(Date.now() / 1000),
  };
  const orders: OrderPreflight[] = [];
  for (const orderId of options.orderIds ?? []) orders.push(await preflightOrder(orderId, context));
  return {
    mappingRecords: active,
    problems: [...access, ...mappings.problems, ...settings.problems],
    orders,
    readFields: mappings.readFields,
  };
}
