// Spec §5 scenarios for amendments (S21–S35): each contract is synced the way the product does it —
// the initial order first, then its amendments — and the test asserts the exact Stripe calls planned.
import type Stripe from 'stripe';
import type * as M from '../../../plugin/src/core/models.js';
import { ref, type StripeOperation, type SyncPlan } from '../../../plugin/src/core/plan.js';
import { toId18 } from '../../../plugin/src/core/salesforceIds.js';
import { ContractFixture } from './contractFixture.js';
import { INSTANCE_URL, StripeLedger, ts } from './stripeLedger.js';

const orderMeta = (order: M.Order) => ({ salesforce_order_id: toId18(order.Id), salesforce_order_link: `${INSTANCE_URL}/${toId18(order.Id)}` });
const itemMeta = (line: M.OrderItem) => ({ salesforce_order_item_id: toId18(line.Id), salesforce_order_item_link: `${INSTANCE_URL}/${toId18(line.Id)}` });

type Op<N extends StripeOperation['op']> = Extract<StripeOperation, { op: N }>;
function ops<N extends StripeOperation['op']>(plan: SyncPlan, name: N): Op<N>[] {
  return plan.operations.filter((o): o is Op<N> => o.op === name);
}
function onlyUpdate(plan: SyncPlan): Stripe.SubscriptionScheduleUpdateParams {
  const updates = ops(plan, 'subscriptionSchedules.update');
  expect(updates).toHaveLength(1);
  return updates[0]!.params;
}

describe('S21 — insertion amendment on anniversary (doc example)', () => {
  it('ends the initial phase at the amendment start and adds a phase with the aggregate, same price ids', () => {
    const c = new ContractFixture('2022-01-01', 12);
    const A = c.product({ name: 'A', frequency: 'Monthly', price: 10 });
    const B = c.product({ name: 'B', frequency: 'Monthly', price: 20 });
    const a = c.line(A, { quantity: 10 });
    const stripe = new StripeLedger(c);
    const initialPlan = stripe.sync(c.initial.order.Id, ts('2021-12-15'));
    const scheduleId = c.initial.order.Stripe_ID__c!;
    const priceA = A.entry.Stripe_ID__c!;
    expect(initialPlan.operations.map((o) => o.op)).toContain('subscriptionSchedules.create');

    const m = c.amendment('2022-02-01', 11);
    const reduction = m.line(A, { quantity: -4, revises: a });
    const b = m.line(B, { quantity: 5 });
    const plan = stripe.sync(m.order.Id, ts('2022-01-15'));

    expect(ops(plan, 'subscriptionSchedules.update').map((o) => o.id)).toEqual([scheduleId]);
    expect(onlyUpdate(plan)).toEqual({
      proration_behavior: 'none',
      phases: [
        {
          start_date: ts('2022-01-01'),
          end_date: ts('2022-02-01'),
          items: [{ price: priceA, quantity: 10, metadata: itemMeta(a) }],
          add_invoice_items: [],
          metadata: orderMeta(c.initial.order),
          proration_behavior: 'none',
        },
        {
          start_date: ts('2022-02-01'),
          end_date: ts('2023-01-01'),
          items: [
            { price: priceA, quantity: 6, metadata: itemMeta(a) },
            { price: ref('price', toId18(B.entry.Id)), quantity: 5, metadata: itemMeta(b) },
          ],
          add_invoice_items: [],
          proration_behavior: 'none',
          metadata: orderMeta(m.order),
        },
      ],
    });
    expect(reduction.Stripe_ID__c ?? null).toBeNull();
    expect(m.order.Stripe_ID__c).toBe(scheduleId);
    expect(plan.syncRecords).toContainEqual(expect.objectContaining({ status: 'Success', message: `Created Stripe Subscription Schedule with Id: ${scheduleId}` }));
    // Synced: planning again changes nothing.
    expect(stripe.plan(m.order.Id, ts('2022-01-16')).operations).toEqual([]);
  });
});
