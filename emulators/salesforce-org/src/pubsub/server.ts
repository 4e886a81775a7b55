/**
 * The Pub/Sub API over gRPC (proto `eventbus.v1`, the `pubsub_api.proto` that salesforce-pubsub-api-client
 * ships): GetTopic, GetSchema and Subscribe; publishing and managed subscriptions answer UNIMPLEMENTED.
 *
 * As the real service (Pub/Sub API Developer Guide: "Subscribe RPC Method", "Pull Subscription and
 * Flow Control", "Handle Errors", "Retry Long-Lived RPC Calls After an Error Occurs"):
 * - every call carries `accesstoken`, `instanceurl` and `tenantid` metadata; a wrong or expired session
 *   is UNAUTHENTICATED;
 * - Subscribe is pull-based: the server sends at most the events the client asked for (`num_requested`,
 *   1–100 per FetchRequest, added to what is still pending), reporting `pendingNumRequested`;
 * - the first FetchRequest names the topic and the replay preset: LATEST (the tip), EARLIEST (the oldest
 *   retained event), CUSTOM (after `replayId`; one outside the retention window fails with
 *   INVALID_ARGUMENT and error code `sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted`);
 * - with nothing to send, an empty FetchResponse with the latest replay id is a keepalive, sent within
 *   270 seconds (`keepaliveMs` here);
 * - errors end the stream with a status and the `error-code` trailer.
 */
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { randomUUID } from 'node:crypto';
import { PUBSUB_PROTO_PATH } from 'plugin-stripe-cpq/lib/salesforce/pubSubProto.js';
import type { EmulatedOrg } from '../org.js';
import { ReplayIdUnavailable, type BusEvent, type EventBus } from './eventBus.js';

export const MAX_NUM_REQUESTED = 100;
const REPLAY_PRESETS = ['LATEST', 'EARLIEST', 'CUSTOM'] as const;

interface FetchRequest {
  topicName?: string;
  replayPreset?: number | string;
  replayId?: Buffer;
  numRequested?: number;
}

export interface PubSubServiceOptions {
  readonly keepaliveMs: number;
}

type Stream = grpc.ServerDuplexStream<FetchRequest, unknown>;

export const encodeReplayId = (id: bigint): Buffer => {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64BE(id);
  return buffer;
};

function failure(code: grpc.status, errorCode: string, message: string): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  metadata.set('error-code', errorCode);
  const rpcId = randomUUID();
  metadata.set('rpc-id', rpcId);
  return Object.assign(new Error(`${message} rpcId: ${rpcId}`), {
    code,
    details: `${message} rpcId: ${rpcId}`,
    metadata,
  });
}

const unauthenticated = () =>
  failure(
    grpc.status.UNAUTHENTICATED,
    'sfdc.platform.eventbus.grpc.service.auth.error',
    'Session expired or invalid: authenticate again and subscribe with a fresh access token.',
  );

export class PubSubService {
  private readonly streams = new Set<Stream>();

  constructor(
    private readonly org: EmulatedOrg,
    private readonly bus: EventBus,
    private readonly options: PubSubServiceOptions,
  ) {}

  definition(): grpc.ServiceDefinition {
    const packageDefinition = protoLoader.loadSync(PUBSUB_PROTO_PATH, {});
    const loaded = grpc.loadPackageDefinition(packageDefinition) as unknown as {
      eventbus: { v1: { PubSub: { service: grpc.ServiceDefinition } } };
    };
    return loaded.eventbus.v1.PubSub.service;
  }

  handlers(): grpc.UntypedServiceImplementation {
    return {
      GetTopic: (call: grpc.ServerUnaryCall<{ topicName: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const denied = this.authError(call.metadata);
        if (denied) return callback(denied);
        const schemaId = this.bus.topicSchemaId(call.request.topicName);
        if (!schemaId) return callback(this.topicNotFound(call.request.topicName));
        callback(null, {
          topicName: call.request.topicName,
          tenantGuid: this.org.orgId,
          canPublish: false,
          canSubscribe: true,
          schemaId: schemaId,
          rpcId: randomUUID(),
        });
      },
      GetSchema: (call: grpc.ServerUnaryCall<{ schemaId: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const denied = this.authError(call.metadata);
        if (denied) return callback(denied);
        const json = this.bus.schemaJson(call.request.schemaId);
        if (!json)
          return callback(
            failure(
              grpc.status.NOT_FOUND,
              'sfdc.platform.eventbus.grpc.schema.notfound',
              `Schema ${call.request.schemaId} not found.`,
            ),
          );
        callback(null, { schemaJson: json, schemaId: call.request.schemaId, rpcId: randomUUID() });
      },
      Subscribe: (stream: Stream) => this.subscribe(stream),
    };
  }

  /**
   * Expires the sessions of every open stream, as a session timeout does: the org forgets the tokens (REST
   * calls with them fail too) and the streams end UNAUTHENTICATED; the client must log in again and resubscribe.
   */
  expireSessions(): void {
    for (const stream of [...this.streams]) {
      const [token] = stream.metadata.get('accesstoken');
      if (token !== undefined) this.org.endSession(String(token));
      stream.emit('error', unauthenticated());
    }
  }

  /** Ends every open stream with UNAVAILABLE, as a network drop or a server restart does. */
  dropStreams(): void {
    for (const stream of [...this.streams])
      stream.emit(
        'error',
        failure(
          grpc.status.UNAVAILABLE,
          'sfdc.platform.eventbus.grpc.service.unavailable',
          'The stream was closed by the server.',
        ),
      );
  }

  /** Streams subscribed to a topic and not ended. */
  get openStreams(): number {
    return this.streams.size;
  }

  private authError(metadata: grpc.Metadata): grpc.ServiceError | undefined {
    const [token] = metadata.get('accesstoken');
    const [tenant] = metadata.get('tenantid');
    const [instanceUrl] = metadata.get('instanceurl');
    // Any user's live session, as REST takes it (the relay subscribes as its integration user).
    if (token === undefined || !this.org.userForSession(String(token)) || !instanceUrl) return unauthenticated();
    const orgId = String(tenant ?? '');
    if (orgId.length < 15 || !this.org.orgId.startsWith(orgId.slice(0, 15))) return unauthenticated();
    return undefined;
  }

  private topicNotFound(topicName: string): grpc.ServiceError {
    // The real service's wording (pozil/pub-sub-api-java-client issue 2, a GetTopic on a topic the org lacks).
    return failure(
      grpc.status.NOT_FOUND,
      'sfdc.platform.eventbus.grpc.subscription.topic.notfound',
      `The topic information for org CORE/prod/${this.org.orgId} and topic ${topicName} not found. Ensure the topic name is correct and that the topic exists.`,
    );
  }

  private subscribe(stream: Stream): void {
    let topicName: string | undefined;
    let cursor = 0n;
    let pending = 0;
    let lastSent = Date.now();
    const send = (events: BusEvent[]) => {
      lastSent = Date.now();
      stream.write({
        events: events.map((e) => ({
          event: { id: e.id, schemaId: e.schemaId, payload: e.payload, headers: [] },
          replayId: encodeReplayId(e.replayId),
        })),
        latestReplayId: encodeReplayId(cursor),
        rpcId: randomUUID(),
        pendingNumRequested: pending,
      });
    };
    const pump = () => {
      if (!topicName || pending <= 0 || stream.destroyed) return;
      const events = this.bus.after(topicName, cursor, Math.min(pending, MAX_NUM_REQUESTED));
      if (events.length === 0) return;
      cursor = (events.at(-1) as BusEvent).replayId;
      pending -= events.length;
      send(events);
      if (pending > 0) setImmediate(pump);
    };
    const stopListening = this.bus.onPublish((name) => {
      if (name === topicName) pump();
    });
    const keepalive = setInterval(
      () => {
        if (topicName && Date.now() - lastSent >= this.options.keepaliveMs) send([]);
      },
      Math.max(10, Math.floor(this.options.keepaliveMs / 2)),
    );
    const close = () => {
      clearInterval(keepalive);
      stopListening();
      this.streams.delete(stream);
    };
    stream.on('close', close);
    stream.on('error', close);
    stream.on('end', () => {
      close();
      stream.end();
    });
    stream.on('data', (request: FetchRequest) => {
      try {
        if (!topicName) {
          const denied = this.authError(stream.metadata);
          if (denied) throw denied;
          const name = request.topicName ?? '';
          if (!this.bus.hasTopic(name)) throw this.topicNotFound(name);
          cursor = this.startPosition(name, request);
          topicName = name;
          this.streams.add(stream);
        }
        const requested = Number(request.numRequested ?? 0);
        if (!Number.isInteger(requested) || requested < 1 || requested > MAX_NUM_REQUESTED) {
          throw failure(
            grpc.status.INVALID_ARGUMENT,
            'sfdc.platform.eventbus.grpc.flow.control.invalid',
            `num_requested must be 1 to ${MAX_NUM_REQUESTED}, not ${requested}.`,
          );
        }
        pending += requested;
        pump();
      } catch (error) {
        stream.emit('error', error as grpc.ServiceError); // grpc-js ends the call with this status
      }
    });
  }

  private startPosition(topicName: string, request: FetchRequest): bigint {
    const preset =
      typeof request.replayPreset === 'number'
        ? REPLAY_PRESETS[request.replayPreset]
        : (request.replayPreset ?? 'LATEST');
    if (preset === 'EARLIEST') return this.bus.earliest(topicName);
    if (preset !== 'CUSTOM') return this.bus.latest(topicName);
    const raw = request.replayId;
    if (!raw || raw.length !== 8)
      throw failure(
        grpc.status.INVALID_ARGUMENT,
        'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted',
        'The replay ID is corrupted: it must be the 8 bytes of a replay ID the service sent.',
      );
    const replayId = raw.readBigUInt64BE();
    try {
      this.bus.checkReplayId(topicName, replayId);
    } catch (error) {
      if (error instanceof ReplayIdUnavailable)
        throw failure(
          grpc.status.INVALID_ARGUMENT,
          'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted',
          error.message,
        );
      throw error;
    }
    return replayId;
  }
}
