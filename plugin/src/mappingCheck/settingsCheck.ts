/**
 * The connector settings record (Stripe_Sync_Setting__mdt `Default`, spec §2.1): present, every value
 * valid for the core's settings model, and an order sync filter that is a SOQL condition.
 */
import { isQueryValid } from '@jetstreamapp/soql-parser-js';
import { DEFAULT_SETTINGS, Settings } from '../core/settings.js';
import { FEATURES, SETTINGS, settingsFromRecord, type MetadataRow } from '../salesforce/settingsReader.js';
import { SETTING_TYPE } from './mappingRecords.js';
import type { CheckProblem } from './problems.js';

export interface SettingsCheckResult {
  readonly problems: CheckProblem[];
  /** The settings the sync would run with (defaults where the record is missing or invalid). */
  readonly settings: Settings;
}

const fieldOf = (key: string): string =>
  Object.entries({ ...SETTINGS, ...Object.fromEntries(Object.entries(FEATURES).map(([f, k]) => [f, `features.${k}`])) }).find(([, k]) => k === key)?.[0] ?? key;

export function checkSettings(rows: readonly MetadataRow[]): SettingsCheckResult {
  const row = rows.find((r) => r.DeveloperName === 'Default');
  const problem = (field: string, message: string, fix: string): CheckProblem => ({ severity: 'error', recordType: SETTING_TYPE, record: 'Default', field, message, fix });
  if (!row) {
    return {
      problems: [{ ...problem('', 'There is no Default connector settings record; the sync would run on built-in defaults.', 'Deploy the package (sf stripe cpq deploy), which ships Stripe_Sync_Setting.Default.'), severity: 'warning' }],
      settings: DEFAULT_SETTINGS,
    };
  }
  const parsed = Settings.safeParse(settingsFromRecord(row));
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => problem(fieldOf(issue.path.join('.')), `${fieldOf(issue.path.join('.'))}: ${issue.message}.`, 'Correct the value in Setup → Custom Metadata Types → Stripe Sync Setting → Default.'));
  const filter = parsed.success ? parsed.data.orderSyncFilter : undefined;
  if (filter && !isQueryValid(`SELECT Id FROM Order WHERE ${filter}`)) {
    problems.push(problem('Order_Sync_Filter__c', `The order sync filter "${filter}" is not a SOQL condition.`, "Write a SOQL WHERE condition such as Status = 'Activated'."));
  }
  return { problems, settings: parsed.success ? parsed.data : DEFAULT_SETTINGS };
}
