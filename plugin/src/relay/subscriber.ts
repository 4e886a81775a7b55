/**
 * The subscriber: Change Data Capture events of Order and Stripe_Sync_Request__c on the package's data
 * channel (force-app: platformEventChannels/Stripe_CPQ_Sync__chn and its members), received through the
 * Pub/Sub API with the maintained client (salesforce-pubsub-api-client). It spends no Salesforce API call:
 * an activation or a "Sync now" reaches the relay in about a second.
 *
 * - Flow control: at most `batchSize` events are asked for; more only once those arrived and the relay
 *   has room for at least half a batch (events received but not done count against it).
 * - Resume: from the checkpoint (replayCheckpoint.ts) after a dropped stream or a restart. A replay id
 *   the service no longer keeps (72 hours) fails the subscription with
 *   `sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted`: the subscriber starts again from
 *   the tip (LATEST) at once and the relay reconciles at once, which finds what the lost events named.
 * - Reconnect with exponential backoff (0.5 s doubling to 30 s, with jitter); an expired session
 *   (UNAUTHENTICATED) is refreshed through the Salesforce client first, then resubscribes at once.
 * - Duplicates and out-of-order events are harmless: events only name records to look at; the request's
 *   claim and the contract lock decide what runs.
 *
 * The client's close() drops the stream's listeners while the stream may still end later with an error
 * nobody handles (it crashes the process), so a client is closed only once its stream has ended.
 */
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import PubSubApiClient from 'salesforce-pubsub-api-client';
import type { SalesforceClient } from '../salesforce/client.js';
import { PUBSUB_PROTO_PATH } from '../salesforce/pubSubProto.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { ReplayCheckpoint } from './replayCheckpoint.js';
import type { Scheduler } from './scheduler.js';

export const SYNC_CHANNEL = 'Stripe_CPQ_Sync__chn';
export const SYNC_TOPIC = `/data/${SYNC_CHANNEL}`;
export const DEFAULT_PUBSUB_ENDPOINT = 'api.pubsub.salesforce.com:7443';
const MAX_BATCH = 100;
const MAX_BACKOFF_MS = 30_000;
/** The service's error code for a replay id outside the retention window ("Retry Long-Lived RPC Calls"). */
const REPLAY_ID_UNAVAILABLE = 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted';

export interface SubscriberOptions {
  /** `host:port` of the Pub/Sub API; default Salesforce's. */
  readonly endpoint?: string;
  /** False only for the local org emulator's self-signed certificate. */
  readonly rejectUnauthorized?: boolean;
  /** Events asked for at a time (1–100). Default 100. */
  readonly batchSize?: number;
}

/** One change event, as the relay needs it. */
export interface ChangeEvent {
  readonly replayId: number;
  /** `Order`, `Stripe_Sync_Request__c`. */
  readonly entity: string;
  readonly changeType: string;
  readonly recordIds: readonly string[];
  /** The record fields the event carries (changed, or named by the channel filter). */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** An event and the callback that marks its work done (the checkpoint may move past it then). */
export interface ReceivedEvent {
  readonly event: ChangeEvent;
  done(): void;
}

export type StreamState = 'connecting' | 'subscribed' | 'reconnecting' | 'stopped';

export class MissingChannel extends Error {
  constructor(topic: string, cause: unknown) {
    super(
      `The org has no ${topic} change event channel the relay can subscribe to. Deploy the package's channel: the PlatformEventChannel ${SYNC_CHANNEL} (force-app/main/default/platformEventChannels/${SYNC_CHANNEL}.platformEventChannel-meta.xml) and its PlatformEventChannelMember records for OrderChangeEvent and Stripe_Sync_Request__ChangeEvent (force-app/main/default/platformEventChannelMembers), e.g. sf project deploy start --source-dir force-app.`,
      { cause },
    );
    this.name = 'MissingChannel';
  }
}

export interface SubscriberDeps {
  readonly salesforce: SalesforceClient;
  /** The org's id: the tenant id the service checks the session against. */
  readonly orgId: string;
  readonly options: SubscriberOptions;
  readonly checkpoint: ReplayCheckpoint;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly log: Logger;
  /** Works on the events that arrived together. */
  readonly handle: (events: readonly ReceivedEvent[]) => void;
  /** The stream lost events (replay id past retention): reconcile now. */
  readonly onGap: () => void;
  readonly onState?: (state: StreamState) => void;
  /** Seconds from an event's commit in Salesforce to its arrival here. */
  readonly onLag?: (seconds: number) => void;
}

interface GrpcError {
  readonly code?: number;
  readonly details?: string;
  readonly metadata?: { get(key: string): unknown[] };
}

interface ParsedEvent {
  readonly replayId: number;
  readonly payload: Record<string, unknown>;
}

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export class ChangeEventSubscriber {
  readonly topic = SYNC_TOPIC;
  private client: PubSubApiClient | undefined;
  /** Callbacks of an older stream (ended, replaced) are ignored. */
  private generation = 0;
  private failures = 0;
  /** Events asked for and not yet arrived; -1 while no stream is open. */
  private outstanding = -1;
  private pending: ReceivedEvent[] = [];
  state: StreamState = 'connecting';

  constructor(private readonly deps: SubscriberDeps) {}

  private get batchSize(): number {
    return Math.min(MAX_BATCH, Math.max(1, Math.floor(this.deps.options.batchSize ?? MAX_BATCH)));
  }

  /** Checks the channel exists (MissingChannel if not), then subscribes. */
  async start(): Promise<void> {
    await this.checkTopic();
    await this.connect();
  }

  /** Stops asking for events; the open stream is left to end (see the file comment). */
  stop(): void {
    this.setState('stopped');
    this.deps.scheduler.cancel('resubscribe');
  }

  private setState(state: StreamState): void {
    this.state = state;
    this.deps.onState?.(state);
  }

  private config() {
    const { instanceUrl, accessToken } = this.deps.salesforce.session;
    return {
      authType: 'user-supplied' as const,
      accessToken,
      // The client takes only https instance URLs (a real org's); the local emulator serves REST over http.
      instanceUrl: instanceUrl.replace(/^http:/, 'https:'),
      organizationId: this.deps.orgId,
      pubSubEndpoint: this.deps.options.endpoint ?? DEFAULT_PUBSUB_ENDPOINT,
      rejectUnauthorizedSsl: this.deps.options.rejectUnauthorized ?? true,
    };
  }

  /** GetTopic with the client's proto and credentials: NOT_FOUND → MissingChannel. */
  private async checkTopic(): Promise<void> {
    const config = this.config();
    const definition = grpc.loadPackageDefinition(protoLoader.loadSync(PUBSUB_PROTO_PATH, {})) as unknown as {
      eventbus: { v1: { PubSub: grpc.ServiceClientConstructor } };
    };
    const metadata = (_: unknown, callback: (error: Error | null, metadata?: grpc.Metadata) => void) => {
      const m = new grpc.Metadata();
      m.add('accesstoken', config.accessToken);
      m.add('instanceurl', config.instanceUrl);
      m.add('tenantid', config.organizationId);
      callback(null, m);
    };
    const credentials = grpc.credentials.combineChannelCredentials(
      grpc.credentials.createSsl(null, null, null, { rejectUnauthorized: config.rejectUnauthorizedSsl }),
      grpc.credentials.createFromMetadataGenerator(metadata),
    );
    const client = new definition.eventbus.v1.PubSub(config.pubSubEndpoint, credentials);
    type GetTopic = (request: object, options: object, callback: (error: GrpcError | null) => void) => void;
    try {
      await new Promise<void>((resolve, reject) => {
        (client as unknown as { GetTopic: GetTopic }).GetTopic(
          { topicName: this.topic },
          { deadline: Date.now() + 15_000 },
          (error) => {
            if (!error) return resolve();
            if (error.code === grpc.status.NOT_FOUND) return reject(new MissingChannel(this.topic, error));
            reject(
              new Error(
                `The Pub/Sub API at ${config.pubSubEndpoint} refused GetTopic ${this.topic}: ${error.details ?? String(error.code)}`,
                { cause: error },
              ),
            );
          },
        );
      });
    } finally {
      client.close(); // a unary call: nothing left open
    }
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    const client = new PubSubApiClient(this.config(), silent);
    await client.connect();
    this.client = client;
    this.outstanding = this.batchSize;
    const callback = (info: { lastReplayId: number | null }, type: string, data?: unknown) => {
      if (generation === this.generation) this.onCallback(info, type, data);
      else if (type === 'end' || (type === 'error' && (data as GrpcError).code !== undefined)) client.close();
    };
    const from = this.deps.checkpoint.replayId;
    if (from === undefined) client.subscribe(this.topic, callback, this.batchSize);
    else client.subscribeFromReplayId(this.topic, callback, this.batchSize, from);
    if (this.state !== 'stopped') this.setState('subscribed');
    this.deps.log.info({ topic: this.topic, from: from ?? 'LATEST' }, 'subscribed to change events');
  }

  private onCallback(info: { lastReplayId: number | null }, type: string, data: unknown): void {
    switch (type) {
      case 'event':
        this.failures = 0;
        this.outstanding--;
        if (this.state !== 'stopped') this.receive(data as ParsedEvent);
        break;
      case 'lastEvent':
        this.outstanding = 0;
        this.requestMore();
        break;
      case 'grpcKeepAlive':
        this.failures = 0;
        if (info.lastReplayId !== null) this.deps.checkpoint.idleAt(info.lastReplayId);
        break;
      case 'error':
        // An event the client could not parse has no gRPC code: its record is the reconciliation's.
        if ((data as GrpcError).code === undefined)
          return this.deps.log.error(
            { err: data },
            'change event not readable: skipped (the reconciliation covers its record)',
          );
        this.onStreamEnd(data as GrpcError);
        break;
      case 'end':
        this.onStreamEnd(undefined);
        break;
      default:
        break;
    }
  }

  private receive(parsed: ParsedEvent): void {
    const header = (parsed.payload.ChangeEventHeader ?? {}) as {
      entityName?: string;
      changeType?: string;
      recordIds?: string[];
      commitTimestamp?: number;
    };
    const { ChangeEventHeader: _, ...fields } = parsed.payload;
    if (typeof header.commitTimestamp === 'number')
      this.deps.onLag?.(Math.max(0, this.deps.clock.now().getTime() - Number(header.commitTimestamp)) / 1000);
    const event: ChangeEvent = {
      replayId: Number(parsed.replayId),
      entity: header.entityName ?? '',
      changeType: header.changeType ?? '',
      recordIds: header.recordIds ?? [],
      fields,
    };
    this.deps.log.debug(
      { replayId: event.replayId, entity: event.entity, changeType: event.changeType, recordIds: event.recordIds },
      'change event received',
    );
    const tracked = this.deps.checkpoint.received(event.replayId);
    this.pending.push({
      event,
      done: () => {
        tracked.done();
        this.requestMore();
      },
    });
    // The client hands events over one by one; the relay works on what arrived together.
    if (this.pending.length === 1) setImmediate(() => this.deps.handle(this.pending.splice(0)));
  }

  /** Asks for more once the last ask is used up and the relay has room for at least half a batch. */
  private requestMore(): void {
    if (this.state !== 'subscribed' || this.outstanding !== 0 || !this.client) return;
    const room = this.batchSize - this.deps.checkpoint.inFlight;
    if (room < Math.ceil(this.batchSize / 2)) return;
    this.outstanding = room;
    this.client.requestAdditionalEvents(this.topic, room);
  }

  private onStreamEnd(error: GrpcError | undefined): void {
    this.generation++;
    this.outstanding = -1;
    this.client?.close(); // the stream has ended: closing no longer drops a live stream's listeners
    this.client = undefined;
    if (this.state === 'stopped') return;
    this.setState('reconnecting');
    const details = error?.details ?? 'stream ended';
    const gap = Boolean(error?.metadata?.get('error-code').includes(REPLAY_ID_UNAVAILABLE));
    if (gap) {
      this.deps.log.warn(
        { replayId: this.deps.checkpoint.replayId, details },
        'replay id outside the retention window: resubscribing from the latest event and reconciling now for what was missed',
      );
      this.deps.checkpoint.reset();
      this.deps.onGap();
    }
    const expired = error?.code === grpc.status.UNAUTHENTICATED;
    // The service answered (a gap, a session to refresh): resubscribing at once is no retry storm.
    const delay =
      (gap || expired) && this.failures === 0
        ? 0
        : Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.failures) * (0.75 + Math.random() / 2);
    this.failures++;
    this.deps.log.warn(
      { code: error?.code, details, retryInMs: Math.round(delay) },
      'change event stream ended: resubscribing',
    );
    this.deps.scheduler.after('resubscribe', delay, async () => {
      if (this.state === 'stopped') return;
      try {
        if (expired && !(await this.deps.salesforce.refreshSession()))
          this.deps.log.error(
            {},
            'the session expired and the Salesforce client cannot refresh it: resubscribing with the same token',
          );
        await this.connect();
      } catch (err) {
        this.onStreamEnd({ details: err instanceof Error ? err.message : String(err) });
      }
    });
  }
}
