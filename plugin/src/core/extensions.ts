/**
 * Seams where contract shapes beyond a plain new order plug into the planner: coupons, evergreen
 * orders, MDQ orders and amendments (owned by contract.ts, coupons.ts, evergreen.ts, mdq.ts and
 * amendments.ts). Until an implementation is wired in here, such a graph gets a clear "not supported
 * yet" error instead of a wrong plan.
 */
import type { PlanningContext } from './context.js';
import { SyncError, type RecordRef } from './errors.js';
import { idKey } from './graph.js';
import type { Discounts } from './lines.js';
import type { ContractStructure } from './contract.js';
import type { Order, OrderItem } from './models.js';
import type { OrderHeader } from './orderHeader.js';
import type { Ref } from './plan.js';
import { recordRef } from './records.js';
import { planContractAmendments } from './contractAmendments.js';
import { lineDiscounts, orderDiscounts } from './coupons.js';
import { planEvergreenOrder } from './evergreen.js';
import { planMdqOrder } from './mdq.js';

/** A new (initial) order ready to plan: header read, customer planned. */
export interface InitialOrderInput {
  readonly header: OrderHeader;
  readonly customer: string | Ref;
  readonly items: readonly OrderItem[];
}

/** One contract (initial order, contract, amendments in order) and whether its initial order is in Stripe. */
export interface ContractInput {
  readonly structure: ContractStructure;
  /** The initial order's Stripe object id (schedule, subscription or invoice), when already synced. */
  readonly initialStripeId: string | undefined;
}

export interface ContractExtensions {
  /** Order-level coupons → discounts on every phase. */
  orderDiscounts(order: Order, ctx: PlanningContext): Discounts;
  /** Line-level coupons → discounts on the line's phase item. */
  lineDiscounts(item: OrderItem, ctx: PlanningContext): Discounts;
  /** An order with evergreen lines → a Stripe subscription (spec §2.7). */
  planEvergreenOrder(input: InitialOrderInput, ctx: PlanningContext): void;
  /** An order with MDQ (segmented) lines → one phase per segment (spec §2.9). */
  planMdqOrder(input: InitialOrderInput, ctx: PlanningContext): void;
  /** The contract's amendment orders → schedule updates (spec §2.6), after the initial order. */
  planAmendments(input: ContractInput, ctx: PlanningContext): void;
}

export function notSupportedYet(what: string, record: RecordRef): SyncError {
  return new SyncError(`${what} are not supported yet by this version of the connector.`, {
    kind: 'data',
    record,
    fix: `Sync ${what.toLowerCase()} after upgrading the connector, or remove them from the order.`,
  });
}

function hasCoupons(ctx: PlanningContext, field: 'Order__c' | 'Order_Item__c', id: string): boolean {
  return ctx.sync.settings.features.coupons && ctx.index.graph.orderStripeCoupons.some((c) => c[field] && idKey(c[field]) === idKey(id));
}

/** Until the coupon, evergreen, MDQ and amendment planners land. */
export const NOT_YET_SUPPORTED: ContractExtensions = {
  orderDiscounts(order, ctx) {
    if (hasCoupons(ctx, 'Order__c', order.Id)) throw notSupportedYet('Stripe coupons', recordRef('Order', order.Id));
    return [];
  },
  lineDiscounts(item, ctx) {
    if (hasCoupons(ctx, 'Order_Item__c', item.Id)) throw notSupportedYet('Stripe coupons', recordRef('OrderItem', item.Id));
    return [];
  },
  planEvergreenOrder(input) {
    throw notSupportedYet('Evergreen orders', recordRef('Order', input.header.order.Id));
  },
  planMdqOrder(input) {
    throw notSupportedYet('MDQ orders', recordRef('Order', input.header.order.Id));
  },
  planAmendments(input) {
    const first = input.structure.amendments[0] ?? input.structure.initial;
    throw notSupportedYet('Amendment orders', recordRef('Order', first.order.Id));
  },
};

/** What the planner uses; the amendments work replaces entries here as they land. */
export const contractExtensions: ContractExtensions = {
  ...NOT_YET_SUPPORTED,
  orderDiscounts,
  lineDiscounts,
  planEvergreenOrder,
  planMdqOrder,
  planAmendments: planContractAmendments,
};
