/**
 * Line aggregation across a contract (spec §2.6.2). An amendment order carries only deltas: positive
 * lines add items, negative lines reduce earlier ones. Every revision points at the chain's origin line
 * (SBQQ__RevisedOrderProduct__c), and a reduction takes units from the most recently added line of that
 * chain that still has some — the order CPQ itself gives back units in.
 */
import { SyncError } from '../errors.js';
import type { OrderItem } from '../records/models.js';
import { recordRef } from '../records/records.js';

/** One order line's standing in the contract after the orders applied so far. */
export interface ContractItem {
  readonly line: OrderItem;
  /** The chain's origin line: the line itself for origin lines, else SBQQ__RevisedOrderProduct__c. */
  readonly originId: string;
  /** The order that added the line (the initial order or an amendment). */
  readonly orderId: string;
  /** Units the line added (its Quantity). */
  readonly quantity: number;
  /** Units later negative lines took back from it. */
  readonly reducedBy: number;
}

export const remainingQuantity = (item: ContractItem): number => item.quantity - item.reducedBy;

/** Items still billed: fully terminated items leave the phase (spec §2.6.2, last rule). */
export const activeItems = (items: readonly ContractItem[]): ContractItem[] =>
  items.filter((i) => remainingQuantity(i) > 0);

const lineRef = (line: OrderItem) => recordRef('OrderItem', line.Id);

/**
 * The initial order's lines: every line starts its own chain, even a renewal order's lines that name
 * a line of the previous contract as the one they revise.
 */
export function initialContractItems(lines: readonly OrderItem[]): ContractItem[] {
  return syncedLines(lines).map((line) => ({
    line,
    originId: line.Id,
    orderId: line.OrderId,
    quantity: line.Quantity,
    reducedBy: 0,
  }));
}

/** The aggregate after one amendment: its positive lines appended, then its negative lines applied. */
export function applyAmendmentLines(previous: readonly ContractItem[], lines: readonly OrderItem[]): ContractItem[] {
  const synced = syncedLines(lines);
  const added = synced
    .filter((line) => line.Quantity >= 0)
    .map((line) => ({
      line,
      originId: line.SBQQ__RevisedOrderProduct__c ?? line.Id,
      orderId: line.OrderId,
      quantity: line.Quantity,
      reducedBy: 0,
    }));
  const items = [...previous, ...added];
  assertDistinctLines(items);
  const reductions = new Map<ContractItem, number>();
  for (const line of synced.filter((l) => l.Quantity < 0)) reduceChain(items, line, reductions);
  return items.map((item) => {
    const taken = reductions.get(item);
    return taken ? { ...item, reducedBy: item.reducedBy + taken } : item;
  });
}

/** Lines flagged Skip_Line_Item__c stay out of Stripe, and so do their revisions (spec §2.5). */
function syncedLines(lines: readonly OrderItem[]): OrderItem[] {
  return lines.filter((line) => !line.Skip_Line_Item__c);
}

function assertDistinctLines(items: readonly ContractItem[]): void {
  const seen = new Set<string>();
  for (const { line } of items) {
    const key = line.Id.slice(0, 15);
    if (seen.has(key)) {
      throw new SyncError('Found two Order Items with the same ID.', {
        kind: 'connector',
        record: lineRef(line),
        fix: 'An Order Item should not be listed twice; remove the duplicate from the orders of the contract.',
      });
    }
    seen.add(key);
  }
}

/** Takes |Quantity| units from the chain, newest line first. */
function reduceChain(items: readonly ContractItem[], line: OrderItem, reductions: Map<ContractItem, number>): void {
  const originId = line.SBQQ__RevisedOrderProduct__c;
  const chain = originId ? items.filter((i) => i.originId.slice(0, 15) === originId.slice(0, 15)) : [];
  if (chain.length === 0) {
    throw new SyncError(
      `Any order items, revising order items in a previous order, must not be skipped in the previous order. Order line with ID '${originId ?? ''}' could not be found.`,
      {
        kind: 'data',
        record: lineRef(line),
        field: 'SBQQ__RevisedOrderProduct__c',
        fix: 'Skip this revising line too (Skip_Line_Item__c), or stop skipping the line it revises.',
      },
    );
  }
  let needed = -line.Quantity;
  for (let i = chain.length - 1; i >= 0 && needed > 0; i--) {
    const item = chain[i]!;
    const free = remainingQuantity(item) - (reductions.get(item) ?? 0);
    const take = Math.min(free, needed);
    if (take > 0) reductions.set(item, (reductions.get(item) ?? 0) + take);
    needed -= Math.max(take, 0);
  }
  if (needed > 0) {
    throw new SyncError('The termination quantity is greater than the aggregate quantity for the order item.', {
      kind: 'data',
      record: lineRef(line),
      field: 'Quantity',
      fix: 'Reduce the termination quantity so that the aggregate quantity stays at 0 or above.',
    });
  }
}
