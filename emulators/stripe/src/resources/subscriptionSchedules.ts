/**
 * docs.stripe.com/api/subscription_schedules. Phases are stored with absolute start and end dates:
 * - create: the schedule's `start_date` (a timestamp or `now`; the past backdates) starts phase 0, each phase
 *   ends at its `end_date` (or after its `duration`) and the next one starts there; every phase but the last
 *   needs an end; an end must come after its start;
 * - update: phases run from the current phase onwards, so for a started schedule `phases[0][start_date]` must
 *   equal the current phase's start; a later phase's `start_date`, when given, must equal the previous end
 *   (phases are contiguous); `end_date: now` ends a phase now. Phases that already ended are kept as they
 *   are: an update may omit them or resend them unchanged, never change them;
 * - status, current_phase and the subscription follow the clock (billing.ts): the subscription is created when
 *   phase 0 starts and, after the last phase, canceled (`end_behavior: cancel`) or released (`release`).
 */
import { isDeepStrictEqual } from 'node:util';
import { invalidRequest, onlyOneOf, parameterInvalid, parameterMissing } from '../errors.js';
import { addInterval, type Interval } from '../clock.js';
import type { InvoiceItem, SchedulePhase, Subscription, SubscriptionSchedule } from '../objects.js';
import { listPage, newId } from '../store.js';
import type { ApiRequest, EmulatorState, Route } from '../state.js';
import { applyMetadata, type Params } from '../validation.js';
import { cancelSchedule, enterPhase, releaseSchedule, rollForward } from '../billing.js';
import { claimPriceCurrency, customerTime } from '../customerState.js';
import { emit } from '../events.js';
import { addPendingItems, createInvoice } from './invoices.js';
import { checkDiscounts } from '../discounts.js';
import { oneTimeItems, recurringItems } from './items.js';

type PhaseStart = number;

function phaseEnd(
  state: EmulatorState,
  phase: Params,
  start: PhaseStart,
  index: number,
  isLast: boolean,
  now: number,
): number {
  const param = `phases[${index}]`;
  if (phase.end_date !== undefined && phase.duration !== undefined)
    throw onlyOneOf([`${param}[end_date]`, `${param}[duration]`]);
  let end: number;
  if (phase.end_date === 'now') end = now;
  else if (typeof phase.end_date === 'number') end = phase.end_date;
  else if (phase.duration) {
    const duration = phase.duration as { interval: Interval; interval_count?: number };
    end = addInterval(start, duration.interval, duration.interval_count ?? 1);
  } else if (isLast) {
    // A last phase without an end runs one billing period of its first price.
    const price = state.store.prices.get(String((phase.items as Params[])[0]?.price));
    end = addInterval(start, price.recurring?.interval ?? 'month', price.recurring?.interval_count ?? 1);
  } else throw parameterMissing(`${param}[end_date]`);
  if (end <= start) {
    throw parameterInvalid(
      `${param}[end_date]`,
      `The end of phase ${index} (${end}) must be after its start (${start}).`,
    );
  }
  return end;
}

function buildPhases(
  state: EmulatorState,
  raw: Params[],
  firstStart: number,
  now: number,
  defaults: Params | undefined,
): SchedulePhase[] {
  const phases: SchedulePhase[] = [];
  let start = firstStart;
  raw.forEach((phase, i) => {
    const param = `phases[${i}]`;
    if (i > 0 && phase.start_date !== undefined) {
      const given = phase.start_date === 'now' ? now : Number(phase.start_date);
      if (given !== start) {
        throw parameterInvalid(
          `${param}[start_date]`,
          `Phases must be contiguous: phases[${i}][start_date] (${given}) must equal the end of phases[${i - 1}] (${start}).`,
        );
      }
    }
    const items = recurringItems(state, phase.items as Params[] | undefined, `${param}[items]`);
    const end = phaseEnd(state, phase, start, i, i === raw.length - 1, now);
    const collection = (phase.collection_method as SchedulePhase['collection_method'] | undefined) ?? null;
    const daysUntilDue =
      (phase.invoice_settings as Params | undefined)?.days_until_due ??
      (defaults?.invoice_settings as Params | undefined)?.days_until_due;
    if ((collection ?? defaults?.collection_method) === 'send_invoice' && daysUntilDue === undefined) {
      throw parameterMissing(`${collection ? param : 'default_settings'}[invoice_settings][days_until_due]`);
    }
    // docs.stripe.com/api/subscription_schedules/create#…-phases-trial_end: "Must be before the phase end date".
    if (phase.trial_end !== undefined && Number(phase.trial_end) >= end) {
      throw parameterInvalid(
        `${param}[trial_end]`,
        `The trial end (${String(phase.trial_end)}) must be before the phase end date (${end}).`,
      );
    }
    const firstPrice = state.store.prices.get(items[0]?.price ?? '');
    phases.push({
      add_invoice_items: oneTimeItems(
        state,
        phase.add_invoice_items as Params[] | undefined,
        `${param}[add_invoice_items]`,
      ),
      application_fee_percent: null,
      billing_cycle_anchor: (phase.billing_cycle_anchor as SchedulePhase['billing_cycle_anchor'] | undefined) ?? null,
      billing_thresholds: null,
      collection_method: collection,
      currency: firstPrice.currency,
      default_payment_method: null,
      default_tax_rates: [],
      description: (phase.description as string | undefined) ?? null,
      discounts: checkDiscounts(state, phase.discounts, `${param}[discounts]`),
      end_date: end,
      invoice_settings: phase.invoice_settings ? phaseInvoiceSettings(phase.invoice_settings as Params) : null,
      items,
      metadata: applyMetadata({}, phase.metadata, `${param}[metadata]`),
      on_behalf_of: null,
      proration_behavior:
        (phase.proration_behavior as SchedulePhase['proration_behavior'] | undefined) ?? 'create_prorations',
      start_date: start,
      transfer_data: null,
      trial_end: (phase.trial_end as number | undefined) ?? null,
    });
    start = end;
  });
  const currency = phases[0]?.currency;
  const mismatch = phases.findIndex((p) => p.currency !== currency);
  if (mismatch >= 0)
    throw parameterInvalid(
      `phases[${mismatch}][items]`,
      'All phases of a subscription schedule must use prices of the same currency.',
    );
  return phases;
}

/** A phase's `invoice_settings` as Stripe echoes them (SubscriptionSchedule.Phase.InvoiceSettings). */
function phaseInvoiceSettings(params: Params): Record<string, unknown> {
  return {
    account_tax_ids: null,
    custom_fields: null,
    days_until_due: (params.days_until_due as number | undefined) ?? null,
    description: null,
    footer: null,
    issuer: null,
  };
}

function defaultSettings(params: Params | undefined): SubscriptionSchedule['default_settings'] {
  const invoiceSettings = (params?.invoice_settings as Params | undefined) ?? {};
  return {
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: 'automatic',
    billing_thresholds: null,
    collection_method: (params?.collection_method as string | undefined) ?? 'charge_automatically',
    default_payment_method: null,
    description: (params?.description as string | undefined) ?? null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      days_until_due: (invoiceSettings.days_until_due as number | undefined) ?? null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    on_behalf_of: null,
    transfer_data: null,
  };
}

/** What every schedule carries besides its phases and state (docs.stripe.com/api/subscription_schedules/object). */
function scheduleBase(
  customer: string,
  at: number,
  testClock: string | null,
): Pick<SubscriptionSchedule, 'id' | 'object' | 'created' | 'livemode' | 'customer' | 'test_clock'> &
  Record<string, unknown> {
  return {
    id: newId('sub_sched', 24),
    object: 'subscription_schedule',
    application: null,
    billing_mode: { flexible: null, type: 'classic' },
    canceled_at: null,
    completed_at: null,
    created: at,
    customer,
    customer_account: null,
    livemode: false,
    pause_schedules: [],
    released_at: null,
    released_subscription: null,
    test_clock: testClock,
  };
}

function create(request: ApiRequest): SubscriptionSchedule {
  const { state, params } = request;
  if (params.from_subscription !== undefined) return fromSubscription(request);
  if (params.customer === undefined) throw parameterMissing('customer');
  const customer = state.store.customers.get(String(params.customer), 'customer');
  const now = customerTime(state, customer.id);
  const phasesParam = params.phases as Params[] | undefined;
  if (!phasesParam || phasesParam.length === 0) throw parameterMissing('phases');
  const start = params.start_date === undefined || params.start_date === 'now' ? now : Number(params.start_date);
  const settings = defaultSettings(params.default_settings as Params | undefined);
  const phases = buildPhases(state, phasesParam, start, now, params.default_settings as Params | undefined);
  claimPriceCurrency(customer, phases[0]?.currency ?? '');
  const schedule = state.store.subscriptionSchedules.insert({
    ...scheduleBase(customer.id, now, customer.test_clock),
    status: 'not_started',
    end_behavior: (params.end_behavior as SubscriptionSchedule['end_behavior'] | undefined) ?? 'release',
    phases,
    current_phase: null,
    subscription: null,
    released_subscription: null,
    default_settings: settings,
    metadata: applyMetadata({}, params.metadata),
  });
  emit(state, 'subscription_schedule.created', schedule, now);
  rollForward(state, customer.test_clock, now);
  return schedule;
}

function fromSubscription({ state, params }: ApiRequest): SubscriptionSchedule {
  for (const other of ['customer', 'phases', 'start_date'])
    if (params[other] !== undefined) throw onlyOneOf(['from_subscription', other]);
  const subscription = state.store.subscriptions.get(String(params.from_subscription), 'from_subscription');
  if (subscription.schedule)
    throw invalidRequest(`The subscription ${subscription.id} is already attached to a schedule.`, {
      param: 'from_subscription',
    });
  const now = customerTime(state, subscription.customer);
  const first = subscription.items.data[0];
  const schedule = state.store.subscriptionSchedules.insert({
    ...scheduleBase(subscription.customer, now, subscription.test_clock),
    status: 'active',
    end_behavior: 'release',
    phases: phasesOf(subscription, now),
    current_phase: first ? { start_date: first.current_period_start, end_date: first.current_period_end } : null,
    subscription: subscription.id,
    released_subscription: null,
    default_settings: defaultSettings({ collection_method: subscription.collection_method }),
    metadata: {},
  });
  subscription.schedule = schedule.id;
  emit(state, 'subscription_schedule.created', schedule, now);
  return schedule;
}

/**
 * The phases a schedule made `from_subscription` starts with: the subscription's current period, its items
 * as they are. While the subscription is still in the free first period before a future `billing_cycle_anchor`,
 * Stripe adds the first full period after the anchor as a second phase (recorded answer, interaction 57 of
 * amendments.test_old_order_migration__migrates_an_order_billed_outside_of_Stripe_with_annual_pricing).
 */
function phasesOf(subscription: Subscription, now: number): SchedulePhase[] {
  const first = subscription.items.data[0];
  const start = first?.current_period_start ?? now;
  const end = first?.current_period_end ?? now;
  const phase = (from: number, to: number): SchedulePhase => ({
    add_invoice_items: [],
    application_fee_percent: null,
    billing_cycle_anchor: null,
    billing_thresholds: null,
    collection_method: subscription.collection_method,
    currency: subscription.currency,
    default_payment_method: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    end_date: to,
    invoice_settings: null,
    items: subscription.items.data.map((item) => ({
      billing_thresholds: null,
      discounts: [],
      metadata: item.metadata,
      plan: item.price.id,
      price: item.price.id,
      quantity: item.quantity,
      tax_rates: [],
    })),
    metadata: {},
    on_behalf_of: null,
    proration_behavior: 'create_prorations',
    start_date: from,
    transfer_data: null,
    trial_end: null,
  });
  const recurring = first?.price.recurring;
  const beforeAnchor = first !== undefined && end === subscription.billing_cycle_anchor && start < end;
  if (!beforeAnchor || !recurring) return [phase(start, end)];
  return [phase(start, end), phase(end, addInterval(end, recurring.interval, recurring.interval_count))];
}

function requireChangeable(schedule: SubscriptionSchedule, action: string): void {
  if (schedule.status !== 'not_started' && schedule.status !== 'active') {
    throw invalidRequest(
      `You cannot ${action} a subscription schedule that is currently in the \`${schedule.status}\` status. It must be in the \`not_started\` or \`active\` status.`,
      { code: 'resource_invalid_state' },
    );
  }
}

function update({ state, id, params }: ApiRequest): SubscriptionSchedule {
  const schedule = state.store.subscriptionSchedules.get(id, 'schedule');
  requireChangeable(schedule, 'update');
  const now = customerTime(state, schedule.customer);
  const phasesParam = params.phases as Params[] | undefined;
  const current = phasesParam
    ? replacePhases(state, schedule, phasesParam, now, params.default_settings as Params | undefined)
    : undefined;
  if (params.end_behavior !== undefined)
    schedule.end_behavior = params.end_behavior as SubscriptionSchedule['end_behavior'];
  if (params.default_settings !== undefined)
    schedule.default_settings = defaultSettings(params.default_settings as Params);
  schedule.metadata = applyMetadata(schedule.metadata, params.metadata);
  const subscription = schedule.subscription ? state.store.subscriptions.find(schedule.subscription) : undefined;
  if (schedule.status === 'active' && current) {
    schedule.current_phase = { start_date: current.start_date, end_date: current.end_date };
    if (subscription) enterPhase(state, subscription, current, now);
  }
  emit(state, 'subscription_schedule.updated', schedule, now);
  rollForward(state, schedule.test_clock, now);
  return schedule;
}

/** The update's phases after the ended ones (kept, or resent unchanged); the first of them runs from now. */
function replacePhases(
  state: EmulatorState,
  schedule: SubscriptionSchedule,
  phases: Params[],
  now: number,
  defaults: Params | undefined,
): SchedulePhase | undefined {
  if (phases.length === 0) throw parameterMissing('phases');
  const ended = endedPhases(schedule);
  const resent = resentEnded(ended, phases, now);
  const built = buildPhases(
    state,
    phases,
    resent?.from ?? firstPhaseStart(schedule, phases[0]?.start_date, now),
    now,
    defaults,
  );
  const count = resent?.held.length ?? 0;
  resent?.held.forEach((held, i) => requireUnchanged(held, built[i]!, i));
  schedule.phases = [...ended, ...built.slice(count)];
  return built[count];
}

/**
 * A running schedule's phases that ended before the current one. Stripe keeps them on an update that omits
 * them ("Note that past phases can be omitted", SubscriptionScheduleUpdateParams.phases in stripe-node); the
 * recordings show it (`amendments/test_amendments__syncs_stacked_*`: 2 phases sent, 3 answered, the first
 * the ended phase as it was).
 */
function endedPhases(schedule: SubscriptionSchedule): SchedulePhase[] {
  const current = schedule.status === 'active' ? schedule.current_phase : null;
  return current ? schedule.phases.filter((p) => p.end_date <= current.start_date) : [];
}

/** When the update starts at an ended phase's start: the ended phases it resends (from there to the current one). */
function resentEnded(
  ended: readonly SchedulePhase[],
  phases: readonly Params[],
  now: number,
): { from: number; held: SchedulePhase[] } | undefined {
  const given = phases[0]?.start_date;
  if (given === undefined || ended.length === 0) return undefined;
  const from = given === 'now' ? now : Number(given);
  const at = ended.findIndex((p) => p.start_date === from);
  if (at < 0) return undefined;
  const held = ended.slice(at);
  if (phases.length <= held.length) {
    throw parameterInvalid(
      'phases',
      `The phases sent end before the current phase: send the current phase and those after it (phases that already ended may be left out).`,
    );
  }
  return { from, held };
}

/** A resent ended phase must be the one Stripe holds: a phase that already ended cannot change. */
function requireUnchanged(held: SchedulePhase, sent: SchedulePhase, index: number): void {
  if (isDeepStrictEqual(held, sent)) return;
  throw parameterInvalid(
    `phases[${index}]`,
    `You can not modify a phase that has already ended: phases[${index}] (${held.start_date} to ${held.end_date}) must be sent as it is, or left out.`,
  );
}

/** The start an update's first phase must have: the current phase's start once the schedule runs. */
function firstPhaseStart(schedule: SubscriptionSchedule, given: unknown, now: number): number {
  const requested = given === undefined ? undefined : given === 'now' ? now : Number(given);
  if (schedule.status === 'active' && schedule.current_phase) {
    if (requested !== undefined && requested !== schedule.current_phase.start_date) {
      throw parameterInvalid(
        'phases[0][start_date]',
        `You can not modify the start date of the current phase: phases[0][start_date] must be ${schedule.current_phase.start_date} (the current phase's start), not ${requested}.`,
      );
    }
    return schedule.current_phase.start_date;
  }
  return requested ?? schedule.phases[0]?.start_date ?? now;
}

function list({ state, params }: ApiRequest): unknown {
  const schedules = state.store.subscriptionSchedules
    .all()
    .filter((s) => params.customer === undefined || s.customer === params.customer);
  return listPage(schedules, params, '/v1/subscription_schedules');
}

/** POST …/cancel and …/release: only a not-started or active schedule ends, at the customer's clock time. */
function endSchedule(
  action: 'cancel' | 'release',
  end: (state: EmulatorState, schedule: SubscriptionSchedule, at: number) => void,
) {
  return ({ state, id }: ApiRequest): SubscriptionSchedule => {
    const schedule = state.store.subscriptionSchedules.get(id, 'schedule');
    requireChangeable(schedule, action);
    end(state, schedule, customerTime(state, schedule.customer));
    return schedule;
  };
}

/**
 * POST …/cancel. `invoice_now` (Stripe's default: true) bills what the subscription still owes — its pending
 * invoice items, credits included — on a final invoice; `prorate` is not modelled (the emulator never prorates).
 */
function cancel(request: ApiRequest): SubscriptionSchedule {
  const schedule = endSchedule('cancel', cancelSchedule)(request);
  const subscription = schedule.subscription
    ? request.state.store.subscriptions.find(schedule.subscription)
    : undefined;
  if (request.params.invoice_now !== false && subscription)
    finalInvoice(request.state, subscription, customerTime(request.state, schedule.customer));
  return schedule;
}

function finalInvoice(state: EmulatorState, subscription: Subscription, at: number): void {
  const pending = (item: InvoiceItem) =>
    item.invoice === null && item.parent?.subscription_details.subscription === subscription.id;
  if (!state.store.invoiceItems.all().some(pending)) return;
  const customer = state.store.customers.get(subscription.customer);
  const invoice = createInvoice(state, customer, at, {
    collection_method: subscription.collection_method,
    days_until_due: subscription.days_until_due,
    auto_advance: true,
    billing_reason: 'subscription_update',
    subscription,
  });
  addPendingItems(state, invoice, pending);
  subscription.latest_invoice = invoice.id;
  emit(state, 'invoice.created', invoice, at);
}

export const subscriptionScheduleRoutes: Route[] = [
  { method: 'POST', path: '/v1/subscription_schedules', params: 'SubscriptionScheduleCreateParams', handle: create },
  { method: 'GET', path: '/v1/subscription_schedules', params: 'SubscriptionScheduleListParams', handle: list },
  {
    method: 'GET',
    path: '/v1/subscription_schedules/:id',
    params: 'SubscriptionScheduleRetrieveParams',
    handle: ({ state, id }) => state.store.subscriptionSchedules.get(id, 'id'),
  },
  {
    method: 'POST',
    path: '/v1/subscription_schedules/:id',
    params: 'SubscriptionScheduleUpdateParams',
    handle: update,
  },
  {
    method: 'POST',
    path: '/v1/subscription_schedules/:id/cancel',
    params: 'SubscriptionScheduleCancelParams',
    handle: cancel,
  },
  {
    method: 'POST',
    path: '/v1/subscription_schedules/:id/release',
    params: 'SubscriptionScheduleReleaseParams',
    handle: endSchedule('release', releaseSchedule),
  },
];
