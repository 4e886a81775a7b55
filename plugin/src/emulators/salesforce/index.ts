/**
 * The local Salesforce org emulator: a CPQ org on a loopback port that the product, jsforce and the
 * real `sf` CLI talk to as to a real org. See design.md "Local mode".
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { addControlRoutes } from './controlApi.js';
import { createOrgServer } from './http.js';
import { addMetadataApiRoutes } from './metadataApi.js';
import { EmulatedOrg, type RequestLogEntry } from './org.js';
import { addRestRoutes } from './restApi.js';
import { Router } from './router.js';
import { seedSampleOrg, type SampleOrg } from './seed/sampleOrg.js';
import { addUiApiRoutes } from './uiApi.js';
import { startPubSubEndpoint, type PubSubEndpoint, type PubSubEndpointOptions } from './pubsub/index.js';
import type { FaultInjector } from './faults.js';
import { DEFAULT_FORCE_APP_DIR, type LoadedMetadata, type MetadataFile } from './metadataLoader.js';
import type { Schema } from './schema.js';
import type { RecordStore } from './store.js';
import type { JsonRecord } from './soql/query.js';

export { EmulatedOrg, LATEST_API_VERSION, type RequestLogEntry } from './org.js';
export { SalesforceApiError } from './errors.js';
export type { FaultCode, FaultSpec } from './faults.js';
export type { FieldDef, ObjectDef } from './schema.js';
export type { FieldValue, SObjectRecord, ValidationRule } from './store.js';
export type { JsonRecord } from './soql/query.js';
export { seedSampleOrg, sampleOrgFixture, SAMPLE_SCENARIOS, type SampleOrg, type SampleOrder, type SampleScenario } from './seed/sampleOrg.js';

export { DEFAULT_FORCE_APP_DIR } from './metadataLoader.js';
export type { PubSubEndpoint } from './pubsub/index.js';

export interface SalesforceEmulatorOptions {
  readonly port?: number;
  readonly host?: string;
  /** `sample` (default) loads the CPQ scenarios of spec §5; `empty` only the org and its admin user. */
  readonly seed?: 'sample' | 'empty';
  /** Package metadata to load at start; `false` for none. Default: the repository's force-app. */
  readonly forceAppDir?: string | false;
  /** The org's clock (record timestamps, SOQL date literals, dates of the sample scenarios). */
  readonly now?: () => Date;
  /** A fixed session token; default a random one. */
  readonly accessToken?: string;
  /**
   * The Pub/Sub API endpoint (gRPC, TLS) with the Change Data Capture channels of `forceAppDir`
   * (default on; `false` for none). Options override where it listens, its channels, its keepalive.
   */
  readonly pubSub?: boolean | Omit<PubSubEndpointOptions, 'host'>;
}

export interface SalesforceEmulator {
  /** `http://127.0.0.1:<port>`, what `sf org login access-token --instance-url` and jsforce take. */
  readonly instanceUrl: string;
  readonly accessToken: string;
  readonly orgId: string;
  readonly userId: string;
  readonly username: string;
  readonly org: EmulatedOrg;
  readonly schema: Schema;
  readonly store: RecordStore;
  readonly faults: FaultInjector;
  /** Every API call served (not the control endpoint), in order: count Salesforce calls with it. */
  readonly requestLog: RequestLogEntry[];
  /** The sample data's records and scenario descriptions, when seeded with `sample`. */
  readonly sample: SampleOrg | undefined;
  /** The org's Pub/Sub API endpoint, unless started with `pubSub: false`. */
  readonly pubSub: PubSubEndpoint | undefined;
  query(soql: string): JsonRecord[];
  loadMetadata(files: readonly MetadataFile[]): LoadedMetadata;
  close(): Promise<void>;
}

export async function startSalesforceEmulator(options: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  const org = new EmulatedOrg({ ...(options.now ? { now: options.now } : {}), ...(options.accessToken ? { accessToken: options.accessToken } : {}) });
  const forceAppDir = options.forceAppDir ?? DEFAULT_FORCE_APP_DIR;
  if (forceAppDir !== false && existsSync(forceAppDir)) org.loadMetadataDir(forceAppDir);
  const sample = options.seed === 'empty' ? undefined : seedSampleOrg(org, org.today());

  const router = new Router();
  addRestRoutes(router, org);
  addUiApiRoutes(router, org);
  addControlRoutes(router, org);
  addMetadataApiRoutes(router, org);
  const server = createOrgServer(org, router);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  const pubSubOptions = options.pubSub === false ? undefined : options.pubSub === true || options.pubSub === undefined ? {} : options.pubSub;
  const pubSub = pubSubOptions ? await startPubSubEndpoint(org, { channels: forceAppDir === false || !existsSync(forceAppDir) ? false : forceAppDir, ...pubSubOptions, host }) : undefined;

  return {
    instanceUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    accessToken: org.accessToken,
    orgId: org.orgId,
    userId: org.userId,
    username: org.username,
    org,
    schema: org.schema,
    store: org.store,
    faults: org.faults,
    requestLog: org.requestLog,
    sample,
    pubSub,
    query: (soql) => org.query(soql),
    loadMetadata: (files) => org.loadMetadata(files),
    close: async () => {
      await pubSub?.close();
      await new Promise<void>((resolveClose, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolveClose()));
      });
    },
  };
}
