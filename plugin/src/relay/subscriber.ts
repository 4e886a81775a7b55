/**
 * The subscriber: Change Data Capture events of Order and Stripe_Sync_Request__c on the package's data
 * channel (force-app: platformEventChannels/Stripe_CPQ_Sync__chn and its members), received through the
 * Pub/Sub API (pubSubApi.ts: grpc-js with the proto the maintained client ships; changeEventDecoder.ts:
 * the Avro payloads). It spends no Salesforce API call: an activation or a "Sync now" reaches the relay in
 * about a second. It holds its Subscribe call itself, so stop() cancels it and the process can exit.
 *
 * - Flow control: at most `batchSize` events are asked for; more only once those arrived and the relay
 *   has room for at least half a batch (events received but not done count against it).
 * - Keepalives: the service's empty responses carry the latest replay id; with nothing in flight the
 *   checkpoint moves there, so an idle relay's position stays inside the retention window.
 * - Resume: from the checkpoint (replayCheckpoint.ts) after a dropped stream or a restart. A replay id
 *   the service no longer keeps (72 hours) fails the subscription with
 *   `sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted`: the subscriber starts again from
 *   the tip (LATEST) at once and the relay reconciles at once, which finds what the lost events named.
 * - Reconnect with exponential backoff (0.5 s doubling to 30 s, with jitter); an expired session
 *   (UNAUTHENTICATED) is refreshed through the Salesforce client first, then resubscribes at once (every
 *   call reads the session anew).
 * - Duplicates and out-of-order events are harmless: events only name records to look at; the request's
 *   claim and the contract lock decide what runs.
 */
import grpc from '@grpc/grpc-js';
import type { SalesforceClient } from '../salesforce/client.js';
import {
  decodeReplayId,
  encodeReplayId,
  PubSubApi,
  type FetchResponse,
  type PubSubError,
  type SubscribeCall,
} from '../salesforce/pubSubApi.js';
import { ChangeEventDecoder, type ChangeEvent } from './changeEventDecoder.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { ReplayCheckpoint } from './replayCheckpoint.js';
import type { Scheduler } from './scheduler.js';

export const SYNC_CHANNEL = 'Stripe_CPQ_Sync__chn';
export const SYNC_TOPIC = `/data/${SYNC_CHANNEL}`;
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

/** How a stream ended: the call's status, or what failed before it was open. */
type StreamEnd = Partial<Pick<PubSubError, 'code' | 'details' | 'metadata'>>;

export class ChangeEventSubscriber {
  readonly topic = SYNC_TOPIC;
  private readonly api: PubSubApi;
  private readonly decoder: ChangeEventDecoder;
  /** The open Subscribe call; what an older (ended, cancelled) call still reports is ignored. */
  private call: SubscribeCall | undefined;
  private failures = 0;
  /** Events asked for and not yet arrived. */
  private outstanding = 0;
  /** Responses are read one after another, so a schema fetch never lets a later batch overtake. */
  private reading: Promise<void> = Promise.resolve();
  private pending: ReceivedEvent[] = [];
  state: StreamState = 'connecting';

  constructor(private readonly deps: SubscriberDeps) {
    this.api = new PubSubApi({
      endpoint: deps.options.endpoint,
      rejectUnauthorized: deps.options.rejectUnauthorized,
      orgId: deps.orgId,
      session: () => deps.salesforce.session,
    });
    this.decoder = new ChangeEventDecoder((schemaId) => this.api.getSchema(schemaId));
  }

  private get batchSize(): number {
    return Math.min(MAX_BATCH, Math.max(1, Math.floor(this.deps.options.batchSize ?? MAX_BATCH)));
  }

  /** Checks the channel exists (MissingChannel if not), then subscribes. */
  async start(): Promise<void> {
    try {
      await this.checkTopic();
    } catch (error) {
      this.api.close();
      throw error;
    }
    this.connect();
  }

  /** Cancels the stream and closes the channel: nothing of the subscriber keeps the process alive. */
  stop(): void {
    this.setState('stopped');
    this.deps.scheduler.cancel('resubscribe');
    this.endCall();
    this.api.close();
  }

  private get stopped(): boolean {
    return this.state === 'stopped';
  }

  private setState(state: StreamState): void {
    this.state = state;
    this.deps.onState?.(state);
  }

  /** GetTopic: NOT_FOUND → MissingChannel. */
  private async checkTopic(): Promise<void> {
    try {
      await this.api.getTopic(this.topic);
    } catch (error) {
      const { code, details } = error as PubSubError;
      if (code === grpc.status.NOT_FOUND) throw new MissingChannel(this.topic, error);
      throw new Error(
        `The Pub/Sub API at ${this.api.endpoint} refused GetTopic ${this.topic}: ${details ?? String(code)}`,
        { cause: error },
      );
    }
  }

  private connect(): void {
    const call = this.api.subscribe();
    this.call = call;
    call.on('data', (response: FetchResponse) => {
      if (call !== this.call) return;
      this.reading = this.reading
        .then(() => this.read(call, response))
        .catch((error: unknown) => this.deps.log.error({ err: error }, 'change event response not handled'));
    });
    // A cancelled call ends with CANCELLED: it is no longer this.call then, so it is ignored.
    call.on('error', (error: PubSubError) => {
      if (call === this.call) this.onStreamEnd(error);
    });
    call.on('end', () => {
      if (call === this.call) this.onStreamEnd(undefined);
    });
    const from = this.deps.checkpoint.replayId;
    this.outstanding = this.batchSize;
    call.write({
      topicName: this.topic,
      numRequested: this.batchSize,
      ...(from === undefined ? { replayPreset: 'LATEST' } : { replayPreset: 'CUSTOM', replayId: encodeReplayId(from) }),
    });
    if (!this.stopped) this.setState('subscribed');
    this.deps.log.info({ topic: this.topic, from: from ?? 'LATEST' }, 'subscribed to change events');
  }

  private endCall(): void {
    const call = this.call;
    this.call = undefined;
    this.outstanding = 0;
    call?.cancel();
  }

  /** A response: its events, or none (a keepalive). */
  private async read(call: SubscribeCall, response: FetchResponse): Promise<void> {
    if (call !== this.call) return;
    this.failures = 0;
    const events = response.events ?? [];
    if (events.length === 0) return this.deps.checkpoint.idleAt(decodeReplayId(response.latestReplayId));
    for (const consumed of events) {
      this.outstanding--;
      let event: ChangeEvent;
      try {
        event = await this.decoder.decode(consumed);
      } catch (error) {
        this.deps.log.error(
          { err: error, replayId: decodeReplayId(consumed.replayId) },
          'change event not readable: skipped (the reconciliation covers its record)',
        );
        continue;
      }
      // Events of a stream that ended meanwhile come again on the next one (the checkpoint is before them).
      if (call !== this.call || this.stopped) return;
      this.receive(event);
    }
    this.requestMore();
  }

  private receive(event: ChangeEvent): void {
    if (event.committedAt !== undefined)
      this.deps.onLag?.(Math.max(0, this.deps.clock.now().getTime() - event.committedAt) / 1000);
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
    // The relay works on what arrived together.
    if (this.pending.length === 1) setImmediate(() => this.deps.handle(this.pending.splice(0)));
  }

  /** Asks for more once the last ask is used up and the relay has room for at least half a batch. */
  private requestMore(): void {
    if (this.state !== 'subscribed' || this.outstanding > 0 || !this.call) return;
    const room = this.batchSize - this.deps.checkpoint.inFlight;
    if (room < Math.ceil(this.batchSize / 2)) return;
    this.outstanding = room;
    this.call.write({ numRequested: room });
  }

  private onStreamEnd(error: StreamEnd | undefined): void {
    this.endCall();
    if (this.stopped) return;
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
      if (this.stopped) return;
      try {
        if (expired && !(await this.deps.salesforce.refreshSession()))
          this.deps.log.error(
            {},
            'the session expired and the Salesforce client cannot refresh it: resubscribing with the same token',
          );
        if (!this.stopped) this.connect();
      } catch (err) {
        this.onStreamEnd({ details: err instanceof Error ? err.message : String(err) });
      }
    });
  }
}
