/**
 * Loads the Salesforce records a recording read into the org emulator, through its public store: real
 * shapes, unchanged, with these exceptions, each reported so the gap is visible:
 * - fields (and objects) the emulator's schema does not know are dropped and LISTED — the CPQ catalogue
 *   is being rebuilt from real metadata, and this list is how the gap shrinking shows;
 * - record Ids are the emulator's own (it issues them), so every reference is rewritten through a map;
 *   a reference to a record the connector never read is left empty and listed;
 * - values the connector itself wrote (Stripe IDs, from its PATCHes) are removed: the replay starts from
 *   the org as it was before the connector ran;
 * - Orders are inserted as Draft and activated one by one, as the test did (Salesforce refuses order
 *   products on an activated order).
 * Fields a record lacks stay null, as in the org (the connector's batch prefetch omits null fields).
 * Records read by Id alone (a `SELECT Id` query) are completed from the reviewed table below.
 */
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import type { Fields, RecordedRecord, Recording } from './recording.ts';

/** Parents before children, so most references resolve at insert; the rest are set by a second pass. */
const INSERT_ORDER = [
  'Pricebook2',
  'Product2',
  'ConsumptionSchedule',
  'ConsumptionRate',
  'ProductConsumptionSchedule',
  'PricebookEntry',
  'Account',
  'Contact',
  'Opportunity',
  'SBQQ__Quote__c',
  'SBQQ__QuoteLine__c',
  'Quote_Stripe_Coupon__c',
  'Quote_Stripe_Coupon_Association__c',
  'Quote_Line_Stripe_Coupon_Association__c',
  'Contract',
  'Order',
  'OrderItem',
  'Order_Stripe_Coupon__c',
  'SBQQ__Subscription__c',
  'SBQQ__OrderItemConsumptionSchedule__c',
  'SBQQ__OrderItemConsumptionRate__c',
];

/** The connector's own output objects: never loaded (the product writes its own Sync Records). */
const CONNECTOR_OUTPUT_TYPES = new Set(['Sync_Record__c']);

const SYSTEM_FIELDS = new Set([
  'Id',
  'IsDeleted',
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
  'LastViewedDate',
  'LastReferencedDate',
  'LastActivityDate',
  'OwnerId',
]);

/**
 * Reviewed completions of records the recording only read by Id:
 * - a record the test created itself holds what the test's create sent (the org stored exactly that);
 * - a Pricebook2 nobody created is the org's standard price book, which the tests look up with
 *   `SELECT Id FROM Pricebook2 WHERE IsStandard = true` and never read further.
 */
function completed(record: RecordedRecord, recording: Recording): Fields {
  if (Object.keys(record.fields).some((f) => f !== 'Id')) return record.fields;
  const created = recording.salesforce.writes.find((w) => w.method === 'POST' && w.created_id === record.id);
  if (created?.body) return { ...created.body, Id: record.id };
  if (record.type === 'Pricebook2')
    return { Id: record.id, Name: 'Standard Price Book', IsStandard: true, IsActive: true };
  return record.fields;
}

/**
 * Lookups whose target the tests never read, yet the product needs non-null: a Price Dimension marks a line
 * as MDQ (the reference reads the line's segment fields, never the dimension record). Such a lookup gets a
 * stub record of its target type (Name only), so it holds an Id as in the org.
 */
const STUBBED_LOOKUPS: Readonly<Record<string, string>> = {
  'OrderItem.SBQQ__PriceDimension__c': 'SBQQ__Dimension__c',
  'SBQQ__QuoteLine__c.SBQQ__Dimension__c': 'SBQQ__Dimension__c',
  'SBQQ__Subscription__c.SBQQ__Dimension__c': 'SBQQ__Dimension__c',
};

export interface LoadedOrg {
  /** Recorded Id (15 or 18 characters) → emulator Id. */
  readonly ids: Map<string, string>;
  /** Emulator Id → recorded Id, to name records in the output as the recording does. */
  readonly recordedIds: Map<string, string>;
  /** `Object.Field` the emulator's schema lacks (sorted), and objects it lacks entirely. */
  readonly droppedFields: string[];
  readonly droppedObjects: string[];
  /** `Object.Field → recorded Id` references to records the recording never read. */
  readonly unresolvedReferences: string[];
  /** Orders inserted as Draft, to activate at their step. */
  readonly draftOrders: Map<string, string>;
}

export class LoadError extends Error {}

/** `a0zDE00000LNKxcYAH` and `a0zDE00000LNKxc` name one record. */
const key15 = (id: string): string => id.slice(0, 15);

export function loadRecords(org: SalesforceEmulator, recording: Recording): LoadedOrg {
  const records = recording.salesforce.records.filter((r) => !CONNECTOR_OUTPUT_TYPES.has(r.type));
  const byId = new Map(records.map((r) => [key15(r.id), r]));
  const connectorValues = connectorWrittenValues(recording);
  const loaded: LoadedOrg = {
    ids: new Map(),
    recordedIds: new Map(),
    droppedFields: [],
    droppedObjects: [],
    unresolvedReferences: [],
    draftOrders: new Map(),
  };
  const dropped = new Set<string>();
  const deferred: { record: RecordedRecord; field: string; target: string }[] = [];
  const rank = (type: string): number => INSERT_ORDER.indexOf(type) + 1 || INSERT_ORDER.length + 1;
  const ordered = [...records].sort((a, b) => rank(a.type) - rank(b.type));

  for (const record of ordered) {
    if (!org.schema.hasObject(record.type)) {
      if (!loaded.droppedObjects.includes(record.type)) loaded.droppedObjects.push(record.type);
      continue;
    }
    const fields: Fields = {};
    for (const [name, value] of Object.entries(completed(record, recording))) {
      if (SYSTEM_FIELDS.has(name) || (value !== null && typeof value === 'object')) continue;
      const field = org.schema.findField(record.type, name);
      if (!field) {
        dropped.add(`${record.type}.${name}`);
        continue;
      }
      if (connectorValues.has(`${field.name}=${String(value)}`)) continue;
      if (field.type === 'reference' && typeof value === 'string') {
        const target = loaded.ids.get(key15(value));
        if (target) fields[field.name] = target;
        else if (byId.has(key15(value))) deferred.push({ record, field: field.name, target: value });
        else if (STUBBED_LOOKUPS[`${record.type}.${field.name}`])
          fields[field.name] = stub(org, loaded, STUBBED_LOOKUPS[`${record.type}.${field.name}`] as string, value);
        else loaded.unresolvedReferences.push(`${record.type}.${field.name} → ${value}`);
        continue;
      }
      fields[field.name] = value;
    }
    if (record.type === 'Order' && fields.Status !== undefined) fields.Status = 'Draft';
    const id = insert(org, record, fields);
    loaded.ids.set(key15(record.id), id);
    loaded.recordedIds.set(id, record.id);
    if (record.type === 'Order') loaded.draftOrders.set(record.id, id);
  }
  for (const { record, field, target } of deferred) {
    const id = loaded.ids.get(key15(record.id));
    const value = loaded.ids.get(key15(target));
    if (id && value) update(org, record, id, { [field]: value });
  }
  loaded.droppedFields.push(...[...dropped].sort());
  return loaded;
}

function stub(org: SalesforceEmulator, loaded: LoadedOrg, type: string, recordedId: string): string {
  const known = loaded.ids.get(key15(recordedId));
  if (known) return known;
  const id = insert(org, { type, id: recordedId, fields: {} }, { Name: `${recordedId} (never read: stub)` });
  loaded.ids.set(key15(recordedId), id);
  loaded.recordedIds.set(id, recordedId);
  return id;
}

/** Activates a loaded Order as the test did (`Status: Activated`); an Order activated already stays so. */
export function activateOrder(org: SalesforceEmulator, loaded: LoadedOrg, recordedOrderId: string): void {
  const id = loaded.draftOrders.get(recordedOrderId);
  if (!id) return;
  loaded.draftOrders.delete(recordedOrderId);
  const order = { id: recordedOrderId, type: 'Order', fields: {} };
  update(org, order, id, { Status: 'Activated' });
}

function insert(org: SalesforceEmulator, record: RecordedRecord, fields: Fields): string {
  try {
    return org.store.insert(record.type, fields, { system: true });
  } catch (error) {
    throw new LoadError(`the org emulator refused ${record.type} ${record.id}: ${(error as Error).message}`);
  }
}

function update(org: SalesforceEmulator, record: RecordedRecord, id: string, fields: Fields): void {
  try {
    org.store.update(record.type, id, fields, { system: true });
  } catch (error) {
    throw new LoadError(
      `the org emulator refused ${record.type} ${record.id} (${Object.keys(fields).join(', ')}): ${(error as Error).message}`,
    );
  }
}

/**
 * `Field=value` of every value a connector PATCH set (Stripe IDs): not in the org before the sync. By
 * value, since some PATCHes name their record by external Id or path only.
 */
function connectorWrittenValues(recording: Recording): Set<string> {
  const values = new Set<string>();
  for (const w of recording.salesforce.writes) {
    if (w.actor_guess !== 'connector' || w.method !== 'PATCH' || !w.body) continue;
    for (const [field, value] of Object.entries(w.body)) values.add(`${field}=${String(value)}`);
  }
  return values;
}
