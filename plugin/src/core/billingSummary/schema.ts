/**
 * The billing summary: what Stripe bills for an Order, in a compact, versioned JSON shape that the relay
 * keeps in `Order.Stripe_Billing_Summary__c` and a preview request keeps in
 * `Stripe_Sync_Request__c.Preview_Result__c`. The Order page card and `sf stripe cpq status` read it.
 *
 * Money is exact: amounts are decimal strings in the currency's major unit ("1234.50", "¥1200" is "1200"),
 * rounded to the currency's minor unit — never floats. Dates are UTC calendar dates (`YYYY-MM-DD`).
 * It carries nothing a sales user may not see: no customer data, no secret, no internal id but the Stripe
 * object's own id.
 *
 * A change of shape that an older card could misread gets a new `version`; the card refuses versions it
 * does not know and says so. Version 2 added the one-time invoice's own (order-level) coupons: a version-1
 * card would show that invoice's total after them without showing them. Version-1 summaries, still on
 * Orders synced before, read as they were written: a one-time invoice without coupons of its own.
 */
import { z } from 'zod';

export const BILLING_SUMMARY_VERSION = 2;

/** Every version the readers accept: the one written now, and the ones written before it. */
const version = z.union([z.literal(1), z.literal(BILLING_SUMMARY_VERSION)]);

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'an exact decimal string');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a YYYY-MM-DD date');
const interval = z.enum(['day', 'week', 'month', 'year']);

export const couponSchema = z.strictObject({
  name: z.string(),
  percentOff: decimal.nullable(),
  amountOff: decimal.nullable(),
  duration: z.enum(['once', 'repeating', 'forever']),
  durationInMonths: z.number().int().positive().nullable(),
});

export const oneTimeItemSchema = z.strictObject({
  product: z.string(),
  quantity: decimal,
  /** Quantity × unit price, before coupons; null when usage or tiers decide it (metered, tiered prices). */
  amount: decimal.nullable(),
  /** The line's own coupons (CPQ line-level coupons); the phase's coupons apply to every line. */
  coupons: z.array(couponSchema),
});

export const summaryItemSchema = oneTimeItemSchema.extend({
  /** The amount is for one interval of this length. */
  interval,
  intervalCount: z.number().int().positive(),
});

export const phaseSchema = z.strictObject({
  start: isoDate,
  /** null: the phase runs until canceled (evergreen). */
  end: isoDate.nullable(),
  items: z.array(summaryItemSchema),
  oneTimeItems: z.array(oneTimeItemSchema),
  /** Order-level coupons: off each invoice of the phase, after the lines' own. */
  coupons: z.array(couponSchema),
  /** What the phase bills over its whole length after coupons; null for an open-ended phase or usage-priced items. */
  total: decimal.nullable(),
  /** Items left out to keep the summary within the Salesforce field (the totals still count them). */
  omittedItems: z.number().int().nonnegative().optional(),
});

export const invoiceSchema = z.strictObject({
  status: z.string(),
  /** Still to pay (Stripe's amount_remaining): 0 once paid. */
  amountDue: decimal,
  total: decimal,
  /** Stripe's hosted invoice page (hosted_invoice_url): where the customer pays. */
  paymentLink: z
    .string()
    .regex(/^https?:\/\//)
    .nullable(),
});

export const billingSummarySchema = z.strictObject({
  version,
  kind: z.enum(['scheduled', 'evergreen', 'one-time']),
  /** `stripe`: read back from Stripe after a sync or webhook. `preview`: the plan a sync would apply. */
  source: z.enum(['stripe', 'preview']),
  /** ISO 4217, upper case (as Salesforce's CurrencyIsoCode and lightning-formatted-number want it). */
  currency: z.string().regex(/^[A-Z]{3}$/),
  /** When the summary was built (ISO timestamp). */
  asOf: z.string(),
  stripeId: z.string().nullable(),
  phases: z.array(phaseSchema),
  /** The one-time order's invoice: its lines, its own coupons (order-level: off what the lines leave), its total after both. */
  oneTimeInvoice: z
    .strictObject({
      items: z.array(oneTimeItemSchema),
      /** Absent from version 1, which had none. */
      coupons: z.array(couponSchema).default([]),
      total: decimal.nullable(),
    })
    .nullable(),
  /** Evergreen: the date the subscription renews next. */
  nextRenewal: isoDate.nullable(),
  /** Computed from the phases' own billing calendar; usage-priced items are not in the amount. */
  nextInvoice: z.strictObject({ date: isoDate, amount: decimal }).nullable(),
  latestInvoice: invoiceSchema.nullable(),
  /** Total contract value: every phase (or the one-time invoice); null for an evergreen subscription. */
  tcv: decimal.nullable(),
  /** Monthly recurring revenue of the phase in force now (the first, before the schedule starts). */
  mrr: decimal,
});

export type BillingSummary = z.infer<typeof billingSummarySchema>;
export type BillingPhase = z.infer<typeof phaseSchema>;

/** A problem that would stop the sync, as the Sync Records show it. */
export const previewProblemSchema = z.strictObject({
  record: z.string(),
  message: z.string(),
  fix: z.string(),
  documentationLink: z.string().nullable(),
});

/** What a Preview request leaves on `Preview_Result__c`: the summary the sync would produce, or why it would not run. */
export const billingPreviewSchema = z.strictObject({
  version,
  summary: billingSummarySchema.nullable(),
  problems: z.array(previewProblemSchema),
});

export type BillingPreview = z.infer<typeof billingPreviewSchema>;
export type PreviewProblem = z.infer<typeof previewProblemSchema>;

/** Long Text Area limit of the two fields. */
export const SUMMARY_FIELD_LENGTH = 131_072;

/**
 * The field's text: JSON, with phase items dropped from the largest phases first (counted in
 * `omittedItems`; totals keep them) until it fits the field.
 */
export function summaryFieldText(summary: BillingSummary, limit = SUMMARY_FIELD_LENGTH): string {
  let text = JSON.stringify(summary);
  if (text.length <= limit) return text;
  const phases = summary.phases.map((p) => ({ ...p, items: [...p.items] }));
  while (text.length > limit) {
    const largest = phases.reduce((a, b) => (b.items.length > a.items.length ? b : a), phases[0]!);
    if (!largest || largest.items.length === 0) break;
    const dropped = Math.max(1, Math.ceil(largest.items.length / 2));
    largest.items.splice(largest.items.length - dropped, dropped);
    largest.omittedItems = (largest.omittedItems ?? 0) + dropped;
    text = JSON.stringify({ ...summary, phases });
  }
  return text;
}

/** Parses a field's text; undefined when it is empty, not JSON, or not this version's shape. */
export function parseBillingSummary(text: string | null | undefined): BillingSummary | undefined {
  if (!text) return undefined;
  try {
    const parsed = billingSummarySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
