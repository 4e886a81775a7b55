// What a sync left behind, in a form two runs can be compared by: Stripe objects named by the Salesforce
// records their metadata links (never by their random ids), the Stripe IDs written back to Salesforce,
// the Sync Records and the Orders' status. Two emulators seeded alike give equal snapshots for equal work.
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import type { StripeEmulator } from '@stripe-cpq/stripe-emulator';

const COLLECTIONS = [
  'customers',
  'products',
  'prices',
  'coupons',
  'meters',
  'testClocks',
  'subscriptionSchedules',
  'subscriptions',
  'invoiceItems',
  'invoices',
] as const;

/** Fields a second run legitimately sets differently: creation times, generated numbers and URLs. */
const VOLATILE = new Set([
  'id',
  'created',
  'number',
  'hosted_invoice_url',
  'invoice_pdf',
  'status_transitions',
  'finalized_at',
  'webhooks_delivered_at',
  'effective_at',
  'updated',
  'last_finalization_error',
  'client_secret',
  'invoice_prefix',
]);
/** Metadata links name the instance URL; each emulator listens on its own port. */
const INSTANCE_URL = /http:\/\/127\.0\.0\.1:\d+/g;
/** Ids inside other strings (list URLs) and of objects without a collection here (subscription items). */
const ANY_STRIPE_ID = /\b[a-z]+(?:_sched)?_[A-Za-z0-9]{14,}\b/g;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface StripeSnapshot {
  /** Per collection, the canonical objects sorted: duplicates show as repeated entries. */
  readonly objects: Record<string, string[]>;
  /** Stripe id → its canonical name, to read write-backs and messages with. */
  readonly names: Map<string, string>;
}

function canonicalName(
  collection: string,
  object: { metadata?: Record<string, string> | null },
  index: number,
): string {
  const links = Object.entries(object.metadata ?? {})
    .filter(([key]) => key.endsWith('_id'))
    .sort();
  return links.length > 0 ? `${collection}${JSON.stringify(Object.fromEntries(links))}` : `${collection}#${index}`;
}

function rename(value: Json, names: ReadonlyMap<string, string>): Json {
  if (typeof value === 'string')
    return (
      names.get(value) ??
      value.replace(INSTANCE_URL, '<instance>').replace(ANY_STRIPE_ID, (id) => names.get(id) ?? '<id>')
    );
  if (Array.isArray(value)) return value.map((v) => rename(v, names));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !VOLATILE.has(key))
        .map(([key, v]) => [key, rename(v, names)]),
    );
  return value;
}

export function stripeSnapshot(stripe: StripeEmulator): StripeSnapshot {
  const names = new Map<string, string>();
  const all = COLLECTIONS.map(
    (collection) =>
      [
        collection,
        stripe.store[collection].all() as unknown as { id: string; metadata?: Record<string, string> }[],
      ] as const,
  );
  for (const [collection, items] of all)
    items.forEach((item, index) => names.set(item.id, canonicalName(collection, item, index)));
  const objects = Object.fromEntries(
    all.map(([collection, items]) => [
      collection,
      items.map((item) => JSON.stringify(rename(item as unknown as Json, names))).sort(),
    ]),
  );
  return { objects, names };
}

export interface SalesforceSnapshot {
  readonly writeBacks: string[];
  readonly syncRecords: string[];
  readonly orders: string[];
  readonly locks: string[];
}

const WRITE_BACK_OBJECTS = ['Account', 'Order', 'OrderItem', 'Product2', 'PricebookEntry'];
const STRIPE_ID = /\b(?:cus|prod|price|sub_sched|sub|ii|in|mtr)_[A-Za-z0-9]+\b/g;

export function salesforceSnapshot(org: SalesforceEmulator, names: ReadonlyMap<string, string>): SalesforceSnapshot {
  const named = (text: unknown) =>
    String(text ?? '').replace(STRIPE_ID, (id) => names.get(id) ?? `unknown Stripe object ${id}`);
  const writeBacks = WRITE_BACK_OBJECTS.flatMap((object) =>
    org
      .query(`SELECT Id, Stripe_ID__c FROM ${object} WHERE Stripe_ID__c != null`)
      .map((r) => `${object} ${String(r.Id)} → ${named(r.Stripe_ID__c)}`),
  ).sort();
  const syncRecords = org
    .query('SELECT Compound_ID__c, Resolution_Status__c, Resolution_Message__c FROM Stripe_Sync_Record__c')
    .map((r) => `${String(r.Compound_ID__c)} ${String(r.Resolution_Status__c)} ${named(r.Resolution_Message__c)}`)
    .sort();
  const orders = org
    .query('SELECT Id, Stripe_Sync_Status__c FROM Order WHERE Stripe_Sync_Status__c != null')
    // Not the status message: a re-run that finds everything done says so ("nothing to change").
    .map((r) => `${String(r.Id)} ${String(r.Stripe_Sync_Status__c)}`)
    .sort();
  // Sync locks left behind (syncLock.ts): a finished run holds none, however its predecessor died.
  const locks = org
    .query('SELECT Lock_Key__c FROM Stripe_Sync_Lock__c')
    .map((r) => String(r.Lock_Key__c))
    .sort();
  return { writeBacks, syncRecords, orders, locks };
}
