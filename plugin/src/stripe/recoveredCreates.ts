/**
 * Creates an earlier run already made, found after Stripe may have forgotten their idempotency keys. Stripe keeps
 * a key "at least 24 hours" (docs.stripe.com/api/idempotent_requests) and then makes a second object for it; a run
 * whose write-back never landed (Salesforce down, retries given up, "Sync now" days later) would resume into
 * exactly that. So before such a create the applier looks for the object by what the product writes on it: the
 * create's metadata (a Salesforce record's id, and every other pair it sends) — through the Search API where Stripe
 * has one (customers, products, prices, subscriptions, invoices), the customer's list where it has none
 * (subscription schedules, invoice items), the subscription for a schedule made from it, the test clocks' list
 * by name — and adopts it as the create's answer. An invoice an earlier run finalized is taken as it is.
 *
 * Only when needed. The engine asks only when an earlier attempt may have made objects it never wrote back (the
 * order was left "Syncing" or "Failed", or it is an amendment): a first sync — every order the relay syncs on
 * its activation, every order of a backfill — spends no call. Then a key carries its record's version (a
 * timestamp, core/plan/idempotency.ts; an Order's is its activation), and no run can have used it before that
 * version existed; a key without one (accounts, products, order lines are read without SystemModstamp) is dated
 * by the order's activation, as no run syncs a draft. While that is under 23 hours old (an hour's margin for
 * clock skew) Stripe still holds the key and no call is spent. Search is eventually consistent ("searchable in
 * under 1 minute", up to an hour in outages, docs.stripe.com/search): a day after the create that does not matter.
 */
import type Stripe from 'stripe';
import { keyVersionSeconds } from '../core/plan/idempotency.js';
import type { StripeOperation } from '../core/plan/plan.js';
import { pricesEqual } from '../core/pricing/prices.js';
import { customerInvoiceItems } from './billingReads.js';
import { listAll, type StripeGateway } from './client.js';
import type { StripeResult } from './references.js';

/** Keys younger than this are still held by Stripe (24 hours less an hour for clock skew). */
export const TRUSTED_KEY_AGE_SECONDS = 23 * 60 * 60;

/** Unix seconds: the sync's now, and the earliest a key without a record version can have been sent. */
export interface KeyTimes {
  readonly now: number;
  readonly unversionedSince: number;
}

type Metadata = Record<string, string>;
interface Candidate extends StripeResult {
  readonly created?: number;
  readonly metadata?: Metadata | null;
  readonly test_clock?: unknown;
  readonly status?: string;
}

/**
 * What an earlier run made for this (resolved) operation, when its key may have expired; undefined when nothing
 * was made or the key is still held. `adopted`: ids already taken in this run (two creates alike take two objects).
 */
export async function earlierResult(
  operation: StripeOperation,
  gateway: StripeGateway,
  times: KeyTimes,
  adopted: ReadonlySet<string>,
): Promise<StripeResult | undefined> {
  const since = keyVersionSeconds(operation.idempotencyKey);
  const firstSent = since ?? times.unversionedSince;
  if (times.now - firstSent < TRUSTED_KEY_AGE_SECONDS) return undefined;
  const candidates = await candidatesFor(operation, gateway);
  // A finalize's candidate is the very invoice it finalizes, finalized already.
  if (operation.op === 'invoices.finalizeInvoice') return candidates[0];
  const made = candidates.filter((c) => !adopted.has(c.id) && madeBy(operation, c, since));
  // Stripe lists newest first: the oldest is the first attempt's.
  return made.at(-1);
}

/** The objects that may be this operation's earlier result, by the cheapest lookup Stripe offers for its kind. */
async function candidatesFor(operation: StripeOperation, gateway: StripeGateway): Promise<readonly Candidate[]> {
  const { stripe } = gateway;
  const query = metadataQuery(operation);
  switch (operation.op) {
    case 'customers.create':
      return query ? search(gateway, operation.op, (q) => stripe.customers.search(q), query) : [];
    case 'products.create':
      return query ? search(gateway, operation.op, (q) => stripe.products.search(q), query) : [];
    case 'prices.create':
      // With their tiers, which Stripe leaves out unless expanded: a tiered price is compared on them.
      return query
        ? search(gateway, operation.op, (q) => stripe.prices.search({ ...q, expand: ['data.tiers'] }), query)
        : [];
    case 'subscriptions.create':
      return query ? search(gateway, operation.op, (q) => stripe.subscriptions.search(q), query) : [];
    case 'invoices.create':
      return query ? search(gateway, operation.op, (q) => stripe.invoices.search(q), query) : [];
    case 'subscriptionSchedules.create':
      return scheduleCandidates(operation.params, gateway);
    case 'invoiceItems.create': {
      const customer = operation.params.customer;
      if (!customer) return [];
      return customerInvoiceItems(gateway, customer).then(asCandidates);
    }
    case 'testClocks.create': {
      const clocks = await listAll(gateway, 'testClocks.list', (page) => stripe.testHelpers.testClocks.list(page));
      return asCandidates(clocks.filter((c) => c.name === operation.params.name));
    }
    case 'invoices.finalizeInvoice': {
      const invoice = await gateway.call('invoices.retrieve', () => stripe.invoices.retrieve(operation.id));
      return invoice.status === 'draft' ? [] : asCandidates([invoice]);
    }
    default:
      // Updates, cancels and releases change an object already linked; a meter is found by its event name
      // (linkedObjects.ts); a coupon has no lookup by metadata (a second one discounts nothing twice).
      return [];
  }
}

/** A schedule made from a subscription is that subscription's; any other is among its customer's. */
async function scheduleCandidates(
  params: Stripe.SubscriptionScheduleCreateParams,
  gateway: StripeGateway,
): Promise<readonly Candidate[]> {
  const { stripe } = gateway;
  if (params.from_subscription) {
    const subscription = await gateway.call('subscriptions.retrieve', () =>
      stripe.subscriptions.retrieve(params.from_subscription!),
    );
    const schedule = subscription.schedule;
    if (!schedule) return [];
    const id = typeof schedule === 'string' ? schedule : schedule.id;
    return asCandidates([
      await gateway.call('subscriptionSchedules.retrieve', () => stripe.subscriptionSchedules.retrieve(id)),
    ]);
  }
  const customer = params.customer;
  if (!customer) return [];
  return listAll(gateway, 'subscriptionSchedules.list', (page) =>
    stripe.subscriptionSchedules.list({ ...page, customer }),
  ).then(asCandidates);
}

/** All pages of a search: the objects carrying one of the create's metadata pairs. */
async function search<T extends { id: string }>(
  gateway: StripeGateway,
  op: string,
  run: (params: { query: string; limit: number; page?: string }) => Promise<Stripe.ApiSearchResult<T>>,
  query: string,
): Promise<Candidate[]> {
  const found: T[] = [];
  let page: string | undefined;
  do {
    const result = await gateway.call(`${op}:search`, () => run({ query, limit: 100, ...(page ? { page } : {}) }));
    found.push(...result.data);
    page = result.has_more && result.next_page ? result.next_page : undefined;
  } while (page);
  return asCandidates(found);
}

/** Stripe objects, seen only through their id, created, metadata and test clock. */
const asCandidates = (objects: readonly { id?: string }[]): Candidate[] => objects as unknown as Candidate[];

/** `metadata['salesforce_…_id']:'…'` on the operation's own record when its metadata names it, else its first id. */
function metadataQuery(operation: StripeOperation): string | undefined {
  const entries = Object.entries(metadataOf(operation));
  const [key, value] =
    entries.find(([, v]) => v === operation.source.id) ?? entries.find(([k]) => k.endsWith('_id')) ?? [];
  if (key === undefined || value === undefined) return undefined;
  const quoted = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `metadata[${quoted(key)}]:${quoted(value)}`;
}

function metadataOf(operation: StripeOperation): Metadata {
  const metadata = (operation.params as { metadata?: unknown }).metadata;
  if (!metadata || typeof metadata !== 'object') return {};
  return Object.fromEntries(Object.entries(metadata).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * The candidate carries every metadata pair the create sends, is still live, was made since the key's record
 * version (an edited record gets a new object) and, for a price, bills the same terms (a price whose data changed
 * is made anew once its Stripe ID is cleared, core/pricing/prices.ts). Objects on a test clock are dated by the
 * clock, which may stand before the version, so their date is not compared. A test clock (no metadata) is known
 * by its name, a schedule made from a subscription by that subscription.
 */
function madeBy(operation: StripeOperation, candidate: Candidate, since: number | undefined): boolean {
  if (ENDED.has(candidate.status ?? '')) return false;
  if (operation.op === 'testClocks.create') return true;
  if (operation.op === 'subscriptionSchedules.create' && operation.params.from_subscription) return true;
  if (
    operation.op === 'prices.create' &&
    !pricesEqual(operation.params, candidate as unknown as Stripe.Price, operation.source)
  )
    return false;
  const sent = Object.entries(metadataOf(operation));
  if (sent.length === 0) return false;
  const held = candidate.metadata ?? {};
  if (!sent.every(([k, v]) => held[k] === v)) return false;
  return since === undefined || candidate.test_clock ? true : (candidate.created ?? 0) >= since;
}

/** Statuses of objects someone ended since (a canceled schedule or subscription, a voided invoice): not adopted. */
const ENDED = new Set(['canceled', 'released', 'incomplete_expired', 'void', 'internal_failure']);
