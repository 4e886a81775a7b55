/**
 * The platform's lock on activated orders, for every user — the admin and a holder of Edit Activated Orders
 * included (that permission only lets a user edit them at all: access.ts). Sources in the README, "Activated
 * orders".
 */
import { SalesforceApiError } from 'plugin-stripe-cpq/lib/cpqSchema/errors.js';
import type { RecordStore, SObjectRecord } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';

type Operation = 'create' | 'edit' | 'delete';

/** Salesforce's words for deleting an activated order or adding or removing its order products. */
const LOCKED_MESSAGE =
  'unable to modify activated or superseded order: cannot delete order, or add or remove order products';

/** Order fields an activated order keeps whatever the user's permissions. */
const LOCKED_ORDER_FIELDS = ['EffectiveDate', 'AccountId', 'ContractId'];

/** Ids compare by their 15 case-sensitive characters (an 18-character Id adds only a checksum). */
const sameValue = (field: string, next: unknown, previous: unknown): boolean =>
  field.endsWith('Id') && typeof next === 'string' && typeof previous === 'string'
    ? next.slice(0, 15) === previous.slice(0, 15)
    : (next ?? null) === (previous ?? null);

const isActivated = (order: SObjectRecord | undefined): boolean => order?.Status === 'Activated';

/** Refuses a write the lock on activated orders forbids; `existing` is the record an update or delete names. */
export function checkActivatedOrderLock(
  store: RecordStore,
  sobject: string,
  operation: Operation,
  fields: Record<string, unknown>,
  existing: SObjectRecord | undefined,
): void {
  if (sobject === 'Order') checkOrder(operation, fields, existing);
  else if (sobject === 'OrderItem') checkOrderItem(store, operation, fields, existing);
}

function checkOrder(operation: Operation, fields: Record<string, unknown>, existing: SObjectRecord | undefined): void {
  if (!existing) return;
  if (operation === 'delete' && isActivated(existing))
    throw new SalesforceApiError(400, 'DELETE_FAILED', LOCKED_MESSAGE);
  if (operation !== 'edit') return;
  const changed = (field: string) => field in fields && !sameValue(field, fields[field], existing[field]);
  const locked = isActivated(existing) ? LOCKED_ORDER_FIELDS.filter(changed) : [];
  // "After a price book is assigned to an order, you can't change or remove the price book assignment."
  if (existing.Pricebook2Id && changed('Pricebook2Id')) locked.push('Pricebook2Id');
  if (locked.length > 0)
    throw new SalesforceApiError(
      400,
      'FIELD_INTEGRITY_EXCEPTION',
      `field integrity exception: ${locked.join(', ')} (can't be changed on ${isActivated(existing) ? 'an activated order' : 'an order with a price book'})`,
      locked,
    );
}

function checkOrderItem(
  store: RecordStore,
  operation: Operation,
  fields: Record<string, unknown>,
  existing: SObjectRecord | undefined,
): void {
  if (operation === 'edit') return;
  const orderId = operation === 'create' ? fields.OrderId : existing?.OrderId;
  if (typeof orderId !== 'string' || !isActivated(store.get(orderId))) return;
  if (operation === 'delete') throw new SalesforceApiError(400, 'DELETE_FAILED', LOCKED_MESSAGE);
  throw new SalesforceApiError(400, 'ENTITY_IS_LOCKED', LOCKED_MESSAGE);
}
