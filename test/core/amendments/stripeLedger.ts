// Applies a SyncPlan in memory the way Stripe and the engine would — ids for created objects, `now`
// stamped on phase bounds, write-backs onto the Salesforce records — so a scenario can sync its initial
// order, then its amendments, each run planned against what the previous one left behind.
import type Stripe from 'stripe';
import type { StripeState, SyncContext } from '../../../plugin/src/core/plan/context.js';
import { EMPTY_MAPPINGS } from '../../../plugin/src/core/mappings/mappings.js';
import type { SyncPlan } from '../../../plugin/src/core/plan/plan.js';
import { planOrderSync } from '../../../plugin/src/core/plan/planner.js';
import { toId18 } from '../../../plugin/src/core/records/salesforceIds.js';
import { parseSettings, type SettingsInput } from '../../../plugin/src/core/settings.js';
import { ReferenceTable } from '../../../plugin/src/stripe/references.js';
import type { BillingFrequency } from '@stripe-cpq/salesforce-org-emulator/seed/cpqRecords.js';
import { ContractFixture, periodMonths } from './contractFixture.js';

export const INSTANCE_URL = 'https://acme.my.salesforce.com';
export const ORG_ID = '00D000000000001AAA';

import { ts } from '../../support/time.js';

export { ts };

/** The record metadata the plan puts on objects made from an Order or an OrderItem. */
export const orderMeta = (order: { Id: string }) => ({
  salesforce_order_id: toId18(order.Id),
  salesforce_order_link: `${INSTANCE_URL}/${toId18(order.Id)}`,
});
export const itemMeta = (line: { Id: string }) => ({
  salesforce_order_item_id: toId18(line.Id),
  salesforce_order_item_link: `${INSTANCE_URL}/${toId18(line.Id)}`,
});

export function syncContext(now: number, settings: SettingsInput = {}, extra: Partial<SyncContext> = {}): SyncContext {
  return {
    orgId: ORG_ID,
    instanceUrl: INSTANCE_URL,
    livemode: false,
    sandbox: false,
    now,
    settings: parseSettings(settings),
    mappings: EMPTY_MAPPINGS,
    ...extra,
  };
}

type Params = Record<string, unknown>;
type Writable<T> = {
  -readonly [K in keyof T]-?: { [id: string]: NonNullable<T[K]> extends Readonly<Record<string, infer V>> ? V : never };
};

export class StripeLedger {
  readonly state: Writable<
    Pick<StripeState, 'customers' | 'products' | 'prices' | 'coupons' | 'subscriptionSchedules' | 'subscriptions'>
  > = {
    subscriptions: {},
    customers: {},
    products: {},
    prices: {},
    coupons: {},
    subscriptionSchedules: {},
  };
  private counter = 0;
  /** Context fields the engine fills besides the clock and settings (e.g. orders failing the sync filter). */
  context: Partial<SyncContext> = {};

  constructor(
    private readonly contract: ContractFixture,
    private readonly settings: SettingsInput = {},
  ) {}

  /** Plans the sync of `orderId` at `now` and applies it. */
  sync(orderId: string, now: number): SyncPlan {
    const plan = this.plan(orderId, now);
    this.apply(plan, now);
    return plan;
  }

  /** Plans without applying, against the schedules as Stripe shows them at `now`. */
  plan(orderId: string, now: number): SyncPlan {
    this.rollForward(now);
    return planOrderSync({
      graph: this.contract.graph(),
      state: this.state,
      context: syncContext(now, this.settings, this.context),
      orderId,
    });
  }

  /** Time passes for every schedule not canceled: its current phase, status and subscription at `now`. */
  private rollForward(now: number): void {
    for (const [id, schedule] of Object.entries(this.state.subscriptionSchedules)) {
      if (schedule.status === 'canceled') continue;
      const phases = schedule.phases;
      const current = phases.find((p) => p.start_date <= now && now < p.end_date);
      const started = phases.length > 0 && phases[0]!.start_date <= now;
      this.state.subscriptionSchedules[id] = {
        ...schedule,
        status: current ? 'active' : started ? 'completed' : 'not_started',
        current_phase: current ? { start_date: current.start_date, end_date: current.end_date } : null,
        subscription: schedule.subscription ?? (started ? `sub_of_${id}` : null),
      } as Stripe.SubscriptionSchedule;
    }
  }

  /** Applies the plan's Stripe operations and, unless told otherwise, its Salesforce write-backs. */
  apply(plan: SyncPlan, now: number, options: { writeBacks?: boolean } = {}): void {
    const table = new ReferenceTable();
    for (const op of plan.operations) {
      const params = table.resolve(op.params) as Params;
      const id = 'id' in op ? String(table.resolve(op.id)) : this.nextId(op.op);
      this.applyOperation(op.op, id, params, now);
      table.record(op.ref, { id });
    }
    if (options.writeBacks === false) return;
    for (const writeBack of plan.writeBacks) {
      const record = Object.values(this.contract.graph())
        .flat()
        .find((r) => (r as { Id: string }).Id === writeBack.id);
      if (record) Object.assign(record, table.resolve(writeBack.fields));
    }
  }

  schedule(id: string): Stripe.SubscriptionSchedule {
    return this.state.subscriptionSchedules[id] as Stripe.SubscriptionSchedule;
  }

  private nextId(op: string): string {
    const prefix =
      {
        'customers.create': 'cus',
        'products.create': 'prod',
        'prices.create': 'price',
        'coupons.create': 'co',
        'subscriptionSchedules.create': 'sub_sched',
        'subscriptions.create': 'sub',
        'billing.meters.create': 'mtr',
      }[op] ?? 'obj';
    return `${prefix}_${++this.counter}`;
  }

  private applyOperation(op: string, id: string, params: Params, now: number): void {
    const s = this.state as unknown as Record<string, Record<string, unknown>>;
    switch (op) {
      case 'customers.create':
        s.customers![id] = { id, object: 'customer', ...params };
        return;
      case 'products.create':
        s.products![id] = { id, object: 'product', active: true, ...params };
        return;
      case 'prices.create': {
        const recurring = params.recurring as Params | undefined;
        s.prices![id] = {
          id,
          object: 'price',
          active: true,
          ...params,
          unit_amount_decimal: params.unit_amount_decimal === undefined ? null : String(params.unit_amount_decimal),
          billing_scheme: params.billing_scheme ?? 'per_unit',
          recurring: recurring ? { interval_count: 1, ...recurring } : null,
          type: recurring ? 'recurring' : 'one_time',
          tax_behavior: params.tax_behavior ?? null,
        };
        return;
      }
      case 'prices.update':
        Object.assign(s.prices![id]!, params);
        return;
      case 'coupons.create':
        s.coupons![id] = {
          id,
          object: 'coupon',
          name: params.name ?? null,
          amount_off: params.amount_off ?? null,
          percent_off: params.percent_off ?? null,
          duration: params.duration ?? 'once',
          duration_in_months: params.duration_in_months ?? null,
          currency: params.currency ?? null,
          metadata: params.metadata ?? {},
        };
        return;
      case 'subscriptionSchedules.create':
        s.subscriptionSchedules![id] = this.scheduleObject(
          id,
          params,
          (params.phases as Params[]) ?? [],
          params.start_date === 'now' ? now : Number(params.start_date),
          now,
        );
        return;
      case 'subscriptionSchedules.update': {
        const existing = s.subscriptionSchedules![id] as Params;
        const phases = (params.phases as Params[]) ?? [];
        const start = phases[0]?.start_date === 'now' ? now : Number(phases[0]?.start_date);
        s.subscriptionSchedules![id] = this.scheduleObject(id, existing, phases, start, now);
        return;
      }
      case 'subscriptions.create':
        s.subscriptions![id] = {
          id,
          object: 'subscription',
          status: 'active',
          ...params,
          items: { object: 'list', data: subscriptionItems(params.items) },
        };
        return;
      case 'subscriptions.update': {
        // Items in an update are new subscription items (the planner sends only the amendment's additions).
        const subscription = s.subscriptions![id] as { items: { data: unknown[] } };
        const { items, ...rest } = params;
        Object.assign(subscription, rest);
        subscription.items.data.push(...subscriptionItems(items));
        return;
      }
      case 'subscriptions.cancel':
        Object.assign(s.subscriptions![id]!, { status: 'canceled' });
        return;
      case 'subscriptionSchedules.cancel':
        Object.assign(s.subscriptionSchedules![id]!, { status: 'canceled', current_phase: null });
        return;
      default:
        return;
    }
  }

  /** A schedule object as Stripe returns it: bounds stamped, discounts and periods in object shape. */
  private scheduleObject(id: string, header: Params, phases: Params[], start: number, now: number): Params {
    let cursor = start;
    const objects = phases.map((phase) => {
      const end = phase.end_date === 'now' ? now : Number(phase.end_date);
      const object = {
        start_date: cursor,
        end_date: end,
        items: ((phase.items as Params[]) ?? []).map((item) => ({
          ...item,
          discounts: discountObjects(item.discounts),
        })),
        add_invoice_items: ((phase.add_invoice_items as Params[]) ?? []).map((item) => ({
          ...item,
          price: item.price ?? `price_data_${++this.counter}`,
          quantity: item.quantity ?? null,
          discounts: discountObjects(item.discounts),
          period: item.period ?? { start: { type: 'max_item_period_start' }, end: { type: 'min_item_period_end' } },
        })),
        metadata: phase.metadata ?? {},
        proration_behavior: phase.proration_behavior ?? 'create_prorations',
        discounts: discountObjects(phase.discounts),
      };
      cursor = end;
      return object;
    });
    const current = objects.find((p) => p.start_date <= now && now < p.end_date);
    const started = objects.length > 0 && objects[0]!.start_date <= now;
    return {
      id,
      object: 'subscription_schedule',
      customer: header.customer,
      metadata: header.metadata ?? {},
      end_behavior: header.end_behavior ?? 'release',
      status: current ? 'active' : started ? 'completed' : 'not_started',
      // Stripe starts the schedule's subscription with its first phase.
      subscription: header.subscription ?? (started ? `sub_of_${id}` : null),
      current_phase: current ? { start_date: current.start_date, end_date: current.end_date } : null,
      phases: objects,
    };
  }
}

/** Subscription items as Stripe returns them: the price as an object. */
function subscriptionItems(items: unknown): Params[] {
  return ((items as Params[] | undefined) ?? []).map((item) => ({ ...item, price: { id: item.price } }));
}

function discountObjects(discounts: unknown): unknown[] {
  return ((discounts as Params[] | undefined) ?? []).map((d) => ({
    coupon: d.coupon ?? null,
    discount: d.discount ?? null,
    promotion_code: d.promotion_code ?? null,
  }));
}

/**
 * A contract of one product line whose initial order Stripe already holds (synced 30 days before it starts);
 * `price` is the list price of one billing period (the product's default term).
 */
export function syncedContract(
  start: string,
  term: number,
  frequency: BillingFrequency,
  price: number,
  quantity: number,
  settings: SettingsInput = {},
) {
  const c = new ContractFixture(start, term);
  const A = c.product({ name: 'A', billingFrequency: frequency, term: periodMonths(frequency), listPrice: price });
  const a = c.line(A, { quantity });
  const stripe = new StripeLedger(c, settings);
  stripe.sync(c.initial.order.Id, ts(start) - 30 * 86_400);
  return { c, A, a, stripe, scheduleId: c.initial.order.Stripe_ID__c!, priceA: A.pricebookEntry.Stripe_ID__c! };
}
