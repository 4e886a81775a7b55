/**
 * Evergreen orders (spec §2.7): subscriptions with no end date become a Stripe Subscription, not a
 * schedule. One starting today is created directly; one starting later goes through a schedule that
 * releases its subscription a second after the start. Amendments add lines today, or cancel the
 * subscription today or on their start date; evergreen prices are per period already (no term division).
 */
import type Stripe from 'stripe';
import { activeItems, initialContractItems } from '../amendments/aggregation.js';
import { amendmentsToPlan, recordSynced } from '../amendments/walk.js';
import { amendmentStartDateMissing, orderError } from '../documentedErrors.js';
import type { PlanningContext } from '../plan/context.js';
import type { AmendmentOrder } from '../records/contract.js';
import { lineDiscounts, orderDiscounts } from '../newOrders/coupons.js';
import { recordMetadata } from '../mappings/metadata.js';
import { compareDates, fromUnixSeconds, parseDate, toUnixSeconds } from '../dates.js';
import { SyncError, SyncErrors, type RecordRef } from '../errors.js';
import type { ContractInput, InitialOrderInput } from './inputs.js';
import { idempotencyKey } from '../plan/idempotency.js';
import { addInvoiceItem, phaseItem, planOrderLines, type PlannedLine } from '../newOrders/lines.js';
import type { Order, OrderItem } from '../records/models.js';
import { ref, type Ref } from '../plan/plan.js';
import { planAutoArchive, planDerivedPrice, type PriceTerms } from '../pricing/prices.js';
import { recordRef } from '../records/records.js';
import { phaseMetadata, planSchedule, scheduleHeaderParams } from '../newOrders/schedule.js';
import { successSyncRecord } from '../plan/syncRecords.js';

const EVERGREEN_TERMS: PriceTerms = { termMonths: 1, initialOrder: true, evergreen: true };

export const isEvergreenLine = (line: OrderItem): boolean => line.SBQQ__SubscriptionType__c === 'Evergreen';
const isRenewableLine = (line: OrderItem): boolean => !!line.SBQQ__SubscriptionPricing__c && !isEvergreenLine(line);

/**
 * The evergreen rules the reference raises as user failures: their Sync Records carry the bare message, no
 * "Data Error: " (recordings test_evergreen_order__raises_user_error_when_*, test_evergreen_amendments__does_not_allow_*).
 */
function userFailure(record: RecordRef, message: string, fix: string, field?: string): SyncError {
  return new SyncError(message, { kind: 'bare', record, fix, ...(field ? { field } : {}) });
}

/** The documented evergreen rules for an order's lines (spec §2.7 [SRC]). */
function evergreenProblems(order: Order, items: readonly OrderItem[]): SyncError[] {
  if (items.some(isRenewableLine)) {
    return [
      userFailure(
        recordRef('Order', order.Id),
        'Salesforce orders with both Evergreen and Renewable items are not yet supported.',
        'Put evergreen and renewable products on separate orders.',
      ),
    ];
  }
  return items
    .filter(
      (line) =>
        isEvergreenLine(line) && (line.SBQQ__SubscriptionTerm__c !== 1 || line.SBQQ__DefaultSubscriptionTerm__c !== 1),
    )
    .map((line) =>
      userFailure(
        recordRef('OrderItem', line.Id),
        'Evergreen Salesforce orders should have default subscription term and quote subscription term equal to 1.',
        'Set the subscription term and the default subscription term of evergreen lines to 1.',
        'SBQQ__DefaultSubscriptionTerm__c',
      ),
    );
}

/** A new evergreen order → a subscription today, or a releasing schedule for a later start. */
export function planEvergreenOrder(input: InitialOrderInput, ctx: PlanningContext): void {
  const { header, customer } = input;
  const order = header.order;
  const lines = planOrderLines(input.items, EVERGREEN_TERMS, ctx);
  const problems = [...evergreenProblems(order, input.items), ...lines.problems];
  const sinceToday = compareDates(header.start, fromUnixSeconds(ctx.sync.now));
  if (sinceToday < 0)
    problems.push(
      orderError(
        order,
        'Backdated evergreen Salesforce orders are not yet supported.',
        'Start the evergreen order today or later.',
        'SBQQ__Quote__c.SBQQ__StartDate__c',
      ),
    );
  if (problems.length > 0) throw new SyncErrors(problems);

  const discounts = orderDiscounts(order, ctx);
  const items = lines.recurring.map((line) => phaseItem(line, lineDiscounts(line.item, ctx)));
  const oneTime = lines.oneTime.map((line) => addInvoiceItem(line, lineDiscounts(line.item, ctx)));
  const schedule = scheduleHeaderParams(header, customer, ctx);
  if (sinceToday > 0) {
    const start = toUnixSeconds(header.start);
    planSchedule(
      header,
      {
        ...schedule,
        end_behavior: 'release',
        // Nothing to prorate before a future start (the reference sends `none`, recording
        // test_evergreen_order__translates_evergreen_salesforce_order_to_a_stripe_subscription).
        phases: [
          {
            items,
            add_invoice_items: oneTime,
            end_date: start + 1,
            proration_behavior: 'none',
            metadata: phaseMetadata(header, ctx),
            ...(discounts.length ? { discounts } : {}),
          },
        ],
      },
      ctx,
    );
    return;
  }
  // Today: the schedule's mapped fields apply to the subscription, less those only a schedule has.
  const { start_date: _start, end_behavior: _end, phases: _phases, default_settings: settings, ...rest } = schedule;
  const params: Stripe.SubscriptionCreateParams = {
    ...(rest as Partial<Stripe.SubscriptionCreateParams>),
    customer: String(customer),
    items: items as Stripe.SubscriptionCreateParams.Item[],
    ...(oneTime.length ? { add_invoice_items: oneTime as Stripe.SubscriptionCreateParams.AddInvoiceItem[] } : {}),
    ...(discounts.length ? { discounts } : {}),
    cancel_at_period_end: false,
    collection_method: settings?.collection_method ?? ctx.sync.settings.collectionMethod,
    ...(settings?.invoice_settings?.days_until_due === undefined
      ? {}
      : { days_until_due: settings.invoice_settings.days_until_due }),
  };
  const orderRef = recordRef('Order', order.Id);
  const subscriptionRef = ref('subscription', orderRef.id);
  ctx.plan.add({
    op: 'subscriptions.create',
    ref: subscriptionRef,
    params,
    idempotencyKey: idempotencyKey(ctx.sync.orgId, order, 'subscriptions.create'),
    source: orderRef,
  });
  ctx.plan.writeBack(orderRef, { Stripe_ID__c: subscriptionRef }, order);
  ctx.plan.syncRecord(successSyncRecord(orderRef, 'Subscription', subscriptionRef));
  planAutoArchive(
    [...items, ...oneTime].map((i) => String(i.price)),
    order,
    ctx,
  );
}

/** The live subscription of an evergreen contract: created directly, or released by its schedule. */
function evergreenSubscription(
  input: ContractInput,
  first: AmendmentOrder,
  ctx: PlanningContext,
): { id: string; ref: Ref; subscription: Stripe.Subscription | undefined } {
  const initial = input.structure.initial.order;
  const linked = initial.Stripe_ID__c ?? '';
  const subscriptionRef = ref('subscription', recordRef('Order', initial.Id).id);
  const schedule = ctx.state.subscriptionSchedules?.[linked];
  if (schedule) {
    const released = schedule.released_subscription ?? undefined;
    if (!released) {
      throw orderError(
        first.order,
        'Amending a Salesforce evergreen order that has not started is not yet supported.',
        'Sync the amendment after the evergreen order has started.',
      );
    }
    // The order now stands for the subscription its schedule released.
    ctx.plan.writeBack(recordRef('Order', initial.Id), { Stripe_ID__c: released }, initial);
    return { id: released, ref: subscriptionRef, subscription: ctx.state.subscriptions?.[released] };
  }
  const subscription = ctx.state.subscriptions?.[linked];
  if (!subscription) {
    throw orderError(
      first.order,
      'Unable to find the corresponding Stripe subscription for the evergreen amendment order.',
      'The evergreen order has no Stripe subscription; it was deleted, so the contract cannot sync.',
    );
  }
  return { id: linked, ref: subscriptionRef, subscription };
}

/** Plans the unsynced amendments of an evergreen contract (spec §2.7, S37). */
export function planEvergreenAmendments(input: ContractInput, ctx: PlanningContext): void {
  const { structure } = input;
  const pending = structure.amendments.filter((a) => !a.order.Stripe_ID__c);
  const first = pending[0];
  if (!first) return;
  const target = evergreenSubscription(input, first, ctx);
  let canceled = target.subscription?.status === 'canceled';
  const today = fromUnixSeconds(ctx.sync.now);
  const walk = amendmentsToPlan(ctx, structure.amendments, {
    stripeId: target.id,
    title: 'Subscription',
    initialItems: initialContractItems(ctx.index.orderItems(structure.initial.order.Id)),
    linesOf: (amendment) => ctx.index.orderItems(amendment.order.Id),
    changesOf: (lines) => lines,
    alreadyApplied: ({ amendment, lines, items }) => {
      const start = parseDate(amendment.quote.SBQQ__StartDate__c ?? '');
      if (!target.subscription || !start || !lines.some(isEvergreenLine)) return false;
      const cancel =
        activeItems(items).length > 0 ? undefined : compareDates(start, today) > 0 ? toUnixSeconds(start) : 'now';
      return amendmentOnSubscription(ctx, target.subscription, lines, cancel);
    },
  });
  for (const { amendment, lines, items } of walk) {
    const order = amendment.order;
    if (!lines.some(isEvergreenLine)) {
      throw userFailure(
        recordRef('Order', order.Id),
        "Adding Salesforce products with a 'Renewable' type to evergreen orders isn't supported.",
        'Sell renewable products on their own order and contract.',
      );
    }
    const start = parseDate(amendment.quote.SBQQ__StartDate__c ?? '');
    if (!start) throw amendmentStartDateMissing(order);
    const future = compareDates(start, today) > 0;
    const terminates = activeItems(items).length === 0;
    if (canceled) {
      throw orderError(
        order,
        "The Stripe subscription for the evergreen order has already been cancelled and can't be modified.",
        'The subscription ended in Stripe; create a new order instead.',
      );
    }
    const source = recordRef('Order', order.Id);
    const key = (operation: string) => idempotencyKey(ctx.sync.orgId, order, operation);
    if (terminates) {
      // Cancelling any subset cancels the whole subscription (doc limitation): one product per order.
      if (future) {
        ctx.plan.add({
          op: 'subscriptions.update',
          ref: target.ref,
          id: target.id,
          params: { cancel_at: toUnixSeconds(start), proration_behavior: 'none' },
          idempotencyKey: key('subscriptions.update'),
          source,
        });
      } else {
        ctx.plan.add({
          op: 'subscriptions.cancel',
          ref: target.ref,
          id: target.id,
          params: { invoice_now: false, prorate: false },
          idempotencyKey: key('subscriptions.cancel'),
          source,
        });
        canceled = true;
      }
    } else {
      if (future)
        throw orderError(
          order,
          'Amendment(s) with start dates in the future was not processed by the connector.',
          'Sync the amendment on its start date.',
          'SBQQ__Quote__c.SBQQ__StartDate__c',
        );
      const added = planOrderLines(
        lines.filter((l) => l.Quantity > 0),
        { ...EVERGREEN_TERMS, initialOrder: false },
        ctx,
      );
      if (added.problems.length > 0) throw new SyncErrors(added.problems);
      const prices = distinctFromSubscription(ctx, added.recurring, target.subscription);
      const newItems = added.recurring.map((line: PlannedLine, i) =>
        phaseItem(line, lineDiscounts(line.item, ctx), prices[i]),
      );
      ctx.plan.add({
        op: 'subscriptions.update',
        ref: target.ref,
        id: target.id,
        params: { items: newItems as Stripe.SubscriptionUpdateParams.Item[] },
        idempotencyKey: key('subscriptions.update'),
        source,
      });
      planAutoArchive(prices, order, ctx);
    }
    recordSynced(ctx, order, target.id, 'Subscription');
  }
}

/**
 * Whether the subscription already shows this amendment — a run applied it and stopped before its
 * write-back, maybe longer ago than Stripe keeps idempotency keys: a termination's cancel (`'now'`) or
 * `cancel_at`, or an item for every line the amendment adds (matched by its order-item metadata).
 */
function amendmentOnSubscription(
  ctx: PlanningContext,
  subscription: Stripe.Subscription,
  lines: readonly OrderItem[],
  cancel: number | 'now' | undefined,
): boolean {
  if (cancel === 'now') return subscription.status === 'canceled';
  if (cancel !== undefined) return subscription.cancel_at === cancel;
  const added = lines.filter((line) => line.Quantity > 0).map((line) => recordRef('OrderItem', line.Id));
  if (added.length === 0) return false;
  const idKey = Object.keys(recordMetadata(added[0]!, ctx.sync))[0]!;
  const onSubscription = new Set(subscription.items.data.map((item) => item.metadata?.[idKey]));
  return added.every((line) => onSubscription.has(line.id));
}

/**
 * Stripe bills a price at most once per subscription: an added line whose price the subscription (or an
 * earlier line of the same amendment) already has gets a duplicate of its own, archived once used, as
 * on schedule phases (decision q13).
 */
function distinctFromSubscription(
  ctx: PlanningContext,
  added: readonly PlannedLine[],
  subscription: Stripe.Subscription | undefined,
): string[] {
  const taken = new Set((subscription?.items.data ?? []).map((item) => item.price.id));
  return added.map((line) => {
    const price = taken.has(line.price.price)
      ? planDerivedPrice(
          line.price,
          { kind: 'price_duplicate', line: line.item, flags: ['duplicate', 'auto_archive'] },
          ctx,
        )
      : line.price.price;
    taken.add(price);
    return price;
  });
}
