import { Messages, type Connection, type Org } from '@salesforce/core';
import { Duration } from '@salesforce/kit';
import { MultiStageOutput } from '@oclif/multi-stage-output';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { ComponentSet, RequestStatus, type DeployResult as SdrDeployResult } from '@salesforce/source-deploy-retrieve';
import { EXIT_CODES } from '../../../cli/exitCodes.js';
import { BUNDLED_PACKAGE_DIR, PERMISSION_SETS } from '../../../cli/packageSource.js';
import { assignPermissionSets, type PermissionSetAssignmentResult } from '../../../cli/permissionSets.js';
import { SalesforceClient } from '../../../salesforce/client.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-stripe-cpq', 'stripe.cpq.deploy');

/** The custom metadata types whose records the sync reads; the deploy must leave records of each. */
const SETTINGS_TYPES = { fieldMappings: 'Stripe_Field_Mapping__mdt', settings: 'Stripe_Sync_Setting__mdt' } as const;

export type DeployResult = {
  deployId: string;
  checkOnly: boolean;
  status: string;
  components: { total: number; deployed: number };
  permissionSets: PermissionSetAssignmentResult[];
  /** Records of the default mapping and settings metadata types in the org after the deploy (null with --dry-run). */
  customMetadata: { fieldMappings: number; settings: number } | null;
  nextSteps: string[];
};

type StageData = { components: string; deployId: string };

export default class Deploy extends SfCommand<DeployResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');

  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary'), default: false }),
    wait: Flags.duration({
      char: 'w',
      unit: 'minutes',
      defaultValue: 33,
      min: 1,
      summary: messages.getMessage('flags.wait.summary'),
    }),
    'source-dir': Flags.directory({
      char: 'd',
      exists: true,
      summary: messages.getMessage('flags.source-dir.summary'),
    }),
    'permission-set': Flags.string({
      char: 'p',
      multiple: true,
      options: PERMISSION_SETS,
      default: ['Stripe_CPQ_Admin'],
      summary: messages.getMessage('flags.permission-set.summary'),
    }),
    'on-behalf-of': Flags.string({
      char: 'b',
      multiple: true,
      summary: messages.getMessage('flags.on-behalf-of.summary'),
    }),
  };

  public async run(): Promise<DeployResult> {
    const { flags } = await this.parse(Deploy);
    const org = flags['target-org'];
    const connection = org.getConnection(flags['api-version']);
    const checkOnly = flags['dry-run'];
    const stages = [
      messages.getMessage('stage.prepare'),
      messages.getMessage('stage.deploy'),
      ...(checkOnly ? [] : [messages.getMessage('stage.assign'), messages.getMessage('stage.verify')]),
    ];
    const progress = new MultiStageOutput<StageData>({
      jsonEnabled: this.jsonEnabled(),
      title: checkOnly ? 'Validating the Stripe CPQ package' : 'Deploying the Stripe CPQ package',
      stages,
      stageSpecificBlock: [
        {
          stage: messages.getMessage('stage.deploy'),
          type: 'dynamic-key-value',
          label: messages.getMessage('info.deployId'),
          get: (d) => d?.deployId,
        },
        {
          stage: messages.getMessage('stage.deploy'),
          type: 'dynamic-key-value',
          label: messages.getMessage('info.components'),
          get: (d) => d?.components,
        },
      ],
    });
    try {
      progress.goto(messages.getMessage('stage.prepare'));
      const sourceDir = flags['source-dir'] ?? BUNDLED_PACKAGE_DIR;
      const componentSet = ComponentSet.fromSource(sourceDir);
      if (componentSet.size === 0) throw messages.createError('error.NoComponents', [sourceDir]);

      progress.goto(messages.getMessage('stage.deploy'));
      const deployed = await this.deployPackage(componentSet, connection, checkOnly, flags.wait, progress);
      const result: DeployResult = {
        deployId: deployed.response.id,
        checkOnly,
        status: deployed.response.status,
        components: {
          total: Number(deployed.response.numberComponentsTotal),
          deployed: Number(deployed.response.numberComponentsDeployed),
        },
        permissionSets: [],
        customMetadata: null,
        nextSteps: [],
      };
      if (!checkOnly) {
        // The data calls after the deploy go through the one client that counts Salesforce API calls.
        const salesforce = SalesforceClient.fromConnection(connection);
        progress.goto(messages.getMessage('stage.assign'));
        result.permissionSets = await assignPermissionSets(
          salesforce,
          flags['permission-set'],
          flags['on-behalf-of'] ?? [org.getUsername() ?? ''],
          messages,
        );
        progress.goto(messages.getMessage('stage.verify'));
        result.customMetadata = await countSettings(salesforce);
      }
      progress.stop();
      result.nextSteps = this.report(result, org);
      return result;
    } catch (error) {
      progress.error();
      throw error;
    }
  }

  /**
   * Deploys (or validates) through source-deploy-retrieve and waits; failures name the file and line. The
   * Metadata API deploy and its status polls are SDR's own requests on the connection, not the product's REST
   * data calls, so they stay outside SalesforceClient's counter (the calls after the deploy are inside it).
   */
  private async deployPackage(
    componentSet: ComponentSet,
    connection: Connection,
    checkOnly: boolean,
    wait: Duration,
    progress: MultiStageOutput<StageData>,
  ): Promise<SdrDeployResult> {
    const deploy = await componentSet.deploy({
      usernameOrConnection: connection,
      apiOptions: { checkOnly, rollbackOnError: true, singlePackage: true },
    });
    progress.updateData({ deployId: deploy.id ?? '' });
    deploy.onUpdate((response) =>
      progress.updateData({ components: `${response.numberComponentsDeployed}/${response.numberComponentsTotal}` }),
    );
    let result: SdrDeployResult;
    try {
      result = await deploy.pollStatus({ frequency: Duration.milliseconds(500), timeout: wait });
    } catch (error) {
      if (!/timed out/i.test((error as Error).message)) throw error;
      const timeout = messages.createError(
        'error.DeployTimeout',
        [deploy.id, wait.minutes],
        [deploy.id, connection.getUsername()],
      );
      timeout.exitCode = EXIT_CODES.inProgress;
      throw timeout;
    }
    if (result.response.status !== RequestStatus.Succeeded) {
      const failures = result.getFileResponses().filter((file) => file.state === 'Failed');
      const lines = failures.map(
        (f) =>
          `  ${f.type} ${f.fullName} (${'filePath' in f && f.filePath ? f.filePath : ''}${'lineNumber' in f && f.lineNumber ? `:${f.lineNumber}` : ''}${'columnNumber' in f && f.columnNumber ? `:${f.columnNumber}` : ''}): ${'error' in f ? f.error : ''}`,
      );
      const error = messages.createError(
        'error.DeployFailed',
        [result.response.status, failures.length, lines.join('\n')],
        [result.response.id],
      );
      error.setData({ deployId: result.response.id, failures });
      throw error;
    }
    return result;
  }

  /** The human summary; returns the next steps for the JSON result too. */
  private report(result: DeployResult, org: Org): string[] {
    const target = org.getUsername() ?? '';
    const nextSteps = messages
      .getMessage('info.nextSteps', [target, target])
      .split('\n')
      .slice(1)
      .map((line) => line.trim());
    this.logSuccess(
      messages.getMessage(result.checkOnly ? 'info.validated' : 'info.deployed', [result.components.total, target]),
    );
    for (const a of result.permissionSets)
      this.log(messages.getMessage('info.assignment', [a.permissionSet, a.username, a.status]));
    if (result.customMetadata)
      this.log(
        messages.getMessage('info.settings', [result.customMetadata.fieldMappings, result.customMetadata.settings]),
      );
    if (!result.checkOnly) this.log(`\n${messages.getMessage('info.nextSteps', [target, target])}`);
    return nextSteps;
  }
}

/** Confirms the default mapping and settings records arrived with the deploy (they are CMT records in force-app). */
async function countSettings(salesforce: SalesforceClient): Promise<{ fieldMappings: number; settings: number }> {
  // Both counts in one composite call.
  const answers = await salesforce.queryAnswers(
    Object.fromEntries(Object.entries(SETTINGS_TYPES).map(([name, type]) => [name, `SELECT COUNT() FROM ${type}`])),
  );
  const count = (name: keyof typeof SETTINGS_TYPES): number => {
    const totalSize = answers[name]?.totalSize ?? 0;
    if (totalSize === 0)
      throw messages.createError('error.SettingsMissing', [SETTINGS_TYPES[name]], [SETTINGS_TYPES[name]]);
    return totalSize;
  };
  return { fieldMappings: count('fieldMappings'), settings: count('settings') };
}
