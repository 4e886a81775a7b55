/**
 * zod models of the CPQ order graph exactly as the Salesforce REST API returns it: field API names as
 * in spec §3, dates as `YYYY-MM-DD`, datetimes as ISO strings, absent values as null. Objects are
 * loose (extra fields kept) because custom mappings may read any field, standard or custom.
 *
 * Parsing a record that breaks a model raises a `SyncError` naming the record Id, the field and the
 * fix (see `parseRecord`).
 */
import { z } from 'zod';
import { parseDate, salesforceInstantMs } from '../dates.js';
import { isSalesforceId } from './salesforceIds.js';

export const SalesforceId = z.string().refine(isSalesforceId, { message: 'is not a valid Salesforce record Id' });
const OptionalId = SalesforceId.nullish();
/** `YYYY-MM-DD`, a real calendar date. */
export const SalesforceDate = z
  .string()
  .refine((s) => parseDate(s) !== undefined, { message: 'is not a date in YYYY-MM-DD form' });
/** ISO 8601 datetime as the REST API writes it (`2030-01-01T10:00:00.000+0000`). */
export const SalesforceDateTime = z.string().refine((s) => !Number.isNaN(salesforceInstantMs(s)), {
  message: 'is not an ISO 8601 datetime',
});
const Num = z.number().finite().nullish();
const Text = z.string().nullish();
const Flag = z.boolean().nullish();

const record = <T extends z.ZodRawShape>(shape: T) =>
  z.looseObject({
    Id: SalesforceId,
    attributes: z.object({ type: z.string(), url: z.string().optional() }).optional(),
    ...shape,
  });

export const Account = record({
  Name: z.string(),
  Phone: Text,
  Description: Text,
  BillingStreet: Text,
  BillingCity: Text,
  BillingState: Text,
  BillingPostalCode: Text,
  BillingCountry: Text,
  ShippingStreet: Text,
  ShippingCity: Text,
  ShippingState: Text,
  ShippingPostalCode: Text,
  ShippingCountry: Text,
  Stripe_ID__c: Text,
});

export const Contact = record({ FirstName: Text, LastName: Text, Email: Text, Phone: Text, AccountId: OptionalId });

export const Opportunity = record({ CloseDate: SalesforceDate.nullish(), SBQQ__AmendedContract__c: OptionalId });

export const Contract = record({
  SBQQ__Quote__c: OptionalId,
  SBQQ__Order__c: OptionalId,
  SBQQ__AmendmentStartDate__c: SalesforceDate.nullish(),
  StartDate: SalesforceDate.nullish(),
  EndDate: SalesforceDate.nullish(),
});

export const Quote = record({
  SBQQ__StartDate__c: SalesforceDate.nullish(),
  SBQQ__EndDate__c: SalesforceDate.nullish(),
  SBQQ__SubscriptionTerm__c: Num,
  SBQQ__Type__c: Text,
  SBQQ__Primary__c: Flag,
  SBQQ__PrimaryContact__c: OptionalId,
  SBQQ__Opportunity2__c: OptionalId,
  SBQQ__CustomerDiscount__c: Num,
  SBQQ__PaymentTerms__c: Text,
});

export const QuoteLine = record({
  SBQQ__Quote__c: OptionalId,
  SBQQ__Quantity__c: Num,
  SBQQ__Discount__c: Num,
  SBQQ__AdditionalDiscountAmount__c: Num,
  SBQQ__ListPrice__c: Num,
  SBQQ__NetPrice__c: Num,
  SBQQ__ProrateMultiplier__c: Num,
  SBQQ__EffectiveStartDate__c: SalesforceDate.nullish(),
  SBQQ__EndDate__c: SalesforceDate.nullish(),
  SBQQ__SegmentLabel__c: Text,
  SBQQ__SegmentIndex__c: Num,
  SBQQ__Dimension__c: OptionalId,
  SBQQ__BillingFrequency__c: Text,
});

export const Product2 = record({
  Name: z.string(),
  Description: Text,
  SBQQ__SubscriptionPricing__c: Text,
  SBQQ__SubscriptionType__c: Text,
  SBQQ__SubscriptionTerm__c: Num,
  SBQQ__BillingFrequency__c: Text,
  SBQQ__BillingType__c: Text,
  SBQQ__ChargeType__c: Text,
  Stripe_ID__c: Text,
});

export const PricebookEntry = record({
  UnitPrice: z.number().finite(),
  CurrencyIsoCode: Text,
  Product2Id: SalesforceId,
  Pricebook2Id: OptionalId,
  IsActive: Flag,
  Stripe_ID__c: Text,
});

export const ConsumptionRate = record({
  ConsumptionScheduleId: SalesforceId,
  LowerBound: Num,
  UpperBound: Num,
  PricingMethod: Text,
  Price: Num,
  ProcessingOrder: Num,
});

export const ConsumptionSchedule = record({
  Type: Text,
  RatingMethod: Text,
  IsActive: Flag,
  IsDeleted: Flag,
  /** Product2 Ids linked through ProductConsumptionSchedule. */
  ProductIds: z.array(SalesforceId).optional(),
  ConsumptionRates: z.array(ConsumptionRate).optional(),
});

export const OrderItemConsumptionRate = record({
  SBQQ__OrderItemConsumptionSchedule__c: SalesforceId,
  SBQQ__LowerBound__c: Num,
  SBQQ__UpperBound__c: Num,
  SBQQ__PricingMethod__c: Text,
  SBQQ__Price__c: Num,
});

export const OrderItemConsumptionSchedule = record({
  SBQQ__OrderItem__c: SalesforceId,
  SBQQ__Type__c: Text,
  SBQQ__RatingMethod__c: Text,
  Rates: z.array(OrderItemConsumptionRate).optional(),
});

export const OrderItem = record({
  OrderId: SalesforceId,
  Product2Id: SalesforceId,
  PricebookEntryId: OptionalId,
  Quantity: z.number().finite(),
  SBQQ__OrderedQuantity__c: Num,
  UnitPrice: z.number().finite(),
  ListPrice: Num,
  TotalPrice: Num,
  ServiceDate: SalesforceDate.nullish(),
  EndDate: SalesforceDate.nullish(),
  IsDeleted: Flag,
  SBQQ__Activated__c: Flag,
  SBQQ__Status__c: Text,
  SBQQ__ChargeType__c: Text,
  SBQQ__BillingFrequency__c: Text,
  SBQQ__BillingType__c: Text,
  SBQQ__SubscriptionPricing__c: Text,
  SBQQ__SubscriptionType__c: Text,
  SBQQ__ProductSubscriptionType__c: Text,
  SBQQ__SubscriptionTerm__c: Num,
  SBQQ__DefaultSubscriptionTerm__c: Num,
  SBQQ__ProrateMultiplier__c: Num,
  SBQQ__RevisedOrderProduct__c: OptionalId,
  SBQQ__QuoteLine__c: OptionalId,
  SBQQ__PriceDimension__c: OptionalId,
  SBQQ__DimensionType__c: Text,
  SBQQ__SegmentIndex__c: Num,
  SBQQ__SegmentKey__c: Text,
  /** Only in multi-currency orgs; the graph read leaves it out elsewhere. No SegmentLabel: only quote lines have one. */
  CurrencyIsoCode: Text,
  Stripe_ID__c: Text,
  Skip_Line_Item__c: Flag,
});

export const Order = record({
  OrderNumber: Text,
  AccountId: SalesforceId,
  Status: z.string(),
  Type: Text,
  ActivatedDate: SalesforceDateTime.nullish(),
  EffectiveDate: SalesforceDate.nullish(),
  EndDate: SalesforceDate.nullish(),
  OpportunityId: OptionalId,
  SBQQ__Quote__c: OptionalId,
  SBQQ__Contracted__c: Flag,
  SBQQ__ContractingMethod__c: Text,
  SBQQ__PaymentTerm__c: Text,
  CurrencyIsoCode: Text,
  TotalAmount: Num,
  LastModifiedDate: SalesforceDateTime.nullish(),
  SystemModstamp: SalesforceDateTime.nullish(),
  Stripe_ID__c: Text,
  Skip_Past_Initial_Invoices__c: Flag,
});

/** The Stripe coupon fields of the package's coupon objects (spec §2.8, §3.7). */
const COUPON_FIELDS = {
  Name__c: Text,
  Percent_Off__c: Num,
  Amount_Off__c: Num,
  Duration__c: Text,
  Duration_In_Months__c: Num,
  Max_Redemptions__c: Num,
  CurrencyIsoCode: Text,
  Stripe_ID__c: Text,
};

export const QuoteStripeCoupon = record(COUPON_FIELDS);
export const QuoteStripeCouponAssociation = record({ Quote__c: SalesforceId, Quote_Stripe_Coupon__c: SalesforceId });
export const QuoteLineStripeCouponAssociation = record({
  Quote_Line__c: SalesforceId,
  Quote_Stripe_Coupon__c: SalesforceId,
});

export type Account = z.infer<typeof Account>;
export type Contact = z.infer<typeof Contact>;
export type Opportunity = z.infer<typeof Opportunity>;
export type Contract = z.infer<typeof Contract>;
export type Quote = z.infer<typeof Quote>;
export type QuoteLine = z.infer<typeof QuoteLine>;
export type Product2 = z.infer<typeof Product2>;
export type PricebookEntry = z.infer<typeof PricebookEntry>;
export type ConsumptionSchedule = z.infer<typeof ConsumptionSchedule>;
export type ConsumptionRate = z.infer<typeof ConsumptionRate>;
export type OrderItemConsumptionSchedule = z.infer<typeof OrderItemConsumptionSchedule>;
export type OrderItemConsumptionRate = z.infer<typeof OrderItemConsumptionRate>;
export type OrderItem = z.infer<typeof OrderItem>;
export type Order = z.infer<typeof Order>;
export type QuoteStripeCoupon = z.infer<typeof QuoteStripeCoupon>;
export type QuoteStripeCouponAssociation = z.infer<typeof QuoteStripeCouponAssociation>;
export type QuoteLineStripeCouponAssociation = z.infer<typeof QuoteLineStripeCouponAssociation>;

/** Order-level or line-level copy of a Quote Stripe Coupon, made by the package trigger (spec §2.8). */
export const OrderStripeCoupon = record({
  Order__c: OptionalId,
  Order_Item__c: OptionalId,
  Quote_Stripe_Coupon_Id__c: Text,
  ...COUPON_FIELDS,
});
export type OrderStripeCoupon = z.infer<typeof OrderStripeCoupon>;
