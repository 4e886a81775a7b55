/**
 * The Salesforce fields a mapping config reads beyond the core's record models, per sObject — what the
 * graph reader adds to its queries so `Account.Region__c` and the like reach the core. Schema-free on
 * purpose: a mapping path can only resolve through records the graph holds, so the graph's own lookups
 * say where each path goes, and a sync pays no describe call. A path starts at its key's record
 * (`customer` → Account, `subscription_item` → OrderItem, …) and crosses parent lookups the graph holds
 * (`Account.Region__c` from an Order reads Order.AccountId and Account.Region__c); a lookup to records
 * outside the graph cannot resolve, so nothing of that path is read (and the engine refuses the record).
 */
import { missingMappedFieldError, SyncErrors, type RecordRef } from '../core/errors.js';
import { COLLECTIONS } from '../core/records/graph.js';
import {
  DEFAULT_MAPPINGS,
  isMappingKey,
  lookupFieldName,
  REQUIRED_MAPPINGS,
  type MappingConfig,
  type MappingKey,
} from '../core/mappings/mappings.js';
import { SalesforceApiError } from './client.js';
import type { MappingRecord } from './settingsReader.js';

/** The record each mapping key is applied to: where its Salesforce paths start. */
export const MAPPING_ROOTS: Readonly<Record<MappingKey, string>> = {
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

/**
 * Lookup field → the sObject it points at, for every lookup between the objects the graph holds: the
 * mapping check accepts a path through any of them (test: mapping check ⇄ reader lookups).
 */
export const GRAPH_LOOKUPS: Readonly<Record<string, string>> = {
  AccountId: 'Account',
  SBQQ__Account__c: 'Account',
  SBQQ__PrimaryContact__c: 'Contact',
  OpportunityId: 'Opportunity',
  SBQQ__Opportunity__c: 'Opportunity',
  SBQQ__Opportunity2__c: 'Opportunity',
  ContractId: 'Contract',
  SBQQ__AmendedContract__c: 'Contract',
  SBQQ__Quote__c: 'SBQQ__Quote__c',
  SBQQ__PrimaryQuote__c: 'SBQQ__Quote__c',
  Quote__c: 'SBQQ__Quote__c',
  SBQQ__QuoteLine__c: 'SBQQ__QuoteLine__c',
  Quote_Line__c: 'SBQQ__QuoteLine__c',
  OrderId: 'Order',
  SBQQ__Order__c: 'Order',
  SBQQ__OrderItem__c: 'OrderItem',
  SBQQ__RevisedOrderProduct__c: 'OrderItem',
  Product2Id: 'Product2',
  SBQQ__Product__c: 'Product2',
  PricebookEntryId: 'PricebookEntry',
  // SBQQ__QuoteLine__c.SBQQ__PricebookEntryId__c is Text in CPQ, not a lookup: no path crosses it.
  SBQQ__ConsumptionSchedule__c: 'ConsumptionSchedule',
  Quote_Stripe_Coupon__c: 'Quote_Stripe_Coupon__c',
};

/** Field names (lower case) the graph reader selects anyway for `sobject`, from the core's record models. */
const MODEL_FIELDS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.values(COLLECTIONS).map(([model, sobject]) => [
    sobject,
    new Set(Object.keys(model.shape).map((f) => f.toLowerCase())),
  ]),
);

/** Extra fields per sObject, sorted; fields the models read already are left out (SOQL refuses a field selected twice). */
export function mappedFields(config: MappingConfig): Record<string, string[]> {
  const fields = new Map<string, Map<string, string>>();
  const add = (sobject: string, field: string) => {
    if (MODEL_FIELDS.get(sobject)?.has(field.toLowerCase())) return;
    const named = fields.get(sobject) ?? fields.set(sobject, new Map()).get(sobject)!;
    if (!named.has(field.toLowerCase())) named.set(field.toLowerCase(), field);
  };
  for (const layer of [REQUIRED_MAPPINGS, DEFAULT_MAPPINGS, config.fieldMappings]) {
    for (const [key, mappings] of Object.entries(layer) as [
      MappingKey,
      Readonly<Record<string, string>> | undefined,
    ][]) {
      for (const path of Object.values(mappings ?? {})) readPath(MAPPING_ROOTS[key], path, add);
    }
  }
  return Object.fromEntries([...fields].map(([sobject, named]) => [sobject, [...named.values()].sort()]));
}

/** Adds the fields `path` reads from `root` — the lookups it crosses and its final field — when the graph can resolve it. */
function readPath(root: string, path: string, add: (sobject: string, field: string) => void): void {
  const walk = pathReads(root, path);
  if (!walk.stoppedAt) for (const [object, name] of walk.reads) add(object, name);
}

interface PathReads {
  /** (sObject, field) pairs the path reads, lookups first, its final field last. */
  readonly reads: readonly (readonly [sobject: string, field: string])[];
  /** The first part whose lookup leads outside the graph: nothing of the path can be read. */
  readonly stoppedAt?: { readonly sobject: string; readonly part: string };
}

function pathReads(root: string, path: string): PathReads {
  const parts = path.split('.');
  const field = parts.pop() as string;
  const reads: [string, string][] = [];
  let sobject = root;
  for (const part of parts) {
    const lookup = lookupFieldName(part);
    reads.push([sobject, lookup]);
    const parent = GRAPH_LOOKUPS[lookup];
    if (!parent) return { reads, stoppedAt: { sobject, part } };
    sobject = parent;
  }
  return { reads: [...reads, [sobject, field]] };
}

/**
 * Why a Salesforce path of `key` can never be read — it crosses a lookup to records the sync does not
 * read (`Owner.Email`, `CreatedBy.Name`) or names a relationship (`SBQQ__Quote__r`) — or undefined.
 */
export function unreadablePathProblem(key: MappingKey, path: string): { message: string; fix: string } | undefined {
  const { stoppedAt } = pathReads(MAPPING_ROOTS[key], path);
  if (!stoppedAt) return undefined;
  const { sobject, part } = stoppedAt;
  if (/__r$/i.test(part)) {
    const lookup = part.replace(/__r$/i, '__c');
    return {
      message: `"${path}" uses the relationship name ${part}; mapping paths name the lookup field.`,
      fix: `Write ${lookup} instead of ${part} (for example ${path.replace(part, lookup)}).`,
    };
  }
  return {
    message: `"${path}" reads through ${sobject}.${lookupFieldName(part)}, a lookup to records the sync does not read, so it would always be empty.`,
    fix: `Map a field of ${MAPPING_ROOTS[key]} or of a record the sync reads through one of its lookups (${[...new Set(Object.values(GRAPH_LOOKUPS))].join(', ')}).`,
  };
}

const INVALID_FIELD = /No such column '([^']+)' on entity '([^']+)'/;

/**
 * Salesforce's INVALID_FIELD for a field that an active mapping record reads, as the error naming that
 * record (the org lacks the field, or the integration user cannot see it); other errors unchanged.
 */
export function mappedFieldFailure(error: unknown, records: readonly MappingRecord[], order: RecordRef): unknown {
  if (!(error instanceof SalesforceApiError)) return error;
  const invalid = error.errors.find((e) => e.errorCode === 'INVALID_FIELD');
  const [, field, sobject] = INVALID_FIELD.exec(invalid?.message ?? '') ?? [];
  if (!field || !sobject) return error;
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const culprits = records.filter((r) => {
    if (r.salesforcePath === null || !isMappingKey(r.mappingKey)) return false;
    return pathReads(MAPPING_ROOTS[r.mappingKey], r.salesforcePath).reads.some(
      ([o, f]) => same(o, sobject) && same(f, field),
    );
  });
  return culprits.length > 0
    ? new SyncErrors(culprits.map((r) => missingMappedFieldError(order, r.name, r.salesforcePath as string, sobject)))
    : error;
}
