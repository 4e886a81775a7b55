// S36 and S37: evergreen orders become Stripe subscriptions; amendments add to or cancel them.
import type * as M from '../../../plugin/src/core/records/models.js';
import { ref, type SyncPlan } from '../../../plugin/src/core/plan/plan.js';
import { toId18 } from '../../../plugin/src/core/records/salesforceIds.js';
import { ContractFixture, EVERGREEN_SEAT } from './contractFixture.js';
import { INSTANCE_URL, StripeLedger, ts } from './stripeLedger.js';

const orderMeta = (order: M.Order) => ({
  salesforce_order_id: toId18(order.Id),
  salesforce_order_link: `${INSTANCE_URL}/${toId18(order.Id)}`,
});
const itemMeta = (line: M.OrderItem) => ({
  salesforce_order_item_id: toId18(line.Id),
  salesforce_order_item_link: `${INSTANCE_URL}/${toId18(line.Id)}`,
});

function evergreen(start = '2030-03-01', extra: Partial<M.OrderItem> = {}) {
  const c = new ContractFixture(start, 1);
  const seat = c.product(EVERGREEN_SEAT);
  const line = c.line(seat, { quantity: 2, orderItem: extra });
  return { c, seat, line, stripe: new StripeLedger(c) };
}

function problems(fn: () => unknown): { message: string; record: unknown }[] {
  try {
    fn();
  } catch (e) {
    return (e as { errors: { resolutionMessage: string; record: unknown }[] }).errors.map((x) => ({
      message: x.resolutionMessage,
      record: x.record,
    }));
  }
  throw new Error('expected errors');
}

const opsOf = (plan: SyncPlan, prefix: string) =>
  plan.operations.filter((o) => o.op.startsWith(prefix)).map((o) => [o.op, 'id' in o ? o.id : o.ref, o.params]);

describe('S36 — evergreen order', () => {
  it('starting today becomes a subscription at the per-period price, with send_invoice collection', () => {
    const { c, seat, line, stripe } = evergreen();
    const plan = stripe.sync(c.initial.order.Id, ts('2030-03-01', '09:00:00'));
    const priceRef = ref('price', toId18(seat.pricebookEntry.Id));
    expect(opsOf(plan, 'subscriptions.')).toEqual([
      [
        'subscriptions.create',
        ref('subscription', toId18(c.initial.order.Id)),
        {
          customer: ref('customer', toId18(c.account.Id)),
          items: [{ price: priceRef, quantity: 2, metadata: itemMeta(line) }],
          metadata: orderMeta(c.initial.order),
          cancel_at_period_end: false,
          collection_method: 'send_invoice',
          days_until_due: 30,
        },
      ],
    ]);
    const price = plan.operations.find((o) => o.ref === priceRef)!;
    expect(String((price.params as { unit_amount_decimal: unknown }).unit_amount_decimal)).toBe('5000');
    expect(c.initial.order.Stripe_ID__c).toMatch(/^sub_\d+$/);
    expect(plan.syncRecords).toContainEqual(
      expect.objectContaining({
        status: 'Success',
        message: expect.stringMatching(/^Created Stripe Subscription with Id: /),
      }),
    );
  });

  it('starting later goes through a schedule released a second after the start', () => {
    const { c, stripe } = evergreen('2030-04-01');
    const plan = stripe.plan(c.initial.order.Id, ts('2030-03-01'));
    const create = plan.operations.find((o) => o.op === 'subscriptionSchedules.create')!;
    expect(create.params).toMatchObject({ start_date: ts('2030-04-01'), end_behavior: 'release' });
    expect((create.params as { phases: { end_date: number }[] }).phases.map((p) => p.end_date)).toEqual([
      ts('2030-04-01') + 1,
    ]);
  });

  it('starting later sends its phase with no prorations and the Order keys, as the reference did (recording test_evergreen_order__translates_evergreen_salesforce_order_to_a_stripe_subscription)', () => {
    const { c, stripe } = evergreen('2030-04-01');
    const plan = stripe.plan(c.initial.order.Id, ts('2030-03-01'));
    const [phase] = (
      plan.operations.find((o) => o.op === 'subscriptionSchedules.create')!.params as {
        phases: { proration_behavior?: string; metadata: object }[];
      }
    ).phases;
    expect(phase).toMatchObject({ proration_behavior: 'none', metadata: orderMeta(c.initial.order) });
  });

  it('rejects a backdated start, terms other than 1, and renewable lines beside evergreen ones', () => {
    const backdated = evergreen('2030-02-01');
    expect(problems(() => backdated.stripe.plan(backdated.c.initial.order.Id, ts('2030-03-01')))[0]!.message).toBe(
      'Data Error: Backdated evergreen Salesforce orders are not yet supported.',
    );
    const odd = evergreen('2030-03-01', { SBQQ__DefaultSubscriptionTerm__c: 12 });
    expect(problems(() => odd.stripe.plan(odd.c.initial.order.Id, ts('2030-03-01')))).toEqual([
      {
        message:
          'Evergreen Salesforce orders should have default subscription term and quote subscription term equal to 1.',
        record: { type: 'OrderItem', id: toId18(odd.line.Id) },
      },
    ]);
    const mixed = evergreen();
    mixed.c.line(mixed.c.product({ name: 'Platform', billingFrequency: 'Monthly', listPrice: 10 }), { quantity: 1 });
    expect(problems(() => mixed.stripe.plan(mixed.c.initial.order.Id, ts('2030-03-01')))[0]!.message).toBe(
      'Salesforce orders with both Evergreen and Renewable items are not yet supported.',
    );
  });
});

describe('S37 — evergreen cancellation', () => {
  function started() {
    const e = evergreen();
    e.stripe.sync(e.c.initial.order.Id, ts('2030-03-01', '09:00:00'));
    return { ...e, subscriptionId: e.c.initial.order.Stripe_ID__c! };
  }

  it('cancels now, without invoice or proration, when the amendment starts today', () => {
    const { c, seat, line, stripe, subscriptionId } = started();
    const m = c.amendment('2030-05-10', 1);
    m.line(seat, { quantity: -2, revises: line.Id });
    const plan = stripe.sync(m.order.Id, ts('2030-05-10', '08:00:00'));
    expect(opsOf(plan, 'subscriptions.')).toEqual([
      ['subscriptions.cancel', subscriptionId, { invoice_now: false, prorate: false }],
    ]);
    expect(m.order.Stripe_ID__c).toBe(subscriptionId);
  });

  it('sets cancel_at when the amendment starts later; a later amendment of the canceled subscription is refused', () => {
    const { c, seat, line, stripe, subscriptionId } = started();
    const m = c.amendment('2030-06-01', 1);
    m.line(seat, { quantity: -2, revises: line.Id });
    expect(opsOf(stripe.sync(m.order.Id, ts('2030-05-10')), 'subscriptions.')).toEqual([
      ['subscriptions.update', subscriptionId, { cancel_at: ts('2030-06-01'), proration_behavior: 'none' }],
    ]);
    stripe.state.subscriptions[subscriptionId] = { ...stripe.state.subscriptions[subscriptionId]!, status: 'canceled' };
    const again = c.amendment('2030-07-01', 1);
    again.line(seat, { quantity: 1 });
    expect(problems(() => stripe.plan(again.order.Id, ts('2030-07-01')))[0]!.message).toBe(
      "Data Error: The Stripe subscription for the evergreen order has already been cancelled and can't be modified.",
    );
  });

  it('adds lines today, with a duplicate of a price the subscription already bills (Stripe takes a price once); refuses renewable lines and future additions', () => {
    const { c, seat, stripe, subscriptionId } = started();
    const m = c.amendment('2030-05-10', 1);
    const more = m.line(seat, { quantity: 1 });
    const plan = stripe.plan(m.order.Id, ts('2030-05-10'));
    const duplicate = ref('price_duplicate', toId18(more.Id));
    expect(plan.operations.map((o) => [o.op, o.ref])).toEqual([
      ['prices.create', duplicate],
      ['subscriptions.update', ref('subscription', toId18(c.initial.order.Id))],
      ['prices.update', duplicate],
    ]);
    expect(JSON.parse(JSON.stringify(plan.operations[0]!.params))).toMatchObject({
      unit_amount_decimal: '5000',
      metadata: { salesforce_duplicate: 'true', salesforce_original_stripe_price_id: seat.pricebookEntry.Stripe_ID__c },
    });
    expect(opsOf(plan, 'subscriptions.')).toEqual([
      [
        'subscriptions.update',
        subscriptionId,
        { items: [{ price: duplicate, quantity: 1, metadata: itemMeta(more) }] },
      ],
    ]);
    expect(problems(() => stripe.plan(m.order.Id, ts('2030-05-01')))[0]!.message).toBe(
      'Data Error: Amendment(s) with start dates in the future was not processed by the connector.',
    );
    (more as { SBQQ__SubscriptionType__c: string }).SBQQ__SubscriptionType__c = 'Renewable';
    expect(problems(() => stripe.plan(m.order.Id, ts('2030-05-10')))[0]!.message).toBe(
      "Adding Salesforce products with a 'Renewable' type to evergreen orders isn't supported.",
    );
  });
});
