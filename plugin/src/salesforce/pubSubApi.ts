/**
 * The Salesforce Pub/Sub API (`eventbus.v1`) over gRPC: @grpc/grpc-js with the proto the maintained client
 * ships (pubSubProto.ts), so the relay holds its Subscribe call itself and can cancel it. The maintained
 * client's close() only drops the stream's listeners: grpc-js keeps the call open and the process alive.
 *
 * Every call carries the `accesstoken`, `instanceurl` and `tenantid` metadata the service checks (Pub/Sub
 * API Developer Guide, "Supported Authentication Methods"), read from the session at each call, so a
 * refreshed session is used from the next call on.
 */
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { PUBSUB_PROTO_PATH } from './pubSubProto.js';

export const DEFAULT_PUBSUB_ENDPOINT = 'api.pubsub.salesforce.com:7443';
const UNARY_DEADLINE_MS = 15_000;

export interface PubSubSession {
  readonly instanceUrl: string;
  readonly accessToken: string;
}

export interface PubSubApiOptions {
  /** `host:port`; default Salesforce's. */
  readonly endpoint?: string;
  /** False only for the local org emulator's self-signed certificate. */
  readonly rejectUnauthorized?: boolean;
  /** The org's id: the tenant the service checks the session against. */
  readonly orgId: string;
  /** The session in use at the time of each call. */
  readonly session: () => PubSubSession;
}

/** The first FetchRequest names the topic and where to start; later ones only ask for more events. */
export interface FetchRequest {
  readonly topicName?: string;
  readonly replayPreset?: 'LATEST' | 'EARLIEST' | 'CUSTOM';
  readonly replayId?: Buffer;
  readonly numRequested: number;
}

export interface ConsumerEvent {
  readonly event: { readonly id: string; readonly schemaId: string; readonly payload: Buffer };
  readonly replayId: Buffer;
}

/** Events, or none: a keepalive with the stream's latest replay id. */
export interface FetchResponse {
  readonly events?: readonly ConsumerEvent[];
  readonly latestReplayId: Buffer;
  readonly pendingNumRequested: number;
}

export type SubscribeCall = grpc.ClientDuplexStream<FetchRequest, FetchResponse>;

/** A failed call's status: code, details and the service's `error-code` trailer. */
export type PubSubError = grpc.ServiceError;

type Unary<Req, Res> = (
  request: Req,
  options: grpc.CallOptions,
  callback: (error: PubSubError | null, response?: Res) => void,
) => void;

interface PubSubStub extends grpc.Client {
  GetTopic: Unary<{ topicName: string }, { schemaId: string }>;
  GetSchema: Unary<{ schemaId: string }, { schemaJson: string }>;
  Subscribe(): SubscribeCall;
}

/** Replay ids travel as 8 big-endian bytes; the relay keeps them as numbers. */
export const decodeReplayId = (bytes: Buffer): number => Number(bytes.readBigUInt64BE());
export function encodeReplayId(replayId: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(replayId));
  return bytes;
}

export class PubSubApi {
  readonly endpoint: string;
  private readonly stub: PubSubStub;

  constructor(options: PubSubApiOptions) {
    this.endpoint = options.endpoint ?? DEFAULT_PUBSUB_ENDPOINT;
    const loaded = grpc.loadPackageDefinition(protoLoader.loadSync(PUBSUB_PROTO_PATH, {})) as unknown as {
      eventbus: { v1: { PubSub: new (address: string, credentials: grpc.ChannelCredentials) => PubSubStub } };
    };
    const metadata = (_: unknown, callback: (error: Error | null, metadata?: grpc.Metadata) => void) => {
      const { accessToken, instanceUrl } = options.session();
      const m = new grpc.Metadata();
      m.add('accesstoken', accessToken);
      m.add('instanceurl', instanceUrl);
      m.add('tenantid', options.orgId);
      callback(null, m);
    };
    const credentials = grpc.credentials.combineChannelCredentials(
      grpc.credentials.createSsl(null, null, null, { rejectUnauthorized: options.rejectUnauthorized ?? true }),
      grpc.credentials.createFromMetadataGenerator(metadata),
    );
    this.stub = new loaded.eventbus.v1.PubSub(this.endpoint, credentials);
  }

  /** The topic's schema id; a topic the org lacks fails NOT_FOUND. */
  async getTopic(topicName: string): Promise<{ schemaId: string }> {
    return this.unary(this.stub.GetTopic, { topicName });
  }

  /** The Avro schema (JSON) of the events with that schema id. */
  async getSchema(schemaId: string): Promise<string> {
    return (await this.unary(this.stub.GetSchema, { schemaId })).schemaJson;
  }

  /** A new Subscribe stream: write the first FetchRequest, read FetchResponses, cancel() to end it. */
  subscribe(): SubscribeCall {
    return this.stub.Subscribe();
  }

  /** Closes the channel; calls still open must be cancelled first (grpc-js keeps them running). */
  close(): void {
    this.stub.close();
  }

  private unary<Req, Res>(method: Unary<Req, Res>, request: Req): Promise<Res> {
    return new Promise((resolve, reject) =>
      method.call(this.stub, request, { deadline: Date.now() + UNARY_DEADLINE_MS }, (error, response) =>
        error ? reject(error) : resolve(response as Res),
      ),
    );
  }
}
