/**
 * Connector settings and field mappings from the org's Custom Metadata (Stripe_Sync_Setting__mdt,
 * record `Default`; Stripe_Field_Mapping__mdt, active records), in one composite call, parsed by the
 * core's zod models so a bad value is an error naming the record and field. Mapping records the sync
 * cannot use are problems naming them (mappingRecordCheck.ts); only the usable ones make the mapping
 * config, so no text of a broken record reaches a query.
 */
import { createRequire } from 'node:module';
import type { Condition, WhereClause } from '@jetstreamapp/soql-parser-js';
import type * as SoqlParser from '@jetstreamapp/soql-parser-js';
import type { MappingRecordProblem } from '../core/errors.js';
import { MappingConfig } from '../core/mappings/mappings.js';
import { parseSettings, type Settings, type SettingsInput } from '../core/settings.js';
import type { SalesforceClient } from './client.js';
import { checkMappingRecords } from './mappingRecordCheck.js';
import { ORGANIZATION_CURRENCY_FIELDS, orgCurrencyOf, withOrgCurrency, type OrgCurrency } from './orgCurrency.js';

export interface OrgConfiguration {
  readonly settings: Settings;
  /** The usable active mapping records as the core's config. */
  readonly mappings: MappingConfig;
  /** The usable active mapping records (to name the record behind a field Salesforce refuses). */
  readonly mappingRecords: readonly MappingRecord[];
  /** Active mapping records the sync cannot use: while any is left, every sync is refused naming them. */
  readonly mappingProblems: readonly MappingRecordProblem[];
  /** The admin's switch for automatic syncing of activated orders (manual syncs always run). */
  readonly liveSyncEnabled: boolean;
  /** Sync Records kept; older ones are deleted by the relay. */
  readonly syncRecordRetention: number;
  /** Share (%) of the org's daily API allowance the relay's catch-up of missed orders may use (spec §2.1, §6 q21). */
  readonly apiPercentageLimit: number;
  /** The org's Id and whether it is a sandbox (metadata prefix, idempotency keys). */
  readonly orgId: string;
  readonly sandbox: boolean;
  /** Whether records carry CurrencyIsoCode, and the corporate currency (the graph read needs both). */
  readonly currency: OrgCurrency;
}

type Row = Record<string, unknown>;

/** A Custom Metadata record as SOQL or local source gives it. */
export type MetadataRow = Readonly<Record<string, unknown>> & { readonly DeveloperName: string };

/** One field mapping or field default, as an admin sees it in Setup. */
export interface MappingRecord {
  readonly name: string;
  readonly mappingKey: string;
  readonly stripePath: string;
  readonly salesforcePath: string | null;
  readonly staticValue: string | null;
  readonly active: boolean;
  /** `Default` (shipped with the package) or `User`. */
  readonly source: 'Default' | 'User';
}

export const MAPPING_FIELDS = [
  'DeveloperName',
  'Mapping_Key__c',
  'Stripe_Path__c',
  'Salesforce_Path__c',
  'Static_Value__c',
  'Active__c',
  'Source__c',
] as const;

export const SETTING_FIELDS = [
  'DeveloperName',
  'API_Percentage_Limit__c',
  'Sync_Record_Retention__c',
  'Default_Currency__c',
  'Multi_Currency__c',
  'Sync_Start_Date__c',
  'Proration_Precision__c',
  'Order_Sync_Filter__c',
  'Collection_Method__c',
  'Days_Until_Due__c',
  'Live_Sync_Enabled__c',
  'Frontend_Prorations__c',
  'Non_Anniversary_Amendments__c',
  'Day_Prorations__c',
  'Terminated_Order_Item_Credit__c',
  'Quantity_Reduction_Credit__c',
  'Auto_Advance_Proration_Invoices__c',
  'Backdated_Amendments__c',
  'Old_Order_Migration__c',
  'Termination_Metadata__c',
  'Salesforce_Precision__c',
  'Update_Customer_On_Sync__c',
  'Update_Product_On_Sync__c',
  'Coupons_Enabled__c',
  'MDQ_Enabled__c',
  'Dedupe_Initial_Order_Prices__c',
  'Due_On_Receipt_As_Zero_Days__c',
  'Email_From_Primary_Contact__c',
  'Test_Clocks__c',
] as const;

/** Settings record field → `Settings.features` key. */
export const FEATURES: Readonly<Record<string, string>> = {
  Frontend_Prorations__c: 'frontendProrations',
  Non_Anniversary_Amendments__c: 'nonAnniversaryAmendments',
  Day_Prorations__c: 'dayProrations',
  Terminated_Order_Item_Credit__c: 'terminatedOrderItemCredit',
  Quantity_Reduction_Credit__c: 'quantityReductionOrderItemCredit',
  Auto_Advance_Proration_Invoices__c: 'autoAdvanceProrationInvoices',
  Backdated_Amendments__c: 'backdatedAmendments',
  Old_Order_Migration__c: 'oldOrderMigration',
  Termination_Metadata__c: 'terminationMetadata',
  Salesforce_Precision__c: 'salesforcePrecision',
  Update_Customer_On_Sync__c: 'updateCustomerOnSync',
  Update_Product_On_Sync__c: 'updateProductOnSync',
  Coupons_Enabled__c: 'coupons',
  MDQ_Enabled__c: 'mdq',
  Dedupe_Initial_Order_Prices__c: 'dedupeInitialOrderPrices',
  Due_On_Receipt_As_Zero_Days__c: 'dueOnReceiptAsZeroDays',
  Email_From_Primary_Contact__c: 'emailFromPrimaryContact',
  Test_Clocks__c: 'testClocks',
};

/** Settings record field → top-level `Settings` key. */
export const SETTINGS: Readonly<Record<string, string>> = {
  Default_Currency__c: 'defaultCurrency',
  Multi_Currency__c: 'multiCurrency',
  Sync_Start_Date__c: 'syncStartDate',
  Proration_Precision__c: 'proratePrecision',
  Order_Sync_Filter__c: 'orderSyncFilter',
  Collection_Method__c: 'collectionMethod',
  Days_Until_Due__c: 'defaultDaysUntilDue',
};

const present = (value: unknown): boolean => value !== null && value !== undefined && value !== '';

export function settingsFromRecord(row: Row | undefined): SettingsInput {
  if (!row) return {};
  const features = Object.fromEntries(
    Object.entries(FEATURES)
      .filter(([field]) => present(row[field]))
      .map(([field, key]) => [key, row[field]]),
  );
  const input: Record<string, unknown> = { features };
  for (const [field, key] of Object.entries(SETTINGS)) if (present(row[field])) input[key] = row[field];
  return input as SettingsInput;
}

const text = (value: unknown): string | null => (present(value) ? String(value).trim() || null : null);

export function mappingRecord(row: MetadataRow): MappingRecord {
  return {
    name: row.DeveloperName,
    mappingKey: text(row.Mapping_Key__c) ?? '',
    stripePath: text(row.Stripe_Path__c) ?? '',
    salesforcePath: text(row.Salesforce_Path__c),
    staticValue: present(row.Static_Value__c) ? String(row.Static_Value__c) : null,
    active: row.Active__c === true || row.Active__c === 'true',
    source: row.Source__c === 'Default' ? 'Default' : 'User',
  };
}

/** The core's mapping config from mapping records (the caller picks which: active, valid). */
export function mappingConfig(records: readonly MappingRecord[]): MappingConfig {
  return MappingConfig.parse(mappingConfigInput(records));
}

/** Mapping records as the unparsed input of MappingConfig. */
export function mappingConfigInput(records: readonly MappingRecord[]): {
  fieldMappings: Record<string, Record<string, string>>;
  fieldDefaults: Record<string, Record<string, string>>;
} {
  const fieldMappings: Record<string, Record<string, string>> = {};
  const fieldDefaults: Record<string, Record<string, string>> = {};
  // A User record overrides the shipped Default record for the same path, whatever order SOQL returns.
  const ordered = [...records].sort((a, b) => Number(a.source === 'User') - Number(b.source === 'User'));
  for (const record of ordered) {
    if (record.salesforcePath !== null)
      (fieldMappings[record.mappingKey] ??= {})[record.stripePath] = record.salesforcePath;
    else if (record.staticValue !== null)
      (fieldDefaults[record.mappingKey] ??= {})[record.stripePath] = record.staticValue;
  }
  return { fieldMappings, fieldDefaults };
}

/** The config of the active records among `rows`. */
export function mappingsFromRecords(rows: readonly MetadataRow[]): MappingConfig {
  return mappingConfig(rows.map(mappingRecord).filter((r) => r.active));
}

/** A sync filter the poller refuses: names the settings record, its field and the fix. */
export class InvalidSyncFilter extends Error {
  readonly record = 'Default';
  readonly field = 'Order_Sync_Filter__c';
  readonly fix =
    "Write one SOQL condition on Order fields, such as Status = 'Activated' AND Type = 'New', in Order_Sync_Filter__c of the Default Stripe Sync Setting.";
  /** What is wrong, without the fix. */
  readonly problem: string;

  constructor(filter: string, reason: string) {
    const problem = `The order sync filter "${filter}" is not a SOQL condition on Order (${reason}).`;
    super(`${problem} Fix Order_Sync_Filter__c on the Default Stripe Sync Setting.`);
    this.name = 'InvalidSyncFilter';
    this.problem = problem;
  }
}

/**
 * The admin's order sync filter as one recomposed WHERE condition, or InvalidSyncFilter. Parsed with
 * the SOQL parser inside `SELECT Id FROM Order WHERE …`, so nothing after the condition (`; DELETE`,
 * `LIMIT`, `) OR (`) survives; subqueries are refused, so the filter reads Order fields only. The
 * poller puts it in parentheses after its own conditions, so it can only ever narrow them.
 */
export function validatedOrderFilter(filter: string): string {
  const { parseQuery, composeQuery } = soqlParser();
  let parsed;
  try {
    parsed = parseQuery(`SELECT Id FROM Order WHERE ${filter}`);
  } catch (error) {
    throw new InvalidSyncFilter(filter, (error as Error).message.split('\n')[0] ?? 'unparseable');
  }
  const extra = (
    [
      'limit',
      'offset',
      'orderBy',
      'groupBy',
      'having',
      'for',
      'update',
      'withSecurityEnforced',
      'withAccessLevel',
      'withDataCategory',
    ] as const
  ).filter((k) => parsed[k as keyof typeof parsed] !== undefined);
  if (extra.length > 0 || !parsed.where)
    throw new InvalidSyncFilter(filter, `only a WHERE condition is allowed, found ${extra.join(', ') || 'none'}`);
  if (hasSubquery(parsed.where)) throw new InvalidSyncFilter(filter, 'subqueries are not allowed');
  const composed = composeQuery(parsed);
  return composed.slice(composed.indexOf(' WHERE ') + ' WHERE '.length);
}

/** The parser builds its grammar when loaded (~0.6 s of CPU): loaded by the first filter, not by every process reading settings. */
let loadedSoqlParser: typeof SoqlParser | undefined;
const soqlParser = () =>
  (loadedSoqlParser ??= createRequire(import.meta.url)('@jetstreamapp/soql-parser-js') as typeof SoqlParser);

function hasSubquery(where: WhereClause | undefined): boolean {
  if (!where) return false;
  const condition = where.left as (Condition & { valueQuery?: unknown }) | null;
  return Boolean(condition?.valueQuery) || ('right' in where && hasSubquery(where.right));
}

/** The queries of the org's configuration, to send alone or inside a larger composite call. */
export function orgConfigurationQueries(): { settings: string; organization: string; mappings: string } {
  return {
    settings: `SELECT ${SETTING_FIELDS.join(', ')} FROM Stripe_Sync_Setting__mdt WHERE DeveloperName = 'Default'`,
    organization: `SELECT Id, IsSandbox, ${ORGANIZATION_CURRENCY_FIELDS.join(', ')} FROM Organization`,
    mappings: `SELECT ${MAPPING_FIELDS.join(', ')} FROM Stripe_Field_Mapping__mdt WHERE Active__c = true`,
  };
}

/** The configuration from the rows of `orgConfigurationQueries` (one composite call). */
export async function readOrgConfiguration(client: SalesforceClient): Promise<OrgConfiguration> {
  return orgConfigurationFrom(await client.queries(orgConfigurationQueries()));
}

/** Parses the answers to `orgConfigurationQueries`; `organization` may come from an earlier read. */
export function orgConfigurationFrom(
  rows: Readonly<Record<string, readonly Record<string, unknown>[] | undefined>>,
): OrgConfiguration {
  const setting = rows.settings?.[0];
  const mappings = checkMappingRecords(((rows.mappings ?? []) as MetadataRow[]).map(mappingRecord));
  const currency = orgCurrencyOf(rows.organization?.[0]);
  return {
    settings: withOrgCurrency(
      parseSettings(settingsFromRecord(setting)),
      currency,
      present(setting?.Default_Currency__c),
    ),
    currency,
    mappings: mappingConfig(mappings.usable),
    mappingRecords: mappings.usable,
    mappingProblems: mappings.problems,
    liveSyncEnabled: setting?.Live_Sync_Enabled__c === true,
    syncRecordRetention:
      typeof setting?.Sync_Record_Retention__c === 'number' ? setting.Sync_Record_Retention__c : 10_000,
    apiPercentageLimit: typeof setting?.API_Percentage_Limit__c === 'number' ? setting.API_Percentage_Limit__c : 95,
    orgId: String(rows.organization?.[0]?.Id ?? ''),
    sandbox: rows.organization?.[0]?.IsSandbox === true,
  };
}
