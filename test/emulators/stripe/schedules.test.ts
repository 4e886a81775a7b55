// Subscription schedules (docs.stripe.com/api/subscription_schedules, /billing/subscriptions/subscription-schedules):
// the phase rules the mapping depends on, and status, subscription and invoices following a test clock.
import Stripe from 'stripe';
import { addMonths, fromUnixSeconds, toUnixSeconds } from '../../../plugin/src/core/dates.js';
import {
  advanceClock,
  DAY,
  JAN_1_2030,
  monthlyPrice,
  product,
  stripeError,
  useEmulator,
  waitForClock,
  paysWith,
} from './helpers.js';

const fx = useEmulator();

const monthsAfter = (start: number, months: number): number => toUnixSeconds(addMonths(fromUnixSeconds(start), months));

async function clockedCustomer(
  frozenTime = JAN_1_2030,
): Promise<{ clock: Stripe.TestHelpers.TestClock; customer: Stripe.Customer }> {
  const clock = await fx.stripe.testHelpers.testClocks.create({ frozen_time: frozenTime });
  const customer = await fx.stripe.customers.create({
    name: 'Clocked',
    test_clock: clock.id,
    ...paysWith(),
  });
  return { clock, customer };
}

async function advance(clockId: string, to: number): Promise<void> {
  expect((await advanceClock(fx.stripe, clockId, to)).frozen_time).toBe(to);
}

let prices: Stripe.Price[] = [];
let oneTime: Stripe.Price;
beforeAll(async () => {
  const widget = await product(fx.stripe, 'Seat');
  prices = [];
  for (let i = 0; i < 22; i++) prices.push(await monthlyPrice(fx.stripe, widget.id, 1000 + i));
  oneTime = await fx.stripe.prices.create({ product: widget.id, currency: 'usd', unit_amount: 2500 });
});

const price = (i: number): string => prices[i]?.id ?? '';

describe('subscription schedule rules', () => {
  it('allows at most 20 items per phase (docs.stripe.com/api/subscription_schedules/create#create_subscription_schedule-phases-items)', async () => {
    const { customer } = await clockedCustomer();
    const items = (n: number): Stripe.SubscriptionScheduleCreateParams.Phase.Item[] =>
      Array.from({ length: n }, (_, i) => ({ price: price(i), quantity: 1 }));
    const ok = await fx.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: JAN_1_2030 + DAY,
      phases: [{ items: items(20), end_date: JAN_1_2030 + 40 * DAY }],
    });
    expect(ok.phases[0]?.items).toHaveLength(20);
    const error = await stripeError(
      fx.stripe.subscriptionSchedules.create({
        customer: customer.id,
        start_date: JAN_1_2030 + DAY,
        phases: [{ items: items(21), end_date: JAN_1_2030 + 40 * DAY }],
      }),
    );
    expect(error.param).toBe('phases[0][items]');
  });

  it('refuses the same price twice in one phase (docs.stripe.com/connectors/salesforce-cpq/subscription-order-amendments: duplicate prices)', async () => {
    const { customer } = await clockedCustomer();
    const error = await stripeError(
      fx.stripe.subscriptionSchedules.create({
        customer: customer.id,
        start_date: JAN_1_2030,
        phases: [
          {
            items: [
              { price: price(0), quantity: 1 },
              { price: price(0), quantity: 2 },
            ],
            end_date: JAN_1_2030 + 30 * DAY,
          },
        ],
      }),
    );
    expect(error.param).toBe('phases[0][items][1][price]');
    expect(error.message).toContain('Cannot add multiple subscription items with the same price');
  });

  it('allows at most 20 add_invoice_items per phase, of one-time prices only', async () => {
    const { customer } = await clockedCustomer();
    const extras = (n: number): Stripe.SubscriptionScheduleCreateParams.Phase.AddInvoiceItem[] =>
      Array.from({ length: n }, () => ({ price: oneTime.id }));
    const create = (
      addInvoiceItems: Stripe.SubscriptionScheduleCreateParams.Phase.AddInvoiceItem[],
    ): Promise<Stripe.SubscriptionSchedule> =>
      fx.stripe.subscriptionSchedules.create({
        customer: customer.id,
        start_date: JAN_1_2030 + DAY,
        phases: [{ items: [{ price: price(0) }], add_invoice_items: addInvoiceItems, end_date: JAN_1_2030 + 40 * DAY }],
      });
    expect((await create(extras(20))).phases[0]?.add_invoice_items).toHaveLength(20);
    expect((await stripeError(create(extras(21)))).param).toBe('phases[0][add_invoice_items]');
    expect((await stripeError(create([{ price: price(1) }]))).param).toBe('phases[0][add_invoice_items][0][price]');
  });

  it('answers every add_invoice_items entry with a period, max_item_period_start to min_item_period_end when none was sent (docs.stripe.com/api/subscription_schedules/object#subscription_schedule_object-phases-add_invoice_items-period; recording amendments.test_same_day_amendments__ensure_deterministic_ordering_of_amendments_that_start_on_the_same_day_as_initial_order)', async () => {
    const { customer } = await clockedCustomer();
    const schedule = await fx.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: JAN_1_2030 + DAY,
      phases: [
        { items: [{ price: price(0) }], add_invoice_items: [{ price: oneTime.id }], end_date: JAN_1_2030 + 40 * DAY },
      ],
    });
    const retrieved = await fx.stripe.subscriptionSchedules.retrieve(schedule.id);
    expect(retrieved.phases[0]?.add_invoice_items[0]?.period).toEqual({
      start: { type: 'max_item_period_start' },
      end: { type: 'min_item_period_end' },
    });
  });

  it('takes a credit in add_invoice_items as a negative price_data amount, but never on a recurring item (docs.stripe.com/api/subscription_schedules/create#create_subscription_schedule-phases-add_invoice_items-price_data-unit_amount)', async () => {
    const { customer } = await clockedCustomer();
    const productId = (await fx.stripe.prices.retrieve(price(0))).product as string;
    const credit = { currency: 'usd', product: productId, unit_amount_decimal: Stripe.Decimal.from('-2000') };
    const schedule = await fx.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: JAN_1_2030 + DAY,
      phases: [
        {
          items: [{ price: price(0) }],
          add_invoice_items: [{ price_data: credit, quantity: 1 }],
          end_date: JAN_1_2030 + 40 * DAY,
        },
      ],
    });
    const creditPrice = await fx.stripe.prices.retrieve(String(schedule.phases[0]?.add_invoice_items[0]?.price));
    expect(creditPrice).toMatchObject({ type: 'one_time', active: false });
    expect(String(creditPrice.unit_amount_decimal)).toBe('-2000');
    const recurringCredit = await stripeError(
      fx.stripe.subscriptionSchedules.create({
        customer: customer.id,
        start_date: JAN_1_2030 + DAY,
        phases: [
          { items: [{ price_data: { ...credit, recurring: { interval: 'month' } } }], end_date: JAN_1_2030 + 40 * DAY },
        ],
      }),
    );
    expect(recurringCredit.param).toBe('phases[0][items][0][price_data][unit_amount_decimal]');
  });

  it('takes a phase trial_end only before the phase end (docs.stripe.com/api/subscription_schedules/create#create_subscription_schedule-phases-trial_end)', async () => {
    const { customer } = await clockedCustomer();
    const phase = (trialEnd: number) => ({
      items: [{ price: price(0) }],
      trial_end: trialEnd,
      end_date: JAN_1_2030 + 40 * DAY,
    });
    const schedule = await fx.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: JAN_1_2030 + DAY,
      phases: [phase(JAN_1_2030 + 10 * DAY)],
    });
    expect(schedule.phases[0]?.trial_end).toBe(JAN_1_2030 + 10 * DAY);
    const late = await stripeError(
      fx.stripe.subscriptionSchedules.create({
        customer: customer.id,
        start_date: JAN_1_2030 + DAY,
        phases: [phase(JAN_1_2030 + 40 * DAY)],
      }),
    );
    expect(late.param).toBe('phases[0][trial_end]');
  });

  it('needs an end for every phase but the last, after its start (docs.stripe.com/api/subscription_schedules/create#create_subscription_schedule-phases-end_date)', async () => {
    const { customer } = await clockedCustomer();
    const missing = await stripeError(
      fx.stripe.subscriptionSchedules.create({
        customer: customer.id,
        start_date: JAN_1_2030,
        phases: [{ items: [{ price: price(0) }] }, { items: [{ price: price(1) }] }],
      }),
    );
    expect(missing).toMatchObject({ code: 'parameter_missing', param: 'phases[0][end_date]' });
    const backwards = await stripeError(
      fx.stripe.subscriptionSchedules.create({
        customer: customer.id,
        start_date: JAN_1_2030,
        phases: [{ items: [{ price: price(0) }], end_date: JAN_1_2030 - DAY }],
      }),
    );
    expect(backwards.param).toBe('phases[0][end_date]');
  });

  it('has no phase start_date on create: the schedule start_date starts phase 0 (docs.stripe.com/api/subscription_schedules/create)', async () => {
    const { customer } = await clockedCustomer();
    const error = await stripeError(
      fx.stripe.subscriptionSchedules.create({
        customer: customer.id,
        phases: [{ items: [{ price: price(0) }], start_date: JAN_1_2030, end_date: JAN_1_2030 + 30 * DAY }],
      } as unknown as Stripe.SubscriptionScheduleCreateParams),
    );
    expect(error).toMatchObject({
      code: 'parameter_unknown',
      message: 'Received unknown parameter: phases[0][start_date]',
    });
  });

  it('rejects phases[].iterations, removed in 2025-09-30.clover (docs.stripe.com/changelog/clover/2025-09-30/remove-iterations)', async () => {
    const { customer } = await clockedCustomer();
    const error = await stripeError(
      fx.stripe.subscriptionSchedules.create({
        customer: customer.id,
        start_date: JAN_1_2030,
        phases: [{ items: [{ price: price(0) }], iterations: 12 }],
      } as unknown as Stripe.SubscriptionScheduleCreateParams),
    );
    expect(error.message).toBe('Received unknown parameter: phases[0][iterations]');
  });

  it('on update keeps phases contiguous and the first phase on the current phase start (docs.stripe.com/billing/subscriptions/subscription-schedules#updating)', async () => {
    const { customer } = await clockedCustomer();
    const end = monthsAfter(JAN_1_2030, 12);
    const schedule = await fx.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: 'now',
      end_behavior: 'cancel',
      phases: [{ items: [{ price: price(0) }], end_date: end }],
    });
    expect(schedule.status).toBe('active');
    const moved = await stripeError(
      fx.stripe.subscriptionSchedules.update(schedule.id, {
        phases: [{ items: [{ price: price(0) }], start_date: JAN_1_2030 + DAY, end_date: end }],
      }),
    );
    expect(moved.param).toBe('phases[0][start_date]');
    const gap = await stripeError(
      fx.stripe.subscriptionSchedules.update(schedule.id, {
        phases: [
          { items: [{ price: price(0) }], start_date: JAN_1_2030, end_date: monthsAfter(JAN_1_2030, 6) },
          { items: [{ price: price(1) }], start_date: monthsAfter(JAN_1_2030, 6) + DAY, end_date: end },
        ],
      }),
    );
    expect(gap.param).toBe('phases[1][start_date]');
    const amended = await fx.stripe.subscriptionSchedules.update(schedule.id, {
      proration_behavior: 'none',
      phases: [
        { items: [{ price: price(0) }], start_date: JAN_1_2030, end_date: monthsAfter(JAN_1_2030, 6) },
        {
          items: [{ price: price(0) }, { price: price(1), quantity: 3 }],
          start_date: monthsAfter(JAN_1_2030, 6),
          end_date: end,
        },
      ],
    });
    expect(amended.phases.map((p) => [p.start_date, p.end_date])).toEqual([
      [JAN_1_2030, monthsAfter(JAN_1_2030, 6)],
      [monthsAfter(JAN_1_2030, 6), end],
    ]);
  });

  it("ends the current phase with end_date 'now' on update", async () => {
    const { customer } = await clockedCustomer();
    const schedule = await fx.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: JAN_1_2030 - 10 * DAY,
      phases: [{ items: [{ price: price(0) }], end_date: JAN_1_2030 + 50 * DAY }],
    });
    const updated = await fx.stripe.subscriptionSchedules.update(schedule.id, {
      phases: [
        { items: [{ price: price(0) }], start_date: JAN_1_2030 - 10 * DAY, end_date: 'now' },
        { items: [{ price: price(2) }], end_date: JAN_1_2030 + 50 * DAY },
      ],
    });
    expect(updated.phases[0]?.end_date).toBe(JAN_1_2030);
    expect(updated.current_phase).toEqual({ start_date: JAN_1_2030, end_date: JAN_1_2030 + 50 * DAY });
  });

  it('keeps the phases that ended when an update leaves them out, and refuses to change one resent (SubscriptionScheduleUpdateParams.phases: "past phases can be omitted"; recordings amendments.test_amendments__syncs_stacked_*)', async () => {
    const { clock, customer } = await clockedCustomer();
    const start = JAN_1_2030 - 10 * DAY;
    const end = JAN_1_2030 + 50 * DAY;
    const schedule = await fx.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: start,
      phases: [{ items: [{ price: price(0) }], metadata: { order: 'initial' }, end_date: end }],
    });
    await fx.stripe.subscriptionSchedules.update(schedule.id, {
      phases: [
        { items: [{ price: price(0) }], metadata: { order: 'initial' }, start_date: start, end_date: 'now' },
        { items: [{ price: price(2) }], metadata: { order: 'first amendment' }, end_date: end },
      ],
    });
    await advance(clock.id, JAN_1_2030 + 5 * DAY);
    // As the connector does: the current phase ends now, the next starts now; the ended phase is left out.
    const amended = await fx.stripe.subscriptionSchedules.update(schedule.id, {
      phases: [
        { items: [{ price: price(2) }], start_date: JAN_1_2030, end_date: 'now' },
        { items: [{ price: price(3) }], metadata: { order: 'second amendment' }, end_date: end },
      ],
    });
    const held = amended.phases.map((p) => [p.start_date, p.end_date, p.items[0]?.price, p.metadata]);
    expect(held).toEqual([
      [start, JAN_1_2030, price(0), { order: 'initial' }],
      [JAN_1_2030, JAN_1_2030 + 5 * DAY, price(2), {}],
      [JAN_1_2030 + 5 * DAY, end, price(3), { order: 'second amendment' }],
    ]);
    expect(amended.current_phase).toEqual({ start_date: JAN_1_2030 + 5 * DAY, end_date: end });

    const resend = (first: Stripe.SubscriptionScheduleUpdateParams.Phase) =>
      fx.stripe.subscriptionSchedules.update(schedule.id, {
        phases: [
          first,
          { items: [{ price: price(2) }], end_date: JAN_1_2030 + 5 * DAY },
          { items: [{ price: price(3) }], metadata: { order: 'second amendment' }, end_date: end },
        ],
      });
    const unchanged = { items: [{ price: price(0) }], metadata: { order: 'initial' }, start_date: start };
    const again = await resend({ ...unchanged, end_date: JAN_1_2030 });
    expect(again.phases.map((p) => [p.start_date, p.end_date, p.items[0]?.price, p.metadata])).toEqual(held);
    const changed = await stripeError(
      resend({ ...unchanged, items: [{ price: price(0), quantity: 2 }], end_date: JAN_1_2030 }),
    );
    expect(changed).toMatchObject({ type: 'StripeInvalidRequestError', param: 'phases[0]' });
    expect(changed.message).toMatch(/phase that has already ended/);
    const moved = await stripeError(
      fx.stripe.subscriptionSchedules.update(schedule.id, {
        phases: [{ items: [{ price: price(3) }], start_date: JAN_1_2030 + 4 * DAY, end_date: end }],
      }),
    );
    expect(moved.param).toBe('phases[0][start_date]');
    const unchangedSchedule = await fx.stripe.subscriptionSchedules.retrieve(schedule.id);
    expect(unchangedSchedule.phases.map((p) => [p.start_date, p.end_date, p.items[0]?.price, p.metadata])).toEqual(
      held,
    );
  });

  it('refuses coupons that do not exist in discounts', async () => {
    const { customer } = await clockedCustomer();
    const error = await stripeError(
      fx.stripe.subscriptionSchedules.create({
        customer: customer.id,
        start_date: JAN_1_2030,
        phases: [{ items: [{ price: price(0) }], discounts: [{ coupon: 'NOPE' }], end_date: JAN_1_2030 + 30 * DAY }],
      }),
    );
    expect(error).toMatchObject({ code: 'resource_missing', param: 'phases[0][discounts][0][coupon]' });
  });
});

describe('subscription schedules over time (docs.stripe.com/billing/testing/test-clocks)', () => {
  it('is not_started until phase 0 starts, then creates the subscription and its first invoice', async () => {
    const { clock, customer } = await clockedCustomer();
    const start = JAN_1_2030 + 10 * DAY;
    const schedule = await fx.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: start,
      end_behavior: 'cancel',
      phases: [
        {
          items: [{ price: price(0), quantity: 2 }],
          add_invoice_items: [{ price: oneTime.id }],
          end_date: monthsAfter(start, 3),
        },
      ],
    });
    expect(schedule).toMatchObject({ status: 'not_started', current_phase: null, subscription: null });
    await advance(clock.id, start + 60);
    const active = await fx.stripe.subscriptionSchedules.retrieve(schedule.id);
    expect(active.status).toBe('active');
    expect(active.current_phase).toEqual({ start_date: start, end_date: monthsAfter(start, 1 * 3) });
    const subscription = await fx.stripe.subscriptions.retrieve(String(active.subscription));
    expect(subscription).toMatchObject({
      status: 'active',
      schedule: schedule.id,
      customer: customer.id,
      start_date: start,
    });
    expect(subscription.items.data.map((i) => [i.price.id, i.quantity, i.current_period_end])).toEqual([
      [price(0), 2, monthsAfter(start, 1)],
    ]);
    const invoices = await fx.stripe.invoices.list({ customer: customer.id });
    expect(invoices.data).toHaveLength(1);
    expect(invoices.data[0]).toMatchObject({
      billing_reason: 'subscription_create',
      status: 'draft',
      total: 2 * 1000 + 2500,
    });
  });

  it('renews each period, moves to the next phase, and completes with end_behavior cancel', async () => {
    const { clock, customer } = await clockedCustomer();
    const mid = monthsAfter(JAN_1_2030, 2);
    const end = monthsAfter(JAN_1_2030, 4);
    const schedule = await fx.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: 'now',
      end_behavior: 'cancel',
      phases: [
        { items: [{ price: price(0) }], end_date: mid },
        { items: [{ price: price(0) }, { price: price(1), quantity: 2 }], end_date: end },
      ],
    });
    const firstItemId = (await fx.stripe.subscriptions.retrieve(String(schedule.subscription))).items.data[0]?.id;
    await advance(clock.id, mid + 60);
    const moved = await fx.stripe.subscriptionSchedules.retrieve(schedule.id);
    expect(moved.current_phase).toEqual({ start_date: mid, end_date: end });
    const subscription = await fx.stripe.subscriptions.retrieve(String(moved.subscription));
    expect(subscription.items.data.map((i) => i.price.id)).toEqual([price(0), price(1)]);
    expect(subscription.items.data[0]?.id).toBe(firstItemId); // the price that stays keeps its subscription item
    await advance(clock.id, end + 2 * 3600);
    const done = await fx.stripe.subscriptionSchedules.retrieve(schedule.id);
    expect(done).toMatchObject({ status: 'completed', current_phase: null });
    expect((await fx.stripe.subscriptions.retrieve(String(done.subscription))).status).toBe('canceled');
    const invoices = (await fx.stripe.invoices.list({ customer: customer.id, limit: 100 })).data.reverse();
    // Jan, Feb on phase 0; Mar, Apr on phase 1 (1000 + 2 × 1001); nothing after the end.
    expect(invoices.map((i) => [i.billing_reason, i.total])).toEqual([
      ['subscription_create', 1000],
      ['subscription_cycle', 1000],
      ['subscription_cycle', 3002],
      ['subscription_cycle', 3002],
    ]);
    expect(invoices.every((i) => i.status === 'paid')).toBe(true);
  });

  it('bills on the anchor day, clamped to month end (docs.stripe.com/billing/subscriptions/billing-cycle)', async () => {
    const jan31 = Date.UTC(2030, 0, 31) / 1000;
    const { clock, customer } = await clockedCustomer(jan31);
    const subscription = await fx.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price(0) }] });
    await advance(clock.id, Date.UTC(2030, 2, 31) / 1000 + 60);
    const periods = (await fx.stripe.invoices.list({ customer: customer.id })).data
      .reverse()
      .map((i) => new Date(i.created * 1000).toISOString().slice(0, 10));
    expect(periods).toEqual(['2030-01-31', '2030-02-28', '2030-03-31']);
    expect((await fx.stripe.subscriptions.retrieve(subscription.id)).items.data[0]?.current_period_end).toBe(
      Date.UTC(2030, 3, 30) / 1000,
    );
  });

  it('releases the subscription at the end with end_behavior release, and on release', async () => {
    const { clock, customer } = await clockedCustomer();
    const end = monthsAfter(JAN_1_2030, 1);
    const schedule = await fx.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: 'now',
      end_behavior: 'release',
      phases: [{ items: [{ price: price(0) }], end_date: end }],
    });
    await advance(clock.id, end + 60);
    const released = await fx.stripe.subscriptionSchedules.retrieve(schedule.id);
    expect(released).toMatchObject({
      status: 'released',
      subscription: null,
      released_subscription: schedule.subscription,
    });
    expect(await fx.stripe.subscriptions.retrieve(String(schedule.subscription))).toMatchObject({
      status: 'active',
      schedule: null,
    });

    const other = await fx.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: 'now',
      phases: [{ items: [{ price: price(1) }], end_date: monthsAfter(end, 6) }],
    });
    expect((await fx.stripe.subscriptionSchedules.release(other.id)).status).toBe('released');
    const error = await stripeError(fx.stripe.subscriptionSchedules.update(other.id, { metadata: { a: 'b' } }));
    expect(error.message).toContain('currently in the `released` status');
  });

  it('cancels a schedule and its subscription (docs.stripe.com/api/subscription_schedules/cancel)', async () => {
    const { customer } = await clockedCustomer();
    const schedule = await fx.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: 'now',
      phases: [{ items: [{ price: price(0) }], end_date: JAN_1_2030 + 90 * DAY }],
    });
    const canceled = await fx.stripe.subscriptionSchedules.cancel(schedule.id, { invoice_now: false, prorate: false });
    expect(canceled.status).toBe('canceled');
    expect((await fx.stripe.subscriptions.retrieve(String(schedule.subscription))).status).toBe('canceled');
    expect((await stripeError(fx.stripe.subscriptionSchedules.cancel(schedule.id))).message).toContain(
      'currently in the `canceled` status',
    );
  });

  it('refuses changes to objects on a clock that is still advancing (docs.stripe.com/billing/testing/test-clocks#limitations)', async () => {
    const { clock, customer } = await clockedCustomer();
    fx.emulator.store.testClocks.get(clock.id).status = 'advancing';
    const error = await stripeError(
      fx.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price(0) }] }),
    );
    expect(error.message).toContain('is advancing');
    fx.emulator.store.testClocks.get(clock.id).status = 'ready';
    await expect(
      fx.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price(0) }] }),
    ).resolves.toMatchObject({ status: 'active' });
  });

  it('needs days_until_due for send_invoice schedules (docs.stripe.com/api/subscription_schedules/create#create_subscription_schedule-default_settings-invoice_settings-days_until_due)', async () => {
    const { customer } = await clockedCustomer();
    const error = await stripeError(
      fx.stripe.subscriptionSchedules.create({
        customer: customer.id,
        start_date: JAN_1_2030,
        default_settings: { collection_method: 'send_invoice' },
        phases: [{ items: [{ price: price(0) }], end_date: JAN_1_2030 + 30 * DAY }],
      }),
    );
    expect(error).toMatchObject({
      code: 'parameter_missing',
      param: 'default_settings[invoice_settings][days_until_due]',
    });
  });

  it('advances a clock at most two intervals of its shortest subscription at a time (docs.stripe.com/billing/testing/test-clocks#limitations)', async () => {
    const { clock, customer } = await clockedCustomer();
    await fx.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price(0) }] });
    const tooFar = await stripeError(
      fx.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: monthsAfter(JAN_1_2030, 2) + 1 }),
    );
    expect(tooFar.param).toBe('frozen_time');
    const started = await fx.stripe.testHelpers.testClocks.advance(clock.id, {
      frozen_time: monthsAfter(JAN_1_2030, 2),
    });
    expect(started.status).toBe('advancing');
    expect((await waitForClock(fx.stripe, clock.id)).status).toBe('ready');
  });

  it('refuses to advance a test clock backwards (docs.stripe.com/api/test_clocks/advance)', async () => {
    const { clock } = await clockedCustomer();
    expect(
      (await stripeError(fx.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: JAN_1_2030 - 1 }))).param,
    ).toBe('frozen_time');
  });
});
