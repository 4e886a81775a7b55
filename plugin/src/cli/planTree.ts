/**
 * A SyncPlan as an admin reads it (`sf stripe cpq sync --dry-run`): what Stripe will hold after the sync —
 * customer, products and prices, coupons, the schedule's phases with their dates, items, quantities and
 * one-time items — as an indented tree. Pure: plan in, lines out.
 */
import type Stripe from 'stripe';
import { formatDate, fromUnixSeconds } from '../core/dates.js';
import { decimalOf, isZeroDecimalCurrency } from '../core/money.js';
import type { StripeOperation, SyncPlan } from '../core/plan/plan.js';

export interface TreeNode {
  readonly label: string;
  readonly children?: readonly TreeNode[];
}

/** Renders nodes with box-drawing branches, one line per node. */
export function renderTree(nodes: readonly TreeNode[], prefix = ''): string[] {
  return nodes.flatMap((node, i) => {
    const last = i === nodes.length - 1;
    const line = `${prefix}${last ? '└─ ' : '├─ '}${node.label}`;
    return [line, ...renderTree(node.children ?? [], `${prefix}${last ? '   ' : '│  '}`)];
  });
}

/** The plan as tree nodes: one per Stripe object the sync creates or changes, then the Salesforce write-backs. */
export function planTree(plan: SyncPlan): TreeNode[] {
  const labels = new Map<string, string>();
  const label = (id: unknown): string => labels.get(String(id)) ?? String(id);
  const nodes: TreeNode[] = [];
  for (const operation of plan.operations) {
    const node = operationNode(operation, label);
    if (operation.op.endsWith('.create')) labels.set(operation.ref, node.label.replace(/^(Create|Update) /, ''));
    nodes.push(node);
  }
  if (plan.writeBacks.length > 0) {
    nodes.push({
      label: `Write back to Salesforce (${plan.writeBacks.length} records)`,
      children: plan.writeBacks.map((w) => ({ label: `${w.sobject} ${w.id}: ${Object.keys(w.fields).join(', ')}` })),
    });
  }
  if (plan.syncRecords.length > 0) {
    nodes.push({
      label: `Sync Records (${plan.syncRecords.length})`,
      children: plan.syncRecords.map((r) => ({ label: `${r.status}: ${r.message}` })),
    });
  }
  return nodes;
}

type Label = (id: unknown) => string;

function operationNode(operation: StripeOperation, label: Label): TreeNode {
  switch (operation.op) {
    case 'testClocks.create':
      return {
        label: `Create test clock frozen at ${when(operation.params.frozen_time)} (${operation.source.type} ${operation.source.id})`,
      };
    case 'customers.create':
    case 'customers.update':
      return { label: named(`${verb(operation.op)} customer`, operation.params.name, operation.source) };
    case 'products.create':
    case 'products.update':
      return { label: named(`${verb(operation.op)} product`, operation.params.name, operation.source) };
    case 'prices.create':
      return { label: `Create price ${priceText(operation.params)} (${operation.source.type} ${operation.source.id})` };
    case 'coupons.create':
      return { label: `Create coupon ${couponText(operation.params)}` };
    case 'subscriptionSchedules.create':
    case 'subscriptionSchedules.update': {
      const params = operation.params as
        Stripe.SubscriptionScheduleCreateParams | Stripe.SubscriptionScheduleUpdateParams;
      const phases = (params.phases ?? []) as Array<
        Stripe.SubscriptionScheduleCreateParams.Phase | Stripe.SubscriptionScheduleUpdateParams.Phase
      >;
      const start = 'start_date' in params && params.start_date !== undefined ? ` from ${when(params.start_date)}` : '';
      return {
        label: `${verb(operation.op)} subscription schedule${start}, ${params.end_behavior ?? 'release'} at end (${operation.source.type} ${operation.source.id})`,
        children: phases.map((phase, i) => phaseNode(phase, i, label)),
      };
    }
    case 'subscriptions.create':
      return {
        label: `Create subscription (evergreen) (${operation.source.type} ${operation.source.id})`,
        children: [
          ...(operation.params.items ?? []).map((item) => itemNode(item.price, item.quantity, label)),
          ...discountNodes(operation.params.discounts, label),
        ],
      };
    case 'invoiceItems.create':
      return {
        label: `Add one-time item ${label(operation.params.pricing?.price ?? operation.params.description ?? '')} × ${operation.params.quantity ?? 1}`,
      };
    case 'invoices.create':
      return {
        label: `Create invoice (${operation.params.collection_method ?? 'charge_automatically'}) (${operation.source.type} ${operation.source.id})`,
      };
    case 'invoices.finalizeInvoice':
      return { label: `Finalize invoice ${label(operation.id)}` };
    default:
      return { label: `${operation.op} (${operation.source.type} ${operation.source.id})` };
  }
}

/** "Create customer Acme (Account 001…)"; the name is left out when the plan does not set it. */
function named(what: string, name: string | undefined | null, source: { type: string; id: string }): string {
  return [what, name, `(${source.type} ${source.id})`].filter(Boolean).join(' ');
}

function verb(op: string): string {
  return op.endsWith('.create') ? 'Create' : 'Update';
}

type PhaseParams = Stripe.SubscriptionScheduleCreateParams.Phase | Stripe.SubscriptionScheduleUpdateParams.Phase;

function phaseNode(phase: PhaseParams, index: number, label: Label): TreeNode {
  const start =
    'start_date' in phase && phase.start_date !== undefined
      ? when(phase.start_date)
      : index === 0
        ? 'schedule start'
        : 'previous phase end';
  const end = phase.end_date !== undefined ? when(phase.end_date) : 'open-ended';
  const oneTime = (phase.add_invoice_items ?? []).map((item) => ({
    label: `one-time ${label(item.price)} × ${item.quantity ?? 1}`,
  }));
  return {
    label: `Phase ${index + 1}: ${start} → ${end}${phase.proration_behavior ? ` (proration: ${phase.proration_behavior})` : ''}`,
    children: [
      ...phase.items.map((item) => itemNode(item.price, item.quantity, label)),
      ...discountNodes(phase.discounts, label),
      ...oneTime,
    ],
  };
}

function itemNode(price: string | undefined, quantity: number | undefined, label: Label): TreeNode {
  return { label: `${label(price)} × ${quantity ?? 1}` };
}

/** Discount params: a list of `{ coupon }` (or `''`/null, Stripe's way of clearing them). */
function discountNodes(discounts: unknown, label: Label): TreeNode[] {
  if (!Array.isArray(discounts)) return [];
  return (discounts as Array<{ coupon?: string }>).filter((d) => d.coupon).map((d) => ({ label: label(d.coupon) }));
}

/** A timestamp param: unix seconds → the UTC calendar date, or Stripe's keyword (`now`). */
function when(value: number | string): string {
  return typeof value === 'number' ? formatDate(fromUnixSeconds(value)) : value;
}

/** Minor units (integer or decimal text) → "12.50 USD". */
export function moneyText(minor: string | number, currency: string): string {
  const major = decimalOf(minor).div(isZeroDecimalCurrency(currency) ? 1 : 100);
  return `${major.toFixed(isZeroDecimalCurrency(currency) ? 0 : Math.max(2, major.decimalPlaces()))} ${currency.toUpperCase()}`;
}

function priceText(params: Stripe.PriceCreateParams): string {
  const amount =
    params.unit_amount_decimal !== undefined
      ? String(params.unit_amount_decimal)
      : params.unit_amount !== undefined
        ? params.unit_amount
        : undefined;
  const money =
    amount !== undefined
      ? moneyText(amount, params.currency)
      : `${params.billing_scheme ?? 'tiered'} ${params.currency.toUpperCase()}`;
  const recurring = params.recurring
    ? ` every ${params.recurring.interval_count ?? 1} ${params.recurring.interval}${(params.recurring.interval_count ?? 1) > 1 ? 's' : ''}`
    : ' one-time';
  return `${money}${recurring}`;
}

function couponText(params: Stripe.CouponCreateParams): string {
  const off =
    params.percent_off !== undefined
      ? `${params.percent_off}% off`
      : `${moneyText(params.amount_off ?? 0, params.currency ?? 'usd')} off`;
  const duration =
    params.duration === 'repeating' ? `for ${params.duration_in_months ?? '?'} months` : (params.duration ?? 'once');
  return `${params.name ?? ''} ${off}, ${duration}`.trim();
}
