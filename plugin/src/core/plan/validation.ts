/**
 * Order-level checks made before anything is written, each reported (not just the first): one
 * billing period and one currency for all lines, Stripe's and the connector's line caps, the
 * pre-integration cut-off (spec §1.5, §2.5, §4.1), and Stripe's metadata limits on every object of
 * the finished plan (§2.13).
 */
import type { PlanningContext } from './context.js';
import { addDays, formatDate, parseDate, salesforceInstantMs, toUnixSeconds } from '../dates.js';
import { SyncError } from '../errors.js';
import { isLineSkipped, type PlannedLine } from '../newOrders/lines.js';
import { metadataProblems, metadataWithinLimits, type Metadata } from '../mappings/metadata.js';
import type { Order, OrderItem } from '../records/models.js';
import type { OrderHeader } from '../newOrders/orderHeader.js';
import type { StripeOperation, SyncPlan } from './plan.js';
import { recordRef } from '../records/records.js';

/**
 * Stripe's caps, from stripe-node 23's own parameter docs (API 2026-10-28): subscription `items` is "A
 * list of up to 20 subscription items", and phase `add_invoice_items` "You may pass up to 20 items".
 */
export const STRIPE_MAX_ITEMS_PER_PHASE = 20;
export const STRIPE_MAX_ADD_INVOICE_ITEMS_PER_PHASE = 20;
/** The connector's documented limit (spec §1.5). */
export const MAX_RECURRING_LINES = 100;

export function orderLineProblems(
  order: Order,
  recurring: readonly PlannedLine[],
  oneTime: readonly PlannedLine[],
): SyncError[] {
  const orderRef = recordRef('Order', order.Id);
  const problems: SyncError[] = [];
  const first = recurring[0];
  for (const line of recurring) {
    const months = line.price.candidate.intervalMonths;
    if (first && months !== first.price.candidate.intervalMonths) {
      problems.push(
        new SyncError(
          `All recurring order lines must have the same billing frequency: this line bills every ${months} month(s), order line ${first.ref.id} every ${first.price.candidate.intervalMonths}.`,
          {
            kind: 'data',
            record: line.ref,
            field: 'SBQQ__BillingFrequency__c',
            fix: 'Put products with different billing frequencies on separate orders.',
          },
        ),
      );
    }
  }
  const lines = [...recurring, ...oneTime];
  const currency = lines[0]?.price.candidate.params.currency;
  for (const line of lines) {
    if (line.price.candidate.params.currency !== currency) {
      problems.push(
        new SyncError(
          `All order lines must have the same currency: this line is in ${line.price.candidate.params.currency}, order line ${lines[0]?.ref.id} in ${currency}.`,
          {
            kind: 'data',
            record: line.ref,
            field: 'CurrencyIsoCode',
            fix: 'Use one currency for every line of the order.',
          },
        ),
      );
    }
  }
  if (recurring.length > MAX_RECURRING_LINES) {
    problems.push(
      new SyncError(
        `The order has ${recurring.length} recurring lines; at most ${MAX_RECURRING_LINES} are supported.`,
        { kind: 'data', record: orderRef, fix: 'Split the order into smaller orders.' },
      ),
    );
  } else if (recurring.length > STRIPE_MAX_ITEMS_PER_PHASE) {
    problems.push(
      new SyncError(
        `The order has ${recurring.length} recurring lines; a Stripe subscription holds at most ${STRIPE_MAX_ITEMS_PER_PHASE} items.`,
        {
          kind: 'data',
          record: orderRef,
          fix: `Split the order so that each has at most ${STRIPE_MAX_ITEMS_PER_PHASE} recurring lines, or skip lines with Skip_Line_Item__c.`,
        },
      ),
    );
  }
  if (recurring.length > 0 && oneTime.length > STRIPE_MAX_ADD_INVOICE_ITEMS_PER_PHASE) {
    problems.push(
      new SyncError(
        `The order has ${oneTime.length} one-time lines; a Stripe schedule phase bills at most ${STRIPE_MAX_ADD_INVOICE_ITEMS_PER_PHASE}.`,
        {
          kind: 'data',
          record: orderRef,
          fix: `Move one-time lines to a separate order (at most ${STRIPE_MAX_ADD_INVOICE_ITEMS_PER_PHASE} per subscription order).`,
        },
      ),
    );
  }
  return problems;
}

/** True when the order was activated before the sync start date (spec §2.5 step 3, S19). */
export function isPreIntegration(order: Order, ctx: PlanningContext): boolean {
  const startDate = ctx.sync.settings.syncStartDate ? parseDate(ctx.sync.settings.syncStartDate) : undefined;
  if (!startDate || !order.ActivatedDate) return false;
  const activated = salesforceInstantMs(order.ActivatedDate) / 1000;
  return activated < toUnixSeconds(startDate);
}

/** Pre-integration initial orders are not synced, unless old-order migration bills them from today (migration.ts). */
export function preIntegrationProblem(order: Order, ctx: PlanningContext): SyncError | undefined {
  if (ctx.sync.settings.features.oldOrderMigration || !isPreIntegration(order, ctx)) return undefined;
  return new SyncError(
    `Failed to sync pre-integration order: it was activated on ${order.ActivatedDate}, before the sync start date ${ctx.sync.settings.syncStartDate}.`,
    {
      kind: 'data',
      record: recordRef('Order', order.Id),
      field: 'ActivatedDate',
      fix: 'Move the sync start date earlier, or turn on Old_Order_Migration__c in the Stripe Sync Setting to bill it from its next billing date.',
    },
  );
}

/**
 * Decision: an initial order whose whole term ended before the sync is refused. Its schedule would be
 * created already `completed`, billing the entire past term at once with nothing left to amend — a
 * surprise invoice no billing admin wants from a late activation or a migrated historic order.
 */
export function endedTermProblem(
  header: OrderHeader,
  items: readonly OrderItem[],
  ctx: PlanningContext,
): SyncError | undefined {
  const synced = items.filter((i) => !isLineSkipped(i));
  if (synced.some((i) => i.SBQQ__SubscriptionType__c === 'Evergreen')) return undefined;
  const recurring = synced.some(
    (i) => i.SBQQ__SubscriptionPricing__c !== null && i.SBQQ__SubscriptionPricing__c !== undefined,
  );
  if (!recurring || toUnixSeconds(header.end) > ctx.sync.now) return undefined;
  return new SyncError(
    `The order's subscription term ended on ${formatDate(addDays(header.end, -1))}, before this sync: its Stripe subscription schedule would be created already completed and bill the whole past term at once.`,
    {
      kind: 'data',
      record: recordRef('Order', header.order.Id),
      field: 'SBQQ__Quote__c.SBQQ__StartDate__c',
      fix: 'Check the quote start date and subscription term. A contract that has already ended is billed outside Stripe; its renewal order syncs as a new contract.',
    },
  );
}

/** How an admin knows the Stripe object each operation writes. */
const OBJECT_LABELS: Readonly<Record<string, string>> = {
  customers: 'customer',
  products: 'product',
  prices: 'price',
  coupons: 'coupon',
  subscriptionSchedules: 'subscription schedule',
  subscriptions: 'subscription',
  invoiceItems: 'invoice item',
  invoices: 'invoice',
};

type WithMetadata = { readonly metadata?: Metadata | '' | null };
type Phase = WithMetadata & {
  readonly items?: readonly WithMetadata[];
  readonly add_invoice_items?: readonly WithMetadata[];
};
type Visit = (label: string, metadata: Metadata) => void;

/**
 * Visits every metadata map an operation sends, with the Stripe object it lands on. A visitor, not a
 * list: a contract's schedule updates carry every phase and item again, thousands of maps per plan.
 */
function eachOperationMetadata(op: StripeOperation, visit: Visit): void {
  const label = OBJECT_LABELS[op.op.slice(0, op.op.indexOf('.'))];
  if (!label) return;
  const params = op.params as WithMetadata & {
    readonly phases?: readonly Phase[];
    readonly items?: readonly WithMetadata[];
  };
  const each = (where: string, holders: readonly WithMetadata[] | undefined): void => {
    for (const holder of holders ?? []) if (holder.metadata) visit(where, holder.metadata);
  };
  if (params.metadata) visit(label, params.metadata);
  each('subscription item', params.items);
  for (const phase of params.phases ?? []) {
    if (phase.metadata) visit('schedule phase', phase.metadata);
    each('subscription item', phase.items);
    each('invoice item', phase.add_invoice_items);
  }
}

/**
 * Stripe's metadata limits on every object the plan writes — schedules, phases, invoices and coupons as
 * well as the customers, products, prices and items checked where they are built — so an over-long mapped
 * value stops the sync before its first write, not half-way. One problem per record and key.
 */
export function planMetadataProblems(plan: SyncPlan): SyncError[] {
  const seen = new Set<string>();
  const problems: SyncError[] = [];
  // Schedule updates send the same phase and item maps again (a 50-amendment contract: ~12,000 maps, ~170 objects).
  const withinLimits = new Set<Metadata>();
  for (const op of plan.operations) {
    eachOperationMetadata(op, (label, metadata) => {
      if (withinLimits.has(metadata)) return;
      if (metadataWithinLimits(metadata)) {
        withinLimits.add(metadata);
        return;
      }
      for (const problem of metadataProblems(metadata, op.source, label)) {
        const key = `${problem.record.id}|${problem.field ?? problem.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        problems.push(problem);
      }
    });
  }
  return problems;
}
