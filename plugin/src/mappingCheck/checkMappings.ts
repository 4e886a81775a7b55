/**
 * The per-record mapping check (spec §2.2, §2.13): every mapping and field default record is checked
 * against the Stripe parameter catalogue of the pinned API version and the org's schema, and every
 * problem is reported at once — nothing waits for a sync to fail. Pure: records and schema in,
 * problems out, plus the mapping config the engine would use and the extra fields it must read.
 */
import { DEFAULT_MAPPINGS, MAPPING_KEYS, MappingConfig, type MappingKey } from '../core/mappings.js';
import { fieldCompatibility, staticValueCompatibility, type Finding } from './compatibility.js';
import { MAPPING_TYPE, type MappingRecord } from './mappingRecords.js';
import { metadataBudgetFindings, metadataKeyFindings, type MappedMetadataKey } from './metadataBudget.js';
import { resolveFieldPath, type OrgSchema } from './orgSchema.js';
import { mappingReadFields } from './readFields.js';
import type { CheckProblem } from './problems.js';
import { checkStripePath, effectiveStripePath, STRIPE_TARGETS } from './stripeTargets.js';
import { didYouMean, suggestName } from './suggestions.js';

export interface MappingCheckOptions {
  /** Settings the checks depend on: "Due on Receipt" is a valid payment term when on (decision q16). */
  readonly dueOnReceiptAsZeroDays: boolean;
}

export interface MappingCheckResult {
  readonly problems: CheckProblem[];
  /** The active, valid records as the engine's mapping config. */
  readonly config: MappingConfig;
  /** Fields the mappings read beyond the core's models, per sObject (graphReader's ExtraFields). */
  readonly readFields: Record<string, string[]>;
}

const isMappingKey = (key: string): key is MappingKey => (MAPPING_KEYS as readonly string[]).includes(key);

export function checkMappings(records: readonly MappingRecord[], schema: OrgSchema, options: MappingCheckOptions): MappingCheckResult {
  const problems: CheckProblem[] = [];
  const fieldMappings: Partial<Record<MappingKey, Record<string, string>>> = {};
  const fieldDefaults: Partial<Record<MappingKey, Record<string, string>>> = {};
  const metadataKeys: MappedMetadataKey[] = [];
  const seen = new Map<string, string>();

  const active = [...records].filter((r) => r.active).sort((a, b) => Number(a.source === 'User') - Number(b.source === 'User'));
  for (const record of active) {
    const report = (field: string, findings: readonly Finding[]): void => {
      for (const f of findings) problems.push({ severity: f.severity, recordType: MAPPING_TYPE, record: record.name, field, message: f.message, fix: f.fix });
    };
    const fail = (field: string, message: string, fix: string): void => report(field, [{ severity: 'error', message, fix }]);

    if (!isMappingKey(record.mappingKey)) {
      fail('Mapping_Key__c', `"${record.mappingKey}" is not a mapping key.${didYouMean(suggestName(record.mappingKey, MAPPING_KEYS))}`, `Use one of ${MAPPING_KEYS.join(', ')}.`);
      continue;
    }
    const key = record.mappingKey;
    if (!record.stripePath) {
      fail('Stripe_Path__c', 'The Stripe path is empty.', 'Set Stripe_Path__c to a Stripe parameter path such as metadata.region or description.');
      continue;
    }
    const hasPath = record.salesforcePath !== null;
    const hasStatic = record.staticValue !== null;
    if (hasPath === hasStatic) {
      fail(hasPath ? 'Static_Value__c' : 'Salesforce_Path__c', hasPath ? 'Both a Salesforce path and a static value are set.' : 'Neither a Salesforce path nor a static value is set.', 'Set exactly one: Salesforce_Path__c for a field mapping, Static_Value__c for a field default.');
      continue;
    }
    const duplicateOf = seen.get(`${key}:${record.stripePath}:${record.source}:${hasStatic}`);
    if (duplicateOf) {
      fail('Stripe_Path__c', `${record.stripePath} of ${key} is already set by ${duplicateOf}; only one of them would apply.`, `Deactivate one of ${duplicateOf} and ${record.name}.`);
      continue;
    }
    seen.set(`${key}:${record.stripePath}:${record.source}:${hasStatic}`, record.name);

    const stripe = checkStripePath(key, record.stripePath);
    if (!stripe.ok) {
      fail('Stripe_Path__c', `${stripe.message}${didYouMean(stripe.suggestion)}`, stripe.suggestion ? `Change the Stripe path to ${stripe.suggestion}.` : `Use a parameter of Stripe's ${STRIPE_TARGETS[key].params} (see docs.stripe.com/api).`);
      continue;
    }
    const path = effectiveStripePath(record.stripePath);
    const target = { key, path, spec: stripe.spec, mapKey: stripe.mapKey, dueOnReceiptAsZeroDays: options.dueOnReceiptAsZeroDays };
    const before = problems.length;
    if (stripe.mapKey) {
      const name = path.slice(path.indexOf('.') + 1);
      report('Stripe_Path__c', metadataKeyFindings(name, key));
      metadataKeys.push({ key, name, record: record.name });
    }
    if (record.salesforcePath !== null) {
      const resolved = resolveFieldPath(schema, STRIPE_TARGETS[key].sobject, record.salesforcePath);
      if (!resolved.ok) fail('Salesforce_Path__c', resolved.message, resolved.fix);
      else {
        // Values of CPQ's own picklists the sync rejects (billing frequency "Invoice Plan") are documented
        // per-record errors; for an unchanged shipped default only a real misfit is worth reporting.
        const findings = fieldCompatibility(resolved.field, target);
        report('Salesforce_Path__c', isShippedDefault(record, key) ? findings.filter((f) => f.severity === 'error') : findings);
      }
    } else report('Static_Value__c', staticValueCompatibility(record.staticValue as string, target));
    if (record.source === 'Default') report('Salesforce_Path__c', shippedDefaultDrift(record, key));

    if (problems.slice(before).some((p) => p.severity === 'error')) continue;
    if (record.salesforcePath !== null) (fieldMappings[key] ??= {})[record.stripePath] = record.salesforcePath;
    else (fieldDefaults[key] ??= {})[record.stripePath] = record.staticValue as string;
  }
  for (const finding of metadataBudgetFindings(metadataKeys)) {
    problems.push({ severity: finding.severity, recordType: MAPPING_TYPE, record: finding.record, field: 'Stripe_Path__c', message: finding.message, fix: finding.fix });
  }
  problems.push(...inactiveDefaults(records));
  const config = MappingConfig.parse({ fieldMappings, fieldDefaults });
  return { problems, config, readFields: mappingReadFields(config, schema) };
}

/**
 * The core's DEFAULT_MAPPINGS are the source of truth for shipped defaults; the Default records mirror
 * them for admins. An edited Default record is reported, since a package upgrade would overwrite it.
 */
function isShippedDefault(record: MappingRecord, key: MappingKey): boolean {
  return record.source === 'Default' && DEFAULT_MAPPINGS[key]?.[record.stripePath] === record.salesforcePath;
}

function shippedDefaultDrift(record: MappingRecord, key: MappingKey): Finding[] {
  if (isShippedDefault(record, key)) return [];
  const shipped = DEFAULT_MAPPINGS[key]?.[record.stripePath];
  return [
    {
      severity: 'warning',
      message: shipped ? `This shipped default maps ${record.stripePath} to ${record.salesforcePath ?? 'a static value'}, but the product ships ${shipped}.` : `This record is marked Default, but the product ships no default for ${key} ${record.stripePath}.`,
      fix: 'Restore the shipped record and put your change in a record with Source__c = User.',
    },
  ];
}

/** Turning a shipped default off does not stop the core from applying it. */
function inactiveDefaults(records: readonly MappingRecord[]): CheckProblem[] {
  return records
    .filter((r) => !r.active && r.source === 'Default')
    .map((r) => ({
      severity: 'warning' as const,
      recordType: MAPPING_TYPE,
      record: r.name,
      field: 'Active__c',
      message: `Deactivating the shipped default ${r.mappingKey} ${r.stripePath} does not switch it off: the sync always applies shipped defaults.`,
      fix: `To change what ${r.stripePath} gets, add an active record with Source__c = User for ${r.mappingKey} ${r.stripePath}.`,
    }));
}
