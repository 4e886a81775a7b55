// Canceling a subscription schedule (docs.stripe.com/api/subscription_schedules/cancel): `invoice_now`
// (default true) bills the subscription's pending invoice items — credits included — on a final invoice;
// `invoice_now: false` leaves them pending; with nothing pending no invoice is made.
import Stripe from 'stripe';
import { DAY, JAN_1_2030, monthlyPrice, product, useEmulator } from './helpers.js';

const fx = useEmulator();

/** A running schedule (started Jan 1 2030 on its customer's test clock) and its subscription. */
async function runningSchedule(): Promise<{
  customer: string;
  schedule: Stripe.SubscriptionSchedule;
  subscription: string;
}> {
  const clock = await fx.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2030 + 10 * DAY });
  const customer = await fx.stripe.customers.create({ name: 'Canceling', test_clock: clock.id });
  const price = await monthlyPrice(fx.stripe, (await product(fx.stripe, 'Seat')).id);
  const schedule = await fx.stripe.subscriptionSchedules.create({
    customer: customer.id,
    start_date: JAN_1_2030,
    phases: [{ items: [{ price: price.id, quantity: 1 }], end_date: JAN_1_2030 + 365 * DAY }],
  });
  return { customer: customer.id, schedule, subscription: String(schedule.subscription) };
}

async function credit(customer: string, subscription: string): Promise<Stripe.InvoiceItem> {
  return fx.stripe.invoiceItems.create({
    customer,
    subscription,
    currency: 'usd',
    unit_amount_decimal: Stripe.Decimal.from('-2500'),
    quantity: 2,
    metadata: { salesforce_credit: 'true' },
  });
}

describe('subscription schedule cancel', () => {
  it('with invoice_now, the final invoice carries the pending credit items of the subscription', async () => {
    const { customer, schedule, subscription } = await runningSchedule();
    const item = await credit(customer, subscription);
    const canceled = await fx.stripe.subscriptionSchedules.cancel(schedule.id, { invoice_now: true, prorate: false });
    expect(canceled.status).toBe('canceled');
    const sub = await fx.stripe.subscriptions.retrieve(subscription);
    expect(sub.status).toBe('canceled');
    const final = await fx.stripe.invoices.retrieve(String(sub.latest_invoice));
    expect(final.lines.data.map((l) => [l.amount, l.metadata])).toEqual([[-5000, { salesforce_credit: 'true' }]]);
    expect(final.total).toBe(-5000);
    expect((await fx.stripe.invoiceItems.retrieve(item.id)).invoice).toBe(final.id);
  });

  it('without invoice_now, the items stay pending and no invoice is made', async () => {
    const { customer, schedule, subscription } = await runningSchedule();
    const item = await credit(customer, subscription);
    const latest = (await fx.stripe.subscriptions.retrieve(subscription)).latest_invoice;
    await fx.stripe.subscriptionSchedules.cancel(schedule.id, { invoice_now: false, prorate: false });
    expect((await fx.stripe.subscriptions.retrieve(subscription)).latest_invoice).toEqual(latest);
    expect((await fx.stripe.invoiceItems.retrieve(item.id)).invoice).toBeNull();
  });

  it('with nothing pending, no final invoice', async () => {
    const { schedule, subscription } = await runningSchedule();
    const latest = (await fx.stripe.subscriptions.retrieve(subscription)).latest_invoice;
    await fx.stripe.subscriptionSchedules.cancel(schedule.id);
    expect((await fx.stripe.subscriptions.retrieve(subscription)).latest_invoice).toEqual(latest);
  });
});
