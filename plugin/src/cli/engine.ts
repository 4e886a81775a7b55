/**
 * What the commands need from the sync engine and the relay (plugin/src/sync, plugin/src/relay), as
 * one narrow port: `sync` and `relay start` are written against it, and the unit tests replace it.
 * `loadEngine` binds it to the real modules, building their Salesforce client from the `sf` org
 * connection and their Stripe gateway from the key in the environment.
 */
import type { Connection } from '@salesforce/core';
import { startRelay, type RelayOptions, type RunningRelay } from '../relay/index.js';
import { createRelayLogger } from '../relay/logger.js';
import { SalesforceClient } from '../salesforce/client.js';
import { createStripeGateway, type StripeClientOptions, type StripeGateway } from '../stripe/client.js';
import { createSyncEngine, syncReport, type OrderSyncReport } from '../sync/engine.js';

/** The sync engine as the commands use it: each order's report, ready to print. */
export interface SyncPort {
  syncOrders(orderIds: readonly string[], options: { readonly dryRun: boolean }): Promise<OrderSyncReport[]>;
}

/** What `relay start` takes from its flags. */
export type RelayStartOptions = Pick<
  RelayOptions,
  'port' | 'concurrency' | 'reconcileSeconds' | 'webhookSecret' | 'liveSync' | 'events'
>;

export interface EngineOptions {
  readonly connection: Connection;
  readonly stripeApiKey: string;
  /** A Stripe-compatible API base (the local Stripe emulator); default api.stripe.com. */
  readonly stripeApiBase?: string;
}

export interface Engine {
  createSyncEngine(options: EngineOptions): Promise<SyncPort>;
  startRelay(
    options: EngineOptions & RelayStartOptions,
  ): Promise<Pick<RunningRelay, 'url' | 'reconcileSeconds' | 'stop'>>;
}

/** `STRIPE_API_BASE=http://127.0.0.1:12111` → the SDK's host, port and protocol. */
export function stripeClientOptions(apiKey: string, apiBase?: string): StripeClientOptions {
  if (!apiBase) return { apiKey };
  const url = new URL(apiBase);
  return {
    apiKey,
    host: url.hostname,
    protocol: url.protocol === 'http:' ? 'http' : 'https',
    ...(url.port ? { port: Number(url.port) } : {}),
  };
}

function adapters(options: EngineOptions): { salesforce: SalesforceClient; stripe: StripeGateway } {
  return {
    salesforce: SalesforceClient.fromConnection(options.connection),
    stripe: createStripeGateway(stripeClientOptions(options.stripeApiKey, options.stripeApiBase)),
  };
}

/** The real engine and relay, with their logs on stderr so stdout stays the command's (JSON) output. */
export async function loadEngine(): Promise<Engine> {
  return {
    async createSyncEngine(options) {
      const engine = createSyncEngine(adapters(options));
      return { syncOrders: async (ids, syncOptions) => (await engine.syncOrders(ids, syncOptions)).map(syncReport) };
    },
    async startRelay(options) {
      const { connection: _connection, stripeApiKey: _key, stripeApiBase: _base, ...relayOptions } = options;
      return startRelay({
        ...adapters(options),
        ...relayOptions,
        logger: createRelayLogger({ destination: process.stderr }),
      });
    },
  };
}
