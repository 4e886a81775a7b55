/**
 * The engine's own check of the active field mapping records (Stripe_Field_Mapping__mdt), made once per
 * configuration read and without a describe: shape, path syntax (the core's zod), Stripe parameters (the
 * pinned API version's catalogue), paths through lookups the sync never reads, and Stripe's metadata rules
 * shared with `mapping check`. A record that fails is a problem naming it and its field; the org's own
 * fields are checked by Salesforce on the graph read (mappedFieldFailure names the record then).
 */
import { fieldMappingError, SyncErrors, type MappingRecordProblem, type RecordRef } from '../core/errors.js';
import { isMappingKey, MAPPING_KEYS, SalesforcePath, StripePath, type MappingKey } from '../core/mappings/mappings.js';
import type { Finding } from '../mappingCheck/compatibility.js';
import { metadataBudgetFindings, metadataKeyFindings, type MappedMetadataKey } from '../mappingCheck/metadataBudget.js';
import { checkStripePath, effectiveStripePath, stripePathProblem } from '../mappingCheck/stripeTargets.js';
import { didYouMean, suggestName } from '../mappingCheck/suggestions.js';
import { unreadablePathProblem } from './mappedFields.js';
import type { MappingRecord, OrgConfiguration } from './settingsReader.js';

export interface CheckedMappings {
  readonly usable: readonly MappingRecord[];
  readonly problems: readonly MappingRecordProblem[];
}

/**
 * The active records split into usable ones and problems, each problem naming its record and field:
 * shape (key, exactly one source), path syntax (the core's zod), paths the graph cannot read, and
 * Stripe's metadata rules (key length, reserved keys, 50 keys per object counting the product's own)
 * shared with `mapping check`. Schema-free: the org's fields are checked by Salesforce on the read.
 */
export function checkMappingRecords(records: readonly MappingRecord[]): CheckedMappings {
  const problems: MappingRecordProblem[] = [];
  const usable: MappingRecord[] = [];
  const metadataKeys: MappedMetadataKey[] = [];
  for (const record of records.filter((r) => r.active)) {
    const found = recordProblems(record);
    problems.push(...found);
    if (found.length > 0) continue;
    usable.push(record);
    const path = effectiveStripePath(record.stripePath);
    if (path.startsWith('metadata.'))
      metadataKeys.push({
        key: record.mappingKey as MappingKey,
        name: path.slice('metadata.'.length),
        record: record.name,
      });
  }
  const overBudget = metadataBudgetFindings(metadataKeys).map((f) => ({
    record: f.record,
    field: 'Stripe_Path__c',
    message: f.message,
    fix: f.fix,
  }));
  const refused = new Set(overBudget.map((p) => p.record));
  return { usable: usable.filter((r) => !refused.has(r.name)), problems: [...problems, ...overBudget] };
}

/** A finding on one field of a mapping record. */
export interface MappingRecordFinding extends Finding {
  readonly field: string;
}

/** An error on one field of a mapping record. */
export const mappingError = (field: string, message: string, fix: string): MappingRecordFinding => ({
  severity: 'error',
  field,
  message,
  fix,
});

/**
 * A record that is not a mapping at all: unknown key, no Stripe path, or not exactly one source (the
 * engine's check and `mapping check` alike).
 */
export function mappingShapeProblem(record: MappingRecord): MappingRecordFinding | undefined {
  if (!isMappingKey(record.mappingKey)) {
    return mappingError(
      'Mapping_Key__c',
      `"${record.mappingKey}" is not a mapping key.${didYouMean(suggestName(record.mappingKey, MAPPING_KEYS))}`,
      `Use one of ${MAPPING_KEYS.join(', ')}.`,
    );
  }
  if (!record.stripePath)
    return mappingError(
      'Stripe_Path__c',
      'The Stripe path is empty.',
      'Set Stripe_Path__c to a Stripe parameter path such as metadata.region or description.',
    );
  const hasPath = record.salesforcePath !== null;
  if (hasPath !== (record.staticValue === null)) {
    return mappingError(
      hasPath ? 'Static_Value__c' : 'Salesforce_Path__c',
      hasPath
        ? 'Both a Salesforce path and a static value are set.'
        : 'Neither a Salesforce path nor a static value is set.',
      'Set exactly one: Salesforce_Path__c for a field mapping, Static_Value__c for a field default.',
    );
  }
  return undefined;
}

function recordProblems(record: MappingRecord): MappingRecordProblem[] {
  const problem = (field: string, message: string, fix: string): MappingRecordProblem[] => [
    { record: record.name, field, message, fix },
  ];
  const shape = mappingShapeProblem(record);
  if (shape) return problem(shape.field, shape.message, shape.fix);
  const key = record.mappingKey as MappingKey;
  if (!StripePath.safeParse(record.stripePath).success) {
    return problem(
      'Stripe_Path__c',
      `"${record.stripePath}" is not a Stripe parameter path (lower-case parameter names joined by dots; metadata keys of letters, digits, _ and -).`,
      'Write a path such as description or metadata.region.',
    );
  }
  // The pinned API version's parameter catalogue, as `mapping check` uses it: Stripe would refuse the write.
  const stripe = checkStripePath(key, record.stripePath);
  if (!stripe.ok) {
    const refused = stripePathProblem(key, stripe);
    return problem('Stripe_Path__c', refused.message, refused.fix);
  }
  const path = effectiveStripePath(record.stripePath);
  const metadata = path.startsWith('metadata.')
    ? metadataKeyFindings(path.slice('metadata.'.length), key).map((f) => ({
        record: record.name,
        field: 'Stripe_Path__c',
        message: f.message,
        fix: f.fix,
      }))
    : [];
  if (record.salesforcePath === null) return metadata;
  if (!SalesforcePath.safeParse(record.salesforcePath).success) {
    return [
      ...metadata,
      ...problem(
        'Salesforce_Path__c',
        `${JSON.stringify(record.salesforcePath)} is not a field path: only field API names joined by dots are allowed (no spaces, quotes, parentheses or line breaks).`,
        'Write a field API name such as Name or Account.Name.',
      ),
    ];
  }
  const unreadable = unreadablePathProblem(key, record.salesforcePath);
  return unreadable ? [...metadata, ...problem('Salesforce_Path__c', unreadable.message, unreadable.fix)] : metadata;
}

/** Refuses the sync of `order` while any active mapping record is unusable, naming each. */
export function assertUsableMappings(config: OrgConfiguration, order: RecordRef): void {
  if (config.mappingProblems.length > 0)
    throw new SyncErrors(config.mappingProblems.map((p) => fieldMappingError(order, p)));
}
