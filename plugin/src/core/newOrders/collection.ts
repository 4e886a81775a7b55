/**
 * How Stripe collects the invoices (decision q17): `send_invoice` with `days_until_due` unless mapped
 * otherwise — the connector collects no payment methods. A mapped payment term goes through the
 * §2.6.6 rules; `charge_automatically` never carries days until due (Stripe rejects it). Amendment
 * schedule updates set the amendment order's mapped collection settings again.
 */
import type Stripe from 'stripe';
import type { PlanningContext } from '../plan/context.js';
import type { RecordRef } from '../errors.js';
import { applyMappings, isUserMapped, setByPath } from '../mappings/mappings.js';
import type { Order } from '../records/models.js';
import { daysUntilDue } from './paymentTerms.js';
import { recordRef } from '../records/records.js';

export interface Collection {
  readonly collection_method: 'send_invoice' | 'charge_automatically';
  readonly days_until_due?: number;
}

/**
 * @param mappedMethod the mapped collection method, if any
 * @param mappedDays the mapped days-until-due value (a payment term, integer or text), if any
 */
export function collectionFor(
  mappedMethod: unknown,
  mappedDays: unknown,
  record: RecordRef,
  daysPath: string,
  ctx: PlanningContext,
): Collection {
  const settings = ctx.sync.settings;
  const method =
    mappedMethod === 'charge_automatically' || mappedMethod === 'send_invoice'
      ? mappedMethod
      : settings.collectionMethod;
  if (method === 'charge_automatically') return { collection_method: method };
  const days =
    mappedDays === null || mappedDays === undefined
      ? settings.defaultDaysUntilDue
      : daysUntilDue(mappedDays, record, daysPath, settings.features.dueOnReceiptAsZeroDays);
  return { collection_method: method, days_until_due: days };
}

/** Schedule paths an amendment's own mappings set again on every update (spec §2.6.3, "re-apply selected amendment mappings"). */
const REAPPLIED_PATHS = {
  collectionMethod: 'default_settings.collection_method',
  daysUntilDue: 'default_settings.invoice_settings.days_until_due',
  template: 'default_settings.invoice_settings.rendering.template',
  templateVersion: 'default_settings.invoice_settings.rendering.template_version',
} as const;

/**
 * The amendment order's mapped collection method, payment terms (→ `days_until_due`, §2.6.6) and invoice
 * rendering template, for the schedule update; nothing when none of them is mapped.
 */
export function reappliedMappings(
  ctx: PlanningContext,
  order: Order,
): Pick<Stripe.SubscriptionScheduleUpdateParams, 'default_settings'> {
  const config = ctx.sync.mappings;
  const mapped = (path: string) => isUserMapped(config, 'subscription_schedule', path);
  if (!Object.values(REAPPLIED_PATHS).some(mapped)) return {};
  const { fields } = applyMappings('subscription_schedule', order, ctx.index, config);
  const settings: Record<string, unknown> = {};
  if (mapped(REAPPLIED_PATHS.collectionMethod) || mapped(REAPPLIED_PATHS.daysUntilDue)) {
    const collection = collectionFor(
      fields[REAPPLIED_PATHS.collectionMethod],
      fields[REAPPLIED_PATHS.daysUntilDue],
      recordRef('Order', order.Id),
      REAPPLIED_PATHS.daysUntilDue,
      ctx,
    );
    settings.collection_method = collection.collection_method;
    if (collection.days_until_due !== undefined)
      setByPath(settings, 'invoice_settings.days_until_due', collection.days_until_due);
  }
  for (const path of [REAPPLIED_PATHS.template, REAPPLIED_PATHS.templateVersion]) {
    const value = fields[path];
    if (mapped(path) && value !== null && value !== undefined)
      setByPath(settings, path.slice('default_settings.'.length), value);
  }
  return Object.keys(settings).length > 0
    ? { default_settings: settings as Stripe.SubscriptionScheduleUpdateParams.DefaultSettings }
    : {};
}
