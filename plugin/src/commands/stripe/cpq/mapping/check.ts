import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { orderIds } from '../../../../cli/environment.js';
import { EXIT_CODES } from '../../../../cli/exitCodes.js';
import {
  checkLocalSource,
  checkOrg,
  hasErrors,
  PackageNotDeployed,
  type CheckProblem,
  type MappingCheckReport,
  type OrderPreflight,
} from '../../../../mappingCheck/index.js';
import { SalesforceClient } from '../../../../salesforce/client.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-stripe-cpq', 'stripe.cpq.mapping.check');

export type MappingCheckResult = MappingCheckReport & {
  /** `org` (--target-org) or `local` (--source-dir). */
  source: 'org' | 'local';
  counts: { errors: number; warnings: number; ordersReady: number; ordersBlocked: number };
};

export default class MappingCheck extends SfCommand<MappingCheckResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');

  public static override readonly flags = {
    // Not `exactlyOne`: oclif counts a default target-org as given, and --source-dir must work for
    // admins who have one. `exclusive` ignores defaults; run() handles "neither".
    'target-org': Flags.optionalOrg({ summary: messages.getMessage('flags.target-org.summary') }),
    'api-version': Flags.orgApiVersion(),
    'source-dir': Flags.directory({
      char: 'd',
      exists: true,
      exclusive: ['target-org'],
      summary: messages.getMessage('flags.source-dir.summary'),
    }),
    order: Flags.salesforceId({
      char: 'r',
      length: 'both',
      multiple: true,
      startsWith: '801',
      exclusive: ['source-dir'],
      summary: messages.getMessage('flags.order.summary'),
    }),
  };

  public async run(): Promise<MappingCheckResult> {
    const { flags } = await this.parse(MappingCheck);
    const sourceDir = flags['source-dir'];
    const org = sourceDir ? undefined : flags['target-org'];
    if (!sourceDir && !org) throw messages.createError('error.NoTarget');
    this.spinner.start(messages.getMessage(org ? 'info.checkingOrg' : 'info.checkingSource'));
    let report: MappingCheckReport;
    try {
      report = org
        ? await checkOrg(SalesforceClient.fromConnection(org.getConnection(flags['api-version'])), {
            orderIds: orderIds(flags.order ?? []),
          })
        : checkLocalSource(sourceDir as string);
    } catch (error) {
      this.spinner.stop('failed');
      throw error instanceof PackageNotDeployed
        ? messages.createError('error.PackageNotDeployed', [error.message])
        : error;
    }
    this.spinner.stop();

    const all = [...report.problems, ...report.orders.flatMap((o) => o.problems)];
    const counts = {
      errors: all.filter((p) => p.severity === 'error').length,
      warnings: all.filter((p) => p.severity === 'warning').length,
      ordersReady: report.orders.filter((o) => o.ready).length,
      ordersBlocked: report.orders.filter((o) => !o.ready).length,
    };
    this.show(report, counts);
    if (hasErrors(all)) process.exitCode = EXIT_CODES.error;
    return { source: org ? 'org' : 'local', ...report, counts };
  }

  private show(report: MappingCheckReport, counts: MappingCheckResult['counts']): void {
    this.styledHeader(messages.getMessage('info.mappingsHeader', [report.mappingRecords]));
    if (report.problems.length === 0) this.log(messages.getMessage('info.noProblems'));
    else this.showProblems(report.problems);
    for (const order of report.orders) this.showOrder(order);
    this.log('');
    this.log(messages.getMessage('info.summary', [counts.errors, counts.warnings]));
  }

  private showOrder(order: OrderPreflight): void {
    this.log('');
    if (order.ready) this.log(messages.getMessage('info.orderReady', [order.orderId, order.summary]));
    else
      this.log(
        messages.getMessage('info.orderBlocked', [
          order.orderId,
          order.problems.filter((p) => p.severity === 'error').length,
        ]),
      );
    if (order.problems.length > 0) this.showProblems(order.problems);
  }

  private showProblems(problems: readonly CheckProblem[]): void {
    this.table({
      data: problems.map((p) => ({
        Severity: p.severity,
        Record: recordLabel(p),
        Field: p.field,
        Problem: p.message,
        Fix: p.fix,
      })),
      columns: ['Severity', 'Record', 'Field', 'Problem', 'Fix'],
      overflow: 'wrap',
    });
  }
}

/** A metadata record as its source file names it (`Stripe_Field_Mapping.Region`), any other record as `OrderItem 802…`. */
function recordLabel(problem: CheckProblem): string {
  return problem.recordType.endsWith('__mdt')
    ? `${problem.recordType.slice(0, -'__mdt'.length)}.${problem.record}`
    : `${problem.recordType} ${problem.record}`;
}
