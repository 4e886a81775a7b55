/**
 * Both emulators and the sync engine on them, as the engine and relay tests use them: one clock the test may
 * move (milliseconds; the wall clock without it), an HTTP client for each service, and a fresh engine on demand
 * (an engine reads the org's settings and mapping records when it first syncs). By default every Stripe answer
 * is checked against Stripe's response schemas; `close` fails when one was not what Stripe would send.
 */
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { startStripeEmulator, type StripeEmulator } from '@stripe-cpq/stripe-emulator';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { createStripeGateway, type StripeGateway } from '../../plugin/src/stripe/client.js';
import { createSyncEngine, type SyncEngine } from '../../plugin/src/sync/engine.js';
import { ConformanceRecorder } from '../emulators/stripe/conformance.js';

export interface EmulatedServices {
  readonly org: SalesforceEmulator;
  readonly stripe: StripeEmulator;
  readonly client: SalesforceClient;
  readonly gateway: StripeGateway;
  /** A new engine on both services. */
  engine(workerId: string): SyncEngine;
  /** Stripe requests that wrote (POST, DELETE) so far. */
  stripeWrites(): number;
  /** What the sync left on the Order: its Stripe ID and sync status. */
  orderRow(orderId: string): Record<string, unknown>;
  /** The Resolution_Status__c of every Sync Record about the record. */
  recordStatuses(recordId: string): unknown[];
  close(): Promise<void>;
}

export interface EmulatedServicesOptions {
  /** The test's clock in milliseconds; the wall clock without it. */
  readonly clock?: () => number;
  /** Start the org's Pub/Sub API too (the relay listens to it). */
  readonly pubSub?: boolean;
  /** The gateway's retries: none by default, so a fault the test injects shows at once. */
  readonly stripeRetries?: number;
  /** Check every Stripe answer against Stripe's response schemas (default true). */
  readonly checkConformance?: boolean;
}

/** The sample org's integration user's session: exactly the package's integration set plus CPQ's own. */
export function integrationToken(org: SalesforceEmulator): string {
  if (!org.integrationUser)
    throw new Error('The sample org has no integration user: start it with the sample seed and the package.');
  return org.integrationUser.accessToken;
}

export async function startEmulatedServices(options: EmulatedServicesOptions = {}): Promise<EmulatedServices> {
  const { clock, pubSub = false, stripeRetries = 0, checkConformance = true } = options;
  const conformance = checkConformance ? new ConformanceRecorder() : undefined;
  const [org, stripe] = await Promise.all([
    startSalesforceEmulator({ pubSub, ...(clock ? { now: () => new Date(clock()) } : {}) }),
    startStripeEmulator({
      opsPerSecond: 0,
      ...(conformance ? { onResponse: conformance.listener } : {}),
      ...(clock ? { now: clock } : {}),
    }),
  ]);
  // The engine runs as the relay's integration user, never as the admin (README, "The relay user").
  const client = SalesforceClient.fromSession({ instanceUrl: org.instanceUrl, accessToken: integrationToken(org) });
  const gateway = createStripeGateway({
    apiKey: stripe.apiKey,
    host: stripe.host,
    port: stripe.port,
    protocol: 'http',
    opsPerSecond: 1000,
    retry: { maxRetries: stripeRetries, baseDelayMs: 1, maxDelayMs: stripeRetries > 0 ? 5 : 1 },
  });
  return {
    org,
    stripe,
    client,
    gateway,
    engine: (workerId) =>
      createSyncEngine({
        salesforce: client,
        stripe: gateway,
        workerId,
        ...(clock ? { now: () => new Date(clock()) } : {}),
      }),
    stripeWrites: () => stripe.requestLog.writes().length,
    orderRow: (orderId) =>
      org.query(`SELECT Stripe_ID__c, Stripe_Sync_Status__c FROM Order WHERE Id = '${orderId}'`)[0] ?? {},
    recordStatuses: (recordId) =>
      org
        .query(`SELECT Resolution_Status__c FROM Stripe_Sync_Record__c WHERE Secondary_Record_ID__c = '${recordId}'`)
        .map((r) => r.Resolution_Status__c),
    close: async () => {
      await Promise.all([org.close(), stripe.close()]);
      const failures = conformance?.takeFailures() ?? [];
      if (failures.length > 0)
        throw new Error(`The Stripe emulator answered what Stripe would not:\n${failures.join('\n')}`);
    },
  };
}
