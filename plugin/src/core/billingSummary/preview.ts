/**
 * The preview: the billing a plan would give the order, read from the plan's own Stripe params — the
 * schedule it creates or updates (every update resends all phases), the evergreen subscription, or the
 * one-time invoice and its items — with prices, products and coupons from the plan's creates or from the
 * Stripe objects the engine loaded. A plan that changes nothing shows what Stripe already holds.
 */
import type Stripe from 'stripe';
import type { StripeState } from '../plan/context.js';
import { isRef, type StripeOperation, type SyncPlan } from '../plan/plan.js';
import { sameId } from '../records/salesforceIds.js';
import type { BillingSummary } from './schema.js';
import {
  couponFacts,
  invoiceCoupons,
  invoiceItems,
  phaseShape,
  plannedInvoiceItems,
  priceFacts,
  schedulePhases,
  subscriptionPhase,
  type CouponLike,
  type PhaseLike,
  type PriceLike,
} from './stripeShapes.js';
import { summariseBilling, type BillingShape, type PhaseShape } from './summarise.js';

type Op<N extends StripeOperation['op']> = Extract<StripeOperation, { op: N }>;

/** The summary of what `plan` would bill for `orderId`; undefined when the plan and Stripe hold no billing for it. */
export function previewBillingSummary(
  plan: SyncPlan,
  state: StripeState,
  orderId: string,
  linkedStripeId: string | undefined,
  now: number,
): BillingSummary | undefined {
  const ops = plan.operations;
  const created = <N extends StripeOperation['op']>(op: N): Map<string, Op<N>['params']> =>
    new Map(ops.filter((o) => o.op === op).map((o) => [o.ref, o.params as Op<N>['params']]));
  const prices = created('prices.create');
  const products = created('products.create');
  const couponsMade = created('coupons.create');
  const productName = (id: string): string => (isRef(id) ? products.get(id)?.name : state.products?.[id]?.name) ?? id;
  const price = (id: string) => {
    const p = (isRef(id) ? prices.get(id) : state.prices?.[id]) as
      (PriceLike & { product?: string | { id: string } }) | undefined;
    if (!p) return { product: id, unitAmount: undefined, recurring: null };
    const product = typeof p.product === 'string' ? p.product : (p.product?.id ?? '');
    return priceFacts(p, productName(product));
  };
  const coupon = (id: string) =>
    couponFacts(((isRef(id) ? couponsMade.get(id) : state.coupons?.[id]) ?? {}) as CouponLike, id);
  const currency = [...prices.values()][0]?.currency ?? Object.values(state.prices ?? {})[0]?.currency ?? 'usd';
  const base = { source: 'preview' as const, currency, now, latestInvoice: null, price, coupon };

  const billing = plannedBilling(plan, state, orderId, now) ?? heldBilling(state, linkedStripeId);
  return billing ? summariseBilling({ ...base, ...billing }) : undefined;
}

type Billing = Pick<BillingShape, 'kind' | 'phases' | 'oneTimeItems' | 'invoiceCoupons' | 'stripeId'>;

/**
 * The order's billing operation in the plan (the last schedule change wins: it resends every phase from the
 * current one; the phases that already ended stay on the schedule, as Stripe keeps them).
 */
function plannedBilling(plan: SyncPlan, state: StripeState, orderId: string, now: number): Billing | undefined {
  const mine = plan.operations.filter((o) => o.source.type === 'Order');
  const schedule = [...mine]
    .reverse()
    .find(
      (o): o is Op<'subscriptionSchedules.create'> | Op<'subscriptionSchedules.update'> =>
        o.op === 'subscriptionSchedules.create' || o.op === 'subscriptionSchedules.update',
    );
  const stripeId = (o: StripeOperation) => ('id' in o && !isRef(o.id) ? o.id : null);
  if (schedule) {
    const params = schedule.params as Stripe.SubscriptionScheduleCreateParams | Stripe.SubscriptionScheduleUpdateParams;
    const start = 'start_date' in params && params.start_date !== undefined ? params.start_date : undefined;
    const evergreen = 'end_behavior' in params && params.end_behavior === 'release';
    const phases = plannedPhases((params.phases ?? []) as PlannedPhase[], start, now, evergreen);
    const id = stripeId(schedule);
    return {
      kind: evergreen ? 'evergreen' : 'scheduled',
      phases: [...endedPhases(state, id, phases[0]?.start ?? now), ...phases],
      stripeId: id,
    };
  }
  const subscription = mine.find((o): o is Op<'subscriptions.create'> => o.op === 'subscriptions.create');
  if (subscription) {
    const p = subscription.params;
    return {
      kind: 'evergreen',
      phases: [
        phaseShape({
          start: now,
          end: null,
          items: (p.items ?? []) as PhaseLike['items'],
          add_invoice_items: p.add_invoice_items as PhaseLike['items'],
          discounts: p.discounts as PhaseLike['discounts'],
        }),
      ],
      stripeId: null,
    };
  }
  const invoice = mine.find(
    (o): o is Op<'invoices.create'> => o.op === 'invoices.create' && sameId(o.source.id, orderId),
  );
  if (invoice) {
    // Its items are the order lines' operations (their source is the OrderItem), attached to this invoice.
    const lines = plan.operations.filter(
      (o): o is Op<'invoiceItems.create'> => o.op === 'invoiceItems.create' && o.params.invoice === invoice.ref,
    );
    return {
      kind: 'one-time',
      phases: [],
      oneTimeItems: plannedInvoiceItems(lines.map((l) => l.params)),
      invoiceCoupons: invoiceCoupons({ discounts: invoice.params.discounts as Stripe.Invoice['discounts'] }),
      stripeId: null,
    };
  }
  return undefined;
}

/** A create or update phase: both name items, one-time items and discounts alike; dates may be `now`. */
type PlannedPhase = Omit<Stripe.SubscriptionScheduleCreateParams.Phase, 'end_date'> & {
  start_date?: number | 'now';
  end_date?: number | 'now';
};

/** Params phases → unix starts and ends: a phase starts where the one before it ended (`now` is the clock). */
function plannedPhases(
  phases: readonly PlannedPhase[],
  scheduleStart: number | 'now' | undefined,
  now: number,
  evergreen: boolean,
): PhaseShape[] {
  // A start known only once Stripe answers (a reference: a migrated order's current phase) is today's.
  const at = (t: number | 'now' | undefined): number | undefined => (t === 'now' || isRef(t) ? now : t);
  let previousEnd = at(scheduleStart) ?? now;
  return phases.map((phase, i) => {
    const start = at(phase.start_date) ?? previousEnd;
    const end = evergreen && i === phases.length - 1 ? null : (at(phase.end_date) ?? null);
    previousEnd = end ?? start;
    return phaseShape({
      start,
      end,
      items: phase.items as PhaseLike['items'],
      add_invoice_items: phase.add_invoice_items as PhaseLike['items'],
      discounts: phase.discounts as PhaseLike['discounts'],
    });
  });
}

/** The held schedule's phases that ended by `start` (where the update's phases begin). */
function endedPhases(state: StripeState, scheduleId: string | null, start: number): PhaseShape[] {
  const held = scheduleId ? state.subscriptionSchedules?.[scheduleId] : undefined;
  return held ? schedulePhases(held).filter((p) => p.end !== null && p.end <= start) : [];
}

/** Nothing to change: the billing Stripe already holds for the order. */
function heldBilling(state: StripeState, stripeId: string | undefined): Billing | undefined {
  if (!stripeId) return undefined;
  const schedule = state.subscriptionSchedules?.[stripeId];
  if (schedule)
    return {
      kind: schedule.end_behavior === 'release' ? 'evergreen' : 'scheduled',
      phases: schedulePhases(schedule),
      stripeId,
    };
  const subscription = state.subscriptions?.[stripeId];
  if (subscription) return { kind: 'evergreen', phases: [subscriptionPhase(subscription)], stripeId };
  const invoice = state.invoices?.[stripeId];
  if (invoice)
    return {
      kind: 'one-time',
      phases: [],
      oneTimeItems: invoiceItems(invoice),
      invoiceCoupons: invoiceCoupons(invoice),
      stripeId,
    };
  return undefined;
}
