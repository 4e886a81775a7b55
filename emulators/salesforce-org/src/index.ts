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
import { CPQ_LICENSE, CPQ_USER_PERMISSION_SET } from './access.js';
import type { OrgUser } from './org.js';
import {
  DEFAULT_FORCE_APP_DIR,
  type LoadedMetadata,
  type MetadataFile,
} from 'plugin-stripe-cpq/lib/cpqSchema/metadataLoader.js';
import type { Schema } from 'plugin-stripe-cpq/lib/cpqSchema/schema.js';
import type { RecordStore } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';
import type { JsonRecord } from './soql/query.js';

export { EmulatedOrg, LATEST_API_VERSION, type NewUser, type OrgUser, type RequestLogEntry } from './org.js';
export { CPQ_LICENSE, CPQ_USER_PERMISSION_SET } from './access.js';
export { SalesforceApiError } from 'plugin-stripe-cpq/lib/cpqSchema/errors.js';
export type { FaultCode, FaultSpec } from './faults.js';
export type { FieldDef, ObjectDef } from 'plugin-stripe-cpq/lib/cpqSchema/schema.js';
export type { FieldValue, SObjectRecord, ValidationRule } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';
export type { JsonRecord } from './soql/query.js';
export {
  seedSampleOrg,
  sampleOrgFixture,
  SAMPLE_SCENARIOS,
  type SampleOrg,
  type SampleOrder,
  type SampleScenario,
} from './seed/sampleOrg.js';

export { DEFAULT_FORCE_APP_DIR } from 'plugin-stripe-cpq/lib/cpqSchema/metadataLoader.js';
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
  /** A fixed session token for the admin; default a random one. */
  readonly accessToken?: string;
  /** Multiple currencies enabled (CurrencyIsoCode on every object of value); default a single-currency org. */
  readonly multiCurrency?: boolean;
  /** The corporate currency (Organization.DefaultCurrencyIsoCode), default USD. */
  readonly defaultCurrency?: string;
  /** Child rows per parent inline in a REST query before the child's own nextRecordsUrl (default 200; small in tests). */
  readonly childBatchSize?: number;
  /** A fixed session token for the integration user (tests that look for leaked secrets); default a random one. */
  readonly integrationAccessToken?: string;
  /**
   * The Pub/Sub API endpoint (gRPC, TLS) with the Change Data Capture channels of `forceAppDir`
   * (off unless asked for: the relay does not subscribe to it yet). Options override where it listens,
   * its channels, its keepalive.
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
  /**
   * The relay's user, when the package is loaded: exactly `Stripe_CPQ_Integration_User`
   * plus CPQ's own permission set on the CPQ licence. The product runs as this user, never as the admin.
   */
  readonly integrationUser: OrgUser | undefined;
  /** The org's Pub/Sub API endpoint, when started with `pubSub`. */
  readonly pubSub: PubSubEndpoint | undefined;
  query(soql: string): JsonRecord[];
  loadMetadata(files: readonly MetadataFile[]): LoadedMetadata;
  close(): Promise<void>;
}

export async function startSalesforceEmulator(options: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  const org = new EmulatedOrg({
    ...(options.now ? { now: options.now } : {}),
    ...(options.accessToken ? { accessToken: options.accessToken } : {}),
    multiCurrency: options.multiCurrency ?? false,
    ...(options.defaultCurrency ? { defaultCurrency: options.defaultCurrency } : {}),
    ...(options.childBatchSize ? { childBatchSize: options.childBatchSize } : {}),
  });
  const forceAppDir = options.forceAppDir ?? DEFAULT_FORCE_APP_DIR;
  if (forceAppDir !== false && existsSync(forceAppDir)) org.loadMetadataDir(forceAppDir);
  const sample = options.seed === 'empty' ? undefined : seedSampleOrg(org, org.today());
  const integrationUser = org.access.permissionSet(INTEGRATION_PERMISSION_SET)
    ? createIntegrationUser(org, options.integrationAccessToken)
    : undefined;

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
  const pubSubOptions =
    options.pubSub === undefined || options.pubSub === false
      ? undefined
      : options.pubSub === true
        ? {}
        : options.pubSub;
  // A channel a deploy would refuse stops the start; the org's HTTP server goes with it.
  const pubSub = pubSubOptions
    ? await startPubSubEndpoint(org, {
        channels: forceAppDir === false || !existsSync(forceAppDir) ? false : forceAppDir,
        ...pubSubOptions,
        host,
      }).catch(async (error: unknown) => {
        await new Promise((closed) => server.close(closed));
        throw error;
      })
    : undefined;

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
    integrationUser,
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

/** The package's permission set for the relay's API user. */
export const INTEGRATION_PERMISSION_SET = 'Stripe_CPQ_Integration_User';

/** A user set up as README "The relay user" says: the CPQ licence, CPQ's permission set and the package's integration set. */
export function createIntegrationUser(org: EmulatedOrg, accessToken?: string): OrgUser {
  return org.createUser({
    username: 'stripe-relay@cpq-emulator.example',
    lastName: 'Stripe Relay',
    ...(accessToken ? { accessToken } : {}),
    permissionSetLicenses: [CPQ_LICENSE],
    permissionSets: [INTEGRATION_PERMISSION_SET, CPQ_USER_PERMISSION_SET],
  });
}
