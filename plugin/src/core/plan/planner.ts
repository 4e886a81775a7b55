/**
 * The core's entry: one order of a contract → a SyncPlan. Pure: the CPQ graph, the linked Stripe
 * objects and the sync context in; the ordered Stripe operations, write-backs and Sync Records out.
 * Same input → byte-identical JSON.
 *
 * A new order becomes a subscription schedule (or, when every line is one-time, an invoice); evergreen
 * and MDQ orders, coupons and amendments go through the `ContractExtensions` seams. Every problem found
 * is raised together as `SyncErrors`; `errorSyncRecords` turns them into Sync Records.
 */
import type { PlanningContext, StripeState, SyncContext } from './context.js';
import { buildContractStructure } from '../records/contract.js';
import { planCustomer } from '../newOrders/customers.js';
import { SyncError, SyncErrors } from '../errors.js';
import type { ContractInput } from '../shapes/inputs.js';
import { contractExtensions, type ContractExtensions } from './extensions.js';
import { GraphIndex, parseGraph, type CpqGraphInput } from '../records/graph.js';
import { planOrderLines } from '../newOrders/lines.js';
import type { Order } from '../records/models.js';
import { planOneTimeInvoice } from '../newOrders/oneTimeInvoice.js';
import { readOrderHeader } from '../newOrders/orderHeader.js';
import type { SyncPlan } from './plan.js';
import { PlanBuilder } from './planBuilder.js';
import { PlanMemo } from './planMemo.js';
import { recordRef } from '../records/records.js';
import { initialPhases, planSchedule, scheduleHeaderParams } from '../newOrders/schedule.js';
import { migratesOldOrder, migrationShapeProblem, planMigratedOrder } from '../newOrders/migration.js';
import { withoutUnusedPrices } from '../pricing/unusedPrices.js';
import { endedTermProblem, orderLineProblems, planMetadataProblems, preIntegrationProblem } from './validation.js';

export interface PlanRequest {
  /** The records of the order's contract, as the REST API returns them. */
  readonly graph: CpqGraphInput;
  /** The Stripe objects the records' Stripe IDs point at. */
  readonly state: StripeState;
  readonly context: SyncContext;
  /** The order asked for: a new order or one of its amendments. */
  readonly orderId: string;
  readonly extensions?: ContractExtensions;
}

/** Plans the sync of the order's contract; throws `SyncErrors` listing every problem found. */
export function planOrderSync(request: PlanRequest): SyncPlan {
  const { graph, problems } = parseGraph(request.graph);
  if (problems.length > 0) throw new SyncErrors(problems);
  const index = new GraphIndex(graph);
  const order = index.get('orders', request.orderId);
  if (!order) {
    throw new SyncErrors([
      new SyncError(`The order ${request.orderId} is not in the records read for the sync.`, {
        kind: 'connector',
        record: { type: 'Order', id: request.orderId },
        fix: 'Check that the integration user can read the order, then sync again.',
      }),
    ]);
  }
  const ctx: PlanningContext = {
    index,
    state: request.state,
    sync: request.context,
    plan: new PlanBuilder(recordRef('Order', order.Id)),
    memo: new PlanMemo(),
  };
  const extensions = request.extensions ?? contractExtensions;
  collectingErrors(() => {
    const contract = contractOf(order.Id, ctx);
    if (!contract.initialStripeId) planNewOrder(contract.structure.initial.order, ctx, extensions);
    if (contract.structure.amendments.length > 0) extensions.planAmendments(contract, ctx);
  });
  const plan = withoutUnusedPrices(ctx.plan.build());
  const overLimits = planMetadataProblems(plan);
  if (overLimits.length > 0) throw new SyncErrors(overLimits);
  return plan;
}

/** Runs `body`, turning a single SyncError into the SyncErrors the planner promises. */
function collectingErrors(body: () => void): void {
  try {
    body();
  } catch (error) {
    throw error instanceof SyncError ? new SyncErrors([error]) : error;
  }
}

/** Plans a new (initial) order: customer, products, prices, and its schedule or invoice. */
export function planNewOrder(
  order: Order,
  ctx: PlanningContext,
  extensions: ContractExtensions = contractExtensions,
): void {
  const orderRef = recordRef('Order', order.Id);
  const problems: SyncError[] = [];
  const early = preIntegrationProblem(order, ctx);
  if (early) problems.push(early);
  const header = readOrderHeader(order, ctx);
  if (Array.isArray(header)) throw new SyncErrors([...problems, ...header]);
  const account = ctx.index.get('accounts', order.AccountId);
  if (!account) {
    throw new SyncErrors([
      ...problems,
      new SyncError(`The order's account ${order.AccountId} is not in the records read for the sync.`, {
        kind: 'connector',
        record: orderRef,
        field: 'AccountId',
        fix: 'Check that the integration user can read the account.',
      }),
    ]);
  }
  let customer: string | undefined;
  try {
    customer = planCustomer(account, order, ctx);
  } catch (error) {
    if (!(error instanceof SyncError)) throw error;
    problems.push(error);
  }
  const items = ctx.index.orderItems(order.Id);
  const ended = endedTermProblem(header, items, ctx);
  if (ended) problems.push(ended);
  const migrating = migratesOldOrder(order, header.start, ctx);
  const evergreen = items.some((i) => i.SBQQ__SubscriptionType__c === 'Evergreen');
  const mdq = items.some((i) => i.SBQQ__PriceDimension__c);
  if (migrating && (evergreen || mdq)) problems.push(migrationShapeProblem(order, evergreen ? 'evergreen' : 'MDQ'));
  if (problems.length === 0 && customer !== undefined) {
    const input = { header, customer, items };
    if (evergreen) return extensions.planEvergreenOrder(input, ctx);
    if (mdq) return extensions.planMdqOrder(input, ctx);
  }
  const lines = planOrderLines(items, { termMonths: header.termMonths, initialOrder: true }, ctx);
  problems.push(...lines.problems, ...orderLineProblems(order, lines.recurring, lines.oneTime));
  if (migrating && lines.recurring.length === 0 && lines.oneTime.length > 0)
    problems.push(migrationShapeProblem(order, 'one-time only'));
  if (lines.recurring.length === 0 && lines.oneTime.length === 0 && lines.problems.length === 0) {
    problems.push(
      new SyncError('The order has no order lines to sync.', {
        kind: 'data',
        record: orderRef,
        fix: 'Add order products, or clear Skip_Line_Item__c on at least one.',
      }),
    );
  }
  if (problems.length > 0 || customer === undefined) throw new SyncErrors(problems);
  if (migrating) {
    // Billed outside Stripe until now, one-time lines included: they are not billed again.
    for (const line of lines.oneTime)
      ctx.plan.warn(
        `One-time order line ${line.item.Id} of a migrated order was billed outside Stripe; it is not billed again.`,
      );
    planMigratedOrder(header, customer, lines.recurring, ctx, extensions);
    return;
  }
  if (lines.recurring.length === 0) {
    planOneTimeInvoice(header, customer, lines.oneTime, ctx, extensions);
    return;
  }
  const params = {
    ...scheduleHeaderParams(header, customer, ctx),
    phases: initialPhases(header, lines.recurring, lines.oneTime, ctx, extensions),
  };
  planSchedule(header, params, ctx);
}

/** The contract of any of its orders, and the initial order's Stripe object when it is already synced. */
export function contractOf(orderId: string, ctx: PlanningContext): ContractInput {
  const structure = buildContractStructure(orderId, ctx.index.graph);
  const linked = structure.initial.order.Stripe_ID__c ?? undefined;
  const state = ctx.state;
  const synced =
    linked && (state.subscriptionSchedules?.[linked] ?? state.subscriptions?.[linked] ?? state.invoices?.[linked]);
  return { structure, initialStripeId: synced ? linked : undefined };
}
