/**
 * The one vocabulary the tests and the sample org use to describe CPQ data: a product spec, and the
 * fields CPQ stores for it on Product2, PricebookEntry and (copied from the product) on OrderItem.
 * `CpqBuilder` inserts these records into the org emulator; the core's test fixtures give them Ids and
 * put them in the core's in-memory order graph.
 */
import { addDays, addMonths, formatDate, parseDate, type CalendarDate } from '../dates.js';

export type BillingFrequency = 'Monthly' | 'Quarterly' | 'Semiannual' | 'Annual' | 'Invoice Plan';

export interface ProductSpec {
  readonly name: string;
  /** The PricebookEntry's UnitPrice: the price of the product's default term (of one unit, for one-time). */
  readonly listPrice: number;
  /** A billing frequency or a subscription pricing makes the product recurring; neither ⇒ one-time. */
  readonly billingFrequency?: BillingFrequency;
  /** Recurring default: Fixed Price. */
  readonly pricing?: 'Fixed Price' | 'Percent Of Total';
  /** Recurring default: Renewable. */
  readonly subscriptionType?: 'Renewable' | 'Evergreen' | 'One-time' | 'Renewable/Evergreen';
  /** The default subscription term in months; recurring default: 12. */
  readonly term?: number;
  /** Recurring default: Advance. */
  readonly billingType?: 'Advance' | 'Arrears';
  /** Default: Recurring for a recurring product, One-Time otherwise. */
  readonly chargeType?: 'One-Time' | 'Recurring' | 'Usage';
  /** Extra pricebook entries by currency, e.g. `{ EUR: 1000 }`. */
  readonly otherCurrencies?: Record<string, number>;
}

/** A price dimension segment of an MDQ line (one year of a ramp deal, say). */
export interface Segment {
  readonly key: string;
  readonly index: number;
  readonly label: string;
  readonly start: string;
  readonly end: string;
  readonly dimension: string;
  readonly dimensionType: string;
}

/** One order product, apart from which product it sells. */
export interface LineSpec {
  readonly quantity: number;
  /** Additional discount (%) on the quote line. */
  readonly discount?: number;
  /** The net unit price for the line's whole term; by default computed as CPQ does. */
  readonly unitPrice?: number;
  /** Line term when it differs from the quote's (amendments: remaining months). */
  readonly term?: number;
  /** The Id of the order product this amendment line changes. */
  readonly revises?: string;
  readonly segment?: Segment;
  /** Any other OrderItem fields, e.g. `{ Skip_Line_Item__c: true }` or broken values. */
  readonly orderItem?: Record<string, unknown>;
}

export const isRecurring = (spec: ProductSpec): boolean =>
  spec.billingFrequency !== undefined || spec.pricing !== undefined;

/** The spec with CPQ's defaults for what it leaves out. */
export function completeProductSpec(spec: ProductSpec): ProductSpec {
  if (!isRecurring(spec)) return spec;
  return { pricing: 'Fixed Price', subscriptionType: 'Renewable', term: 12, billingType: 'Advance', ...spec };
}

/** A product's fields as CPQ stores them. */
export function productFields(spec: ProductSpec): Record<string, unknown> {
  const product = completeProductSpec(spec);
  return {
    Name: product.name,
    IsActive: true,
    SBQQ__SubscriptionPricing__c: product.pricing ?? null,
    SBQQ__SubscriptionType__c: product.subscriptionType ?? null,
    SBQQ__SubscriptionTerm__c: product.term ?? null,
    SBQQ__BillingFrequency__c: product.billingFrequency ?? null,
    SBQQ__BillingType__c: product.billingType ?? null,
    SBQQ__ChargeType__c: product.chargeType ?? (isRecurring(product) ? 'Recurring' : 'One-Time'),
  };
}

/** A product's active price in one price book (and, in a multi-currency org, one currency). */
export function pricebookEntryFields(
  productId: string,
  pricebookId: string | null,
  unitPrice: number,
  currency: { CurrencyIsoCode?: string },
): Record<string, unknown> {
  return {
    ...(pricebookId ? { Pricebook2Id: pricebookId } : {}),
    Product2Id: productId,
    UnitPrice: unitPrice,
    IsActive: true,
    ...currency,
  };
}

/** The fields CPQ copies from the product onto each order product. */
export function orderItemProductFields(product: Record<string, unknown>): Record<string, unknown> {
  return {
    SBQQ__ChargeType__c: product.SBQQ__ChargeType__c,
    SBQQ__BillingFrequency__c: product.SBQQ__BillingFrequency__c,
    SBQQ__BillingType__c: product.SBQQ__BillingType__c,
    SBQQ__SubscriptionPricing__c: product.SBQQ__SubscriptionPricing__c,
    SBQQ__SubscriptionType__c: product.SBQQ__SubscriptionType__c,
    SBQQ__ProductSubscriptionType__c: product.SBQQ__SubscriptionType__c,
  };
}

const date = (text: string): CalendarDate => parseDate(text) as CalendarDate;
/** The last day of a term that starts on `start` (inclusive end, as CPQ stores it). */
export const termEnd = (start: string, months: number): string =>
  formatDate(addDays(addMonths(date(start), months), -1));
