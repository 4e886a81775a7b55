/**
 * Order preflight: reads an order's contract graph with the engine's reader and runs the core's whole
 * planner on it, so every documented error knowable before writing (spec §2.10) is reported for its
 * record with its documented text and fix. Nothing is written and Stripe is never called: the plan is
 * made as if Stripe held nothing yet, and a valid order gets a short "would create" summary.
 */
import { SyncErrors } from '../core/errors.js';
import type { CpqGraphInput } from '../core/records/graph.js';
import type { MappingConfig } from '../core/mappings/mappings.js';
import type { SyncPlan, StripeOperationName } from '../core/plan/plan.js';
import { planOrderSync } from '../core/plan/planner.js';
import type { Settings } from '../core/settings.js';
import type { SalesforceClient } from '../salesforce/client.js';
import { OrderNotFound, readContractGraph, type ExtraFields } from '../salesforce/graphReader.js';
import { problemFromSyncError, type CheckProblem } from './problems.js';

export interface PlannedOperation {
  readonly op: StripeOperationName;
  readonly sourceType: string;
  readonly sourceId: string;
}

export interface OrderPreflight {
  readonly orderId: string;
  /** True when the core found no error: a sync would go ahead. */
  readonly ready: boolean;
  readonly problems: CheckProblem[];
  /** The Stripe calls a first sync would make, in order (empty when not ready). */
  readonly operations: PlannedOperation[];
  /** One line: "1 customer, 2 products, 2 prices, 1 subscription schedule". */
  readonly summary: string;
}

export interface PreflightContext {
  readonly client: SalesforceClient;
  readonly orgId: string;
  readonly sandbox: boolean;
  readonly settings: Settings;
  readonly mappings: MappingConfig;
  /** Fields the mappings read beyond the core's models. */
  readonly readFields: ExtraFields;
  /** The org has multiple currencies (records carry CurrencyIsoCode). */
  readonly multiCurrency: boolean;
  /** Unix seconds. */
  readonly now: number;
}

const NOUNS: Readonly<Partial<Record<StripeOperationName, string>>> = {
  'testClocks.create': 'test clock',
  'customers.create': 'customer',
  'customers.update': 'customer update',
  'products.create': 'product',
  'products.update': 'product update',
  'billing.meters.create': 'billing meter',
  'prices.create': 'price',
  'prices.update': 'price update',
  'coupons.create': 'coupon',
  'subscriptionSchedules.create': 'subscription schedule',
  'subscriptionSchedules.update': 'subscription schedule update',
  'subscriptionSchedules.cancel': 'subscription schedule cancellation',
  'subscriptionSchedules.release': 'subscription schedule release',
  'subscriptions.create': 'subscription',
  'subscriptions.update': 'subscription update',
  'subscriptions.cancel': 'subscription cancellation',
  'invoiceItems.create': 'invoice item',
  'invoices.create': 'invoice',
  'invoices.finalizeInvoice': 'invoice finalization',
};

const withoutTestClocks = (settings: Settings): Settings => ({
  ...settings,
  features: { ...settings.features, testClocks: false },
});

/** "1 customer, 2 products, …" in the plan's order. */
export function planSummary(plan: SyncPlan): string {
  const counts = new Map<string, number>();
  for (const operation of plan.operations) {
    const noun = NOUNS[operation.op] ?? operation.op;
    counts.set(noun, (counts.get(noun) ?? 0) + 1);
  }
  if (counts.size === 0) return 'nothing: Stripe would already match';
  return [...counts].map(([noun, n]) => `${n} ${noun}${n === 1 ? '' : noun.endsWith('s') ? 'es' : 's'}`).join(', ');
}

/** Orders of the contract that already hold a Stripe ID, with it. */
function linkedOrders(graph: CpqGraphInput): [string, string][] {
  return (graph.orders ?? []).flatMap((o) => {
    const { Id, Stripe_ID__c } = o as { Id?: unknown; Stripe_ID__c?: unknown };
    return typeof Id === 'string' && typeof Stripe_ID__c === 'string' && Stripe_ID__c
      ? [[Id, Stripe_ID__c] as [string, string]]
      : [];
  });
}

export async function preflightOrder(orderId: string, ctx: PreflightContext): Promise<OrderPreflight> {
  const failed = (problems: CheckProblem[]): OrderPreflight => ({
    orderId,
    ready: false,
    problems,
    operations: [],
    summary: '',
  });
  let graph: CpqGraphInput;
  try {
    graph = await readContractGraph(ctx.client, orderId, { extra: ctx.readFields, multiCurrency: ctx.multiCurrency });
  } catch (error) {
    if (!(error instanceof OrderNotFound)) throw error;
    return failed([
      {
        severity: 'error',
        recordType: 'Order',
        record: orderId,
        field: 'Id',
        message: error.message,
        fix: 'Check the order Id, and that the user running the check can read it.',
      },
    ]);
  }
  try {
    const plan = planOrderSync({
      graph,
      state: {},
      orderId,
      // The preflight reads no Stripe key, so it cannot know the mode: it summarises the billing objects, without
      // the test clock a test-mode sync adds for each new customer.
      context: {
        orgId: ctx.orgId,
        instanceUrl: ctx.client.instanceUrl,
        livemode: false,
        sandbox: ctx.sandbox,
        now: ctx.now,
        settings: withoutTestClocks(ctx.settings),
        mappings: ctx.mappings,
      },
    });
    const warnings = [
      ...linkedOrders(graph).map(([id, stripeId]): CheckProblem => ({
        severity: 'warning',
        recordType: 'Order',
        record: id,
        field: 'Stripe_ID__c',
        message: `This order of the contract is already linked to ${stripeId}; the preflight does not read Stripe, so its summary shows what a first sync would make.`,
        fix: 'Use sf stripe cpq sync --dry-run to see the plan against what Stripe holds.',
      })),
      ...plan.warnings.map((message): CheckProblem => ({
        severity: 'warning',
        recordType: 'Order',
        record: orderId,
        field: '',
        message,
        fix: 'Review the order before syncing.',
      })),
    ];
    const operations = plan.operations.map((o) => ({ op: o.op, sourceType: o.source.type, sourceId: o.source.id }));
    return { orderId, ready: true, problems: warnings, operations, summary: planSummary(plan) };
  } catch (error) {
    if (!(error instanceof SyncErrors)) throw error;
    return failed(error.errors.map(problemFromSyncError));
  }
}
