/**
 * Reads where the org stands with Stripe, for `sf stripe cpq status`: orders by sync status, the latest
 * failed Sync Records with their fixes, and the relay's last activity (the Sync Requests it worked, the
 * orders it synced, the requests queued and those waiting to retry); or, for one order, its Stripe links, status and Sync Records. SOQL only,
 * through the product's Salesforce client, which counts each call.
 */
import type { SalesforceClient } from '../salesforce/client.js';
import { parseBillingSummary, type BillingSummary } from '../core/billingSummary/schema.js';
import { soqlId, soqlString } from '../salesforce/soql.js';

export const SYNC_STATUSES = ['Not Synced', 'Queued', 'Syncing', 'Synced', 'Failed'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

export type SyncRecordSummary = {
  id: string;
  status: string;
  primaryRecordId: string | null;
  secondaryRecordId: string | null;
  secondaryObjectType: string | null;
  message: string | null;
  fix: string | null;
  documentationLink: string | null;
  stripeRequestLink: string | null;
  lastModified: string;
};

export type RelayActivity = {
  /** The latest Sync Request a relay worker touched. */
  lastRequest: {
    id: string;
    orderId: string | null;
    status: string | null;
    claimedBy: string | null;
    at: string;
  } | null;
  /** The latest order sync that finished (by the relay or `sf stripe cpq sync`). */
  lastOrderSync: { orderId: string; at: string } | null;
  queuedRequests: number;
  /** Sync Requests a retryable failure left Retrying, and the one due first. */
  retrying: RetryingRequests;
};

export type RetryingRequests = {
  requests: number;
  next: { id: string; orderId: string | null; attempts: number; at: string } | null;
};

export type SyncOverview = {
  orders: Record<SyncStatus, number>;
  latestFailures: SyncRecordSummary[];
  relay: RelayActivity;
};

export type OrderLinks = {
  stripeId: string | null;
  stripeDashboard: string | null;
  customer: string | null;
  invoice: string | null;
  invoicePayment: string | null;
};

export type OrderSyncStatusDetail = {
  id: string;
  orderNumber: string | null;
  status: string | null;
  syncStatus: string;
  message: string | null;
  fix: string | null;
  documentationLink: string | null;
  lastSync: string | null;
  invoiceStatus: string | null;
  links: OrderLinks;
  syncRecords: SyncRecordSummary[];
  /** What Stripe bills for the order, as the relay last wrote it; null when there is none or it cannot be read. */
  billingSummary: BillingSummary | null;
  /** The field held text that is not a summary this version reads. */
  billingSummaryUnreadable: boolean;
};

const SYNC_RECORD_FIELDS =
  'Id, Resolution_Status__c, Primary_Record_ID__c, Secondary_Record_ID__c, Secondary_Object_Type__c, Resolution_Message__c, Resolution_Fix__c, Resolution_Documentation_Link__c, Stripe_Request_Dashboard_Link__c, LastModifiedDate';

type Row = Record<string, unknown>;
const str = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

function syncRecord(row: Row): SyncRecordSummary {
  return {
    id: String(row.Id),
    status: String(row.Resolution_Status__c ?? ''),
    primaryRecordId: str(row.Primary_Record_ID__c),
    secondaryRecordId: str(row.Secondary_Record_ID__c),
    secondaryObjectType: str(row.Secondary_Object_Type__c),
    message: str(row.Resolution_Message__c),
    fix: str(row.Resolution_Fix__c),
    documentationLink: str(row.Resolution_Documentation_Link__c),
    stripeRequestLink: str(row.Stripe_Request_Dashboard_Link__c),
    lastModified: String(row.LastModifiedDate),
  };
}

/** The overview's queries by reference id: the five order counts by sync status (`orders0`…), then the rest. */
function overviewQueries(failureLimit: number): Record<string, string> {
  return {
    ...Object.fromEntries(
      SYNC_STATUSES.map((status, i) => [
        `orders${i}`,
        `SELECT COUNT() FROM Order WHERE Stripe_Sync_Status__c = ${soqlString(status)}${status === 'Not Synced' ? ' OR Stripe_Sync_Status__c = null' : ''}`,
      ]),
    ),
    failures: `SELECT ${SYNC_RECORD_FIELDS} FROM Stripe_Sync_Record__c WHERE Resolution_Status__c = 'Error' ORDER BY LastModifiedDate DESC LIMIT ${failureLimit}`,
    lastRequest:
      'SELECT Id, Order__c, Status__c, Claimed_By__c, LastModifiedDate FROM Stripe_Sync_Request__c WHERE Claimed_By__c != null ORDER BY LastModifiedDate DESC LIMIT 1',
    lastOrder:
      'SELECT Id, Stripe_Last_Sync__c FROM Order WHERE Stripe_Last_Sync__c != null ORDER BY Stripe_Last_Sync__c DESC LIMIT 1',
    queued: "SELECT COUNT() FROM Stripe_Sync_Request__c WHERE Status__c = 'Queued'",
    retrying: "SELECT COUNT() FROM Stripe_Sync_Request__c WHERE Status__c = 'Retrying'",
    nextRetry:
      "SELECT Id, Order__c, Attempts__c, Next_Attempt_At__c FROM Stripe_Sync_Request__c WHERE Status__c = 'Retrying' ORDER BY Next_Attempt_At__c ASC LIMIT 1",
  };
}

/** The org's overview: its 11 queries in 3 composite calls (5 queries each at most). */
export async function readSyncOverview(salesforce: SalesforceClient, failureLimit: number): Promise<SyncOverview> {
  const answers = await salesforce.queryAnswers(overviewQueries(failureLimit));
  const count = (referenceId: string): number => answers[referenceId]?.totalSize ?? 0;
  const rows = (referenceId: string): Row[] => answers[referenceId]?.records ?? [];
  const [request] = rows('lastRequest');
  const [order] = rows('lastOrder');
  const [retry] = rows('nextRetry');
  return {
    orders: Object.fromEntries(SYNC_STATUSES.map((status, i) => [status, count(`orders${i}`)])) as Record<
      SyncStatus,
      number
    >,
    latestFailures: rows('failures').map(syncRecord),
    relay: {
      lastRequest: request
        ? {
            id: String(request.Id),
            orderId: str(request.Order__c),
            status: str(request.Status__c),
            claimedBy: str(request.Claimed_By__c),
            at: String(request.LastModifiedDate),
          }
        : null,
      lastOrderSync: order ? { orderId: String(order.Id), at: String(order.Stripe_Last_Sync__c) } : null,
      queuedRequests: count('queued'),
      retrying: {
        requests: count('retrying'),
        next: retry
          ? {
              id: String(retry.Id),
              orderId: str(retry.Order__c),
              attempts: Number(retry.Attempts__c ?? 0),
              at: String(retry.Next_Attempt_At__c),
            }
          : null,
      },
    },
  };
}

/** One order's status, or undefined when no such order exists. */
export async function readOrderStatus(
  salesforce: SalesforceClient,
  orderId: string,
): Promise<OrderSyncStatusDetail | undefined> {
  // Both in one composite call.
  const { orders = [], records = [] } = await salesforce.queries({
    orders: `SELECT Id, OrderNumber, Status, Stripe_ID__c, Stripe_Dashboard_Link__c, Stripe_Customer_Link__c, Stripe_Invoice_Dashboard_Link__c, Stripe_Invoice_Payment_Link__c, Stripe_Sync_Status__c, Stripe_Sync_Message__c, Stripe_Sync_Fix__c, Stripe_Sync_Doc_Link__c, Stripe_Last_Sync__c, Stripe_Invoice_Status__c, Stripe_Billing_Summary__c FROM Order WHERE Id = ${soqlId(orderId)}`,
    records: `SELECT ${SYNC_RECORD_FIELDS} FROM Stripe_Sync_Record__c WHERE Order__c = ${soqlId(orderId)} OR Primary_Record_ID__c = ${soqlId(orderId)} ORDER BY LastModifiedDate DESC`,
  });
  const [order] = orders;
  if (!order) return undefined;
  const summary = parseBillingSummary(str(order.Stripe_Billing_Summary__c));
  return {
    id: String(order.Id),
    orderNumber: str(order.OrderNumber),
    status: str(order.Status),
    syncStatus: str(order.Stripe_Sync_Status__c) ?? 'Not Synced',
    message: str(order.Stripe_Sync_Message__c),
    fix: str(order.Stripe_Sync_Fix__c),
    documentationLink: str(order.Stripe_Sync_Doc_Link__c),
    lastSync: str(order.Stripe_Last_Sync__c),
    invoiceStatus: str(order.Stripe_Invoice_Status__c),
    links: {
      stripeId: str(order.Stripe_ID__c),
      stripeDashboard: str(order.Stripe_Dashboard_Link__c),
      customer: str(order.Stripe_Customer_Link__c),
      invoice: str(order.Stripe_Invoice_Dashboard_Link__c),
      invoicePayment: str(order.Stripe_Invoice_Payment_Link__c),
    },
    syncRecords: records.map(syncRecord),
    billingSummary: summary ?? null,
    billingSummaryUnreadable: Boolean(order.Stripe_Billing_Summary__c) && !summary,
  };
}
