/**
 * The one vocabulary the tests and the sample org use to describe CPQ data — product, order header and
 * line specs — and the fields CPQ stores for them on Account, Product2, PricebookEntry, Opportunity,
 * SBQQ__Quote__c, Order and OrderItem. `CpqBuilder` inserts these records into the org emulator, adding
 * what CPQ computes (quote lines, prorate multipliers, segment dates, contracts); the core's test fixtures
 * (test/core/orderFixture.ts) give them Ids and put them in the core's in-memory order graph.
 */
import { Decimal as BaseDecimal } from 'decimal.js';
import { addDays, addMonths, formatDate, parseDate, type CalendarDate } from '../dates.js';

/** The org's own decimals (not the core's): 40 significant digits, half-up, for the prices it computes. */
const Decimal = BaseDecimal.clone({ precision: 40, rounding: BaseDecimal.ROUND_HALF_UP });

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

/** A segment line's own OrderItem fields (none for a line without a segment). */
export function segmentOrderItemFields(segment: Segment | undefined): Record<string, unknown> {
  return {
    SBQQ__PriceDimension__c: segment?.dimension ?? null,
    SBQQ__DimensionType__c: segment?.dimensionType ?? null,
    SBQQ__SegmentIndex__c: segment?.index ?? null,
    SBQQ__SegmentKey__c: segment?.key ?? null,
  };
}

/** The quote line fields that place a line in time and, for a segment line, in its segment. */
export function segmentQuoteLineFields(
  segment: Segment | undefined,
  start: string | null,
  end: string | null,
): Record<string, unknown> {
  return {
    SBQQ__EffectiveStartDate__c: start,
    SBQQ__EndDate__c: end,
    SBQQ__SegmentLabel__c: segment?.label ?? null,
    SBQQ__SegmentIndex__c: segment?.index ?? null,
    SBQQ__SegmentKey__c: segment?.key ?? null,
    SBQQ__Dimension__c: segment?.dimension ?? null,
  };
}

export const isRecurring = (spec: ProductSpec): boolean =>
  spec.billingFrequency !== undefined || spec.pricing !== undefined;

/** The spec with CPQ's defaults for what it leaves out. */
export function completeProductSpec(spec: ProductSpec): ProductSpec {
  if (!isRecurring(spec)) return spec;
  return { pricing: 'Fixed Price', subscriptionType: 'Renewable', term: 12, billingType: 'Advance', ...spec };
}

/**
 * CPQ's prorate multiplier: the line's term ÷ the product's default term. A segment line is priced whole
 * (its segment is its term), and a line without either term is not prorated (spec §3.3).
 */
export function prorateMultiplier(line: {
  readonly term: number | null;
  readonly defaultTerm: number | null;
  readonly segment?: Segment | undefined;
}): BaseDecimal {
  return !line.segment && line.term && line.defaultTerm ? new Decimal(line.term).div(line.defaultTerm) : new Decimal(1);
}

/**
 * CPQ's net unit price for the line's whole term: list price × prorate multiplier, less the discount (%),
 * to the cent (spec §3.3–3.4). The one rule the sample org and the core tests' fixtures price lines by.
 */
export function netUnitPrice(listPrice: number, multiplier: BaseDecimal, discount = 0): number {
  const kept = new Decimal(100).minus(discount).div(100);
  return new Decimal(listPrice).times(multiplier).times(kept).toDecimalPlaces(2).toNumber();
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

/** A customer account with a billing address, as the sample org and the core tests make them. */
export function accountFields(name: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Name: name,
    BillingStreet: '1 Market Street',
    BillingCity: 'San Francisco',
    BillingState: 'CA',
    BillingPostalCode: '94105',
    BillingCountry: 'US',
    ...fields,
  };
}

/** What an order says before its lines: whose it is, when it starts, for how long, what kind. */
export interface OrderHeader {
  readonly accountId: string;
  readonly name: string;
  readonly start: string | null;
  readonly term: number | null;
  readonly type?: 'New' | 'Amendment';
  readonly amendedContractId?: string;
  readonly paymentTerm?: string;
  readonly customerDiscount?: number;
  /** Any other Order fields, e.g. broken values. */
  readonly order?: Record<string, unknown>;
}

/** The last day of the order's term, as CPQ computes it from start and term (null without either). */
export const orderTermEnd = (header: OrderHeader): string | null =>
  header.start && header.term ? termEnd(header.start, header.term) : null;

/** The (won) opportunity an order's quote was made on; an amendment's names the contract it amends. */
export function opportunityFields(
  header: OrderHeader,
  closeDate: string | null,
  pricebookId: string | null,
): Record<string, unknown> {
  return {
    Name: header.name,
    AccountId: header.accountId,
    CloseDate: closeDate,
    StageName: 'Closed Won',
    Pricebook2Id: pricebookId,
    SBQQ__AmendedContract__c: header.amendedContractId ?? null,
  };
}

/** The accepted, ordered primary quote behind an order. */
export function quoteFields(
  header: OrderHeader,
  opportunityId: string,
  pricebookId: string | null,
  endDate: string | null,
): Record<string, unknown> {
  return {
    SBQQ__Account__c: header.accountId,
    SBQQ__Opportunity2__c: opportunityId,
    SBQQ__PricebookId__c: pricebookId,
    SBQQ__StartDate__c: header.start,
    SBQQ__EndDate__c: endDate,
    SBQQ__SubscriptionTerm__c: header.term,
    SBQQ__Type__c: header.type === 'Amendment' ? 'Amendment' : 'Quote',
    SBQQ__Status__c: 'Accepted',
    SBQQ__Primary__c: true,
    SBQQ__Ordered__c: true,
    SBQQ__CustomerDiscount__c: header.customerDiscount ?? null,
    SBQQ__PaymentTerms__c: header.paymentTerm ?? 'Net 30',
  };
}

/** The order as CPQ creates it from its quote: still Draft until its products are in. */
export function orderFields(
  header: OrderHeader,
  links: { readonly opportunityId: string; readonly quoteId: string; readonly pricebookId: string | null },
  effectiveDate: string | null,
  endDate: string | null,
): Record<string, unknown> {
  return {
    Name: header.name,
    AccountId: header.accountId,
    OpportunityId: links.opportunityId,
    SBQQ__Quote__c: links.quoteId,
    Pricebook2Id: links.pricebookId,
    EffectiveDate: effectiveDate,
    EndDate: endDate,
    Status: 'Draft',
    Type: header.type ?? 'New',
    SBQQ__PaymentTerm__c: header.paymentTerm ?? 'Net 30',
    SBQQ__ContractingMethod__c: 'By Subscription End Date',
  };
}

/** An order product: what it sells, how many, at what net price, with the fields copied from its product. */
export function orderItemFields(
  item: {
    readonly orderId: string;
    readonly pricebookEntryId: string | null;
    readonly quantity: number;
    readonly unitPrice: number;
    readonly activated: boolean;
  },
  product: { readonly Id: string } & Record<string, unknown>,
): Record<string, unknown> {
  return {
    OrderId: item.orderId,
    Product2Id: product.Id,
    PricebookEntryId: item.pricebookEntryId,
    Quantity: item.quantity,
    UnitPrice: item.unitPrice,
    SBQQ__Activated__c: item.activated,
    ...orderItemProductFields(product),
  };
}
