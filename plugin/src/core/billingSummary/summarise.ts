/**
 * Builds a billing summary from Stripe-shaped billing — the phases of a schedule (or an evergreen
 * subscription's one open-ended phase), or a one-time invoice's lines — and lookups for the prices and
 * coupons they name. Both the summary of what Stripe holds (stripe/billingSummary.ts, objects read back)
 * and the preview of a plan (preview.ts, the plan's params) describe billing in this one shape, so one
 * piece of arithmetic serves both. Pure: the clock is an argument.
 *
 * Phase totals count every invoice the phase's billing calendar makes (one per interval from the phase's
 * start, billed in advance), its one-time items, less its coupons: a line's own coupons (CPQ line-level
 * coupons, the item's `discounts`) come off that line, then the phase's (order-level) coupons off what
 * remains, as Stripe applies them. Usage-priced items (metered, tiered: their amount is null) count in no
 * total.
 */
import {
  addDays,
  addMonths,
  compareDates,
  formatDate,
  fromUnixSeconds,
  toUnixSeconds,
  type CalendarDate,
} from '../dates.js';
import { Decimal, isZeroDecimalCurrency } from '../money.js';
import { BILLING_SUMMARY_VERSION, type BillingPhase, type BillingSummary } from './schema.js';

export type Interval = 'day' | 'week' | 'month' | 'year';

/** What the summary needs of a price (a retrieved Stripe.Price, or a plan's prices.create params). */
export interface PriceFacts {
  readonly product: string;
  /** Minor units per unit; undefined when usage or tiers decide the amount. */
  readonly unitAmount: Decimal | undefined;
  readonly recurring: { readonly interval: Interval; readonly intervalCount: number } | null;
}

export interface CouponFacts {
  readonly name: string;
  readonly percentOff: Decimal | null;
  /** Minor units. */
  readonly amountOff: Decimal | null;
  readonly duration: 'once' | 'repeating' | 'forever';
  readonly durationInMonths: number | null;
}

export interface ItemRef {
  readonly price: string;
  readonly quantity?: number | null;
  /** Coupon ids of the line's own discounts. */
  readonly coupons?: readonly string[];
}

export interface PhaseShape {
  /** Unix seconds. */
  readonly start: number;
  /** Unix seconds; null: open-ended (evergreen). */
  readonly end: number | null;
  readonly items: readonly ItemRef[];
  readonly oneTimeItems: readonly ItemRef[];
  readonly coupons: readonly string[];
}

export interface InvoiceFacts {
  readonly status: string;
  /** Minor units. */
  readonly amountDue: number;
  readonly total: number;
  readonly paymentLink: string | null;
}

export interface BillingShape {
  readonly kind: BillingSummary['kind'];
  readonly source: BillingSummary['source'];
  readonly currency: string;
  readonly stripeId: string | null;
  /** Unix seconds: "now" for the next invoice and the MRR's phase. */
  readonly now: number;
  readonly phases: readonly PhaseShape[];
  /** One-time orders: the invoice's lines. */
  readonly oneTimeItems?: readonly ItemRef[];
  /** One-time orders: coupon ids of the invoice's own discounts (order-level), off what its lines leave. */
  readonly invoiceCoupons?: readonly string[];
  readonly latestInvoice: InvoiceFacts | null;
  readonly price: (id: string) => PriceFacts;
  readonly coupon: (id: string) => CouponFacts;
}

export function summariseBilling(shape: BillingShape): BillingSummary {
  const money = moneyIn(shape.currency);
  const phases = shape.phases.map((p) => resolvePhase(p, shape));
  const totals = phases.map((p) => phaseTotal(p));
  const oneTime = shape.kind === 'one-time' ? (shape.oneTimeItems ?? []).map((i) => line(i, shape)) : undefined;
  const invoiceCoupons = (shape.invoiceCoupons ?? []).map((id) => shape.coupon(id));
  const oneTimeTotal = oneTime ? oneTimeInvoiceTotal(oneTime, invoiceCoupons, shape.now) : undefined;
  const next = shape.kind === 'one-time' ? undefined : nextInvoice(phases, shape.now);
  const tcv = shape.kind === 'evergreen' ? null : (oneTimeTotal ?? sum(totals.map((t) => t ?? new Decimal(0))));
  const couponView = (c: CouponFacts) => ({
    name: c.name,
    percentOff: c.percentOff?.toFixed() ?? null,
    amountOff: money(c.amountOff),
    duration: c.duration,
    durationInMonths: c.durationInMonths,
  });
  const oneTimeView = (l: Line) => ({
    product: l.product,
    quantity: l.quantity.toFixed(),
    amount: money(l.amount),
    coupons: l.coupons.map(couponView),
  });
  return {
    version: BILLING_SUMMARY_VERSION,
    kind: shape.kind,
    source: shape.source,
    currency: shape.currency.toUpperCase(),
    asOf: new Date(shape.now * 1000).toISOString(),
    stripeId: shape.stripeId,
    phases: phases.map((p, i): BillingPhase => ({
      start: formatDate(p.start),
      end: p.end ? formatDate(p.end) : null,
      items: p.items.map((l) => ({ ...oneTimeView(l), interval: l.interval, intervalCount: l.intervalCount })),
      oneTimeItems: p.oneTimeItems.map(oneTimeView),
      coupons: p.coupons.map(couponView),
      total: money(totals[i]),
    })),
    oneTimeInvoice: oneTime
      ? { items: oneTime.map(oneTimeView), coupons: invoiceCoupons.map(couponView), total: money(oneTimeTotal) }
      : null,
    nextRenewal: shape.kind === 'evergreen' && next ? formatDate(next.date) : null,
    nextInvoice: next ? { date: formatDate(next.date), amount: money(next.amount)! } : null,
    latestInvoice: shape.latestInvoice
      ? {
          status: shape.latestInvoice.status,
          amountDue: money(new Decimal(shape.latestInvoice.amountDue))!,
          total: money(new Decimal(shape.latestInvoice.total))!,
          paymentLink: shape.latestInvoice.paymentLink,
        }
      : null,
    tcv: money(tcv),
    mrr: money(monthlyRecurring(phases, shape.now))!,
  };
}

interface Line {
  readonly product: string;
  readonly quantity: Decimal;
  /** Minor units for one interval (recurring) or once (one-time), before coupons; undefined when usage-priced. */
  readonly amount: Decimal | undefined;
  /** The line's own coupons (line-level), applied before the phase's. */
  readonly coupons: readonly CouponFacts[];
}

interface RecurringLine extends Line {
  readonly interval: Interval;
  readonly intervalCount: number;
}

interface ResolvedPhase {
  readonly start: CalendarDate;
  readonly end: CalendarDate | null;
  readonly items: readonly RecurringLine[];
  readonly oneTimeItems: readonly Line[];
  readonly coupons: readonly CouponFacts[];
}

function line(item: ItemRef, shape: BillingShape): Line {
  const price = shape.price(item.price);
  const quantity = new Decimal(item.quantity ?? 1);
  return {
    product: price.product,
    quantity,
    amount: price.unitAmount?.times(quantity),
    coupons: (item.coupons ?? []).map((id) => shape.coupon(id)),
  };
}

function resolvePhase(phase: PhaseShape, shape: BillingShape): ResolvedPhase {
  return {
    start: fromUnixSeconds(phase.start),
    end: phase.end === null ? null : fromUnixSeconds(phase.end),
    items: phase.items.map((item) => ({
      ...line(item, shape),
      ...inYears(shape.price(item.price).recurring ?? { interval: 'month', intervalCount: 1 }),
    })),
    oneTimeItems: phase.oneTimeItems.map((item) => line(item, shape)),
    coupons: phase.coupons.map((id) => shape.coupon(id)),
  };
}

/** Annual billing is often sent as 12 months: shown (and counted) as the year it is. */
function inYears(recurring: NonNullable<PriceFacts['recurring']>): NonNullable<PriceFacts['recurring']> {
  const { interval, intervalCount } = recurring;
  return interval === 'month' && intervalCount % 12 === 0
    ? { interval: 'year', intervalCount: intervalCount / 12 }
    : recurring;
}

/** The `k`-th billing date of an interval from `start` (UTC calendar months, clamped to month ends). */
function billingDate(
  start: CalendarDate,
  item: Pick<RecurringLine, 'interval' | 'intervalCount'>,
  k: number,
): CalendarDate {
  const n = k * item.intervalCount;
  switch (item.interval) {
    case 'year':
      return addMonths(start, 12 * n);
    case 'month':
      return addMonths(start, n);
    case 'week':
      return addDays(start, 7 * n);
    case 'day':
      return addDays(start, n);
  }
}

/** Billing dates of an item within its bounded phase: [start, end). */
function billingDates(phase: ResolvedPhase & { end: CalendarDate }, item: RecurringLine): CalendarDate[] {
  const dates: CalendarDate[] = [];
  for (let k = 0; compareDates(billingDate(phase.start, item, k), phase.end) < 0; k++)
    dates.push(billingDate(phase.start, item, k));
  return dates;
}

/** Invoices of a bounded phase: the distinct billing dates of its items (its start, at least). */
function invoiceDates(phase: ResolvedPhase & { end: CalendarDate }): CalendarDate[] {
  const byDay = new Map<number, CalendarDate>([[toUnixSeconds(phase.start), phase.start]]);
  for (const item of phase.items) for (const d of billingDates(phase, item)) byDay.set(toUnixSeconds(d), d);
  return [...byDay.entries()].sort(([a], [b]) => a - b).map(([, d]) => d);
}

const known = (amounts: readonly (Decimal | undefined)[]): Decimal[] =>
  amounts.filter((a): a is Decimal => a !== undefined);
const sum = (amounts: readonly (Decimal | undefined)[]): Decimal =>
  known(amounts).reduce((a, b) => a.plus(b), new Decimal(0));

/** Whether an item of the phase bills on `date` (one of its billing dates). */
function billsOn(phase: ResolvedPhase, item: RecurringLine, date: CalendarDate): boolean {
  if (phase.end && compareDates(date, phase.end) >= 0) return false;
  for (let k = 0; ; k++) {
    const order = compareDates(billingDate(phase.start, item, k), date);
    if (order >= 0) return order === 0;
  }
}

/** What one invoice of the phase on `date` bills: each line after its own coupons, then the phase's coupons off the sum. */
function invoiceAmount(phase: ResolvedPhase, date: CalendarDate): Decimal {
  const recurring = phase.items.filter((item) => billsOn(phase, item, date));
  const oneTime = compareDates(date, phase.start) === 0 ? phase.oneTimeItems : [];
  const lines = [...recurring, ...oneTime].map((l) =>
    l.amount === undefined ? undefined : discounted(l.coupons, phase.start, date, l.amount),
  );
  return discounted(phase.coupons, phase.start, date, sum(lines));
}

/** An amount after coupons: percentages off, then fixed amounts, each while the coupon lasts; never below 0. */
function discounted(
  coupons: readonly CouponFacts[],
  start: CalendarDate,
  date: CalendarDate,
  amount: Decimal,
): Decimal {
  const inEffect = coupons.filter((coupon) => couponApplies(coupon, start, date));
  let net = amount;
  for (const coupon of inEffect) if (coupon.percentOff) net = net.times(percentLeft(coupon.percentOff));
  for (const coupon of inEffect) if (coupon.amountOff) net = net.minus(coupon.amountOff);
  return Decimal.max(net, 0);
}

const percentLeft = (percentOff: Decimal): Decimal => new Decimal(100).minus(percentOff).div(100);

function couponApplies(coupon: CouponFacts, start: CalendarDate, date: CalendarDate): boolean {
  if (coupon.duration === 'forever') return true;
  if (coupon.duration === 'once') return compareDates(date, start) === 0;
  return compareDates(date, addMonths(start, coupon.durationInMonths ?? 0)) < 0;
}

/**
 * A one-time invoice: its lines, each after its own coupons, then the invoice's coupons off the sum, as
 * Stripe applies item-level, then invoice-level discounts (one invoice: every coupon applies to it).
 */
function oneTimeInvoiceTotal(lines: readonly Line[], invoiceCoupons: readonly CouponFacts[], now: number): Decimal {
  const today = fromUnixSeconds(now);
  const afterLines = sum(lines.map((l) => l.amount && discounted(l.coupons, today, today, l.amount)));
  return discounted(invoiceCoupons, today, today, afterLines);
}

/** Every invoice of a bounded phase after coupons; null for an open-ended one. */
function phaseTotal(phase: ResolvedPhase): Decimal | null {
  if (!phase.end) return null;
  const bounded = { ...phase, end: phase.end };
  return sum(invoiceDates(bounded).map((date) => invoiceAmount(phase, date)));
}

/** The first invoice on or after `now` (its day), across the phases. */
function nextInvoice(
  phases: readonly ResolvedPhase[],
  now: number,
): { date: CalendarDate; amount: Decimal } | undefined {
  const today = fromUnixSeconds(now);
  for (const phase of phases) {
    if (phase.end && compareDates(phase.end, today) <= 0) continue;
    const date = phase.end
      ? invoiceDates({ ...phase, end: phase.end }).find((d) => compareDates(d, today) >= 0)
      : firstOpenEndedInvoice(phase, today);
    if (date) return { date, amount: invoiceAmount(phase, date) };
  }
  return undefined;
}

function firstOpenEndedInvoice(phase: ResolvedPhase, today: CalendarDate): CalendarDate | undefined {
  const candidates = phase.items.map((item) => {
    for (let k = 0; ; k++) {
      const date = billingDate(phase.start, item, k);
      if (compareDates(date, today) >= 0) return date;
    }
  });
  return candidates.sort(compareDates)[0] ?? (compareDates(phase.start, today) >= 0 ? phase.start : undefined);
}

const MONTHS_PER: Record<Interval, Decimal> = {
  year: new Decimal(12),
  month: new Decimal(1),
  week: new Decimal(12).div(52),
  day: new Decimal(12).div(365),
};

/** Recurring amounts per month of the phase in force now (the first before the schedule starts), after the percentage coupons (the line's, then the phase's) in effect then. */
function monthlyRecurring(phases: readonly ResolvedPhase[], now: number): Decimal {
  const today = fromUnixSeconds(now);
  const current =
    phases.find((p) => compareDates(p.start, today) <= 0 && (!p.end || compareDates(today, p.end) < 0)) ??
    (phases[0] && compareDates(today, phases[0].start) < 0 ? phases[0] : undefined);
  if (!current) return new Decimal(0);
  const on = compareDates(today, current.start) < 0 ? current.start : today;
  const afterPercentages = (coupons: readonly CouponFacts[], amount: Decimal) =>
    coupons
      .filter((c) => c.percentOff && couponApplies(c, current.start, on))
      .reduce((m, c) => m.times(percentLeft(c.percentOff!)), amount);
  const monthly = sum(
    current.items.map(
      (item) =>
        item.amount &&
        afterPercentages(item.coupons, item.amount.div(MONTHS_PER[item.interval].times(item.intervalCount))),
    ),
  );
  return afterPercentages(current.coupons, monthly);
}

/** Minor units → the summary's major-unit text, rounded to the currency's minor unit (half up). */
function moneyIn(currency: string): (minor: Decimal | null | undefined) => string | null {
  const zeroDecimal = isZeroDecimalCurrency(currency);
  return (minor) => {
    if (minor === null || minor === undefined) return null;
    const major = zeroDecimal ? minor : minor.div(100);
    return major.toFixed(zeroDecimal ? 0 : 2, Decimal.ROUND_HALF_UP);
  };
}
