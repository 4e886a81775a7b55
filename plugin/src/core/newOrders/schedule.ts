/**
 * A new order → one Stripe subscription schedule (spec §2.5 step 7): header from the order's mappings,
 * phase 1 from start to start + term months with the recurring lines as items and the one-time lines as
 * `add_invoice_items`, and — when the term is not a whole number of billing periods — a second,
 * backend-proration phase billing the remainder once.
 */
import type Stripe from 'stripe';
import { collectionFor } from './collection.js';
import type { PlanningContext } from '../plan/context.js';
import { addMonths, toUnixSeconds, type CalendarDate } from '../dates.js';
import type { ContractExtensions } from '../plan/extensions.js';
import { idempotencyKey } from '../plan/idempotency.js';
import {
  addInvoiceItem,
  phaseItem,
  type AddInvoiceItem,
  type Discounts,
  type PhaseItem,
  type PlannedLine,
} from './lines.js';
import { applyMappings, toNestedParams, type MappedFields } from '../mappings/mappings.js';
import { flagMetadata, mappedMetadata, metadataPaths, recordMetadata, type Metadata } from '../mappings/metadata.js';
import type { Order } from '../records/models.js';
import type { Decimal } from '../money.js';
import type { OrderHeader } from './orderHeader.js';
import { ref, type Ref } from '../plan/plan.js';
import { planAutoArchive, planDerivedPrice } from '../pricing/prices.js';
import { recordRef } from '../records/records.js';
import { successSyncRecord } from '../plan/syncRecords.js';

export type SchedulePhase = Stripe.SubscriptionScheduleCreateParams.Phase;

/** Schedule params without phases: customer, start, `end_behavior: cancel`, metadata, collection, mapped fields. */
export function scheduleHeaderParams(
  header: OrderHeader,
  customer: string | Ref,
  ctx: PlanningContext,
): Stripe.SubscriptionScheduleCreateParams {
  const orderRef = recordRef('Order', header.order.Id);
  const fields = header.scheduleFields;
  const mapped = toNestedParams(fields, [
    'start_date',
    'iterations',
    ...metadataPaths(fields),
  ]) as Partial<Stripe.SubscriptionScheduleCreateParams>;
  const collection = collectionFor(
    fields['default_settings.collection_method'],
    fields['default_settings.invoice_settings.days_until_due'],
    orderRef,
    'default_settings.invoice_settings.days_until_due',
    ctx,
  );
  const mappedInvoiceSettings = mapped.default_settings?.invoice_settings ?? {};
  const { days_until_due: _mappedDays, ...invoiceSettings } = mappedInvoiceSettings;
  return {
    end_behavior: 'cancel',
    ...mapped,
    customer,
    start_date: toUnixSeconds(header.start),
    metadata: orderMetadata(header, ctx),
    default_settings: {
      ...mapped.default_settings,
      collection_method: collection.collection_method,
      ...(collection.days_until_due === undefined && Object.keys(invoiceSettings).length === 0
        ? {}
        : {
            invoice_settings: {
              ...invoiceSettings,
              ...(collection.days_until_due === undefined ? {} : { days_until_due: collection.days_until_due }),
            },
          }),
    },
  };
}

/** `salesforce_order_id/_link` plus the order's mapped schedule metadata. */
export function orderMetadata(header: OrderHeader, ctx: PlanningContext): Metadata {
  return { ...recordMetadata(recordRef('Order', header.order.Id), ctx.sync), ...mappedMetadata(header.scheduleFields) };
}

/**
 * What a phase carries from an order's `subscription_phase` mappings: their metadata beneath `own` (the
 * product's keys win), and their other fields — except `iterations` (it sets the term) and, unless
 * `withTrial`, `trial_end` (a trial starts the contract; later phases would refuse a trial already over).
 * New orders' phases and the phase each amendment makes share it.
 */
export function phaseMappings(
  fields: MappedFields,
  own: Metadata,
  withTrial: boolean,
): Partial<SchedulePhase> & { metadata: Metadata } {
  const skip = ['iterations', ...metadataPaths(fields), ...(withTrial ? [] : ['trial_end'])];
  const mapped = toNestedParams(fields, skip) as Partial<SchedulePhase>;
  return { ...mapped, metadata: { ...mappedMetadata(fields), ...own } };
}

/**
 * A new order's phase mappings under the Order's record keys: the trial on its first phase only. The
 * schedule's mapped metadata stays on the schedule, as the reference sends it (recording
 * test_translate_order__integrates_a_standard_subscription_order).
 */
export function orderPhaseFields(
  header: OrderHeader,
  ctx: PlanningContext,
  phaseIndex: number,
): Partial<SchedulePhase> & { metadata: Metadata } {
  return phaseMappings(header.phaseFields, phaseMetadata(header, ctx), phaseIndex === 0);
}

/** A new order's phase metadata before its phase mappings: `salesforce_order_id/_link` only. */
export function phaseMetadata(header: OrderHeader, ctx: PlanningContext): Metadata {
  return recordMetadata(recordRef('Order', header.order.Id), ctx.sync);
}

/** An amendment order's phase mappings, under its record metadata: never a trial (the contract has started). */
export function amendmentPhaseFields(
  order: Order,
  ctx: PlanningContext,
): Partial<SchedulePhase> & { metadata: Metadata } {
  const { fields } = applyMappings('subscription_phase', order, ctx.index, ctx.sync.mappings);
  return phaseMappings(fields, recordMetadata(recordRef('Order', order.Id), ctx.sync), false);
}

/** `none` when the schedule starts now or later, or the order skips past invoices; else Stripe bills the backdated time. */
export function initialProrationBehavior(header: OrderHeader, ctx: PlanningContext): 'none' | undefined {
  return toUnixSeconds(header.start) >= ctx.sync.now || header.order.Skip_Past_Initial_Invoices__c === true
    ? 'none'
    : undefined;
}

/**
 * Phase items for one phase. Stripe refuses a price twice in a phase, so from the second line on a
 * shared price is duplicated (decision q13, also for initial orders).
 */
export function distinctPhaseItems(
  lines: readonly PlannedLine[],
  ctx: PlanningContext,
  extensions: Pick<ContractExtensions, 'lineDiscounts'>,
): PhaseItem[] {
  const seen = new Set<string>();
  return lines.map((line) => {
    let price = line.price.price;
    if (seen.has(price) && ctx.sync.settings.features.dedupeInitialOrderPrices) {
      price = planDerivedPrice(
        line.price,
        { kind: 'price_duplicate', line: line.item, flags: ['duplicate', 'auto_archive'] },
        ctx,
      );
    }
    seen.add(price);
    return phaseItem(line, extensions.lineDiscounts(line.item, ctx), price);
  });
}

/** Lines whose remainder period can be billed as a one-time proration (not metered, not tiered). */
function prorationEligible(line: PlannedLine): boolean {
  return !line.price.candidate.metered && !line.price.candidate.tiered && line.price.candidate.unitAmount !== undefined;
}

/**
 * The backend-proration invoice items: each eligible line's per-period price × remainder ÷ period. Each
 * item is flagged `salesforce_proration` (the relay bills such items at once, q11) and
 * `salesforce_backend_proration`; its price carries the proration and duplicate flags only — as the
 * reference sends them (recording amendments.test_backend_prorated_amendments__handles_an_initial_order_with_a_backend_proration).
 */
function backendProrationItems(
  lines: readonly PlannedLine[],
  remainder: number,
  intervalMonths: number,
  ctx: PlanningContext,
  extensions: ContractExtensions,
): AddInvoiceItem[] {
  const flag = flagMetadata(ctx.sync, 'proration', 'backend_proration');
  return lines.filter(prorationEligible).map((line) => {
    const unitAmount = (line.price.candidate.unitAmount as Decimal).times(remainder).dividedBy(intervalMonths);
    const price = planDerivedPrice(
      line.price,
      {
        kind: 'price_backend_proration',
        line: line.item,
        flags: ['proration', 'duplicate', 'auto_archive'],
        unitAmount,
        oneTime: true,
      },
      ctx,
    );
    return {
      ...addInvoiceItem(line, extensions.lineDiscounts(line.item, ctx)),
      price,
      metadata: { ...line.metadata, ...flag },
      period: { start: { type: 'phase_start' }, end: { type: 'phase_end' } },
    };
  });
}

/** Phases of a standard (non-MDQ) new order. */
export function initialPhases(
  header: OrderHeader,
  recurring: readonly PlannedLine[],
  oneTime: readonly PlannedLine[],
  ctx: PlanningContext,
  extensions: ContractExtensions,
): SchedulePhase[] {
  const discounts: Discounts = extensions.orderDiscounts(header.order, ctx);
  const intervalMonths = recurring[0]?.price.candidate.intervalMonths ?? 1;
  const remainder = header.termMonths % intervalMonths;
  const backendProrated = remainder !== 0 && header.termMonths > intervalMonths;
  const firstEnd: CalendarDate = backendProrated ? addMonths(header.start, header.termMonths - remainder) : header.end;
  const proration = initialProrationBehavior(header, ctx);
  const items = distinctPhaseItems(recurring, ctx, extensions);
  const first: SchedulePhase = {
    ...orderPhaseFields(header, ctx, 0),
    items,
    add_invoice_items: oneTime.map((line) => addInvoiceItem(line, extensions.lineDiscounts(line.item, ctx))),
    end_date: toUnixSeconds(firstEnd),
    ...(discounts.length > 0 ? { discounts } : {}),
    ...(proration ? { proration_behavior: proration } : {}),
  };
  if (!backendProrated) return [first];
  const second = orderPhaseFields(header, ctx, 1);
  return [
    first,
    {
      ...second,
      items,
      add_invoice_items: backendProrationItems(recurring, remainder, intervalMonths, ctx, extensions),
      end_date: toUnixSeconds(header.end),
      metadata: { ...second.metadata, ...flagMetadata(ctx.sync, 'backend_proration') },
      ...(discounts.length > 0 ? { discounts } : {}),
      proration_behavior: 'none',
    },
  ];
}

/** Plans the schedule create, the Order write-back, the success Sync Record and price archiving. */
export function planSchedule(
  header: OrderHeader,
  params: Stripe.SubscriptionScheduleCreateParams,
  ctx: PlanningContext,
): Ref {
  const orderRef = recordRef('Order', header.order.Id);
  const scheduleRef = ref('schedule', orderRef.id);
  ctx.plan.add({
    op: 'subscriptionSchedules.create',
    ref: scheduleRef,
    params,
    idempotencyKey: idempotencyKey(ctx.sync.orgId, header.order, 'subscriptionSchedules.create'),
    source: orderRef,
  });
  ctx.plan.writeBack(orderRef, { Stripe_ID__c: scheduleRef }, header.order);
  ctx.plan.syncRecord(successSyncRecord(orderRef, 'Subscription Schedule', scheduleRef));
  const prices = (params.phases ?? []).flatMap((phase) =>
    [...phase.items, ...(phase.add_invoice_items ?? [])].map((item) => item.price ?? ''),
  );
  planAutoArchive(prices.filter(Boolean), header.order, ctx);
  return scheduleRef;
}
