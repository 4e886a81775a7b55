/**
 * The Salesforce fields the field mappings read, per sObject, so the graph reader selects them: a
 * mapping path starts at its key's record (`customer` → Account, `subscription_item` → OrderItem, …)
 * and crosses parent lookups the graph holds (`Account.Name` from an Order reads Order.AccountId and
 * Account.Name). Lookups to records outside the graph cannot resolve and are not read.
 */
import { DEFAULT_MAPPINGS, lookupFieldName, REQUIRED_MAPPINGS, type MappingConfig, type MappingKey } from '../core/mappings.js';
import type { ExtraFields } from './graphReader.js';

const ROOT: Readonly<Record<MappingKey, string>> = {
  customer: 'Account',
  product: 'Product2',
  price: 'PricebookEntry',
  price_order_item: 'OrderItem',
  subscription_schedule: 'Order',
  subscription_phase: 'Order',
  subscription_item: 'OrderItem',
  invoice: 'Order',
  coupon: 'Quote_Stripe_Coupon__c',
};

/** Lookup field → the sObject it points at, for the parents the graph reader loads. */
const PARENTS: Readonly<Record<string, string>> = {
  AccountId: 'Account',
  Product2Id: 'Product2',
  PricebookEntryId: 'PricebookEntry',
  OrderId: 'Order',
  OpportunityId: 'Opportunity',
  ContractId: 'Contract',
  SBQQ__Quote__c: 'SBQQ__Quote__c',
  SBQQ__QuoteLine__c: 'SBQQ__QuoteLine__c',
  SBQQ__PrimaryContact__c: 'Contact',
};

export function mappedFields(config: MappingConfig): ExtraFields {
  const fields = new Map<string, Set<string>>();
  const add = (sobject: string, field: string) => fields.set(sobject, (fields.get(sobject) ?? new Set()).add(field));
  const layers = [REQUIRED_MAPPINGS, DEFAULT_MAPPINGS, config.fieldMappings] as const;
  for (const layer of layers) {
    for (const [key, mappings] of Object.entries(layer) as [MappingKey, Readonly<Record<string, string>> | undefined][]) {
      for (const path of Object.values(mappings ?? {})) {
        let sobject: string | undefined = ROOT[key];
        const parts = path.split('.');
        const field = parts.pop()!;
        for (const part of parts) {
          const lookup = lookupFieldName(part);
          if (!sobject) break;
          add(sobject, lookup);
          sobject = PARENTS[lookup];
        }
        if (sobject) add(sobject, field);
      }
    }
  }
  return Object.fromEntries([...fields].map(([sobject, set]) => [sobject, [...set]]));
}
