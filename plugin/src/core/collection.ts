/**
 * How Stripe collects the invoices (decision q17): `send_invoice` with `days_until_due` unless mapped
 * otherwise — the connector collects no payment methods. A mapped payment term goes through the
 * §2.6.6 rules; `charge_automatically` never carries days until due (Stripe rejects it).
 */
import type { PlanningContext } from './context.js';
import type { RecordRef } from './errors.js';
import { daysUntilDue } from './paymentTerms.js';

export interface Collection {
  readonly collection_method: 'send_invoice' | 'charge_automatically';
  readonly days_until_due?: number;
}

/**
 * @param mappedMethod the mapped collection method, if any
 * @param mappedDays the mapped days-until-due value (a payment term, integer or text), if any
 */
export function collectionFor(mappedMethod: unknown, mappedDays: unknown, record: RecordRef, daysPath: string, ctx: PlanningContext): Collection {
  const settings = ctx.sync.settings;
  const method = mappedMethod === 'charge_automatically' || mappedMethod === 'send_invoice' ? mappedMethod : settings.collectionMethod;
  if (method === 'charge_automatically') return { collection_method: method };
  const days = mappedDays === null || mappedDays === undefined ? settings.defaultDaysUntilDue : daysUntilDue(mappedDays, record, daysPath, settings.features.dueOnReceiptAsZeroDays);
  return { collection_method: method, days_until_due: days };
}
