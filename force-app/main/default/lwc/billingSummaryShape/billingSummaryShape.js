/**
 * Reads the billing summary the relay writes (Order.Stripe_Billing_Summary__c, and a Preview request's
 * Preview_Result__c). The card cannot load zod in Salesforce, so this is a hand check of the version and
 * of every field the card shows; the zod schema (plugin/src/core/billingSummary/schema.ts) is the full
 * definition, and a test parses this bundle's fixtures with both so the two agree.
 */
export const SUMMARY_VERSION = 2;
/** Version 1 had no `oneTimeInvoice.coupons` (the invoice's own coupons); summaries written then still read. */
const VERSIONS = [1, SUMMARY_VERSION];

const KINDS = ['scheduled', 'evergreen', 'one-time'];
const INTERVALS = ['day', 'week', 'month', 'year'];
const DECIMAL = /^-?\d+(\.\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const isDecimal = (value) => typeof value === 'string' && DECIMAL.test(value);
const isDecimalOrNull = (value) => value === null || isDecimal(value);
const isDate = (value) => typeof value === 'string' && DATE.test(value);
const isDateOrNull = (value) => value === null || isDate(value);
const isText = (value) => typeof value === 'string';
const isTextOrNull = (value) => value === null || isText(value);
const every = (list, check) => Array.isArray(list) && list.every(check);

const isOneTimeItem = (item) =>
  isObject(item) && isText(item.product) && isDecimal(item.quantity) && isDecimalOrNull(item.amount);
const isItem = (item) =>
  isOneTimeItem(item) &&
  INTERVALS.includes(item.interval) &&
  Number.isInteger(item.intervalCount) &&
  item.intervalCount > 0;
const isCoupon = (coupon) =>
  isObject(coupon) &&
  isText(coupon.name) &&
  isDecimalOrNull(coupon.percentOff) &&
  isDecimalOrNull(coupon.amountOff) &&
  isText(coupon.duration);
const isPhase = (phase) =>
  isObject(phase) &&
  isDate(phase.start) &&
  isDateOrNull(phase.end) &&
  every(phase.items, isItem) &&
  every(phase.oneTimeItems, isOneTimeItem) &&
  every(phase.coupons, isCoupon) &&
  isDecimalOrNull(phase.total);
/** A one-time invoice: its lines, its own coupons (none in version 1) and its total. */
const isOneTimeInvoice = (invoice, version) =>
  isObject(invoice) &&
  every(invoice.items, isOneTimeItem) &&
  (version === 1 ? invoice.coupons === undefined : every(invoice.coupons, isCoupon)) &&
  isDecimalOrNull(invoice.total);
const isInvoice = (invoice) =>
  isObject(invoice) && isText(invoice.status) && isDecimal(invoice.amountDue) && isTextOrNull(invoice.paymentLink);

/** True when `summary` is a summary of a version the card reads, with every field the card shows. */
export function isBillingSummary(summary) {
  return (
    isObject(summary) &&
    VERSIONS.includes(summary.version) &&
    KINDS.includes(summary.kind) &&
    typeof summary.currency === 'string' &&
    /^[A-Z]{3}$/.test(summary.currency) &&
    every(summary.phases, isPhase) &&
    (summary.oneTimeInvoice === null || isOneTimeInvoice(summary.oneTimeInvoice, summary.version)) &&
    isDateOrNull(summary.nextRenewal) &&
    (summary.nextInvoice === null ||
      (isObject(summary.nextInvoice) && isDate(summary.nextInvoice.date) && isDecimal(summary.nextInvoice.amount))) &&
    (summary.latestInvoice === null || isInvoice(summary.latestInvoice)) &&
    isDecimalOrNull(summary.tcv) &&
    isDecimal(summary.mrr)
  );
}

const parsed = (value) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
};

/** A summary from its field text (or an object already parsed); undefined when it is not one. */
export function readBillingSummary(value) {
  const summary = parsed(value);
  return isBillingSummary(summary) ? summary : undefined;
}

const isProblem = (problem) =>
  isObject(problem) && isText(problem.message) && isText(problem.fix) && isTextOrNull(problem.documentationLink);

/** A preview ({ version, summary, problems }) from Preview_Result__c; undefined when it is not one. */
export function readBillingPreview(value) {
  const preview = parsed(value);
  const valid =
    isObject(preview) &&
    VERSIONS.includes(preview.version) &&
    (preview.summary === null || isBillingSummary(preview.summary)) &&
    every(preview.problems, isProblem);
  return valid ? preview : undefined;
}
