import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { SyncPlan } from '../../../core/plan/plan.js';
import { loadEngine, type Engine } from '../../../cli/engine.js';
import type { OrderSyncReport, OrderSyncStatus } from '../../../sync/engine.js';
import { orderIds, stripeSettingsFromEnvironment } from '../../../cli/environment.js';
import { EXIT_CODES } from '../../../cli/exitCodes.js';
import { planTree, renderTree } from '../../../cli/planTree.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-stripe-cpq', 'stripe.cpq.sync');

export type SyncResult = {
  dryRun: boolean;
  orders: OrderSyncReport[];
  counts: Record<OrderSyncStatus, number>;
};

export default class Sync extends SfCommand<SyncResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');

  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    order: Flags.salesforceId({
      char: 'r',
      length: 'both',
      multiple: true,
      required: true,
      startsWith: '801',
      summary: messages.getMessage('flags.order.summary'),
    }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary'), default: false }),
  };

  /** The engine the command runs; unit tests replace it. */
  public static loadEngine: () => Promise<Engine> = loadEngine;

  public async run(): Promise<SyncResult> {
    const { flags } = await this.parse(Sync);
    const ids = orderIds(flags.order);
    const stripe = stripeSettingsFromEnvironment();
    const dryRun = flags['dry-run'];
    this.spinner.start(dryRun ? `Planning ${ids.length} order(s)` : `Syncing ${ids.length} order(s) to Stripe`);
    let orders: OrderSyncReport[];
    try {
      const engine = await Sync.loadEngine();
      const syncEngine = await engine.createSyncEngine({
        connection: flags['target-org'].getConnection(flags['api-version']),
        ...stripe,
      });
      orders = await syncEngine.syncOrders(ids, { dryRun });
    } catch (error) {
      this.spinner.stop('failed');
      throw error;
    }
    this.spinner.stop();

    const counts = { synced: 0, failed: 0, busy: 0, planned: 0 };
    for (const order of orders) counts[order.status]++;
    this.report(orders, counts);
    if (counts.failed > 0)
      process.exitCode = counts.failed === orders.length ? EXIT_CODES.error : EXIT_CODES.partlyFailed;
    return { dryRun, orders, counts };
  }

  private report(orders: OrderSyncReport[], counts: SyncResult['counts']): void {
    for (const order of orders.filter((o) => o.plan)) {
      this.log(messages.getMessage('info.planFor', [order.orderId]));
      const tree = renderTree(planTree(order.plan as SyncPlan));
      this.log(tree.length > 0 ? tree.join('\n') : `   ${messages.getMessage('info.noOperations')}`);
      for (const warning of order.plan?.warnings ?? []) this.warn(`${order.orderId}: ${warning}`);
      this.log('');
    }
    const done = orders.filter((o) => !o.plan);
    if (done.length > 0) {
      this.table({
        data: done.map((o) => ({
          Order: o.orderId,
          Status: o.status,
          'Stripe ID': o.stripeId ?? '',
          Message: o.message ?? '',
          Fix: o.fix ?? '',
        })),
        columns: ['Order', 'Status', 'Stripe ID', 'Message', 'Fix'],
      });
    }
    if (counts.busy > 0) this.warn(messages.getMessage('warning.busy', [counts.busy]));
    this.log(messages.getMessage('info.summary', [counts.synced, counts.failed, counts.busy, counts.planned]));
  }
}
