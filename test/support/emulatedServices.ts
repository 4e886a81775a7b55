/**
 * Both emulators and the sync engine on them, as the engine tests use them: one clock the test may move
 * (milliseconds; the wall clock without it), an HTTP client for each service, and a fresh engine on demand
 * (an engine reads the org's settings and mapping records when it first syncs). Every Stripe answer the engine
 * gets is checked against Stripe's response schemas; `close` fails when one was not what Stripe would send.
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
  /** A new engine on both services (no retries: a fault the test injects shows at once). */
  engine(workerId: string): SyncEngine;
  /** Stripe requests that wrote (POST, DELETE) so far. */
  stripeWrites(): number;
  /** What the sync left on the Order: its Stripe ID and sync status. */
  orderRow(orderId: string): Record<string, unknown>;
  /** The Resolution_Status__c of every Sync Record about the record. */
  recordStatuses(recordId: string): unknown[];
  close(): Promise<void>;
}

export async function startEmulatedServices(clock?: () => number): Promise<EmulatedServices> {
  const conformance = new ConformanceRecorder();
  const [org, stripe] = await Promise.all([
    startSalesforceEmulator(clock ? { now: () => new Date(clock()) } : {}),
    startStripeEmulator({ opsPerSecond: 0, onResponse: conformance.listener, ...(clock ? { now: clock } : {}) }),
  ]);
  // The engine runs as the relay's integration user, never as the admin (README, "The relay user").
  const client = new SalesforceClient({
    instanceUrl: org.instanceUrl,
    accessToken: org.integrationUser?.accessToken ?? org.accessToken,
  });
  const gateway = createStripeGateway({
    apiKey: stripe.apiKey,
    host: stripe.host,
    port: stripe.port,
    protocol: 'http',
    opsPerSecond: 1000,
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
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
      const failures = conformance.takeFailures();
      if (failures.length > 0)
        throw new Error(`The Stripe emulator answered what Stripe would not:\n${failures.join('\n')}`);
    },
  };
}
