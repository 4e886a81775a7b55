/**
 * Strings Stripe would refuse for their length, found before anything is sent. Salesforce fields are often
 * longer than the Stripe parameters they map to (an Account's Phone holds 40 characters, a customer's `phone`
 * at most 20); Stripe refuses such a value, and had the run already created other objects, the order would be
 * half-synced. The limits are the `maxLength`s of the params catalogue (from Stripe's OpenAPI spec).
 */
import { SyncError } from '../core/errors.js';
import type { StripeOperation, StripeOperationName } from '../core/plan/plan.js';
import { bracketPath, lookupParam, type ParamsTypeName } from './params/index.js';

/** The stripe-node params type of each operation a plan can hold. */
const PARAMS_TYPE: Record<StripeOperationName, ParamsTypeName> = {
  'testClocks.create': 'TestHelpers.TestClockCreateParams',
  'customers.create': 'CustomerCreateParams',
  'customers.update': 'CustomerUpdateParams',
  'products.create': 'ProductCreateParams',
  'products.update': 'ProductUpdateParams',
  'billing.meters.create': 'Billing.MeterCreateParams',
  'prices.create': 'PriceCreateParams',
  'prices.update': 'PriceUpdateParams',
  'coupons.create': 'CouponCreateParams',
  'subscriptionSchedules.create': 'SubscriptionScheduleCreateParams',
  'subscriptionSchedules.update': 'SubscriptionScheduleUpdateParams',
  'subscriptionSchedules.cancel': 'SubscriptionScheduleCancelParams',
  'subscriptionSchedules.release': 'SubscriptionScheduleReleaseParams',
  'subscriptions.create': 'SubscriptionCreateParams',
  'subscriptions.update': 'SubscriptionUpdateParams',
  'subscriptions.cancel': 'SubscriptionCancelParams',
  'invoiceItems.create': 'InvoiceItemCreateParams',
  'invoices.create': 'InvoiceCreateParams',
  'invoices.finalizeInvoice': 'InvoiceFinalizeInvoiceParams',
};

/** One error per string over Stripe's limit, on the record the operation comes from. */
export function overLongParams(operations: readonly StripeOperation[]): SyncError[] {
  return operations.flatMap((operation) => {
    const type = PARAMS_TYPE[operation.op];
    return stringsOf(operation.params, []).flatMap(([segments, value]) => {
      const param = bracketPath(segments);
      const maxLength = lookupParam(type, param)?.maxLength;
      if (maxLength === undefined || value.length <= maxLength) return [];
      return [
        new SyncError(
          `The value for Stripe's \`${param}\` (${operation.op}) has ${value.length} characters; Stripe accepts at most ${maxLength}.`,
          {
            kind: 'data',
            record: operation.source,
            field: param,
            fix: `Shorten the Salesforce value mapped to \`${param}\` to at most ${maxLength} characters, then sync again.`,
          },
        ),
      ];
    });
  });
}

/** Every string in a params object with its path (array positions as numbers). */
function stringsOf(value: unknown, path: (string | number)[]): [(string | number)[], string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsOf(v, [...path, i]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => stringsOf(v, [...path, k]));
  return [];
}
