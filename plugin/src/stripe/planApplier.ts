/**
 * Applies a SyncPlan's Stripe operations in order through the official SDK: each with the plan's
 * deterministic idempotency key (a replay after a crash gets Stripe's saved response, never a second
 * object), references resolved as objects are created, every call under the gateway's rate limiter and
 * retries. It stops at the first failure and reports what was created up to it, so the engine can write
 * those Stripe IDs back and the next run starts from there; a string Stripe would refuse for its length
 * (paramLimits.ts) stops it before the first call. A create whose key Stripe may have forgotten (a day after its
 * record's version) first looks for what an earlier run made (recoveredCreates.ts).
 */
import type Stripe from 'stripe';
import type { SyncError } from '../core/errors.js';
import type { StripeOperation, SyncPlan } from '../core/plan/plan.js';
import type { StripeGateway } from './client.js';
import { stripeSyncError } from './errors.js';
import { overLongParams } from './paramLimits.js';
import { earlierResult } from './recoveredCreates.js';
import { ReferenceTable, type StripeResult } from './references.js';

export interface AppliedOperation {
  readonly op: StripeOperation['op'];
  readonly ref: string;
  readonly id: string;
  /** Found as an earlier run left it (its idempotency key possibly expired) rather than sent again. */
  readonly recovered?: boolean;
}

export interface ApplyOutcome {
  readonly references: ReferenceTable;
  readonly applied: readonly AppliedOperation[];
  /** The failure that stopped the run, on the record of the operation that failed. */
  readonly failure?: SyncError;
}

export interface ApplyHooks {
  /** After each successful operation (e.g. to write its Stripe ID back at once). */
  afterOperation?(operation: StripeOperation, result: StripeResult): Promise<void> | void;
  /** The sync's clock, to tell which idempotency keys Stripe may have forgotten; the wall clock by default. */
  now?(): Date;
  /**
   * Given only when an earlier attempt may have made Stripe objects it never wrote back: the earliest it can
   * have sent a key without a record version (the order's activation). Without it no key can have been sent
   * before, and no earlier create is looked for (recoveredCreates.ts).
   */
  readonly earlierAttemptsSince?: Date;
}

export async function applyPlan(
  plan: Pick<SyncPlan, 'operations'>,
  gateway: StripeGateway,
  hooks: ApplyHooks = {},
): Promise<ApplyOutcome> {
  const references = new ReferenceTable();
  const applied: AppliedOperation[] = [];
  // A value Stripe would refuse for its length fails the run before its first write, not half-way.
  const [tooLong] = overLongParams(plan.operations);
  if (tooLong) return { references, applied, failure: tooLong };
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  const since = hooks.earlierAttemptsSince;
  const times = since && { now: seconds(hooks.now?.() ?? new Date()), unversionedSince: seconds(since) };
  const seen = new Set<string>();
  for (const operation of plan.operations) {
    let result: StripeResult;
    let recovered: StripeResult | undefined;
    try {
      const resolved = resolveOperation(operation, references);
      recovered = times && (await earlierResult(resolved, gateway, times, seen));
      result = recovered ?? ((await gateway.call(operation.op, () => send(gateway.stripe, resolved))) as StripeResult);
    } catch (error) {
      return { references, applied, failure: stripeSyncError(error, operation.source) };
    }
    seen.add(result.id);
    references.record(operation.ref, result);
    applied.push({ op: operation.op, ref: operation.ref, id: result.id, ...(recovered ? { recovered: true } : {}) });
    await hooks.afterOperation?.(operation, result);
  }
  return { references, applied };
}

/** The operation with the references in its target id and params replaced (its own `ref` stays a name). */
function resolveOperation(operation: StripeOperation, references: ReferenceTable): StripeOperation {
  const target = 'id' in operation ? { id: references.resolve(operation.id) } : {};
  return { ...operation, ...target, params: references.resolve(operation.params) } as StripeOperation;
}

/** One operation as its SDK call. */
function send(stripe: Stripe, operation: StripeOperation): Promise<unknown> {
  const options: Stripe.RequestOptions = { idempotencyKey: operation.idempotencyKey };
  switch (operation.op) {
    case 'testClocks.create':
      return stripe.testHelpers.testClocks.create(operation.params, options);
    case 'customers.create':
      return stripe.customers.create(operation.params, options);
    case 'customers.update':
      return stripe.customers.update(operation.id, operation.params, options);
    case 'products.create':
      return stripe.products.create(operation.params, options);
    case 'products.update':
      return stripe.products.update(operation.id, operation.params, options);
    case 'billing.meters.create':
      return stripe.billing.meters.create(operation.params, options);
    case 'prices.create':
      return stripe.prices.create(operation.params, options);
    case 'prices.update':
      return stripe.prices.update(operation.id, operation.params, options);
    case 'coupons.create':
      return stripe.coupons.create(operation.params, options);
    case 'subscriptionSchedules.create':
      return stripe.subscriptionSchedules.create(operation.params, options);
    case 'subscriptionSchedules.update':
      return stripe.subscriptionSchedules.update(operation.id, operation.params, options);
    case 'subscriptionSchedules.cancel':
      return stripe.subscriptionSchedules.cancel(operation.id, operation.params, options);
    case 'subscriptionSchedules.release':
      return stripe.subscriptionSchedules.release(operation.id, operation.params, options);
    case 'subscriptions.create':
      return stripe.subscriptions.create(operation.params, options);
    case 'subscriptions.update':
      return stripe.subscriptions.update(operation.id, operation.params, options);
    case 'subscriptions.cancel':
      return stripe.subscriptions.cancel(operation.id, operation.params, options);
    case 'invoiceItems.create':
      return stripe.invoiceItems.create(operation.params, options);
    case 'invoices.create':
      return stripe.invoices.create(operation.params, options);
    case 'invoices.finalizeInvoice':
      return stripe.invoices.finalizeInvoice(operation.id, operation.params, options);
  }
}
