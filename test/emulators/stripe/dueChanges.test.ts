// Time-driven changes among many objects: every schedule boundary, cancel_at and automatic finalization fires at
// its own moment and in time order, whatever was created, moved, shortened or canceled before (billing.ts applies
// them in the order the due index in dueIndex.ts gives).
import type Stripe from 'stripe';
import { startStripeEmulator, stripeClientFor, type StripeEmulator } from '@stripe-cpq/stripe-emulator';
import { DAY, JAN_1_2030, monthlyPrice, paysWith, product, useConformance, waitForClock } from './helpers.js';

const HOUR = 3_600;
const T0 = JAN_1_2030;

let emulator: StripeEmulator;
let stripe: Stripe;
const conformance = useConformance();
beforeEach(async () => {
  emulator = await startStripeEmulator({
    opsPerSecond: Infinity,
    now: () => T0 * 1000,
    onResponse: conformance.listener,
  });
  stripe = stripeClientFor(emulator, { maxNetworkRetries: 0 });
});
afterEach(async () => {
  await emulator.close();
});

/** Each stored event about `id` after set-up: what happened and when. */
function eventsAbout(id: string, after = T0): Array<[string, number]> {
  return emulator.store.events
    .all()
    .filter((event) => (event.data as { object: { id: string } }).object.id === id && event.created > after)
    .map((event) => [String(event.type), event.created]);
}

interface PlannedSchedule {
  readonly index: number;
  id: string;
  start: number;
  readonly phaseEnd: number;
  readonly end: number;
  readonly endBehavior: 'cancel' | 'release';
  canceled: boolean;
}

function statusAt(plan: PlannedSchedule, at: number): string {
  if (plan.canceled) return 'canceled';
  if (at < plan.start) return 'not_started';
  if (at < plan.end) return 'active';
  return plan.endBehavior === 'cancel' ? 'completed' : 'released';
}

describe('time-driven changes among many objects', () => {
  it('starts, moves and ends 200 schedules each at its own boundary, in time order, as the emulator clock advances between requests', async () => {
    const [monthly, other] = await (async () => {
      const seat = await product(stripe, 'Seat');
      return [await monthlyPrice(stripe, seat.id, 1000), await monthlyPrice(stripe, seat.id, 1500)];
    })();
    const customers = await Promise.all(
      [0, 1, 2, 3].map((i) => stripe.customers.create({ name: `Many ${i}`, ...paysWith() })),
    );
    const plans: PlannedSchedule[] = [];
    for (let index = 0; index < 200; index++) {
      // Starts spread over ten days on the half hour, many sharing an instant; phases of one to four days.
      const start = T0 + HOUR * (1 + ((index * 37) % 240));
      const phaseEnd = start + DAY * (1 + (index % 4));
      const end = phaseEnd + DAY * (2 + (index % 3));
      const endBehavior = index % 2 === 0 ? 'cancel' : 'release';
      const schedule = await stripe.subscriptionSchedules.create({
        customer: customers[index % 4]?.id ?? '',
        start_date: start,
        end_behavior: endBehavior,
        phases: [
          { items: [{ price: monthly?.id ?? '', quantity: 1 }], end_date: phaseEnd },
          { items: [{ price: other?.id ?? '', quantity: 2 }], end_date: end },
        ],
      });
      plans.push({ index, id: schedule.id, start, phaseEnd, end, endBehavior, canceled: false });
    }
    // Before anything starts: some schedules start earlier than first planned (their due time moves up), some are canceled.
    for (const plan of plans) {
      if (plan.index % 7 === 3) {
        plan.start = T0 + HOUR / 2;
        await stripe.subscriptionSchedules.update(plan.id, {
          phases: [
            { start_date: plan.start, items: [{ price: monthly?.id ?? '', quantity: 1 }], end_date: plan.phaseEnd },
            { items: [{ price: other?.id ?? '', quantity: 2 }], end_date: plan.end },
          ],
        });
      }
      if (plan.index % 11 === 5) {
        await stripe.subscriptionSchedules.cancel(plan.id);
        plan.canceled = true;
      }
    }

    // Half-hour steps through twenty days; each step is followed by a request, which sees every change due by then.
    for (let step = 1, now = T0; now < T0 + 20 * DAY; step++) {
      emulator.clock.advanceBy(HOUR / 2);
      now += HOUR / 2;
      const plan = plans[step % plans.length];
      if (!plan) throw new Error('no plan');
      const seen = await stripe.subscriptionSchedules.retrieve(plan.id);
      expect({ schedule: plan.index, at: now, status: seen.status }).toEqual({
        schedule: plan.index,
        at: now,
        status: statusAt(plan, now),
      });
    }

    for (const plan of plans) {
      const expected: Array<[string, number]> = plan.canceled
        ? []
        : [
            ['subscription_schedule.updated', plan.start],
            ['subscription_schedule.updated', plan.phaseEnd],
            [
              plan.endBehavior === 'cancel' ? 'subscription_schedule.completed' : 'subscription_schedule.released',
              plan.end,
            ],
          ];
      expect({ schedule: plan.index, events: eventsAbout(plan.id) }).toEqual({
        schedule: plan.index,
        events: expected,
      });
    }
    // Every draft invoice (one per started subscription) finalized exactly an hour after it was created.
    const invoices = emulator.store.invoices.all();
    expect(invoices).toHaveLength(plans.filter((p) => !p.canceled).length);
    for (const invoice of invoices) expect(invoice.status_transitions.finalized_at).toBe(invoice.created + HOUR);
    // Events were recorded in time order; at one instant, schedules moved in the order they were created.
    const events = emulator.store.events.all().filter((e) => e.created > T0);
    expect(events.map((e) => e.created)).toEqual(events.map((e) => e.created).sort((a, b) => a - b));
    const scheduleOrder = new Map(plans.map((p) => [p.id, p.index]));
    const movedAt = new Map<number, number[]>();
    for (const event of events) {
      const index = scheduleOrder.get((event.data as { object: { id: string } }).object.id);
      if (index !== undefined) movedAt.set(event.created, [...(movedAt.get(event.created) ?? []), index]);
    }
    for (const indices of movedAt.values()) expect(indices).toEqual([...indices].sort((a, b) => a - b));
  });

  it('keeps objects on a test clock to that clock, and ends subscriptions at their latest cancel_at', async () => {
    const seat = await product(stripe, 'Seat');
    const monthly = await monthlyPrice(stripe, seat.id);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const customer = await stripe.customers.create({
      name: 'Clocked',
      test_clock: clock.id,
      ...paysWith(),
    });
    const schedules: Array<{ id: string; start: number }> = [];
    const subscriptions: Array<{ id: string; cancelAt: number | null }> = [];
    for (let k = 0; k < 30; k++) {
      const start = T0 + HOUR * (1 + ((k * 7) % 48));
      const schedule = await stripe.subscriptionSchedules.create({
        customer: customer.id,
        start_date: start,
        phases: [{ items: [{ price: monthly.id }], end_date: start + 20 * DAY }],
      });
      schedules.push({ id: schedule.id, start });
      const subscription = await stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: monthly.id }],
        cancel_at: T0 + HOUR * (40 + k),
      });
      // A third end earlier than first set, a third never end, a third keep their cancel_at.
      const cancelAt = k % 3 === 0 ? T0 + HOUR * (2 + k) : k % 3 === 1 ? null : T0 + HOUR * (40 + k);
      if (k % 3 !== 2) await stripe.subscriptions.update(subscription.id, { cancel_at: cancelAt ?? '' });
      subscriptions.push({ id: subscription.id, cancelAt });
    }

    // The emulator clock moving does not move objects on the test clock.
    emulator.advanceClock(10 * DAY);
    for (const { id } of schedules)
      expect((await stripe.subscriptionSchedules.retrieve(id)).status).toBe('not_started');

    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 3 * DAY });
    expect((await waitForClock(stripe, clock.id)).status).toBe('ready');
    for (const { id, start } of schedules) {
      expect(eventsAbout(id).filter(([type]) => type.startsWith('subscription_schedule.'))).toEqual([
        ['subscription_schedule.updated', start],
      ]);
    }
    for (const { id, cancelAt } of subscriptions) {
      const ended = eventsAbout(id).filter(([type]) => type === 'customer.subscription.deleted');
      expect({ id, ended }).toEqual({
        id,
        ended: cancelAt === null ? [] : [['customer.subscription.deleted', cancelAt]],
      });
    }
  });
});
