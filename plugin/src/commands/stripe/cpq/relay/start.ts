import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { loadEngine, type Engine } from '../../../../cli/engine.js';
import { stripeSettingsFromEnvironment } from '../../../../cli/environment.js';
import type { InvalidSyncFilter } from '../../../../salesforce/settingsReader.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-stripe-cpq', 'stripe.cpq.relay.start');

export type RelayStartResult = {
  url: string;
  /** Whether activated orders synced without a request: --live-sync, else the org's Live_Sync_Enabled__c. */
  liveSync: boolean | null;
  username: string;
  concurrency: number;
  reconcileSeconds: number;
  webhooks: boolean;
  startedAt: string;
  stoppedAt: string;
  /** The signal that stopped it. */
  stoppedBy: string;
};

/**
 * Resolves with the name of the first of SIGINT/SIGTERM the process receives. It takes the signals over
 * from SfCommand, whose own handlers exit at once with 130: the relay drains its work first, then exits 0.
 */
function interrupted(): Promise<string> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(signal);
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop).on('SIGTERM', stop);
  });
}

export default class RelayStart extends SfCommand<RelayStartResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');

  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    port: Flags.integer({
      char: 'p',
      min: 0,
      max: 65_535,
      default: 8787,
      summary: messages.getMessage('flags.port.summary'),
    }),
    concurrency: Flags.integer({
      char: 'c',
      min: 1,
      max: 32,
      default: 2,
      summary: messages.getMessage('flags.concurrency.summary'),
    }),
    'reconcile-interval': Flags.integer({
      min: 5,
      max: 86_400,
      default: 600,
      summary: messages.getMessage('flags.reconcile-interval.summary'),
    }),
    'live-sync': Flags.boolean({ allowNo: true, summary: messages.getMessage('flags.live-sync.summary') }),
  };

  /** The engine the command runs, and what ends the run; unit tests replace both. */
  public static loadEngine: () => Promise<Engine> = loadEngine;
  public static untilStopped: () => Promise<string> = interrupted;

  public async run(): Promise<RelayStartResult> {
    const { flags } = await this.parse(RelayStart);
    const org = flags['target-org'];
    const stripe = stripeSettingsFromEnvironment();
    const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET?.trim();
    // Another Pub/Sub API than Salesforce's (the local org emulator's), as the container entry point takes it.
    const pubSubEndpoint = process.env.SF_PUBSUB_ENDPOINT?.trim();
    const stopped = RelayStart.untilStopped();
    const engine = await RelayStart.loadEngine();
    const relay = await engine
      .startRelay({
        connection: org.getConnection(flags['api-version']),
        ...stripe,
        port: flags.port,
        concurrency: flags.concurrency,
        reconcileSeconds: flags['reconcile-interval'],
        ...(pubSubEndpoint
          ? {
              events: {
                endpoint: pubSubEndpoint,
                rejectUnauthorized: process.env.SF_PUBSUB_REJECT_UNAUTHORIZED !== 'false',
              },
            }
          : {}),
        ...(webhookSecret ? { webhookSecret } : {}),
        ...(flags['live-sync'] === undefined ? {} : { liveSync: flags['live-sync'] }),
      })
      .catch((error: unknown) => {
        // Matched by name: the engine (and its settings reader) loads lazily, after the command starts.
        if (error instanceof Error && error.name === 'InvalidSyncFilter') {
          const invalid = error as InvalidSyncFilter;
          throw messages.createError('error.invalidSyncFilter', [invalid.problem], [invalid.fix]);
        }
        throw error;
      });
    const startedAt = new Date().toISOString();
    const username = org.getUsername() ?? '';
    this.log(messages.getMessage('info.started', [relay.url, username, flags.concurrency, relay.reconcileSeconds]));
    const signal = await stopped;
    this.spinner.start(messages.getMessage('info.stopping', [signal]));
    await relay.stop();
    this.spinner.stop(messages.getMessage('info.stopped'));
    return {
      url: relay.url,
      liveSync: flags['live-sync'] ?? null,
      username,
      concurrency: flags.concurrency,
      reconcileSeconds: relay.reconcileSeconds,
      webhooks: webhookSecret !== undefined && webhookSecret !== '',
      startedAt,
      stoppedAt: new Date().toISOString(),
      stoppedBy: signal,
    };
  }
}
