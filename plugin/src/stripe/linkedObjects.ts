/**
 * Loads the `StripeState` the planner needs: every Stripe object a record of the graph links to through
 * `Stripe_ID__c` (customers — deleted ones included —, products, prices, coupons, and the order's
 * schedule, subscription or invoice — read as billingReads.ts reads them: discounts expanded, every invoice
 * line), plus the active Billing Meters when the graph has metered products. Prices are read with their
 * `tiers`, which Stripe leaves out unless expanded: without them a linked tiered price would look changed
 * (pricing/prices.ts compares them) and fail the sync with a Data Error.
 * An id Stripe does not know (`resource_missing`) is left out, which the planner reads as "create again".
 */
import type Stripe from 'stripe';
import type { StripeState } from '../core/plan/context.js';
import type { CpqGraphInput } from '../core/records/graph.js';
import { INVOICE_EXPAND, SUBSCRIPTION_EXPAND, withAllLines } from './billingReads.js';
import { listAll, retrieveEach, type StripeGateway } from './client.js';
import { isResourceMissing } from './errors.js';

type Linked = Record<string, unknown> & { readonly Stripe_ID__c?: unknown };

const linkedIds = (records: readonly unknown[] | undefined): string[] => [
  ...new Set(
    (records ?? [])
      .map((r) => (r as Linked).Stripe_ID__c)
      .filter((id): id is string => typeof id === 'string' && id.length > 0),
  ),
];

export async function loadLinkedObjects(graph: CpqGraphInput, gateway: StripeGateway): Promise<StripeState> {
  const { stripe } = gateway;
  const fetchAll = async <T>(name: string, ids: readonly string[], retrieve: (id: string) => Promise<T>) =>
    Object.fromEntries(await retrieveEach(gateway, name, ids, retrieve, missingAsUndefined));
  const orderIds = linkedIds(graph.orders);
  const coupons = [...linkedIds(graph.quoteStripeCoupons), ...linkedIds(graph.orderStripeCoupons)];
  const [customers, products, prices, couponObjects, subscriptionSchedules, subscriptions, invoices, meters] =
    await Promise.all([
      fetchAll('customers.retrieve', linkedIds(graph.accounts), (id) => stripe.customers.retrieve(id)),
      fetchAll('products.retrieve', linkedIds(graph.products), (id) => stripe.products.retrieve(id)),
      fetchAll(
        'prices.retrieve',
        [...new Set([...linkedIds(graph.pricebookEntries), ...linkedIds(graph.orderItems)])],
        (id) => stripe.prices.retrieve(id, { expand: ['tiers'] }),
      ),
      fetchAll('coupons.retrieve', [...new Set(coupons)], (id) => stripe.coupons.retrieve(id)),
      fetchAll(
        'subscriptionSchedules.retrieve',
        orderIds.filter((id) => id.startsWith('sub_sched_')),
        (id) => stripe.subscriptionSchedules.retrieve(id),
      ),
      fetchAll(
        'subscriptions.retrieve',
        orderIds.filter((id) => /^sub_(?!sched_)/.test(id)),
        (id) => stripe.subscriptions.retrieve(id, { expand: SUBSCRIPTION_EXPAND }),
      ),
      fetchAll(
        'invoices.retrieve',
        orderIds.filter((id) => id.startsWith('in_')),
        (id) => stripe.invoices.retrieve(id, { expand: INVOICE_EXPAND }),
      ),
      hasMeteredProducts(graph) ? listActiveMeters(gateway) : Promise.resolve([]),
    ]);
  return {
    customers,
    products,
    prices,
    coupons: couponObjects,
    subscriptionSchedules,
    subscriptions,
    invoices: await everyLine(gateway, invoices),
    meters,
  };
}

function missingAsUndefined(error: unknown): undefined {
  if (isResourceMissing(error)) return undefined;
  throw error;
}

/** Metered lines need a Billing Meter; the meter list is read only when the graph has any. */
function hasMeteredProducts(graph: CpqGraphInput): boolean {
  const metered = (r: unknown) => (r as Linked).SBQQ__BillingType__c === 'Arrears';
  return (graph.products ?? []).some(metered) || (graph.orderItems ?? []).some(metered);
}

/** The order's invoice with all its lines (a preview of an invoiced order shows every one). */
async function everyLine(
  gateway: StripeGateway,
  invoices: Record<string, Stripe.Invoice>,
): Promise<Record<string, Stripe.Invoice>> {
  const complete = await Promise.all(Object.values(invoices).map((invoice) => withAllLines(gateway, invoice)));
  return Object.fromEntries(complete.map((invoice) => [invoice.id, invoice]));
}

function listActiveMeters(gateway: StripeGateway): Promise<Stripe.Billing.Meter[]> {
  return listAll(gateway, 'billing.meters.list', (page) =>
    gateway.stripe.billing.meters.list({ ...page, status: 'active' }),
  );
}
