/**
 * What the planner is given besides the CPQ graph: the Stripe objects already linked to it, and the
 * sync context (org, Stripe mode, the clock, settings, mappings). Everything the core knows comes from
 * these arguments — it reads no clock and makes no call.
 */
import type Stripe from 'stripe';
import type { MappingConfig } from '../mappings/mappings.js';
import type { MetadataContext } from '../mappings/metadata.js';
import type { Settings } from '../settings.js';
import type { GraphIndex } from '../records/graph.js';
import type { PlanBuilder } from './planBuilder.js';
import type { PlanMemo } from './planMemo.js';

/**
 * Stripe objects the engine retrieved because a Salesforce `Stripe_ID__c` (or a meter's event name)
 * points at them, by id. An id a record holds but that is absent here is treated as `resource_missing`:
 * the object is created again.
 */
export interface StripeState {
  readonly customers?: Readonly<Record<string, Stripe.Customer | Stripe.DeletedCustomer>>;
  readonly products?: Readonly<Record<string, Stripe.Product>>;
  readonly prices?: Readonly<Record<string, Stripe.Price>>;
  /** Billing meters of metered products (found by event name). */
  readonly meters?: readonly Stripe.Billing.Meter[];
  readonly coupons?: Readonly<Record<string, Stripe.Coupon>>;
  readonly subscriptionSchedules?: Readonly<Record<string, Stripe.SubscriptionSchedule>>;
  readonly subscriptions?: Readonly<Record<string, Stripe.Subscription>>;
  readonly invoices?: Readonly<Record<string, Stripe.Invoice>>;
}

export interface SyncContext extends MetadataContext {
  /** Salesforce org Id (idempotency keys). */
  readonly orgId: string;
  /** `https://<domain>.my.salesforce.com`, for `salesforce_*_link` metadata. */
  readonly instanceUrl: string;
  readonly livemode: boolean;
  /** Any org that is not production. */
  readonly sandbox: boolean;
  /** Unix seconds: the wall clock, or the customer's test-clock frozen time. */
  readonly now: number;
  readonly settings: Settings;
  readonly mappings: MappingConfig;
  /**
   * Orders of the contract that fail the org's custom order sync filter (a SOQL condition the engine
   * evaluates when it reads the graph). Amendments never sync past an initial order or amendment that
   * fails it (spec §2.5 step 4, S20).
   */
  readonly ordersFailingSyncFilter?: readonly string[];
}

/** One planning run: the graph, what Stripe holds, the sync context and the plan being built. */
export interface PlanningContext {
  readonly index: GraphIndex;
  readonly state: StripeState;
  readonly sync: SyncContext;
  readonly plan: PlanBuilder;
  /** Per-run cache of values many lines share. */
  readonly memo: PlanMemo;
}
