/**
 * The Stripe subscription schedule as the amendment planner sees it: phases in update-param shape with
 * numeric dates, so a planned update can be applied to it (in memory) before the next stacked
 * amendment is planned on top. The engine passes the retrieved schedule through `scheduleStateFromStripe`.
 */
import type Stripe from 'stripe';

export type PhaseParams = Stripe.SubscriptionScheduleUpdateParams.Phase;
export type PhaseItemParams = Stripe.SubscriptionScheduleUpdateParams.Phase.Item;
export type InvoiceItemParams = Stripe.SubscriptionScheduleUpdateParams.Phase.AddInvoiceItem;
export type DiscountParams = Stripe.SubscriptionScheduleUpdateParams.Phase.Discount;

/** A phase whose bounds are known timestamps (Stripe has turned any `now` into one). */
export type SchedulePhase = Omit<PhaseParams, 'start_date' | 'end_date'> & { readonly start_date: number; readonly end_date: number };

export interface ScheduleState {
  /** `sub_sched_…`, or the plan reference of a schedule created earlier in the same plan. */
  readonly id: string;
  readonly status: Stripe.SubscriptionSchedule.Status;
  readonly customer: string;
  /** Bounds of the phase Stripe is in; null before the schedule starts and after it ends. */
  readonly currentPhase: { readonly start_date: number; readonly end_date: number } | null;
  readonly phases: readonly SchedulePhase[];
  readonly metadata: Readonly<Record<string, string>>;
}

const idOf = (value: string | { id: string } | null | undefined): string | undefined => (typeof value === 'string' ? value : (value?.id ?? undefined));

function discountsOf(discounts: readonly Stripe.SubscriptionSchedule.Phase.Discount[] | undefined): DiscountParams[] | undefined {
  if (!discounts?.length) return undefined;
  return discounts.map((d) => {
    const coupon = idOf(d.coupon);
    const discount = idOf(d.discount);
    const promotionCode = idOf(d.promotion_code);
    return coupon ? { coupon } : discount ? { discount } : { promotion_code: promotionCode ?? '' };
  });
}

function periodOf(period: Stripe.SubscriptionSchedule.Phase.AddInvoiceItem.Period): Stripe.SubscriptionScheduleUpdateParams.Phase.AddInvoiceItem.Period {
  const bound = <T extends string>(b: { type: T; timestamp?: number | null }) => (b.timestamp ? { type: b.type, timestamp: b.timestamp } : { type: b.type });
  return { start: bound(period.start), end: bound(period.end) } as Stripe.SubscriptionScheduleUpdateParams.Phase.AddInvoiceItem.Period;
}

/** Stripe's retrieved schedule → the planner's state (expanded or bare ids both work). */
export function scheduleStateFromStripe(schedule: Stripe.SubscriptionSchedule): ScheduleState {
  return {
    id: schedule.id,
    status: schedule.status,
    customer: idOf(schedule.customer) ?? '',
    currentPhase: schedule.current_phase ? { start_date: schedule.current_phase.start_date, end_date: schedule.current_phase.end_date } : null,
    metadata: schedule.metadata ?? {},
    phases: schedule.phases.map((phase) => ({
      start_date: phase.start_date,
      end_date: phase.end_date,
      items: phase.items.map((item) => ({
        price: idOf(item.price) ?? '',
        ...(item.quantity !== undefined && item.quantity !== null ? { quantity: item.quantity } : {}),
        ...(item.metadata ? { metadata: item.metadata } : {}),
        ...(discountsOf(item.discounts) ? { discounts: discountsOf(item.discounts) } : {}),
      })),
      add_invoice_items: phase.add_invoice_items.map((item) => ({
        price: idOf(item.price) ?? '',
        ...(item.quantity !== null ? { quantity: item.quantity } : {}),
        ...(item.metadata ? { metadata: item.metadata } : {}),
        ...(discountsOf(item.discounts) ? { discounts: discountsOf(item.discounts) } : {}),
        period: periodOf(item.period),
      })),
      ...(phase.metadata ? { metadata: phase.metadata } : {}),
      proration_behavior: phase.proration_behavior as Stripe.SubscriptionScheduleUpdateParams.Phase.ProrationBehavior,
      ...(discountsOf(phase.discounts) ? { discounts: discountsOf(phase.discounts) } : {}),
    })),
  };
}

/** The phase Stripe is in now (matched by start date, the one bound Stripe keeps fixed). */
export function isCurrentPhase(state: ScheduleState, phase: SchedulePhase): boolean {
  return state.currentPhase !== null && state.currentPhase.start_date === phase.start_date;
}

/** A planned phase list in update-param shape; `now` marks bounds Stripe will stamp at apply time. */
export type PlannedPhase = Omit<PhaseParams, 'start_date' | 'end_date'> & { start_date: number | 'now'; end_date: number | 'now' };

/** The state after Stripe applied an update planned at `now` (its `now` bounds become that timestamp). */
export function applyPlannedPhases(state: ScheduleState, phases: readonly PlannedPhase[], now: number): ScheduleState {
  const resolved = phases.map((p) => ({ ...p, start_date: p.start_date === 'now' ? now : p.start_date, end_date: p.end_date === 'now' ? now : p.end_date }));
  const current = resolved.find((p) => p.start_date <= now && now < p.end_date);
  return { ...state, phases: resolved, currentPhase: current ? { start_date: current.start_date, end_date: current.end_date } : null };
}
