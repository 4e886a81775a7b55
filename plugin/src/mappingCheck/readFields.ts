/**
 * The fields a mapping config reads beyond the core's record models, per sObject — what the graph
 * reader must add to its queries (`readContractGraph(client, orderId, extra)`) for `Account.Region__c`
 * and the like to reach the core. Fields the models read already are left out: SOQL refuses a field
 * selected twice.
 */
import { COLLECTIONS } from '../core/graph.js';
import { MAPPING_KEYS, type MappingConfig } from '../core/mappings.js';
import { resolveFieldPath, type OrgSchema } from './orgSchema.js';
import { STRIPE_TARGETS } from './stripeTargets.js';

/** Whether the graph reader reads `field` of `sobject` anyway (the core's record models). */
function readByModel(sobject: string, field: string): boolean {
  const model = Object.values(COLLECTIONS).find(([, name]) => name.toLowerCase() === sobject.toLowerCase())?.[0];
  return model !== undefined && Object.keys(model.shape).some((f) => f.toLowerCase() === field.toLowerCase());
}

/** Extra fields per sObject for the user's field mappings; paths that do not resolve are skipped (the check reports them). */
export function mappingReadFields(config: MappingConfig, schema: OrgSchema): Record<string, string[]> {
  const fields: Record<string, Set<string>> = {};
  for (const key of MAPPING_KEYS) {
    for (const path of Object.values(config.fieldMappings[key] ?? {})) {
      const resolved = resolveFieldPath(schema, STRIPE_TARGETS[key].sobject, path);
      if (resolved.ok && !readByModel(resolved.object, resolved.field.name)) (fields[resolved.object] ??= new Set()).add(resolved.field.name);
    }
  }
  return Object.fromEntries(Object.entries(fields).map(([object, names]) => [object, [...names].sort()]));
}
