/**
 * What the target org has before the package arrives: the standard objects the package extends or
 * grants access to, the Salesforce CPQ objects (installed first, see README), and the system fields
 * every object has. The offline checks accept references to these and to the package's own metadata.
 */
export const STANDARD_OBJECTS: readonly string[] = [
  'Account',
  'Contact',
  'ConsumptionSchedule',
  'Contract',
  'Opportunity',
  'Order',
  'OrderItem',
  'Pricebook2',
  'PricebookEntry',
  'Product2',
  'User',
];

export const CPQ_OBJECTS: readonly string[] = [
  'SBQQ__Quote__c',
  'SBQQ__QuoteLine__c',
  'SBQQ__Subscription__c',
  'SBQQ__OrderItemConsumptionSchedule__c',
  'SBQQ__OrderItemConsumptionRate__c',
];

export const SYSTEM_FIELDS: readonly string[] = [
  'Id',
  'Name',
  'OwnerId',
  'CreatedById',
  'CreatedDate',
  'LastModifiedById',
  'LastModifiedDate',
  'SystemModstamp',
];

/** Objects whose access comes from their parent: a permission set cannot grant object permissions on them. */
export const PARENT_CONTROLLED_OBJECTS: readonly string[] = ['OrderItem', 'PricebookEntry'];

/**
 * Standard fields under field-level security that the relay reads (a permission set may carry them; required
 * fields, name parts and auto-numbers may not). Address parts take their compound field's (`BillingAddress`).
 */
export const STANDARD_FLS_FIELDS: readonly string[] = [
  'Account.BillingAddress',
  'Account.Description',
  'Account.Phone',
  'Account.ShippingAddress',
  'ConsumptionRate.UpperBound',
  'ConsumptionSchedule.IsActive',
  'Contact.AccountId',
  'Contact.Email',
  'Contact.Phone',
  'Contract.EndDate',
  'Contract.StartDate',
  'Order.ActivatedDate',
  'Order.ContractId',
  'Order.EndDate',
  'Order.OpportunityId',
  'Order.TotalAmount',
  'Order.Type',
  'OrderItem.EndDate',
  'OrderItem.ListPrice',
  'OrderItem.Product2Id',
  'OrderItem.ServiceDate',
  'OrderItem.TotalPrice',
  'PricebookEntry.IsActive',
  'Product2.Description',
];
