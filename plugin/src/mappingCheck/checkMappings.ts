/**
 * The per-record mapping check (spec §2.2, §2.13): every mapping and field default record is checked
 * against the Stripe parameter catalogue of the pinned API version and the org's schema, and every
 * problem is reported at once — nothing waits for a sync to fail. Pure: records and schema in,
 * problems out, plus the mapping config the engine would use and the extra fields it must read.
 */
import { DEFAULT_MAPPINGS, isMappingKey, MappingConfig, type MappingKey } from '../core/mappings/mappings.js';
import { MAPPING_ROOTS, mappedFields, unreadablePathProblem } from '../salesforce/mappedFields.js';
import {
  mappingError as error,
  mappingShapeProblem,
  type MappingRecordFinding as RecordFinding,
} from '../salesforce/mappingRecordCheck.js';
import { mappingConfig, mappingConfigInput, type MappingRecord } from '../salesforce/settingsReader.js';
import { fieldCompatibility, staticValueCompatibility, type Finding } from './compatibility.js';
import { MAPPING_TYPE } from './mappingRecords.js';
import { metadataBudgetFindings, metadataKeyFindings, type MappedMetadataKey } from './metadataBudget.js';
import { resolveFieldPath, type OrgSchema } from './orgSchema.js';
import type { CheckProblem } from './problems.js';
import { checkStripePath, effectiveStripePath, stripePathProblem } from './stripeTargets.js';

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

export function checkMappings(
  records: readonly MappingRecord[],
  schema: OrgSchema,
  options: MappingCheckOptions,
): MappingCheckResult {
  const problems: CheckProblem[] = [];
  const valid: MappingRecord[] = [];
  const metadataKeys: MappedMetadataKey[] = [];
  const setBy = new Map<string, string>();

  // Defaults first, so a User record for the same path reads as the override it is.
  const active = records
    .filter((r) => r.active)
    .sort((a, b) => Number(a.source === 'User') - Number(b.source === 'User'));
  for (const record of active) {
    const slot = `${record.mappingKey}:${record.stripePath}:${record.source}:${record.staticValue !== null}`;
    const duplicateOf = setBy.get(slot);
    const findings = duplicateOf
      ? [
          error(
            'Stripe_Path__c',
            `${record.stripePath} of ${record.mappingKey} is already set by ${duplicateOf}; only one of them would apply.`,
            `Deactivate one of ${duplicateOf} and ${record.name}.`,
          ),
        ]
      : recordFindings(record, schema, options);
    setBy.set(slot, duplicateOf ?? record.name);
    for (const f of findings)
      problems.push({
        severity: f.severity,
        recordType: MAPPING_TYPE,
        record: record.name,
        field: f.field,
        message: f.message,
        fix: f.fix,
      });
    if (findings.some((f) => f.severity === 'error') || !isMappingKey(record.mappingKey)) continue;

    const key = record.mappingKey;
    const path = effectiveStripePath(record.stripePath);
    if (path.startsWith('metadata.'))
      metadataKeys.push({ key, name: path.slice('metadata.'.length), record: record.name });
    valid.push(record);
  }
  for (const finding of metadataBudgetFindings(metadataKeys)) {
    problems.push({
      severity: finding.severity,
      recordType: MAPPING_TYPE,
      record: finding.record,
      field: 'Stripe_Path__c',
      message: finding.message,
      fix: finding.fix,
    });
  }
  problems.push(...inactiveDefaults(records));
  const config = mappingConfig(valid);
  return { problems, config, readFields: mappedFields(config) };
}

/** Everything wrong with one active record: its shape, its Stripe path, its source and the fit between them. */
function recordFindings(record: MappingRecord, schema: OrgSchema, options: MappingCheckOptions): RecordFinding[] {
  const shape = mappingShapeProblem(record);
  if (shape) return [shape];
  const key = record.mappingKey as MappingKey;
  const stripe = checkStripePath(key, record.stripePath);
  if (!stripe.ok) {
    const problem = stripePathProblem(key, stripe);
    return [error('Stripe_Path__c', problem.message, problem.fix)];
  }
  const path = effectiveStripePath(record.stripePath);
  const target = {
    key,
    path,
    spec: stripe.spec,
    mapKey: stripe.mapKey,
    dueOnReceiptAsZeroDays: options.dueOnReceiptAsZeroDays,
  };
  const on = (field: string, findings: readonly Finding[]): RecordFinding[] => findings.map((f) => ({ ...f, field }));
  const findings = [
    ...(stripe.mapKey ? on('Stripe_Path__c', metadataKeyFindings(path.slice(path.indexOf('.') + 1), key)) : []),
    ...engineFormatFindings(record),
  ];
  if (record.salesforcePath === null)
    return [...findings, ...on('Static_Value__c', staticValueCompatibility(record.staticValue as string, target))];
  const resolved = resolveFieldPath(schema, MAPPING_ROOTS[key], record.salesforcePath);
  if (!resolved.ok) return [...findings, error('Salesforce_Path__c', resolved.message, resolved.fix)];
  // A path the org has but the graph reader does not follow (Order.BillToContact): the engine refuses it.
  const unreadable = unreadablePathProblem(key, record.salesforcePath);
  if (unreadable) return [...findings, error('Salesforce_Path__c', unreadable.message, unreadable.fix)];
  // Values of CPQ's own picklists the sync rejects (billing frequency "Invoice Plan") are documented
  // per-record errors; for an unchanged shipped default only a real misfit is worth reporting.
  const fit = fieldCompatibility(resolved.field, target);
  return [
    ...findings,
    ...on('Salesforce_Path__c', isShippedDefault(record, key) ? fit.filter((f) => f.severity === 'error') : fit),
    ...on('Salesforce_Path__c', shippedDefaultDrift(record, key)),
  ];
}

/** The engine parses mappings with the core's MappingConfig: a record it would refuse stops every sync. */
function engineFormatFindings(record: MappingRecord): RecordFinding[] {
  const parsed = MappingConfig.safeParse(mappingConfigInput([record]));
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    // A bad Stripe path fails as a record key (with the reason inside); a bad Salesforce path as its value.
    const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    return error(
      issue.code === 'invalid_key' ? 'Stripe_Path__c' : 'Salesforce_Path__c',
      `The sync cannot read this record: ${message}.`,
      'Use letters, digits and underscores in the path, with dots between its parts.',
    );
  });
}

/**
 * The core's DEFAULT_MAPPINGS are the source of truth for shipped defaults; the Default records mirror
 * them for admins. An edited Default record is reported, since a package upgrade would overwrite it.
 */
function isShippedDefault(record: MappingRecord, key: MappingKey): boolean {
  return record.source === 'Default' && DEFAULT_MAPPINGS[key]?.[record.stripePath] === record.salesforcePath;
}

function shippedDefaultDrift(record: MappingRecord, key: MappingKey): Finding[] {
  if (record.source !== 'Default' || isShippedDefault(record, key)) return [];
  const shipped = DEFAULT_MAPPINGS[key]?.[record.stripePath];
  return [
    {
      severity: 'warning',
      message: shipped
        ? `This shipped default maps ${record.stripePath} to ${record.salesforcePath ?? 'a static value'}, but the product ships ${shipped}.`
        : `This record is marked Default, but the product ships no default for ${key} ${record.stripePath}.`,
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
