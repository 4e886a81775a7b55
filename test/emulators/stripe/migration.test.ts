// Stripe taking over a subscription billed elsewhere until now (docs.stripe.com/billing/subscriptions/backdating,
// /billing/subscriptions/billing-cycle): a subscription backdated to its real start with its billing cycle anchored
// on the next billing date and `proration_behavior: none`, then a schedule made from it (`from_subscription`) and
// updated — the calls of old-order migration, with the answers real Stripe gave them in the recording
// amendments.test_old_order_migration__migrates_an_order_billed_outside_of_Stripe_with_annual_pricing.
import type Stripe from 'stripe';
import { addMonths, fromUnixSeconds, toUnixSeconds } from '../../../plugin/src/core/dates.js';
import { advanceClock, JAN_1_2030, paysWith, product, stripeError, useEmulator } from './helpers.js';

const fx = useEmulator();

const monthsAfter = (start: number, months: number): number => toUnixSeconds(addMonths(fromUnixSeconds(start), months));
/** Started five months before the clock's now (2030-01-01), billed yearly: the next billing date is 2030-08-01. */
const STARTED = monthsAfter(JAN_1_2030, -5);
const ANCHOR = monthsAfter(STARTED, 12);

let yearly: Stripe.Price;
beforeAll(async () => {
  const seat = await product(fx.stripe, 'Migrated seat');
  yearly = await fx.stripe.prices.create({
    product: seat.id,
    currency: 'usd',
    unit_amount: 12_000,
    recurring: { interval: 'year' },
  });
});

async function clockedCustomer(): Promise<{ clock: Stripe.TestHelpers.TestClock; customer: Stripe.Customer }> {
  const clock = await fx.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2030 });
  const customer = await fx.stripe.customers.create({
    name: 'Migrated',
    test_clock: clock.id,
    ...paysWith(),
  });
  return { clock, customer };
}

function migrated(customer: string, anchor = ANCHOR): Stripe.SubscriptionCreateParams {
  return {
    customer,
    items: [{ price: yearly.id, quantity: 2 }],
    backdate_start_date: STARTED,
    billing_cycle_anchor: anchor,
    proration_behavior: 'none',
    metadata: { salesforce_pre_integration_order: 'true' },
  };
}

describe('billing_cycle_anchor on a new subscription', () => {
  it('must be in the future (docs.stripe.com/api/subscriptions/create#create_subscription-billing_cycle_anchor)', async () => {
    const { customer } = await clockedCustomer();
    const error = await stripeError(fx.stripe.subscriptions.create(migrated(customer.id, JAN_1_2030 - 1)));
    expect(error.param).toBe('billing_cycle_anchor');
    expect(error.message).toContain('in the future');
  });

  it('may not come after the natural billing date counted from the (backdated) start (docs.stripe.com/payments/checkout/billing-cycle)', async () => {
    const { customer } = await clockedCustomer();
    const error = await stripeError(fx.stripe.subscriptions.create(migrated(customer.id, ANCHOR + 1)));
    expect(error.param).toBe('billing_cycle_anchor');
    expect(error.message).toContain('next natural billing date');
  });

  it('with the default create_prorations is refused as not modelled: the emulator never prorates', async () => {
    const { customer } = await clockedCustomer();
    const { proration_behavior: _none, ...prorated } = migrated(customer.id);
    const error = await stripeError(fx.stripe.subscriptions.create(prorated));
    expect(error.param).toBe('proration_behavior');
  });

  it('backdated with no prorations: the start stays backdated, the period up to the anchor is free, the anchor bills a full period', async () => {
    const { clock, customer } = await clockedCustomer();
    const subscription = await fx.stripe.subscriptions.create(migrated(customer.id));
    // As recorded: start_date the backdate, billing_cycle_anchor and the period's end the anchor, the period from now, no invoice.
    expect(subscription).toMatchObject({
      start_date: STARTED,
      billing_cycle_anchor: ANCHOR,
      created: JAN_1_2030,
      latest_invoice: null,
    });
    expect(subscription.items.data[0]).toMatchObject({ current_period_start: JAN_1_2030, current_period_end: ANCHOR });
    expect((await fx.stripe.invoices.list({ customer: customer.id })).data).toEqual([]);

    await advanceClock(fx.stripe, clock.id, ANCHOR);
    const invoices = (await fx.stripe.invoices.list({ customer: customer.id })).data;
    expect(invoices.map((i) => [i.billing_reason, i.total])).toEqual([['subscription_cycle', 24_000]]);
  });
});

describe('a schedule from a subscription in its free first period, then updated', () => {
  it('starts with that period and the first full one, as Stripe answered (recording, interaction 57)', async () => {
    const { customer } = await clockedCustomer();
    const subscription = await fx.stripe.subscriptions.create(migrated(customer.id));
    const schedule = await fx.stripe.subscriptionSchedules.create({ from_subscription: subscription.id });
    expect(schedule).toMatchObject({
      status: 'active',
      end_behavior: 'release',
      metadata: {},
      subscription: subscription.id,
      current_phase: { start_date: JAN_1_2030, end_date: ANCHOR },
    });
    expect(schedule.phases.map((p) => [p.start_date, p.end_date, p.items.map((i) => i.quantity)])).toEqual([
      [JAN_1_2030, ANCHOR, [2]],
      [ANCHOR, monthsAfter(ANCHOR, 12), [2]],
    ]);
  });

  it('keeps its current phase start on update (a different one is refused), and cancels at the new end', async () => {
    const { clock, customer } = await clockedCustomer();
    const subscription = await fx.stripe.subscriptions.create(migrated(customer.id));
    const schedule = await fx.stripe.subscriptionSchedules.create({ from_subscription: subscription.id });
    const end = monthsAfter(STARTED, 24);
    const phases = (start: number): Stripe.SubscriptionScheduleUpdateParams.Phase[] => [
      { start_date: start, end_date: end, items: [{ price: yearly.id, quantity: 2 }], proration_behavior: 'none' },
    ];
    const moved = await stripeError(
      fx.stripe.subscriptionSchedules.update(schedule.id, { phases: phases(STARTED), end_behavior: 'cancel' }),
    );
    expect(moved.param).toBe('phases[0][start_date]');

    const updated = await fx.stripe.subscriptionSchedules.update(schedule.id, {
      phases: phases(JAN_1_2030),
      end_behavior: 'cancel',
      metadata: { salesforce_pre_integration_order: 'true' },
      proration_behavior: 'none',
    });
    expect(updated.phases.map((p) => [p.start_date, p.end_date])).toEqual([[JAN_1_2030, end]]);
    expect(updated).toMatchObject({ end_behavior: 'cancel', metadata: { salesforce_pre_integration_order: 'true' } });

    await advanceClock(fx.stripe, clock.id, end);
    const invoices = (await fx.stripe.invoices.list({ customer: customer.id })).data;
    // One full year billed at the anchor, nothing before it, and the subscription ends with the order.
    expect(invoices.map((i) => [i.billing_reason, i.total])).toEqual([['subscription_cycle', 24_000]]);
    expect((await fx.stripe.subscriptions.retrieve(subscription.id)).status).toBe('canceled');
  });
});
