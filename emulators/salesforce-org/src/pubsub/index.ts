/**
 * The org emulator's Pub/Sub API endpoint: Change Data Capture on the data channels of the deployed
 * metadata (the force-app given at start and what Metadata API deploys bring), over gRPC with TLS, so the maintained Node client (salesforce-pubsub-api-client) talks to it
 * as to `api.pubsub.salesforce.com:7443`. See server.ts for the protocol rules, eventBus.ts for
 * retention and replay, changeEvents.ts for the Avro payloads, channels.ts for channels and filters.
 */
import grpc from '@grpc/grpc-js';
import type { EmulatedOrg } from '../org.js';
import { loadChannels, readChannelFiles, type ChannelFile, type DataChannel } from './channels.js';
import { EventBus } from './eventBus.js';
import { PubSubService } from './server.js';
import { selfSignedIdentity } from './tls.js';

export { RETENTION_MS } from './eventBus.js';
export { MAX_NUM_REQUESTED } from './server.js';

export interface PubSubEndpointOptions {
  readonly host?: string;
  readonly port?: number;
  /** Channel metadata: a source directory (force-app) or the files; none → an org without channels. */
  readonly channels?: string | readonly ChannelFile[] | false;
  /** Milliseconds without events before a keepalive; the real service sends one within 270 s. */
  readonly keepaliveMs?: number;
}

export interface PubSubEndpoint {
  /** `host:port`, what the client takes as `pubSubEndpoint`. */
  readonly endpoint: string;
  /** The self-signed certificate the endpoint presents (PEM). */
  readonly certificate: Buffer;
  readonly channels: readonly DataChannel[];
  readonly bus: EventBus;
  /** Ends every open stream as an expired session does. */
  expireSessions(): void;
  /** Ends every open stream as a network drop does. */
  dropStreams(): void;
  readonly openStreams: number;
  close(): Promise<void>;
}

export async function startPubSubEndpoint(
  org: EmulatedOrg,
  options: PubSubEndpointOptions = {},
): Promise<PubSubEndpoint> {
  const files =
    options.channels === undefined || options.channels === false
      ? []
      : typeof options.channels === 'string'
        ? readChannelFiles(options.channels)
        : options.channels;
  const served = (): DataChannel[] => loadChannels(org.deployedChannelFiles, org.schema, org.scope());
  // The channels given at start are checked (a bad one fails the start) and then deployed like any other.
  loadChannels([...org.deployedChannelFiles, ...files], org.schema, org.scope());
  org.deployChannels(files);
  let channels = served();
  const bus = new EventBus(org, channels);
  // A deploy checked its channels before saving them, so loading them again cannot fail here.
  const stopServingDeploys = org.onChannelsDeployed(() => {
    channels = served();
    bus.setChannels(channels);
  });
  const service = new PubSubService(org, bus, { keepaliveMs: options.keepaliveMs ?? 270_000 });
  const server = new grpc.Server();
  server.addService(service.definition(), service.handlers());
  const { privateKey, certificate } = selfSignedIdentity();
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${host}:${options.port ?? 0}`,
      grpc.ServerCredentials.createSsl(null, [{ private_key: privateKey, cert_chain: certificate }]),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    );
  });
  return {
    endpoint: `${host}:${port}`,
    certificate,
    get channels() {
      return channels;
    },
    bus,
    expireSessions: () => service.expireSessions(),
    dropStreams: () => service.dropStreams(),
    get openStreams() {
      return service.openStreams;
    },
    close: async () => {
      stopServingDeploys();
      service.dropStreams();
      server.forceShutdown();
    },
  };
}
