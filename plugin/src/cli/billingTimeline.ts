/**
 * The billing summary as `sf stripe cpq status --order` prints it: a header (kind, currency, MRR, TCV,
 * next and latest invoice), then each phase as a line of the timeline with its items (each with its own,
 * line-level coupons under it), one-time items and the phase's coupons — or the one-time invoice's lines and
 * its own coupons. Amounts keep their exact decimal: Intl formats the decimal string itself (no float), in the
 * terminal's locale.
 */
import type { Messages } from '@salesforce/core';
import type { BillingPhase, BillingSummary } from '../core/billingSummary/schema.js';

type StatusMessages = Messages<string>;

/** A phase's items under its line (messages lose leading spaces). */
const INDENT = '  ';

export function billingTimeline(summary: BillingSummary, messages: StatusMessages): string[] {
  const money = moneyFormat(summary.currency);
  const amount = (value: string | null) => (value === null ? messages.getMessage('info.usageBased') : money(value));
  const lines = [
    messages.getMessage('info.billing', [messages.getMessage(`info.billing.${summary.kind}`), summary.currency]),
    messages.getMessage('info.billingTotals', [money(summary.mrr), summary.tcv === null ? '-' : money(summary.tcv)]),
  ];
  if (summary.nextRenewal) lines.push(messages.getMessage('info.nextRenewal', [summary.nextRenewal]));
  if (summary.nextInvoice)
    lines.push(messages.getMessage('info.nextInvoice', [summary.nextInvoice.date, money(summary.nextInvoice.amount)]));
  const latest = summary.latestInvoice;
  if (latest) {
    const page = latest.paymentLink ? messages.getMessage('info.paymentPage', [latest.paymentLink]) : '';
    lines.push(messages.getMessage('info.latestInvoice', [latest.status, money(latest.amountDue), page]).trimEnd());
  }
  summary.phases.forEach((phase, i) => lines.push(...phaseLines(phase, i, amount, money, messages)));
  if (summary.oneTimeInvoice) {
    const coupon = couponLine(money, messages);
    for (const item of summary.oneTimeInvoice.items) {
      lines.push(
        INDENT + messages.getMessage('info.invoiceItem', [item.product, item.quantity, amount(item.amount)]),
        ...item.coupons.map((c) => INDENT + INDENT + coupon(c)),
      );
    }
    // The invoice's own (order-level) coupons, after its lines: they come off what the lines leave.
    lines.push(...summary.oneTimeInvoice.coupons.map((c) => INDENT + coupon(c)));
    if (summary.oneTimeInvoice.total !== null)
      lines.push(INDENT + messages.getMessage('info.invoiceTotal', [money(summary.oneTimeInvoice.total)]));
  }
  return lines;
}

function phaseLines(
  phase: BillingPhase,
  index: number,
  amount: (value: string | null) => string,
  money: (value: string) => string,
  messages: StatusMessages,
): string[] {
  const total = phase.total === null ? '' : messages.getMessage('info.phaseTotal', [money(phase.total)]);
  const interval = (name: string, count: number) =>
    count === 1 ? messages.getMessage('info.per', [name]) : messages.getMessage('info.every', [count, name]);
  const coupon = couponLine(money, messages);
  // A line's own coupons sit under it, one level deeper than the phase's details.
  const lineCoupons = (coupons: readonly Coupon[]) => coupons.map((c) => INDENT + coupon(c));
  const details = [
    ...phase.items.flatMap((item) => [
      messages.getMessage('info.item', [
        item.product,
        item.quantity,
        amount(item.amount),
        interval(item.interval, item.intervalCount),
      ]),
      ...lineCoupons(item.coupons),
    ]),
    ...(phase.omittedItems ? [messages.getMessage('info.itemsOmitted', [phase.omittedItems])] : []),
    ...phase.oneTimeItems.flatMap((item) => [
      messages.getMessage('info.oneTimeItem', [item.product, item.quantity, amount(item.amount)]),
      ...lineCoupons(item.coupons),
    ]),
    ...phase.coupons.map(coupon),
  ];
  return [
    messages
      .getMessage('info.phase', [index + 1, phase.start, phase.end ?? messages.getMessage('info.untilCanceled'), total])
      .trimEnd(),
    ...details.map((line) => INDENT + line),
  ];
}

type Coupon = BillingPhase['coupons'][number];

/** "coupon: Launch (20% off, for 3 months)" — a phase's or a line's coupon. */
function couponLine(money: (value: string) => string, messages: StatusMessages): (coupon: Coupon) => string {
  const duration = (coupon: Coupon) =>
    coupon.duration === 'repeating'
      ? messages.getMessage('info.forMonths', [coupon.durationInMonths ?? '?'])
      : coupon.duration;
  return (coupon) =>
    messages.getMessage('info.coupon', [
      coupon.percentOff !== null
        ? messages.getMessage('info.percentOff', [coupon.name, coupon.percentOff, duration(coupon)])
        : messages.getMessage('info.amountOff', [coupon.name, money(coupon.amountOff ?? '0'), duration(coupon)]),
    ]);
}

/** Formats an exact decimal string in `currency` (Intl takes the string as a decimal, not a float). */
function moneyFormat(currency: string): (value: string) => string {
  const format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
  return (value) => format.format(value as unknown as number);
}
