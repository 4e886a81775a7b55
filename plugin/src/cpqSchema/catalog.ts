/**
 * The objects a CPQ org has before our package is deployed: the standard objects the product reads
 * (Salesforce Object Reference) and the CPQ managed package's SBQQ__ objects and fields (spec §3),
 * with their types and picklist values. Package objects come from force-app (metadataLoader.ts).
 */
import { KEY_PREFIXES } from '../core/records/salesforceIds.js';
import { Decimal } from '../core/money.js';
import { fieldFromNotation } from './catalogNotation.js';
import recorded from './catalogRecorded.json' with { type: 'json' };
import { fieldDef, type FieldDef, type Schema } from './schema.js';
import type { RecordStore } from './store.js';

type Spec = Omit<Partial<FieldDef>, 'name' | 'type'>;

const text = (name: string, length = 255, spec: Spec = {}): FieldDef =>
  fieldDef({ name, type: 'string', length, ...spec });
const area = (name: string, length = 32_000): FieldDef => fieldDef({ name, type: 'textarea', length });
const num = (name: string, precision = 18, scale = 2, spec: Spec = {}): FieldDef =>
  fieldDef({ name, type: 'double', precision, scale, ...spec });
const money = (name: string, spec: Spec = {}): FieldDef =>
  fieldDef({ name, type: 'currency', precision: 18, scale: 2, ...spec });
const pct = (name: string): FieldDef => fieldDef({ name, type: 'percent', precision: 9, scale: 2 });
const flag = (name: string, spec: Spec = {}): FieldDef =>
  fieldDef({ name, type: 'boolean', nillable: false, defaultValue: false, ...spec });
const date = (name: string, spec: Spec = {}): FieldDef => fieldDef({ name, type: 'date', ...spec });
const datetime = (name: string, spec: Spec = {}): FieldDef => fieldDef({ name, type: 'datetime', ...spec });
const pick = (name: string, values: readonly string[], spec: Spec = {}): FieldDef =>
  fieldDef({ name, type: 'picklist', length: 255, picklistValues: values, ...spec });
const readOnly: Spec = { createable: false, updateable: false };
const required: Spec = { nillable: false };

/** A lookup; `child` names the relationship on the parent (`OrderItems`). */
function lookup(name: string, to: string | string[], child?: string, spec: Spec = {}): FieldDef {
  const relationshipName = name.endsWith('__c') ? name.replace(/__c$/, '__r') : name.replace(/Id$/, '');
  return fieldDef({
    name,
    type: 'reference',
    length: 18,
    referenceTo: Array.isArray(to) ? to : [to],
    relationshipName,
    ...(child ? { childRelationshipName: child } : {}),
    ...spec,
  });
}

const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'JPY'];
/** In a multi-currency org every object with records of value carries CurrencyIsoCode (Help, "Enable Multiple Currencies"). */
export const currency = (): FieldDef =>
  pick('CurrencyIsoCode', CURRENCIES, { restrictedPicklist: true, defaultValue: 'USD', label: 'Currency ISO Code' });
const ownerId = (): FieldDef => lookup('OwnerId', 'User', undefined, { relationshipName: 'Owner' });
/** An address: the compound `${prefix}Address`, returned as an object (Object Reference, "Address Compound Fields"), and its parts. */
const address = (prefix: 'Billing' | 'Shipping'): FieldDef[] => [
  fieldFromNotation(`${prefix}Address`, 'Address'),
  area(`${prefix}Street`, 255),
  text(`${prefix}City`, 40),
  text(`${prefix}State`, 80),
  text(`${prefix}PostalCode`, 20),
  text(`${prefix}Country`, 80),
  num(`${prefix}Latitude`, 18, 15),
  num(`${prefix}Longitude`, 18, 15),
  pick(`${prefix}GeocodeAccuracy`, [
    'Address',
    'NearAddress',
    'Block',
    'Street',
    'ExtendedZip',
    'Zip',
    'Neighborhood',
    'City',
    'County',
    'State',
    'Unknown',
  ]),
];

// CPQ's picklist values (CPQ Help, "Product Fields", "Order Product Fields"; values seen in the recordings).
const BILLING_FREQUENCY = ['Monthly', 'Quarterly', 'Semiannual', 'Annual', 'Invoice Plan'];
const BILLING_TYPE = ['Advance', 'Arrears'];
const CHARGE_TYPE = ['One-Time', 'Recurring', 'Usage'];
const SUBSCRIPTION_PRICING = ['Fixed Price', 'Percent Of Total'];
const SUBSCRIPTION_TYPE = ['Renewable', 'One-time', 'Evergreen', 'Renewable/Evergreen'];
const DIMENSION_TYPE = ['Year', 'Quarter', 'Month', 'Custom', 'One-time'];
const BILLING_TERM_UNIT = ['Month', 'Quarter', 'Year'];
const PAYMENT_TERMS = ['Due on Receipt', 'Net 15', 'Net 30', 'Net 45', 'Net 60', 'Net 90'];

interface ObjectSpec {
  readonly name: string;
  readonly keyPrefix: string;
  readonly label?: string;
  readonly labelPlural?: string;
  readonly fields: readonly FieldDef[];
  /** No CurrencyIsoCode even in a multi-currency org (setup objects, price books, junctions). */
  readonly noCurrency?: boolean;
}

const OBJECTS: readonly ObjectSpec[] = [
  {
    name: 'Organization',
    noCurrency: true,
    keyPrefix: '00D',
    fields: [
      text('Name', 80, readOnly),
      text('InstanceName', 5, readOnly),
      flag('IsSandbox', readOnly),
      datetime('TrialExpirationDate', readOnly),
      text('NamespacePrefix', 15, readOnly),
      text('OrganizationType', 40, readOnly),
      text('DefaultCurrencyIsoCode', 3, readOnly),
      flag('IsMultiCurrencyOrganization', { ...readOnly, label: 'Multiple Currencies Enabled' }),
      text('TimeZoneSidKey', 40, readOnly),
    ],
  },
  { name: 'Profile', noCurrency: true, keyPrefix: '00e', fields: [text('Name', 255, required)] },
  {
    name: 'User',
    keyPrefix: KEY_PREFIXES.User,
    fields: [
      text('Username', 80, required),
      text('FirstName', 40),
      text('LastName', 80, required),
      text('Name', 121, readOnly),
      fieldDef({ name: 'Email', type: 'email', length: 80, nillable: false }),
      text('Alias', 8),
      flag('IsActive', { defaultValue: true }),
      text('TimeZoneSidKey', 40),
      lookup('ProfileId', 'Profile'),
    ],
  },
  {
    name: 'PermissionSet',
    noCurrency: true,
    keyPrefix: '0PS',
    fields: [
      text('Name', 80, required),
      text('Label', 80, required),
      text('NamespacePrefix', 15, readOnly),
      flag('IsOwnedByProfile', readOnly),
    ],
  },
  {
    name: 'PermissionSetAssignment',
    noCurrency: true,
    keyPrefix: '0Pa',
    fields: [
      lookup('AssigneeId', 'User', undefined, required),
      lookup('PermissionSetId', 'PermissionSet', 'Assignments', required),
    ],
  },
  {
    name: 'Account',
    keyPrefix: KEY_PREFIXES.Account,
    fields: [
      text('Name', 255, required),
      fieldDef({ name: 'Phone', type: 'phone', length: 40 }),
      area('Description'),
      ...address('Billing'),
      ...address('Shipping'),
      ownerId(),
    ],
  },
  {
    name: 'Contact',
    keyPrefix: KEY_PREFIXES.Contact,
    fields: [
      text('FirstName', 40),
      text('LastName', 80, required),
      text('Name', 121, readOnly),
      fieldDef({ name: 'Email', type: 'email', length: 80 }),
      fieldDef({ name: 'Phone', type: 'phone', length: 40 }),
      lookup('AccountId', 'Account', 'Contacts'),
    ],
  },
  {
    name: 'Pricebook2',
    keyPrefix: KEY_PREFIXES.Pricebook2,
    fields: [
      text('Name', 255, required),
      flag('IsActive'),
      flag('IsStandard', readOnly),
      flag('IsArchived', readOnly),
      area('Description', 255),
      datetime('LastReferencedDate', readOnly),
      datetime('LastViewedDate', readOnly),
    ],
  },
  {
    name: 'Product2',
    keyPrefix: KEY_PREFIXES.Product2,
    fields: [
      text('Name', 255, required),
      text('ProductCode', 255),
      area('Description', 4000),
      flag('IsActive'),
      pick('SBQQ__SubscriptionPricing__c', SUBSCRIPTION_PRICING),
      pick('SBQQ__SubscriptionType__c', SUBSCRIPTION_TYPE),
      num('SBQQ__SubscriptionTerm__c', 18, 0),
      pick('SBQQ__BillingFrequency__c', BILLING_FREQUENCY),
      pick('SBQQ__BillingType__c', BILLING_TYPE),
      pick('SBQQ__ChargeType__c', CHARGE_TYPE),
    ],
  },
  {
    name: 'PricebookEntry',
    keyPrefix: KEY_PREFIXES.PricebookEntry,
    fields: [
      text('Name', 255, readOnly),
      text('ProductCode', 255, readOnly),
      flag('IsArchived', readOnly),
      lookup('Pricebook2Id', 'Pricebook2', 'PricebookEntries', { ...required, updateable: false }),
      lookup('Product2Id', 'Product2', 'PricebookEntries', { ...required, updateable: false }),
      money('UnitPrice', required),
      flag('IsActive'),
      flag('UseStandardPrice'),
    ],
  },
  {
    name: 'ConsumptionSchedule',
    keyPrefix: KEY_PREFIXES.ConsumptionSchedule,
    fields: [
      text('Name', 80, required),
      pick('Type', ['Range', 'Slab'], { ...required, restrictedPicklist: true }),
      pick('RatingMethod', ['Tier'], { ...required, restrictedPicklist: true }),
      // Object Reference, ConsumptionSchedule: BillingTerm is the int, BillingTermUnit the picklist.
      fieldDef({ name: 'BillingTerm', type: 'int', precision: 9, scale: 0, nillable: false }),
      pick('BillingTermUnit', BILLING_TERM_UNIT, { ...required, restrictedPicklist: true }),
      fieldDef({ name: 'NumberOfRates', type: 'int', precision: 9, scale: 0, ...readOnly, calculated: true }),
      pick('SBQQ__Category__c', ['Rates']),
      datetime('LastReferencedDate', readOnly),
      datetime('LastViewedDate', readOnly),
      ownerId(),
      flag('IsActive'),
      text('UnitOfMeasure', 255),
    ],
  },
  {
    name: 'ConsumptionRate',
    keyPrefix: KEY_PREFIXES.ConsumptionRate,
    fields: [
      text('Name', 80, { ...readOnly, autoNumber: true }),
      lookup('ConsumptionScheduleId', 'ConsumptionSchedule', 'ConsumptionRates', { ...required, updateable: false }),
      num('LowerBound', 18, 0, required),
      num('UpperBound', 18, 0),
      pick('PricingMethod', ['PerUnit', 'FlatFee'], { ...required, restrictedPicklist: true }),
      money('Price', required),
      num('ProcessingOrder', 18, 0, required),
    ],
  },
  {
    name: 'ProductConsumptionSchedule',
    noCurrency: true,
    keyPrefix: '0Mx',
    fields: [
      lookup('ProductId', 'Product2', 'ProductConsumptionSchedules', { ...required, updateable: false }),
      lookup('ConsumptionScheduleId', 'ConsumptionSchedule', 'ProductConsumptionSchedules', {
        ...required,
        updateable: false,
      }),
    ],
  },
  {
    name: 'Opportunity',
    keyPrefix: KEY_PREFIXES.Opportunity,
    fields: [
      text('Name', 120, required),
      lookup('AccountId', 'Account', 'Opportunities'),
      date('CloseDate', required),
      pick(
        'StageName',
        ['Prospecting', 'Qualification', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost'],
        required,
      ),
      money('Amount'),
      lookup('Pricebook2Id', 'Pricebook2', 'Opportunities'),
      lookup('SBQQ__AmendedContract__c', 'Contract', 'SBQQ__AmendmentOpportunities__r'),
      lookup('SBQQ__PrimaryQuote__c', 'SBQQ__Quote__c'),
      ownerId(),
    ],
  },
  {
    name: 'SBQQ__Quote__c',
    keyPrefix: 'a0q',
    label: 'Quote',
    fields: [
      text('Name', 80, { ...readOnly, autoNumber: true }),
      lookup('SBQQ__Account__c', 'Account', 'SBQQ__Quotes__r'),
      lookup('SBQQ__Opportunity2__c', 'Opportunity', 'SBQQ__Quotes2__r'),
      lookup('SBQQ__PrimaryContact__c', 'Contact'),
      // Text holding a Pricebook2 Id, not a lookup (real CPQ metadata; recordings).
      text('SBQQ__PricebookId__c', 18),
      date('SBQQ__StartDate__c'),
      date('SBQQ__EndDate__c'),
      num('SBQQ__SubscriptionTerm__c', 18, 0),
      pick('SBQQ__Type__c', ['Quote', 'Renewal', 'Amendment']),
      pick('SBQQ__Status__c', ['Draft', 'In Review', 'Approved', 'Denied', 'Presented', 'Accepted', 'Rejected']),
      flag('SBQQ__Primary__c'),
      flag('SBQQ__Ordered__c'),
      pct('SBQQ__CustomerDiscount__c'),
      pick('SBQQ__PaymentTerms__c', PAYMENT_TERMS),
      money('SBQQ__NetAmount__c', readOnly),
    ],
  },
  {
    name: 'SBQQ__Dimension__c',
    keyPrefix: 'a0d',
    label: 'Price Dimension',
    fields: [
      text('Name', 80, required),
      lookup('SBQQ__Product__c', 'Product2', 'SBQQ__Dimensions__r'),
      pick('SBQQ__Type__c', DIMENSION_TYPE),
    ],
  },
  {
    name: 'SBQQ__QuoteLine__c',
    keyPrefix: 'a0l',
    label: 'Quote Line',
    fields: [
      text('Name', 80, { ...readOnly, autoNumber: true }),
      lookup('SBQQ__Quote__c', 'SBQQ__Quote__c', 'SBQQ__LineItems__r', { ...required, updateable: false }),
      lookup('SBQQ__Product__c', 'Product2'),
      // Text holding a PricebookEntry Id, not a lookup (real CPQ metadata; recordings).
      text('SBQQ__PricebookEntryId__c', 18),
      num('SBQQ__Quantity__c', 14, 2),
      pct('SBQQ__Discount__c'),
      money('SBQQ__AdditionalDiscountAmount__c'),
      money('SBQQ__ListPrice__c'),
      money('SBQQ__NetPrice__c'),
      // Unrounded quotients in the recordings (0.6666666666666666): CPQ keeps the full double.
      num('SBQQ__ProrateMultiplier__c', 18, 16),
      date('SBQQ__EffectiveStartDate__c'),
      date('SBQQ__EndDate__c'),
      text('SBQQ__SegmentLabel__c', 255),
      num('SBQQ__SegmentIndex__c', 18, 0),
      text('SBQQ__SegmentKey__c', 255),
      lookup('SBQQ__Dimension__c', 'SBQQ__Dimension__c'),
      pick('SBQQ__BillingFrequency__c', BILLING_FREQUENCY),
      pick('SBQQ__SubscriptionPricing__c', SUBSCRIPTION_PRICING),
      num('SBQQ__SubscriptionTerm__c', 18, 0),
    ],
  },
  {
    name: 'Contract',
    keyPrefix: KEY_PREFIXES.Contract,
    fields: [
      text('ContractNumber', 30, { ...readOnly, autoNumber: true }),
      lookup('AccountId', 'Account', 'Contracts', required),
      pick('Status', ['Draft', 'In Approval Process', 'Activated'], {
        ...required,
        restrictedPicklist: true,
        defaultValue: 'Draft',
      }),
      date('StartDate'),
      date('EndDate', readOnly),
      num('ContractTerm', 4, 0),
      lookup('SBQQ__Quote__c', 'SBQQ__Quote__c'),
      lookup('SBQQ__Order__c', 'Order'),
      lookup('SBQQ__Opportunity__c', 'Opportunity'),
      date('SBQQ__AmendmentStartDate__c'),
      num('SBQQ__RenewalTerm__c', 5, 0),
      flag('SBQQ__RenewalQuoted__c'),
      flag('SBQQ__Evergreen__c'),
    ],
  },
  {
    name: 'Order',
    keyPrefix: KEY_PREFIXES.Order,
    fields: [
      text('OrderNumber', 30, { ...readOnly, autoNumber: true }),
      // Standard Order fields a real org returns (Object Reference, Order; recordings).
      area('Description'),
      ...address('Billing'),
      ...address('Shipping'),
      lookup('BillToContactId', 'Contact', undefined, { relationshipName: 'BillToContact' }),
      lookup('ShipToContactId', 'Contact', undefined, { relationshipName: 'ShipToContact' }),
      lookup('ActivatedById', 'User', undefined, { ...readOnly, relationshipName: 'ActivatedBy' }),
      lookup('CompanyAuthorizedById', 'User', undefined, { relationshipName: 'CompanyAuthorizedBy' }),
      date('CompanyAuthorizedDate'),
      lookup('CustomerAuthorizedById', 'Contact', undefined, { relationshipName: 'CustomerAuthorizedBy' }),
      date('CustomerAuthorizedDate'),
      flag('IsReductionOrder', { createable: true, updateable: false }),
      lookup('OriginalOrderId', 'Order', undefined, { relationshipName: 'OriginalOrder', updateable: false }),
      text('OrderReferenceNumber', 80),
      date('PoDate'),
      text('PoNumber', 80),
      pick('StatusCode', ['Draft', 'Activated', 'Canceled', 'Expired'], readOnly),
      datetime('LastReferencedDate', readOnly),
      datetime('LastViewedDate', readOnly),
      money('SBQQ__OrderBookings__c', { ...readOnly, calculated: true }),
      pick('SBQQ__PriceCalcStatus__c', ['Not Needed', 'Not Started', 'Queued', 'In Progress', 'Completed', 'Failed']),
      area('SBQQ__PriceCalcStatusMessage__c', 255),
      num('SBQQ__RenewalTerm__c', 5, 0),
      pct('SBQQ__RenewalUpliftRate__c'),
      money('SBQQ__TaxAmount__c'),
      text('Name', 80),
      lookup('AccountId', 'Account', 'Orders', required),
      pick('Status', ['Draft', 'Activated'], { ...required, restrictedPicklist: true, defaultValue: 'Draft' }),
      pick('Type', ['New', 'Amendment', 'Renewal']),
      datetime('ActivatedDate'),
      date('EffectiveDate', required),
      date('EndDate'),
      lookup('OpportunityId', 'Opportunity', 'Orders'),
      lookup('ContractId', 'Contract', 'Orders'),
      lookup('Pricebook2Id', 'Pricebook2', 'Orders'),
      lookup('SBQQ__Quote__c', 'SBQQ__Quote__c', 'SBQQ__Orders__r'),
      flag('SBQQ__Contracted__c'),
      pick('SBQQ__ContractingMethod__c', ['By Subscription End Date', 'Single Contract', 'Contract Separately']),
      pick('SBQQ__PaymentTerm__c', PAYMENT_TERMS, { restrictedPicklist: true }),
      money('TotalAmount', readOnly),
      ownerId(),
    ],
  },
  {
    name: 'OrderItem',
    keyPrefix: KEY_PREFIXES.OrderItem,
    label: 'Order Product',
    fields: [
      text('OrderItemNumber', 10, { ...readOnly, autoNumber: true }),
      lookup('OrderId', 'Order', 'OrderItems', { ...required, updateable: false }),
      lookup('Product2Id', 'Product2', undefined, { updateable: false }),
      lookup('PricebookEntryId', 'PricebookEntry', undefined, { ...required, updateable: false }),
      num('Quantity', 18, 2, required),
      num('SBQQ__OrderedQuantity__c', 18, 2),
      money('UnitPrice', required),
      money('ListPrice'),
      money('TotalPrice', readOnly),
      date('ServiceDate'),
      date('EndDate'),
      flag('SBQQ__Activated__c'),
      pick('SBQQ__Status__c', ['Draft', 'Activated']),
      pick('SBQQ__ChargeType__c', CHARGE_TYPE),
      pick('SBQQ__BillingFrequency__c', BILLING_FREQUENCY),
      pick('SBQQ__BillingType__c', BILLING_TYPE),
      pick('SBQQ__SubscriptionPricing__c', SUBSCRIPTION_PRICING),
      pick('SBQQ__SubscriptionType__c', SUBSCRIPTION_TYPE),
      pick('SBQQ__ProductSubscriptionType__c', SUBSCRIPTION_TYPE),
      num('SBQQ__SubscriptionTerm__c', 18, 0),
      num('SBQQ__DefaultSubscriptionTerm__c', 5, 0),
      // Unrounded quotients in the recordings (0.6666666666666666): CPQ keeps the full double.
      num('SBQQ__ProrateMultiplier__c', 18, 16),
      lookup('SBQQ__RevisedOrderProduct__c', 'OrderItem', 'SBQQ__RevisingOrderProducts__r'),
      lookup('SBQQ__QuoteLine__c', 'SBQQ__QuoteLine__c', 'SBQQ__OrderProducts__r'),
      lookup('SBQQ__Subscription__c', 'SBQQ__Subscription__c'),
      lookup('SBQQ__PriceDimension__c', 'SBQQ__Dimension__c'),
      // Text on OrderItem, copied from the dimension (recordings hold 'One Time', not a picklist value).
      text('SBQQ__DimensionType__c', 255),
      num('SBQQ__SegmentIndex__c', 18, 0),
      text('SBQQ__SegmentKey__c', 255),
      // No SBQQ__SegmentLabel__c: only the quote line and the subscription have it.
      // Further fields a real CPQ org returns for OrderItem (recordings; Object Reference, OrderItem).
      text('Description', 255),
      num('AvailableQuantity', 18, 2, readOnly),
      lookup('OriginalOrderItemId', 'OrderItem', 'ChildOrderItems', { updateable: false }),
      lookup('SBQQ__Asset__c', 'Asset'),
      lookup('SBQQ__BlockPrice__c', 'SBQQ__BlockPrice__c'),
      text('SBQQ__BookingsIndicator__c', 255, { ...readOnly, calculated: true }),
      lookup('SBQQ__BundleRoot__c', 'OrderItem'),
      pick('SBQQ__ContractAction__c', ['New', 'Renewal', 'Quantity Increase', 'Quantity Decrease', 'Cancel']),
      lookup('SBQQ__Contract__c', 'Contract'),
      flag('SBQQ__Contracted__c'),
      pick('SBQQ__ContractingMethod__c', ['Inherit', 'Single Contract', 'Contract Separately']),
      lookup('SBQQ__DiscountSchedule__c', 'SBQQ__DiscountSchedule__c'),
      money('SBQQ__OrderProductBookings__c', { ...readOnly, calculated: true }),
      lookup('SBQQ__PriceSchedule__c', 'SBQQ__PriceSchedule__c'),
      pick('SBQQ__PricingMethod__c', ['List', 'Cost', 'Block', 'Percent Of Total', 'Custom']),
      money('SBQQ__QuotedListPrice__c'),
      num('SBQQ__QuotedQuantity__c', 18, 2),
      lookup('SBQQ__RequiredBy__c', 'OrderItem'),
      lookup('SBQQ__ShippingAccount__c', 'Account'),
      money('SBQQ__TaxAmount__c'),
      text('SBQQ__TaxCode__c', 255),
      lookup('SBQQ__TermDiscountSchedule__c', 'SBQQ__TermDiscountSchedule__c'),
      date('SBQQ__TerminatedDate__c'),
      money('SBQQ__UnproratedNetPrice__c'),
      lookup('SBQQ__UpgradedSubscription__c', 'SBQQ__Subscription__c'),
    ],
  },
  {
    name: 'SBQQ__OrderItemConsumptionSchedule__c',
    keyPrefix: 'a0s',
    label: 'Order Item Consumption Schedule',
    fields: [
      text('Name', 80, { ...readOnly, autoNumber: true }),
      ownerId(),
      lookup('SBQQ__OrderItem__c', 'OrderItem', 'SBQQ__OrderItems__r'),
      lookup('SBQQ__ConsumptionSchedule__c', 'ConsumptionSchedule', 'SBQQ__OrderItemConsumptionSchedules__r'),
      pick('SBQQ__Type__c', ['Range', 'Slab'], required),
      pick('SBQQ__RatingMethod__c', ['Tier'], required),
      pick('SBQQ__Category__c', ['Rates'], required),
      fieldDef({ name: 'SBQQ__BillingTerm__c', type: 'double', precision: 9, scale: 0, nillable: false }),
      pick('SBQQ__BillingTermUnit__c', BILLING_TERM_UNIT, required),
      pick('SBQQ__UnitOfMeasure__c', ['None']),
      area('SBQQ__Description__c'),
      text('SBQQ__MatchingAttribute__c', 255),
    ],
  },
  {
    name: 'SBQQ__OrderItemConsumptionRate__c',
    keyPrefix: 'a0r',
    label: 'Order Item Consumption Rate',
    fields: [
      text('Name', 80, { ...readOnly, autoNumber: true }),
      lookup(
        'SBQQ__OrderItemConsumptionSchedule__c',
        'SBQQ__OrderItemConsumptionSchedule__c',
        'SBQQ__OrderItemConsumptionRates__r',
        required,
      ),
      num('SBQQ__LowerBound__c', 9, 0, required),
      num('SBQQ__UpperBound__c', 9, 0),
      pick('SBQQ__PricingMethod__c', ['PerUnit', 'FlatFee'], required),
      fieldDef({ name: 'SBQQ__Price__c', type: 'currency', precision: 11, scale: 7, nillable: false }),
      num('SBQQ__ProcessingOrder__c', 9, 0, required),
      area('SBQQ__Description__c'),
    ],
  },
  {
    name: 'SBQQ__Subscription__c',
    keyPrefix: 'a0u',
    label: 'Subscription',
    fields: [
      text('Name', 80, { ...readOnly, autoNumber: true }),
      lookup('SBQQ__Contract__c', 'Contract', 'SBQQ__Subscriptions__r'),
      lookup('SBQQ__Account__c', 'Account', 'SBQQ__Subscriptions__r'),
      lookup('SBQQ__Product__c', 'Product2'),
      lookup('SBQQ__OrderProduct__c', 'OrderItem', 'SBQQ__Subscriptions__r'),
      num('SBQQ__Quantity__c', 14, 2),
      pct('SBQQ__Discount__c'),
      money('SBQQ__AdditionalDiscountAmount__c'),
      pick('SBQQ__BillingFrequency__c', BILLING_FREQUENCY),
      pick('SBQQ__BillingType__c', BILLING_TYPE),
      pick('SBQQ__ChargeType__c', CHARGE_TYPE),
      date('SBQQ__SubscriptionStartDate__c'),
      date('SBQQ__SubscriptionEndDate__c'),
    ],
  },
];

/**
 * What the org computes itself: OrderItem.TotalPrice = Quantity × UnitPrice and Order.TotalAmount,
 * the sum of its order products' TotalPrice (Object Reference: OrderItem, Order).
 */
export function addOrderTotals(store: RecordStore): void {
  store.addFormulaField('OrderItem', 'TotalPrice', (item) =>
    typeof item.Quantity === 'number' && typeof item.UnitPrice === 'number'
      ? new Decimal(item.Quantity).times(item.UnitPrice).toDecimalPlaces(2).toNumber()
      : null,
  );
  store.addAfterWrite('OrderItem', (item, previous, s) => {
    for (const orderId of new Set([item.OrderId, previous?.OrderId])) {
      if (typeof orderId !== 'string' || !s.get(orderId)) continue;
      let total = new Decimal(0);
      for (const id of s.childIds('OrderItem', 'OrderId', orderId))
        total = total.plus((s.get(id)?.TotalPrice as number | null) ?? 0);
      if (s.require(orderId).TotalAmount !== total.toNumber())
        s.update('Order', orderId, { TotalAmount: total.toNumber() }, { system: true });
    }
  });
}

/** Defines every standard and CPQ object on `schema`. */
export function defineCpqOrgSchema(schema: Schema): void {
  for (const spec of OBJECTS) {
    schema.defineObject({
      name: spec.name,
      keyPrefix: spec.keyPrefix,
      custom: spec.name.endsWith('__c'),
      ...(spec.label ? { label: spec.label } : {}),
      ...(spec.labelPlural ? { labelPlural: spec.labelPlural } : {}),
    });
    for (const field of spec.fields) schema.defineField(spec.name, field);
    for (const field of recordedFields(spec.name))
      if (!schema.findField(spec.name, field.name)) schema.defineField(spec.name, field);
    if (schema.multiCurrency && !spec.noCurrency) schema.defineField(spec.name, currency());
  }
}

/**
 * The further fields a real CPQ org returns for `sobject`, beyond those the product reads above: every
 * field of the recordings (catalogRecorded.json, kept complete by plugin/scripts/catalogFromRecordings.ts),
 * typed from the source each object names there.
 */
function recordedFields(sobject: string): FieldDef[] {
  const fields =
    (recorded as Readonly<Record<string, { readonly fields: Readonly<Record<string, string>> }>>)[sobject]?.fields ??
    {};
  return Object.entries(fields).map(([name, notation]) => fieldFromNotation(name, notation));
}
