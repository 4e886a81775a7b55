/**
 * One price may stand only once in a phase (spec §2.6, "same product & price on multiple lines"): a
 * later line with the same price gets a duplicate, planned once per line and reused in every later
 * phase, so a line keeps the same Stripe price for as long as it lives.
 */
import type { ContractItem } from '../amendments/aggregation.js';
import type { PlanningContext } from '../plan/context.js';
import { metadataPrefix, type Metadata } from '../mappings/metadata.js';
import { planDerivedPrice, type LinePrice } from './prices.js';
import type { PhaseItemParams } from '../amendments/scheduleState.js';

/** `salesforce_order_item_id`: the metadata key that tells which line a phase item stands for. */
export const orderItemIdKey = (ctx: PlanningContext): string => `${metadataPrefix(ctx.sync)}order_item_id`;

/**
 * A distinct price per item. A line first claims the price it had in the previous phase (so duplicates
 * made by an earlier run are reused); the rest take their own price, or a duplicate when it is taken.
 */
export function assignDistinctPrices(
  ctx: PlanningContext,
  items: readonly { item: ContractItem; price: LinePrice }[],
  previousItems: readonly PhaseItemParams[],
): Map<ContractItem, string> {
  const key = orderItemIdKey(ctx);
  // Keyed by the 15-character Id: metadata holds the 18-character form, lines may hold either.
  const previousPrice = new Map(
    previousItems.map((p) => [String((p.metadata as Metadata | undefined)?.[key] ?? '').slice(0, 15), p.price]),
  );
  const taken = new Set<string>();
  const assigned = new Map<ContractItem, string>();
  for (const { item } of items) {
    const previous = previousPrice.get(item.line.Id.slice(0, 15));
    if (previous && !taken.has(previous)) {
      taken.add(previous);
      assigned.set(item, previous);
    }
  }
  for (const { item, price } of items) {
    if (assigned.has(item)) continue;
    const id = taken.has(price.price)
      ? planDerivedPrice(price, { kind: 'price_duplicate', line: item.line, flags: ['duplicate', 'auto_archive'] }, ctx)
      : price.price;
    taken.add(id);
    assigned.set(item, id);
  }
  return assigned;
}
