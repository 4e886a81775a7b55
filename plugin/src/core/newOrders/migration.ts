/**
 * Old-order migration (spec §2.5 step 3, S19; the reference's OLD_ORDER_MIGRATIONS flag). An order
 * activated before the sync start date was billed outside Stripe until today; with the
 * `oldOrderMigration` setting, Stripe bills it from its next billing date on, and nothing before:
 *
 *   1. a subscription backdated to the order's start, its billing cycle anchored on the first billing
 *      date after now (on the start's day of month), with no prorations, so the time up to the anchor is
 *      free — it was billed outside Stripe — and flagged `salesforce_pre_integration_order`;
 *   2. a schedule made from it (`from_subscription`), which is what amendments reshape;
 *   3. that schedule updated to the order's term: its metadata, `end_behavior: cancel`, and the phases
 *      left from now to the order's end, starting where Stripe started its current phase.
 *
 * As the reference does (recording amendments.test_old_order_migration__migrates_an_order_billed_outside_of_Stripe_with_annual_pricing).
 */
import type Stripe from 'stripe';
import type { PlanningContext } from '../plan/context.js';
import { addMonths, toUnixSeconds, type CalendarDate } from '../dates.js';
import { SyncError } from '../errors.js';
import type { ContractExtensions } from '../plan/extensions.js';
import { idempotencyKey } from '../plan/idempotency.js';
import { flagMetadata, type Metadata } from '../mappings/metadata.js';
import type { Order } from '../records/models.js';
import { ref, refField, type Ref } from '../plan/plan.js';
import { planAutoArchive } from '../pricing/prices.js';
import { recordRef } from '../records/records.js';
import { successSyncRecord } from '../plan/syncRecords.js';
import { isPreIntegration } from '../plan/validation.js';
import type { PlannedLine } from './lines.js';
import type { OrderHeader } from './orderHeader.js';
import { initialPhases, orderMetadata, scheduleHeaderParams, type SchedulePhase } from './schedule.js';

/** True when the order is migrated: pre-integration, the setting on, and begun before now (a later start needs no migration). */
export function migratesOldOrder(order: Order, start: CalendarDate, ctx: PlanningContext): boolean {
  return (
    ctx.sync.settings.features.oldOrderMigration && isPreIntegration(order, ctx) && toUnixSeconds(start) < ctx.sync.now
  );
}

/** The first billing date after `now`: start + k billing periods (each counted from the start, so a 31st stays the 31st). */
export function nextBillingDate(start: CalendarDate, intervalMonths: number, now: number): CalendarDate {
  let periods = 1;
  while (toUnixSeconds(addMonths(start, periods * intervalMonths)) <= now) periods++;
  return addMonths(start, periods * intervalMonths);
}

/** Evergreen, MDQ and one-time-only orders have no migration path: refused rather than billed for time already billed. */
export function migrationShapeProblem(order: Order, shape: string): SyncError {
  return new SyncError(
    `Old-order migration bills standard subscription orders only; this pre-integration order is ${shape}.`,
    {
      kind: 'data',
      record: recordRef('Order', order.Id),
      field: 'ActivatedDate',
      fix: 'Bill this order outside Stripe until it ends, or move the sync start date before its activation to sync it from its start.',
    },
  );
}

/** Plans the subscription, the schedule from it and the schedule's update to the order's term (see above). */
export function planMigratedOrder(
  header: OrderHeader,
  customer: string | Ref,
  recurring: readonly PlannedLine[],
  ctx: PlanningContext,
  extensions: ContractExtensions,
): void {
  const order = header.order;
  const orderRef = recordRef('Order', order.Id);
  const subscriptionRef = ref('subscription', orderRef.id);
  const scheduleRef = ref('schedule', orderRef.id);
  const schedule = scheduleHeaderParams(header, customer, ctx);
  const metadata = { ...orderMetadata(header, ctx), ...flagMetadata(ctx.sync, 'pre_integration_order') };
  const phases = initialPhases(header, recurring, [], ctx, extensions);
  const intervalMonths = recurring[0]?.price.candidate.intervalMonths ?? 1;
  ctx.plan.add({
    op: 'subscriptions.create',
    ref: subscriptionRef,
    params: {
      ...migratedSubscriptionParams(schedule, phases[0] as SchedulePhase, metadata),
      backdate_start_date: toUnixSeconds(header.start),
      billing_cycle_anchor: toUnixSeconds(nextBillingDate(header.start, intervalMonths, ctx.sync.now)),
      proration_behavior: 'none',
    },
    idempotencyKey: idempotencyKey(ctx.sync.orgId, order, 'subscriptions.create'),
    source: orderRef,
  });
  ctx.plan.add({
    op: 'subscriptionSchedules.create',
    ref: scheduleRef,
    params: { from_subscription: subscriptionRef },
    idempotencyKey: idempotencyKey(ctx.sync.orgId, order, 'subscriptionSchedules.create'),
    source: orderRef,
  });
  ctx.plan.add({
    op: 'subscriptionSchedules.update',
    id: scheduleRef,
    ref: scheduleRef,
    params: {
      end_behavior: schedule.end_behavior,
      metadata,
      ...(schedule.default_settings ? { default_settings: schedule.default_settings } : {}),
      proration_behavior: 'none',
      phases: phasesFromNow(phases, ctx.sync.now, refField(scheduleRef, 'phases.0.start_date')),
    },
    idempotencyKey: idempotencyKey(ctx.sync.orgId, order, 'subscriptionSchedules.update', 'migration'),
    source: orderRef,
  });
  ctx.plan.writeBack(orderRef, { Stripe_ID__c: scheduleRef }, order);
  ctx.plan.syncRecord(successSyncRecord(orderRef, 'Subscription Schedule', scheduleRef));
  planAutoArchive(
    phases.flatMap((phase) => phase.items.map((item) => String(item.price))),
    order,
    ctx,
  );
}

/** The subscription: the first phase's items and discounts, the schedule's collection settings and metadata. */
function migratedSubscriptionParams(
  schedule: Stripe.SubscriptionScheduleCreateParams,
  first: SchedulePhase,
  metadata: Metadata,
): Stripe.SubscriptionCreateParams {
  const settings = schedule.default_settings;
  const days = settings?.invoice_settings?.days_until_due;
  return {
    customer: String(schedule.customer),
    items: first.items as Stripe.SubscriptionCreateParams.Item[],
    ...(first.discounts?.length ? { discounts: first.discounts as Stripe.SubscriptionCreateParams.Discount[] } : {}),
    metadata,
    ...(settings?.collection_method ? { collection_method: settings.collection_method } : {}),
    ...(days === undefined ? {} : { days_until_due: days }),
  };
}

/**
 * The order's phases still to come: those that end after now, the first of them starting where Stripe
 * started the schedule's current phase (an update may not move it) and, like the time before it, billed
 * without prorations.
 */
function phasesFromNow(
  phases: readonly SchedulePhase[],
  now: number,
  currentPhaseStart: Ref,
): Stripe.SubscriptionScheduleUpdateParams.Phase[] {
  const left = phases.filter((phase) => typeof phase.end_date === 'number' && phase.end_date > now);
  // The start is a reference, typed as the number the engine puts in its place (plan.ts: references stand anywhere).
  return left.map((phase, i) =>
    i === 0
      ? { ...phase, start_date: currentPhaseStart as unknown as number, proration_behavior: 'none' }
      : (phase as Stripe.SubscriptionScheduleUpdateParams.Phase),
  );
}
