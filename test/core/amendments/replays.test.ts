// Replays of amendments Stripe already holds but Salesforce does not know yet (a run stopped between its
// Stripe writes and its write-back, maybe longer ago than Stripe keeps idempotency keys): terminations
// that canceled or ended the schedule, and evergreen amendments. Each is written back with its Success
// Sync Record and planned no second time; a genuinely new amendment of a canceled schedule keeps the
// documented error.
import type Stripe from 'stripe';
import { toId18 } from '../../../plugin/src/core/records/salesforceIds.js';
import type { SettingsInput } from '../../../plugin/src/core/settings.js';
import type { SyncPlan } from '../../../plugin/src/core/plan/plan.js';
import { errorsOf } from '../planHelpers.js';
import { ContractFixture, EVERGREEN_SEAT } from './contractFixture.js';
import { StripeLedger, syncedContract, ts } from './stripeLedger.js';

const CREDITS: SettingsInput = { features: { terminatedOrderItemCredit: true, terminationMetadata: true } };
const DAY = 86_400;

/** What a replayed plan does: its Stripe operations, the Orders it writes back and its Sync Records. */
const outcome = (plan: SyncPlan) => ({
  operations: plan.operations.map((o) => o.op),
  orders: plan.writeBacks.filter((w) => w.sobject === 'Order').map((w) => [w.id, w.fields]),
  records: plan.syncRecords.map((r) => [r.secondary.id, r.status]),
});

/** An annual contract (two units) running since 2030-01-01 and its termination from `start`. */
function termination(start: string, term: number, settings: SettingsInput = CREDITS) {
  const synced = syncedContract('2030-01-01', 12, 'Annual', 1200, 2, settings);
  const m = synced.c.amendment(start, term);
  m.line(synced.A, { quantity: -2, revises: synced.a.Id });
  return { ...synced, m };
}

describe('a termination Stripe already holds is written back, not planned again', () => {
  it('a same-day cancel (with credits and termination metadata) replayed two days later: no operation, the write-back and a Success record', () => {
    const { m, stripe, scheduleId } = termination('2030-03-01', 10);
    const first = stripe.plan(m.order.Id, ts('2030-03-01', '10:00:00'));
    expect(first.operations.map((o) => o.op)).toEqual([
      'invoiceItems.create',
      'subscriptionSchedules.update',
      'subscriptionSchedules.cancel',
    ]);
    stripe.apply(first, ts('2030-03-01', '10:00:00'), { writeBacks: false });
    expect(stripe.schedule(scheduleId).status).toBe('canceled');

    const replay = stripe.plan(m.order.Id, ts('2030-03-03'));
    expect(outcome(replay)).toEqual({
      operations: [],
      orders: [[toId18(m.order.Id), { Stripe_ID__c: scheduleId }]],
      records: [[toId18(m.order.Id), 'Success']],
    });
  });

  it('a future termination whose schedule already ends on its date: no second update and no second credit after the key window', () => {
    const { m, stripe, scheduleId } = termination('2030-07-01', 6);
    const first = stripe.plan(m.order.Id, ts('2030-05-10'));
    expect(first.operations.map((o) => o.op)).toEqual(['invoiceItems.create', 'subscriptionSchedules.update']);
    stripe.apply(first, ts('2030-05-10'), { writeBacks: false });

    for (const later of [ts('2030-05-12'), ts('2030-08-01')]) {
      expect(outcome(stripe.plan(m.order.Id, later))).toEqual({
        operations: [],
        orders: [[toId18(m.order.Id), { Stripe_ID__c: scheduleId }]],
        records: [[toId18(m.order.Id), 'Success']],
      });
    }
  });

  it('an earlier amendment on the schedule and the termination that canceled it are both written back', () => {
    const { c, A, a, stripe, scheduleId } = syncedContract('2030-01-01', 12, 'Monthly', 10, 1);
    const m1 = c.amendment('2030-03-01', 10);
    m1.line(A, { quantity: 1, revises: a.Id });
    stripe.apply(stripe.plan(m1.order.Id, ts('2030-02-01')), ts('2030-02-01'), { writeBacks: false });
    const m2 = c.amendment('2030-04-01', 9);
    m2.line(A, { quantity: -2, revises: a.Id });
    const cancel = stripe.plan(m2.order.Id, ts('2030-04-01', '09:00:00'));
    expect(cancel.operations.map((o) => o.op)).toEqual(['subscriptionSchedules.cancel']);
    stripe.apply(cancel, ts('2030-04-01', '09:00:00'), { writeBacks: false });

    expect(outcome(stripe.plan(m2.order.Id, ts('2030-04-05')))).toEqual({
      operations: [],
      orders: [
        [toId18(m1.order.Id), { Stripe_ID__c: scheduleId }],
        [toId18(m2.order.Id), { Stripe_ID__c: scheduleId }],
      ],
      records: [
        [toId18(m1.order.Id), 'Success'],
        [toId18(m2.order.Id), 'Success'],
      ],
    });
  });
});

describe('a schedule canceled in Stripe: only the termination its cancel stands for is written back', () => {
  const WRITTEN_BACK = 'written back';
  const REFUSED = "Data Error: The Stripe subscription schedule has already been cancelled and can't be modified.";
  // Contract: 2 units of an annual product, 2030-01-01 to 2031-01-01 (or from `contractStart`), canceled in Stripe.
  const cases: [
    string,
    { start: string; term: number; change: number; now: string; contractStart?: string },
    string,
  ][] = [
    [
      'a same-day full termination (its own cancel)',
      { start: '2030-03-01', term: 10, change: -2, now: '2030-03-01' },
      WRITTEN_BACK,
    ],
    [
      'a backdated full termination (its own cancel)',
      { start: '2030-03-01', term: 10, change: -2, now: '2030-04-15' },
      WRITTEN_BACK,
    ],
    [
      'a full termination of a schedule that had not started (its own cancel)',
      { start: '2030-06-01', term: 12, change: -2, now: '2030-01-10', contractStart: '2030-06-01' },
      WRITTEN_BACK,
    ],
    [
      'a future full termination (it ends the schedule, it does not cancel it)',
      { start: '2030-07-01', term: 6, change: -2, now: '2030-05-10' },
      REFUSED,
    ],
    ['a partial reduction', { start: '2030-03-01', term: 10, change: -1, now: '2030-03-01' }, REFUSED],
    ['an addition', { start: '2030-03-01', term: 10, change: 1, now: '2030-03-01' }, REFUSED],
  ];

  it.each(cases)('%s', (_name, { start, term, change, now, contractStart = '2030-01-01' }, expected) => {
    const { c, A, a, stripe, scheduleId } = syncedContract(contractStart, 12, 'Annual', 1200, 2);
    stripe.state.subscriptionSchedules[scheduleId] = {
      ...stripe.schedule(scheduleId),
      status: 'canceled',
      current_phase: null,
    } as Stripe.SubscriptionSchedule;
    const m = c.amendment(start, term);
    m.line(A, { quantity: change, revises: a.Id });
    if (expected === WRITTEN_BACK) {
      expect(outcome(stripe.plan(m.order.Id, ts(now, '10:00:00')))).toEqual({
        operations: [],
        orders: [[toId18(m.order.Id), { Stripe_ID__c: scheduleId }]],
        records: [[toId18(m.order.Id), 'Success']],
      });
    } else {
      expect(
        errorsOf(() => stripe.plan(m.order.Id, ts(now, '10:00:00'))).map((e) => [e.resolutionMessage, e.record.id]),
      ).toEqual([[expected, toId18(m.order.Id)]]);
    }
  });
});

describe('a canceled schedule refuses a new amendment', () => {
  const canceledError =
    "Data Error: The Stripe subscription schedule has already been cancelled and can't be modified.";

  function canceledBy<T extends { stripe: StripeLedger; m: { order: { Id: string } } }>(termination: T): T {
    termination.stripe.sync(termination.m.order.Id, ts('2030-03-01', '10:00:00'));
    return termination;
  }

  it('a new amendment after the synced termination', () => {
    const { c, A, stripe } = canceledBy(termination('2030-03-01', 10, {}));
    const later = c.amendment('2030-05-01', 8);
    later.line(A, { quantity: 1 });
    expect(
      errorsOf(() => stripe.plan(later.order.Id, ts('2030-04-01'))).map((e) => [e.resolutionMessage, e.record.id]),
    ).toEqual([[canceledError, toId18(later.order.Id)]]);
  });
});

describe('evergreen amendments Stripe already holds (S37 replayed)', () => {
  /** An evergreen subscription (2 seats, monthly) that started 2030-03-01. */
  function started() {
    const c = new ContractFixture('2030-03-01', 1);
    const seat = c.product(EVERGREEN_SEAT);
    const line = c.line(seat, { quantity: 2 });
    const stripe = new StripeLedger(c);
    stripe.sync(c.initial.order.Id, ts('2030-03-01', '09:00:00'));
    return { c, seat, line, stripe, subscriptionId: c.initial.order.Stripe_ID__c! };
  }

  it('an addition whose items are on the subscription is written back after the key window, not added twice', () => {
    const { c, seat, stripe, subscriptionId } = started();
    const m = c.amendment('2030-05-10', 1);
    m.line(seat, { quantity: 1 });
    const first = stripe.plan(m.order.Id, ts('2030-05-10'));
    expect(first.operations.map((o) => o.op)).toEqual(['prices.create', 'subscriptions.update', 'prices.update']);
    stripe.apply(first, ts('2030-05-10'), { writeBacks: false });

    expect(outcome(stripe.plan(m.order.Id, ts('2030-05-12')))).toEqual({
      operations: [],
      orders: [[toId18(m.order.Id), { Stripe_ID__c: subscriptionId }]],
      records: [[toId18(m.order.Id), 'Success']],
    });
  });

  it('an addition of the same product as one on the subscription is still planned: items match by order line, not price', () => {
    const { c, seat, stripe } = started();
    const m1 = c.amendment('2030-05-10', 1);
    m1.line(seat, { quantity: 1 });
    stripe.sync(m1.order.Id, ts('2030-05-10'));
    const m2 = c.amendment('2030-06-10', 1);
    const more = m2.line(seat, { quantity: 3 });
    const plan = stripe.plan(m2.order.Id, ts('2030-06-10'));
    const update = plan.operations.filter((o) => o.op === 'subscriptions.update');
    expect(update.map((o) => o.source.id)).toEqual([toId18(m2.order.Id)]);
    expect(update[0]!.params).toMatchObject({
      items: [{ quantity: 3, metadata: { salesforce_order_item_id: toId18(more.Id) } }],
    });
  });

  it('a cancel today, replayed the next day: written back, not refused as amending a canceled subscription', () => {
    const { c, seat, line, stripe, subscriptionId } = started();
    const m = c.amendment('2030-05-10', 1);
    m.line(seat, { quantity: -2, revises: line.Id });
    stripe.apply(stripe.plan(m.order.Id, ts('2030-05-10', '08:00:00')), ts('2030-05-10', '08:00:00'), {
      writeBacks: false,
    });
    expect(stripe.state.subscriptions[subscriptionId]!.status).toBe('canceled');
    expect(outcome(stripe.plan(m.order.Id, ts('2030-05-11')))).toEqual({
      operations: [],
      orders: [[toId18(m.order.Id), { Stripe_ID__c: subscriptionId }]],
      records: [[toId18(m.order.Id), 'Success']],
    });
  });

  it('a future cancel whose cancel_at is set: written back; a different date is planned', () => {
    const { c, seat, line, stripe, subscriptionId } = started();
    const m = c.amendment('2030-06-01', 1);
    m.line(seat, { quantity: -2, revises: line.Id });
    stripe.apply(stripe.plan(m.order.Id, ts('2030-05-10')), ts('2030-05-10'), { writeBacks: false });
    expect(outcome(stripe.plan(m.order.Id, ts('2030-05-10') + 2 * DAY)).operations).toEqual([]);
    stripe.state.subscriptions[subscriptionId] = {
      ...stripe.state.subscriptions[subscriptionId]!,
      cancel_at: ts('2030-07-01'),
    };
    expect(outcome(stripe.plan(m.order.Id, ts('2030-05-12'))).operations).toEqual(['subscriptions.update']);
  });

  it('a genuinely new amendment of a canceled subscription keeps the documented error', () => {
    const { c, seat, stripe, subscriptionId } = started();
    stripe.state.subscriptions[subscriptionId] = { ...stripe.state.subscriptions[subscriptionId]!, status: 'canceled' };
    const m = c.amendment('2030-07-01', 1);
    m.line(seat, { quantity: 1 });
    expect(errorsOf(() => stripe.plan(m.order.Id, ts('2030-07-01'))).map((e) => e.resolutionMessage)).toEqual([
      "Data Error: The Stripe subscription for the evergreen order has already been cancelled and can't be modified.",
    ]);
  });
});
