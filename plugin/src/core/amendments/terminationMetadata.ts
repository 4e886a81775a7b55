/**
 * Termination metadata (spec §2.2, §2.6.3; flag `termination_metadata`): when an amendment takes a line's
 * last unit back, the line's item on the phase that ends there is stamped with
 * `salesforce_effective_termination_date` — the amendment Opportunity's CloseDate — and with the admin's
 * `sbc_termination.metadata.*` mappings of the `subscription_item` key, which normal mapping skips.
 */
import type { ContractItem } from './aggregation.js';
import type { PlanningContext } from '../plan/context.js';
import type { GraphIndex, SalesforceRecord } from '../records/graph.js';
import {
  coerceMappedValue,
  resolveSalesforcePath,
  TERMINATION_PREFIX,
  type MappedFields,
  type MappingConfig,
  type MappingKey,
} from '../mappings/mappings.js';
import { mappedMetadata, metadataPrefix, recordMetadata, type Metadata } from '../mappings/metadata.js';
import type { Opportunity, OrderItem } from '../records/models.js';
import { recordRef } from '../records/records.js';
import type { PlannedPhase } from './scheduleState.js';

/** The `sbc_termination.` mappings of one key, prefix removed: user defaults first, then field mappings. */
export function terminationFields(
  key: MappingKey,
  record: SalesforceRecord,
  index: GraphIndex,
  config: MappingConfig,
): MappedFields {
  const fields: MappedFields = {};
  for (const [path, value] of Object.entries(config.fieldDefaults[key] ?? {})) {
    if (path.startsWith(TERMINATION_PREFIX)) fields[path.slice(TERMINATION_PREFIX.length)] = coerceMappedValue(value);
  }
  for (const [path, source] of Object.entries(config.fieldMappings[key] ?? {})) {
    if (path.startsWith(TERMINATION_PREFIX))
      fields[path.slice(TERMINATION_PREFIX.length)] = coerceMappedValue(resolveSalesforcePath(index, record, source));
  }
  return fields;
}

export interface TerminatedLine {
  readonly item: ContractItem;
  /** The amendment's negative line that took the last unit back (the mappings' source record). */
  readonly reduction: OrderItem;
}

/** What the item of one terminated line carries: the mapped termination metadata and the effective date. */
export function terminationMetadata(ctx: PlanningContext, opportunity: Opportunity, line: TerminatedLine): Metadata {
  const mapped = mappedMetadata(terminationFields('subscription_item', line.reduction, ctx.index, ctx.sync.mappings));
  const closeDate = opportunity.CloseDate;
  return { ...mapped, ...(closeDate ? { [`${metadataPrefix(ctx.sync)}effective_termination_date`]: closeDate } : {}) };
}

/**
 * The phase with the terminated lines' items stamped (items matched by their order-item metadata);
 * other items and the phase itself are left as they are.
 */
export function stampTerminatedItems(
  ctx: PlanningContext,
  phase: PlannedPhase,
  opportunity: Opportunity,
  lines: readonly TerminatedLine[],
): PlannedPhase {
  if (lines.length === 0) return phase;
  const idKey = Object.keys(recordMetadata(recordRef('OrderItem', lines[0]!.item.line.Id), ctx.sync))[0]!;
  const byItemId = new Map(lines.map((l) => [recordRef('OrderItem', l.item.line.Id).id, l]));
  const items = phase.items.map((item) => {
    const itemId = (item.metadata as Metadata | undefined)?.[idKey];
    const line = itemId === undefined ? undefined : byItemId.get(itemId);
    return line
      ? {
          ...item,
          metadata: { ...(item.metadata as Metadata | undefined), ...terminationMetadata(ctx, opportunity, line) },
        }
      : item;
  });
  return { ...phase, items };
}
