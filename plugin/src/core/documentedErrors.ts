/**
 * The reference product's documented error messages that more than one planner raises (spec §2.10),
 * each written once, and the one idiom for a data error on an order.
 */
import { SyncError } from './errors.js';
import type { Order } from './records/models.js';
import { recordRef } from './records/records.js';

/** A data error on an order: the message Sync Records show, and the admin's fix. */
export function orderError(order: Pick<Order, 'Id'>, message: string, fix: string, field?: string): SyncError {
  return new SyncError(message, {
    kind: 'data',
    record: recordRef('Order', order.Id),
    fix,
    ...(field ? { field } : {}),
  });
}

/** An amendment of a contract whose initial order has no schedule in Stripe (deleted there). */
export const scheduleMissing = (amendment: Order): SyncError =>
  orderError(
    amendment,
    'Unable to find the corresponding Stripe subscription schedule for the amendment order.',
    'The initial order has no Stripe subscription schedule; it was deleted, so the contract cannot sync.',
  );

/** An amendment of a contract whose schedule was canceled in Stripe. */
export const scheduleCanceled = (amendment: Order): SyncError =>
  orderError(
    amendment,
    "The Stripe subscription schedule has already been cancelled and can't be modified.",
    'The contract ended in Stripe; create a new order instead of amending it.',
  );

/** An amendment whose quote has no start date. */
export const amendmentStartDateMissing = (amendment: Order): SyncError =>
  new SyncError('SBQQ__Quote__c.SBQQ__StartDate__c', {
    kind: 'missing_fields',
    record: recordRef('Order', amendment.Id),
    field: 'SBQQ__Quote__c.SBQQ__StartDate__c',
    fix: 'Fill the amendment quote start date.',
  });

/** A line with a fractional quantity: Stripe bills whole units. */
export const decimalQuantity = (lineId: string): SyncError =>
  new SyncError('Quantity specified as a decimal value. Only integers are supported.', {
    kind: 'bare',
    record: recordRef('OrderItem', lineId),
    field: 'Quantity',
    fix: 'Use whole-number quantities on the quote lines, then sync again.',
  });
