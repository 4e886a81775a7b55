/**
 * Account → Stripe Customer (spec §2.3). A linked, live customer is reused (and updated only with
 * `updateCustomerOnSync`, and only when a mapped value differs); a deleted one is an error; an Account
 * with no (or a missing) customer gets a new one, and its `Stripe_ID__c` is written back. In test mode
 * (with the `testClocks` setting) a new customer comes on a test clock of its own, and a customer's clock
 * is the sync's "now" (`clockNow`).
 */
import type Stripe from 'stripe';
import type { PlanningContext } from '../plan/context.js';
import { SyncError } from '../errors.js';
import { idempotencyKey } from '../plan/idempotency.js';
import { applyMappings, toNestedParams } from '../mappings/mappings.js';
import { containedIn } from '../plan/compare.js';
import { fromUnixSeconds, toUnixSeconds } from '../dates.js';
import type { RecordRef } from '../errors.js';
import {
  mappedMetadata,
  metadataPaths,
  metadataProblems,
  metadataUpdate,
  recordMetadata,
  type Metadata,
} from '../mappings/metadata.js';
import type { Account, Order } from '../records/models.js';
import { ref, type Ref } from '../plan/plan.js';
import { recordRef } from '../records/records.js';

const DESCRIPTION_LIMIT = 350;
const SHIPPING_PHONE_LIMIT = 20;

/** Customer params from the Account's mappings, sanitised the way Stripe accepts them. */
export function customerParams(account: Account, order: Order, ctx: PlanningContext): Stripe.CustomerCreateParams {
  const { fields } = applyMappings('customer', account, ctx.index, ctx.sync.mappings);
  const params = toNestedParams(fields, metadataPaths(fields)) as Stripe.CustomerCreateParams & Record<string, unknown>;
  params.metadata = { ...recordMetadata(recordRef('Account', account.Id), ctx.sync), ...mappedMetadata(fields) };
  if (typeof params.description === 'string') params.description = params.description.slice(0, DESCRIPTION_LIMIT);
  if (params.shipping) {
    const shipping = params.shipping as Partial<Stripe.CustomerCreateParams.Shipping>;
    // Stripe rejects a shipping hash without an address.
    if (!shipping.address || Object.keys(shipping.address).length === 0) delete params.shipping;
    else if (typeof shipping.phone === 'string') shipping.phone = shipping.phone.slice(0, SHIPPING_PHONE_LIMIT);
  }
  const customFields = (params.invoice_settings as { custom_fields?: unknown } | undefined)?.custom_fields;
  if (customFields && !Array.isArray(customFields))
    (params.invoice_settings as { custom_fields: unknown[] }).custom_fields = [customFields];
  if (params.email === undefined && ctx.sync.settings.features.emailFromPrimaryContact) {
    const email = primaryContactEmail(order, ctx);
    if (email) params.email = email;
  }
  return params;
}

/** The customer for the order's Account: an existing id, or the reference of a planned create. */
export function planCustomer(account: Account, order: Order, ctx: PlanningContext): string | Ref {
  const accountRef = recordRef('Account', account.Id);
  const linkedId = account.Stripe_ID__c ?? undefined;
  const linked = linkedId ? ctx.state.customers?.[linkedId] : undefined;
  if (linked?.deleted) {
    throw new SyncError(
      `During translation we attempted to fetch a related Stripe Customer record with ID ${linkedId} but found that it was deleted.`,
      {
        kind: 'data',
        record: accountRef,
        field: 'Stripe_ID__c',
        fix: `Clear Stripe_ID__c on Account ${account.Id} so a new customer is created, or link a live customer.`,
      },
    );
  }
  const params = customerParams(account, order, ctx);
  const problems = metadataProblems(params.metadata as Metadata, accountRef, 'customer');
  if (problems[0]) throw problems[0];
  if (linked && linkedId) {
    const update: Stripe.CustomerUpdateParams | undefined =
      ctx.sync.settings.features.updateCustomerOnSync && customerDiffers(linked, params)
        ? (params as Stripe.CustomerUpdateParams)
        : metadataUpdate(linked.metadata, recordMetadata(accountRef, ctx.sync));
    if (update && !ctx.plan.has(ref('customer', accountRef.id))) {
      ctx.plan.add({
        op: 'customers.update',
        ref: ref('customer', accountRef.id),
        id: linkedId,
        params: update,
        idempotencyKey: idempotencyKey(ctx.sync.orgId, account, 'customers.update'),
        source: accountRef,
      });
    }
    return linkedId;
  }
  const customerRef = ref('customer', accountRef.id);
  if (!ctx.plan.has(customerRef)) {
    const testClock = planTestClock(account, ctx);
    if (testClock) params.test_clock = testClock;
    ctx.plan.add({
      op: 'customers.create',
      ref: customerRef,
      params,
      idempotencyKey: idempotencyKey(ctx.sync.orgId, account, 'customers.create'),
      source: accountRef,
    });
    ctx.plan.writeBack(accountRef, { Stripe_ID__c: customerRef }, account);
  }
  return customerRef;
}

/**
 * A new test-mode customer's own test clock (spec §2.3, S1), frozen at the start of the sync's UTC day: planning
 * works in whole days, and a run resumed after a crash later that day sends the very same request (Stripe
 * refuses an idempotency key replayed with other params). Nothing in live mode or with `testClocks` off.
 */
function planTestClock(account: Account, ctx: PlanningContext): Ref | undefined {
  if (ctx.sync.livemode || !ctx.sync.settings.features.testClocks) return undefined;
  const clockRef = ref('testClock', account.Id);
  ctx.plan.add({
    op: 'testClocks.create',
    ref: clockRef,
    params: { frozen_time: toUnixSeconds(fromUnixSeconds(ctx.sync.now)), name: `Salesforce Account ${account.Id}` },
    idempotencyKey: idempotencyKey(ctx.sync.orgId, account, 'testClocks.create'),
    source: recordRef('Account', account.Id),
  });
  return clockRef;
}

/** What the engine knows of a customer's test clock. */
export type TestClockState = Pick<Stripe.TestHelpers.TestClock, 'id' | 'status' | 'frozen_time'>;

/**
 * "Now" for a sync whose customer is on a test clock: the clock's frozen time (spec §2.6.3). A clock still
 * advancing has no settled time yet, so the sync is retried rather than planned on a moving clock; a clock
 * whose advance failed stays so, and needs the admin.
 */
export function clockNow(clock: TestClockState, record: RecordRef): number {
  if (clock.status === 'ready') return clock.frozen_time;
  if (clock.status === 'advancing') {
    throw new SyncError('Test clock still advancing, scheduling a retry.', {
      kind: 'bare',
      record,
      fix: `Nothing to change: the sync runs again once Stripe test clock ${clock.id} has finished advancing.`,
      retryable: true,
    });
  }
  throw new SyncError(`The customer's Stripe test clock ${clock.id} is ${clock.status} and will not move again.`, {
    kind: 'stripe',
    record,
    fix: `Delete test clock ${clock.id} in the Stripe Dashboard (it deletes its customers), clear Stripe_ID__c on the Account and sync again.`,
  });
}

function primaryContactEmail(order: Order, ctx: PlanningContext): string | undefined {
  const quote = ctx.index.get('quotes', order.SBQQ__Quote__c);
  const contact = ctx.index.get('contacts', quote?.SBQQ__PrimaryContact__c);
  return contact?.Email ?? undefined;
}

/** True when a param the mappings set differs from the live customer. */
function customerDiffers(customer: Stripe.Customer, params: Stripe.CustomerCreateParams): boolean {
  return !containedIn(params, customer);
}
