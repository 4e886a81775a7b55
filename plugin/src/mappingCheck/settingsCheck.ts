/**
 * The connector settings record (Stripe_Sync_Setting__mdt `Default`, spec §2.1): present, every value
 * valid for the core's settings model, and an order sync filter that is a SOQL condition.
 */
import { DEFAULT_SETTINGS, Settings } from '../core/settings.js';
import {
  FEATURES,
  InvalidSyncFilter,
  SETTINGS,
  settingsFromRecord,
  validatedOrderFilter,
  type MetadataRow,
} from '../salesforce/settingsReader.js';
import { SETTING_TYPE } from './mappingRecords.js';
import type { CheckProblem } from './problems.js';

export interface SettingsCheckResult {
  readonly problems: CheckProblem[];
  /** The settings the sync would run with (defaults where the record is missing or invalid). */
  readonly settings: Settings;
}

const fieldOf = (key: string): string =>
  Object.entries({
    ...SETTINGS,
    ...Object.fromEntries(Object.entries(FEATURES).map(([f, k]) => [f, `features.${k}`])),
  }).find(([, k]) => k === key)?.[0] ?? key;

export function checkSettings(rows: readonly MetadataRow[]): SettingsCheckResult {
  const row = rows.find((r) => r.DeveloperName === 'Default');
  const problem = (field: string, message: string, fix: string): CheckProblem => ({
    severity: 'error',
    recordType: SETTING_TYPE,
    record: 'Default',
    field,
    message,
    fix,
  });
  if (!row) {
    return {
      problems: [
        {
          ...problem(
            '',
            'There is no Default connector settings record; the sync would run on built-in defaults.',
            'Deploy the package (sf stripe cpq deploy), which ships Stripe_Sync_Setting.Default.',
          ),
          severity: 'warning',
        },
      ],
      settings: DEFAULT_SETTINGS,
    };
  }
  const parsed = Settings.safeParse(settingsFromRecord(row));
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) =>
        problem(
          fieldOf(issue.path.join('.')),
          `${fieldOf(issue.path.join('.'))}: ${issue.message}.`,
          'Correct the value in Setup → Custom Metadata Types → Stripe Sync Setting → Default.',
        ),
      );
  const filter = parsed.success ? parsed.data.orderSyncFilter : undefined;
  const refused = filter === undefined ? undefined : filterProblem(filter);
  if (refused) problems.push(problem(refused.field, refused.problem, refused.fix));
  return { problems, settings: parsed.success ? parsed.data : DEFAULT_SETTINGS };
}

/** The poller's own validation of the filter (one SOQL condition on Order, no subquery). */
function filterProblem(filter: string): InvalidSyncFilter | undefined {
  try {
    validatedOrderFilter(filter);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidSyncFilter) return error;
    throw error;
  }
}
