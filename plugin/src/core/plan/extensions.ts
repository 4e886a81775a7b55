/**
 * Seams where contract shapes beyond a plain new order plug into the planner: coupons, evergreen
 * orders, MDQ orders and amendments (coupons.ts, evergreen.ts, mdq.ts, contractAmendments.ts). Tests pass
 * their own extensions to watch the planner hand each shape to its planner.
 */
import type { PlanningContext } from './context.js';
import type { ContractInput, InitialOrderInput } from '../shapes/inputs.js';
import type { Discounts } from '../newOrders/lines.js';
import type { Order, OrderItem } from '../records/models.js';
import { planContractAmendments } from '../amendments/contractAmendments.js';
import { lineDiscounts, orderDiscounts } from '../newOrders/coupons.js';
import { planEvergreenOrder } from '../shapes/evergreen.js';
import { planMdqOrder } from '../shapes/mdq.js';

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

/** What the planner uses (tests may pass their own to watch the seams). */
export const contractExtensions: ContractExtensions = {
  orderDiscounts,
  lineDiscounts,
  planEvergreenOrder,
  planMdqOrder,
  planAmendments: planContractAmendments,
};
