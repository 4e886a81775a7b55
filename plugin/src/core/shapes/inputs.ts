/** What the planner hands each contract-shape planner (new orders, MDQ, evergreen, amendments). */
import type { ContractStructure } from '../records/contract.js';
import type { OrderItem } from '../records/models.js';
import type { OrderHeader } from '../newOrders/orderHeader.js';
import type { Ref } from '../plan/plan.js';

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
