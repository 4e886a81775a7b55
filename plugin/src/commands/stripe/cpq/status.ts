import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { toId18 } from '../../../core/records/salesforceIds.js';
import { SalesforceClient } from '../../../salesforce/client.js';
import { billingTimeline } from '../../../cli/billingTimeline.js';
import {
  readOrderStatus,
  readSyncOverview,
  SYNC_STATUSES,
  type OrderSyncStatusDetail,
  type SyncOverview,
  type SyncRecordSummary,
} from '../../../cli/syncStatus.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-stripe-cpq', 'stripe.cpq.status');

/** The org's overview, or with --order that order's detail. */
export type StatusResult = { overview: SyncOverview; order: null } | { overview: null; order: OrderSyncStatusDetail };

export default class Status extends SfCommand<StatusResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');

  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    order: Flags.salesforceId({
      char: 'r',
      length: 'both',
      startsWith: '801',
      summary: messages.getMessage('flags.order.summary'),
    }),
    failures: Flags.integer({ min: 1, max: 200, default: 5, summary: messages.getMessage('flags.failures.summary') }),
  };

  public async run(): Promise<StatusResult> {
    const { flags } = await this.parse(Status);
    const salesforce = SalesforceClient.fromConnection(flags['target-org'].getConnection(flags['api-version']));
    if (flags.order) {
      const order = await readOrderStatus(salesforce, toId18(flags.order));
      if (!order) throw messages.createError('error.OrderNotFound', [flags.order]);
      this.showOrder(order);
      return { overview: null, order };
    }
    const overview = await readSyncOverview(salesforce, flags.failures);
    this.showOverview(overview);
    return { overview, order: null };
  }

  private showOverview(overview: SyncOverview): void {
    this.styledHeader(messages.getMessage('info.ordersBySyncStatus'));
    this.table({ data: SYNC_STATUSES.map((status) => ({ 'Sync Status': status, Orders: overview.orders[status] })) });
    this.styledHeader(messages.getMessage('info.latestFailures'));
    if (overview.latestFailures.length === 0) this.log(messages.getMessage('info.noFailures'));
    else this.showSyncRecords(overview.latestFailures);
    const { lastRequest, lastOrderSync, queuedRequests } = overview.relay;
    this.log(
      lastRequest || lastOrderSync
        ? messages.getMessage('info.relay', [
            lastRequest?.id ?? '-',
            lastRequest?.status ?? '-',
            lastRequest?.claimedBy ?? '-',
            lastRequest?.at ?? '-',
            lastOrderSync?.orderId ?? '-',
            lastOrderSync?.at ?? '-',
            queuedRequests,
          ])
        : messages.getMessage('info.relayNever', [queuedRequests]),
    );
    const { requests, next } = overview.relay.retrying;
    if (next)
      this.log(messages.getMessage('info.retrying', [requests, next.id, next.orderId ?? '-', next.attempts, next.at]));
  }

  private showOrder(order: OrderSyncStatusDetail): void {
    this.styledHeader(messages.getMessage('info.order', [order.orderNumber ?? order.id, order.id, order.syncStatus]));
    this.styledObject({
      'Stripe ID': order.links.stripeId ?? '',
      'Stripe Dashboard': order.links.stripeDashboard ?? '',
      Customer: order.links.customer ?? '',
      Invoice: order.links.invoice ?? '',
      'Invoice Payment Page': order.links.invoicePayment ?? '',
      'Invoice Status': order.invoiceStatus ?? '',
      'Last Sync': order.lastSync ?? '',
      Message: order.message ?? '',
      Fix: order.fix ?? '',
    });
    this.showBilling(order);
    this.styledHeader(messages.getMessage('info.syncRecords'));
    this.showSyncRecords(order.syncRecords);
  }

  /** The billing timeline; in --json, the summary itself (order.billingSummary). */
  private showBilling(order: OrderSyncStatusDetail): void {
    if (order.billingSummary) {
      const [header, ...lines] = billingTimeline(order.billingSummary, messages);
      this.styledHeader(header!);
      for (const line of lines) this.log(line);
    } else {
      this.log(messages.getMessage(order.billingSummaryUnreadable ? 'info.billingUnreadable' : 'info.billingNone'));
    }
  }

  private showSyncRecords(records: SyncRecordSummary[]): void {
    this.table({
      data: records.map((r) => ({
        Status: r.status,
        Record: `${r.secondaryObjectType ?? ''} ${r.secondaryRecordId ?? ''}`.trim(),
        Message: r.message ?? '',
        Fix: r.fix ?? '',
        When: r.lastModified,
      })),
    });
  }
}
