/**
 * The Stripe subscription schedule as the amendment planner sees it: phases in update-param shape with
 * numeric dates, so a planned update can be applied to it (in memory) before the next stacked
 * amendment is planned on top. The engine passes the retrieved schedule through `scheduleStateFromStripe`.
 */
import type Stripe from 'stripe';
import { refField, type Ref } from '../plan/plan.js';

export type PhaseParams = Stripe.SubscriptionScheduleUpdateParams.Phase;
export type PhaseItemParams = Stripe.SubscriptionScheduleUpdateParams.Phase.Item;
export type InvoiceItemParams = Stripe.SubscriptionScheduleUpdateParams.Phase.AddInvoiceItem;
export type DiscountParams = Stripe.SubscriptionScheduleUpdateParams.Phase.Discount;

/** A phase whose bounds are known timestamps (Stripe has turned any `now` into one). */
export type SchedulePhase = Omit<PhaseParams, 'start_date' | 'end_date'> & {
  readonly start_date: number;
  readonly end_date: number;
};

export interface ScheduleState {
  /** `sub_sched_…`, or the plan reference of a schedule created earlier in the same plan. */
  readonly id: string;
  /** The reference operations on the schedule are known by (the initial order's `schedule` reference). */
  readonly ref: Ref;
  readonly status: Stripe.SubscriptionSchedule.Status;
  readonly customer: string;
  /**
   * The subscription the schedule runs once started (`refField(ref, 'subscription')` when it starts in
   * this plan); null while it has not started — nothing has been billed yet.
   */
  readonly subscription: string | null;
  /** Bounds of the phase Stripe is in; null before the schedule starts and after it ends. */
  readonly currentPhase: { readonly start_date: number; readonly end_date: number } | null;
  readonly phases: readonly SchedulePhase[];
  readonly metadata: Readonly<Record<string, string>>;
}

const idOf = (value: string | { id: string } | null | undefined): string | undefined =>
  typeof value === 'string' ? value : (value?.id ?? undefined);

function discountsOf(
  discounts: readonly Stripe.SubscriptionSchedule.Phase.Discount[] | undefined,
): DiscountParams[] | undefined {
  if (!discounts?.length) return undefined;
  return discounts.map((d) => {
    const coupon = idOf(d.coupon);
    const discount = idOf(d.discount);
    const promotionCode = idOf(d.promotion_code);
    return coupon ? { coupon } : discount ? { discount } : { promotion_code: promotionCode ?? '' };
  });
}

function periodOf(
  period: Stripe.SubscriptionSchedule.Phase.AddInvoiceItem.Period,
): Stripe.SubscriptionScheduleUpdateParams.Phase.AddInvoiceItem.Period {
  const bound = <T extends string>(b: { type: T; timestamp?: number | null }) =>
    b.timestamp ? { type: b.type, timestamp: b.timestamp } : { type: b.type };
  return {
    start: bound(period.start),
    end: bound(period.end),
  } as Stripe.SubscriptionScheduleUpdateParams.Phase.AddInvoiceItem.Period;
}

/**
 * The phase fields a `subscription_phase` mapping may have set and the planner does not rebuild: carried
 * over, so a later update keeps them (a dropped `trial_end` would end a running trial early).
 */
function mappedPhaseFields(phase: Stripe.SubscriptionSchedule.Phase): Partial<PhaseParams> {
  const days = phase.invoice_settings?.days_until_due;
  return {
    ...(phase.description ? { description: phase.description } : {}),
    ...(phase.trial_end ? { trial_end: phase.trial_end } : {}),
    ...(phase.collection_method ? { collection_method: phase.collection_method } : {}),
    ...(days === null || days === undefined ? {} : { invoice_settings: { days_until_due: days } }),
  };
}

/** Stripe's retrieved schedule → the planner's state (expanded or bare ids both work). */
export function scheduleStateFromStripe(schedule: Stripe.SubscriptionSchedule, scheduleRef: Ref): ScheduleState {
  return {
    id: schedule.id,
    ref: scheduleRef,
    status: schedule.status,
    customer: idOf(schedule.customer) ?? '',
    subscription: idOf(schedule.subscription) ?? null,
    currentPhase: schedule.current_phase
      ? { start_date: schedule.current_phase.start_date, end_date: schedule.current_phase.end_date }
      : null,
    metadata: schedule.metadata ?? {},
    phases: schedule.phases.map((phase) => ({
      ...mappedPhaseFields(phase),
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

/** The state of a schedule this plan creates: its phases run back to back from the start date. */
export function scheduleStateFromCreate(
  scheduleRef: Ref,
  params: Stripe.SubscriptionScheduleCreateParams,
  now: number,
): ScheduleState {
  let start = params.start_date === 'now' || params.start_date === undefined ? now : params.start_date;
  const phases: PlannedPhase[] = (params.phases ?? []).map((phase) => {
    const { end_date, ...rest } = phase;
    const planned = {
      ...(rest as Omit<PhaseParams, 'start_date' | 'end_date'>),
      start_date: start,
      end_date: typeof end_date === 'number' ? end_date : start,
    };
    start = planned.end_date;
    return planned;
  });
  const state: ScheduleState = {
    id: scheduleRef,
    ref: scheduleRef,
    status: 'not_started',
    customer: String(params.customer ?? ''),
    subscription: null,
    currentPhase: null,
    phases: [],
    metadata: {},
  };
  const applied = applyPlannedPhases(state, phases, now);
  return {
    ...applied,
    status: applied.currentPhase ? 'active' : 'not_started',
    metadata: (params.metadata as Record<string, string> | undefined) ?? {},
  };
}

/** A planned phase list in update-param shape; `now` marks bounds Stripe will stamp at apply time. */
export type PlannedPhase = Omit<PhaseParams, 'start_date' | 'end_date'> & {
  start_date: number | 'now';
  end_date: number | 'now';
};

/** The state after Stripe applied an update planned at `now` (its `now` bounds become that timestamp). */
export function applyPlannedPhases(state: ScheduleState, phases: readonly PlannedPhase[], now: number): ScheduleState {
  const resolved = phases.map((p) => ({
    ...p,
    start_date: p.start_date === 'now' ? now : p.start_date,
    end_date: p.end_date === 'now' ? now : p.end_date,
  }));
  const current = resolved.find((p) => p.start_date <= now && now < p.end_date);
  // A schedule Stripe starts with this plan gets its subscription then; later operations read its id from the result.
  const subscription = state.subscription ?? (current ? refField(state.ref, 'subscription') : null);
  return {
    ...state,
    phases: resolved,
    subscription,
    currentPhase: current ? { start_date: current.start_date, end_date: current.end_date } : null,
  };
}
