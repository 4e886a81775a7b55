/**
 * The ONE place where the Stripe API versions meet. The recordings speak Stripe-Version 2020-08-27
 * (stripe-ruby 7.1.0); the product pins 2026-10-28.endive. Both sides' write requests are turned into one
 * version-neutral form here, and nowhere else; the comparison only ever sees that form.
 *
 * Differences normalised (recorded 2020-08-27 → neutral; product → neutral):
 * - phase `iterations` → `end_date` (phase start + iterations × the phase's billing interval); the
 *   product sends `end_date` (`iterations` is gone from phases in 2025-09-30.clover and later).
 * - phase items with both `plan` and `price` (2020-08-27 echo of a read schedule) → `price`.
 * - `coupon` on schedules, phases, subscriptions and invoice items → `discounts: [{coupon}]` (the
 *   `coupon` parameters were removed in 2025-03-31.basil).
 * - legacy metered prices (`recurring.aggregate_usage`) → metered prices on a Billing Meter
 *   (`recurring.meter`, 2025-03-31.basil): both become `usage_type: metered`; the meter itself
 *   (`/v1/billing/meters`) has no 2020-08-27 counterpart and is left out of the comparison.
 * - empty-string "unset" parameters (`billing_thresholds: ""`, `tax_rates: ""`, a metered item's
 *   `quantity: ""`) the connector sends when echoing a read schedule → absent (what an unset parameter
 *   is in both versions; an item's unset quantity is 1).
 * - `unit_amount` / `unit_amount_decimal` → one decimal amount in minor units ("1000.0" = "1000").
 * - timestamps → UTC calendar dates (both products bill from midnight UTC; seconds of wall clock at which
 *   a request went out are not part of the semantics).
 * - a phase's unset `proration_behavior` → `create_prorations`, Stripe's default in both versions.
 * - Stripe object IDs → what they stand for: a price by its amount, currency and interval; a coupon by
 *   its amount, duration; a customer, product or schedule by its kind (IDs differ on every run).
 */
import { Decimal } from 'decimal.js';

type Params = Record<string, unknown>;

/** One write in neutral form: `object.action` (e.g. `price.create`) and its semantic fields. */
export interface NeutralCall {
  readonly object: string;
  readonly fields: Record<string, unknown>;
}

/** Stripe objects by ID, for resolving references (prices, coupons) into what they stand for. */
export type ObjectsById = ReadonlyMap<string, Params>;

/** Paths the connector or the product write that have no counterpart in the other version. */
const VERSION_ONLY_PATHS = [/^\/v1\/billing\/meters/];

const MONTHS: Readonly<Record<string, number>> = { month: 1, year: 12 };

export function neutralCall(
  method: string,
  path: string,
  params: Params,
  objects: ObjectsById,
): NeutralCall | undefined {
  if (VERSION_ONLY_PATHS.some((p) => p.test(path))) return undefined;
  const parts = path.replace(/^\/v1\//, '').split('/');
  const [resource = '', id, action] = parts;
  const object = OBJECT_NAMES[resource] ?? resource;
  const verb = method === 'DELETE' ? 'delete' : (action ?? (id ? 'update' : 'create'));
  const name = resource === 'test_helpers' ? `${parts[1] ?? ''}.${parts[3] ?? 'create'}` : `${object}.${verb}`;
  const shape = SHAPES[object];
  return { object: name, fields: shape ? shape(params, objects) : metadataKeys(params) };
}

const OBJECT_NAMES: Readonly<Record<string, string>> = {
  customers: 'customer',
  products: 'product',
  prices: 'price',
  coupons: 'coupon',
  subscription_schedules: 'subscription_schedule',
  subscriptions: 'subscription',
  invoiceitems: 'invoiceitem',
  invoices: 'invoice',
};

const SHAPES: Readonly<Record<string, (p: Params, objects: ObjectsById) => Record<string, unknown>>> = {
  customer: (p) =>
    compact({
      name: p.name,
      email: p.email,
      description: p.description,
      phone: p.phone,
      address: p.address,
      shipping: p.shipping,
      test_clock: p.test_clock ? 'set' : undefined,
      ...metadataKeys(p),
    }),
  product: (p) =>
    compact({
      name: p.name,
      description: p.description,
      active: p.active,
      statement_descriptor: p.statement_descriptor,
      tax_code: p.tax_code,
      shippable: p.shippable,
      ...metadataKeys(p),
    }),
  price: (p) => compact({ ...priceFields(p), active: p.active, ...metadataKeys(p) }),
  coupon: (p) => compact({ ...couponFields(p), name: p.name, ...metadataKeys(p) }),
  subscription_schedule: (p, objects) =>
    compact({
      start_date: date(p.start_date),
      from_subscription: p.from_subscription ? 'set' : undefined,
      end_behavior: p.end_behavior,
      proration_behavior: p.proration_behavior,
      collection_method: (p.default_settings as Params | undefined)?.collection_method,
      days_until_due: ((p.default_settings as Params | undefined)?.invoice_settings as Params | undefined)
        ?.days_until_due,
      phases: Array.isArray(p.phases) ? phases(p.phases as Params[], p.start_date, objects) : undefined,
      ...metadataKeys(p),
    }),
  subscription: (p, objects) =>
    compact({
      items: Array.isArray(p.items) ? (p.items as Params[]).map((i) => item(i, objects)) : undefined,
      backdate_start_date: date(p.backdate_start_date),
      billing_cycle_anchor: date(p.billing_cycle_anchor),
      cancel_at: date(p.cancel_at),
      cancel_at_period_end: p.cancel_at_period_end,
      proration_behavior: p.proration_behavior,
      collection_method: p.collection_method,
      days_until_due: p.days_until_due,
      discounts: discounts(p, objects),
      ...metadataKeys(p),
    }),
  invoiceitem: (p, objects) =>
    compact({
      price: priceRef(p.price, objects),
      quantity: p.quantity,
      amount: amount(p.amount ?? p.unit_amount_decimal),
      currency: p.currency,
      period: p.period ? { start: date((p.period as Params).start), end: date((p.period as Params).end) } : undefined,
      discounts: discounts(p, objects),
      ...metadataKeys(p),
    }),
  invoice: (p) =>
    compact({
      auto_advance: p.auto_advance,
      collection_method: p.collection_method,
      days_until_due: p.days_until_due,
      pending_invoice_items_behavior: p.pending_invoice_items_behavior,
      ...metadataKeys(p),
    }),
};

function phases(list: Params[], scheduleStart: unknown, objects: ObjectsById): Params[] {
  let start = scheduleStart;
  return list.map((phase) => {
    const phaseStart = phase.start_date ?? start;
    const end = phase.end_date ?? endFromIterations(phaseStart, phase, objects);
    start = end;
    return compact({
      start_date: date(phase.start_date),
      end_date: date(end),
      items: (phase.items as Params[] | undefined)?.map((i) => item(i, objects)),
      add_invoice_items: (phase.add_invoice_items as Params[] | undefined)?.map((i) => item(i, objects)),
      proration_behavior: phase.proration_behavior || 'create_prorations',
      trial_end: date(phase.trial_end),
      discounts: discounts(phase, objects),
      collection_method: phase.collection_method,
      ...metadataKeys(phase),
    });
  });
}

/** `iterations` (2020-08-27) as the date it ends on: months of the first item's price interval. */
function endFromIterations(start: unknown, phase: Params, objects: ObjectsById): unknown {
  const iterations = Number(phase.iterations);
  const first = (phase.items as Params[] | undefined)?.[0];
  const price = objects.get(String(first?.price ?? first?.plan ?? ''));
  const recurring = price?.recurring as Params | undefined;
  const months = (MONTHS[String(recurring?.interval)] ?? NaN) * Number(recurring?.interval_count ?? 1);
  const startSeconds = Number(start);
  if (!Number.isFinite(iterations) || !Number.isFinite(months) || !Number.isFinite(startSeconds))
    return phase.iterations === undefined ? undefined : `${String(phase.iterations)} iterations`;
  const d = new Date(startSeconds * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + iterations * months, d.getUTCDate()) / 1000;
}

/** A phase or invoice item; an unset quantity (absent, or `""` in an echoed schedule) is Stripe's default 1. */
function item(i: Params, objects: ObjectsById): Params {
  const quantity = i.quantity === undefined || i.quantity === '' ? '1' : i.quantity;
  return compact({
    price: priceRef(i.price ?? i.plan, objects) ?? (i.price_data ? priceFields(i.price_data as Params) : undefined),
    quantity,
    discounts: discounts(i, objects),
    ...metadataKeys(i),
  });
}

function discounts(p: Params, objects: ObjectsById): unknown {
  const list = Array.isArray(p.discounts) ? (p.discounts as Params[]) : p.coupon ? [{ coupon: p.coupon }] : [];
  if (list.length === 0) return undefined;
  return list.map((d) => (d.coupon ? couponFields(objects.get(String(d.coupon)) ?? { id: d.coupon }) : d));
}

/** A price as what it charges (its ID differs on every run). */
function priceRef(id: unknown, objects: ObjectsById): unknown {
  if (typeof id !== 'string' || id === '') return undefined;
  const price = objects.get(id);
  return price ? priceFields(price) : `unknown price ${id}`;
}

function priceFields(p: Params): Params {
  const recurring = p.recurring as Params | undefined | '';
  return compact({
    currency: typeof p.currency === 'string' ? p.currency.toLowerCase() : p.currency,
    unit_amount: amount(p.unit_amount_decimal ?? p.unit_amount),
    type: recurring ? 'recurring' : 'one_time',
    interval: recurring ? recurring.interval : undefined,
    interval_count: recurring ? String(recurring.interval_count ?? '1') : undefined,
    usage_type: recurring ? (recurring.usage_type ?? 'licensed') : undefined,
    billing_scheme: p.billing_scheme === 'per_unit' ? undefined : p.billing_scheme,
    tiers_mode: p.tiers_mode,
    tiers: Array.isArray(p.tiers)
      ? (p.tiers as Params[]).map((t) =>
          compact({
            up_to: String(t.up_to ?? 'inf'),
            unit_amount: amount(t.unit_amount_decimal ?? t.unit_amount),
            flat_amount: amount(t.flat_amount_decimal ?? t.flat_amount),
          }),
        )
      : undefined,
  });
}

function couponFields(c: Params): Params {
  return compact({
    amount_off: amount(c.amount_off),
    percent_off:
      c.percent_off === undefined || c.percent_off === null ? undefined : new Decimal(String(c.percent_off)).toString(),
    currency: c.currency,
    duration: c.duration,
    duration_in_months: c.duration_in_months === null ? undefined : c.duration_in_months,
    id: c.amount_off || c.percent_off ? undefined : c.id,
  });
}

/** Metadata is compared by its keys: values hold Salesforce Ids and org URLs that differ on every run. */
function metadataKeys(p: Params): Params {
  const metadata = p.metadata as Params | undefined;
  if (!metadata || typeof metadata !== 'object') return {};
  const keys = Object.keys(metadata)
    .filter((k) => metadata[k] !== '')
    .sort();
  return keys.length > 0 ? { metadata_keys: keys.join(',') } : {};
}

function amount(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  try {
    return new Decimal(String(value)).toString();
  } catch {
    return String(value);
  }
}

/** Seconds (string or number) → `YYYY-MM-DD`; `now` and other words as they are. */
function date(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds)) return value;
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

function compact(o: Params): Params {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '' && v !== null));
}

/** Stripe objects by ID from answers (recorded responses, or the product's emulator store). */
export function objectsById(objects: Iterable<unknown>): Map<string, Params> {
  const out = new Map<string, Params>();
  for (const o of objects)
    if (o && typeof o === 'object' && typeof (o as Params).id === 'string')
      out.set((o as Params).id as string, o as Params);
  return out;
}
