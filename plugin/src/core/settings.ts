/**
 * Connector settings (spec §2.1), with the defaults a billing admin expects. Parse untrusted input with
 * `parseSettings`; every field is optional there and filled from `DEFAULT_SETTINGS`.
 *
 * Decisions on the spec's open questions (§6), also listed in the README:
 * - q10 frontend prorations are ON: a 6-month order of an annual product bills half a year, not a full one.
 * - q13 duplicate prices are de-duplicated on initial orders too (Stripe rejects a price twice in a phase).
 * - q16 "Due on Receipt" payment terms mean `days_until_due: 0` (switch off to get the reference's error).
 * - q17 collection method defaults to `send_invoice` with 30 days: the connector collects no payment methods.
 * - q18 the customer's email comes from the quote's primary contact unless a mapping sets one.
 * - q24 negative-price lines are left out of Stripe with a plan warning (the reference skips them silently).
 */
import { z } from 'zod';
import { SalesforceDate } from './records/models.js';

const Features = z.object({
  /** q10: terms shorter than the billing period bill the prorated share of the period. */
  frontendProrations: z.boolean().default(true),
  nonAnniversaryAmendments: z.boolean().default(false),
  dayProrations: z.boolean().default(false),
  terminatedOrderItemCredit: z.boolean().default(false),
  quantityReductionOrderItemCredit: z.boolean().default(false),
  autoAdvanceProrationInvoices: z.boolean().default(true),
  backdatedAmendments: z.boolean().default(true),
  oldOrderMigration: z.boolean().default(false),
  terminationMetadata: z.boolean().default(false),
  /** Round order-line prices to 2 decimals of the major unit, as Salesforce currency fields are. */
  salesforcePrecision: z.boolean().default(false),
  /** Update a linked Stripe customer from the Account on every order sync (else only created once). */
  updateCustomerOnSync: z.boolean().default(false),
  /** Update a linked Stripe product from Product2 on every sync (else only created once). */
  updateProductOnSync: z.boolean().default(false),
  coupons: z.boolean().default(true),
  mdq: z.boolean().default(true),
  /** q13: duplicate a price that two lines of one phase share. */
  dedupeInitialOrderPrices: z.boolean().default(true),
  /** q16: "Due on Receipt" → 0 days (false: the documented "Unsupported field value" error). */
  dueOnReceiptAsZeroDays: z.boolean().default(true),
  /** q18: fill the customer's email from the quote's primary contact when no mapping sets it. */
  emailFromPrimaryContact: z.boolean().default(true),
  /**
   * Test mode only: each new customer gets its own Stripe test clock, so an admin can advance time and watch
   * the schedule bill (spec §2.3; on for new tenants, as the reference's `test_clocks` flag).
   */
  testClocks: z.boolean().default(true),
});

export const Settings = z.object({
  /** Used when the org is not multi-currency (lower-cased for Stripe). */
  defaultCurrency: z
    .string()
    .regex(/^[A-Za-z]{3}$/)
    .default('USD'),
  multiCurrency: z.boolean().default(false),
  /** Initial orders activated before this date are "pre-integration" and not synced. */
  syncStartDate: SalesforceDate.nullable().default(null),
  /** CPQ Subscription Prorate Precision. */
  proratePrecision: z.enum(['month', 'month+day']).default('month'),
  /** CPQ's global subscription term unit; only `month` is supported (checked when planning). */
  termUnit: z.string().default('month'),
  /** SOQL condition an order must meet to sync. */
  orderSyncFilter: z.string().default("Status = 'Activated'"),
  /** q17: how Stripe collects invoices of subscriptions and one-time orders, unless mapped. */
  collectionMethod: z.enum(['send_invoice', 'charge_automatically']).default('send_invoice'),
  /** Days until due for `send_invoice` when no payment-term mapping gives one. */
  defaultDaysUntilDue: z.number().int().min(0).default(30),
  features: Features.prefault({}),
});

export type Settings = z.infer<typeof Settings>;
export type SettingsInput = z.input<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = Settings.parse({});

export function parseSettings(input: SettingsInput = {}): Settings {
  return Settings.parse(input);
}
