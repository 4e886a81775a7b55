/**
 * What the commands need from the sync engine and the relay (plugin/src/sync, plugin/src/relay), as
 * one narrow port: `sync` and `relay start` are written against it, and the unit tests replace it.
 * `loadEngine` binds it to the real modules, building their Salesforce client from the `sf` org
 * connection and their Stripe gateway from the key in the environment.
 */
import type { Connection } from '@salesforce/core';
import type { SyncPlan } from '../core/plan/plan.js';
import { startRelay } from '../relay/index.js';
import { createRelayLogger } from '../relay/logger.js';
import { salesforceClientFrom, type SalesforceClient } from '../salesforce/client.js';
import { createStripeGateway, type StripeClientOptions, type StripeGateway } from '../stripe/client.js';
import { createSyncEngine, type OrderSyncResult } from '../sync/engine.js';

/** As the engine reports it: `busy` when another worker holds the contract's lease. */
export type OrderSyncStatus = 'synced' | 'failed' | 'busy' | 'planned';

/** What happened to one order (with `dryRun`, the plan that would have run). */
export interface OrderSyncOutcome {
  readonly orderId: string;
  readonly status: OrderSyncStatus;
  /** The schedule, subscription or invoice id the order now points at. */
  readonly stripeId?: string;
  /** The Sync Record messages of the failures. */
  readonly message?: string;
  readonly fix?: string;
  readonly plan?: SyncPlan;
}

export interface SyncEngine {
  syncOrders(orderIds: readonly string[], options: { readonly dryRun: boolean }): Promise<OrderSyncOutcome[]>;
}

export interface RelayOptions {
  readonly port: number;
  readonly concurrency: number;
  /** Without it, the org's Poll_Interval_Seconds__c setting. */
  readonly pollIntervalSeconds?: number;
  /** Stripe webhook signing secret (`whsec_…`); without it the webhook endpoint is off. */
  readonly webhookSecret?: string;
  /** Overrides the org's Live_Sync_Enabled__c setting for polling activated orders. */
  readonly liveSync?: boolean;
}

export interface RunningRelay {
  /** `http://127.0.0.1:<port>`: health, sync and webhook endpoints. */
  readonly url: string;
  /** The activated-order poll interval in force. */
  readonly pollIntervalSeconds: number;
  stop(): Promise<void>;
}

export interface EngineOptions {
  readonly connection: Connection;
  readonly stripeApiKey: string;
  /** A Stripe-compatible API base (the local Stripe emulator); default api.stripe.com. */
  readonly stripeApiBase?: string;
}

export interface Engine {
  createSyncEngine(options: EngineOptions): Promise<SyncEngine>;
  startRelay(options: EngineOptions & RelayOptions): Promise<RunningRelay>;
}

/** `STRIPE_API_BASE=http://127.0.0.1:12111` → the SDK's host, port and protocol. */
export function stripeClientOptions(apiKey: string, apiBase?: string): StripeClientOptions {
  if (!apiBase) return { apiKey };
  const url = new URL(apiBase);
  return { apiKey, host: url.hostname, protocol: url.protocol === 'http:' ? 'http' : 'https', ...(url.port ? { port: Number(url.port) } : {}) };
}

function adapters(options: EngineOptions): { salesforce: SalesforceClient; stripe: StripeGateway } {
  return { salesforce: salesforceClientFrom(options.connection), stripe: createStripeGateway(stripeClientOptions(options.stripeApiKey, options.stripeApiBase)) };
}

function outcome(result: OrderSyncResult): OrderSyncOutcome {
  return {
    orderId: result.orderId,
    status: result.status,
    ...(result.stripeId ? { stripeId: result.stripeId } : {}),
    ...(result.errors.length > 0 ? { message: result.errors.map((e) => e.resolutionMessage).join('\n'), fix: result.errors.map((e) => e.fix).join('\n') } : {}),
    ...(result.plan ? { plan: result.plan } : {}),
  };
}

/** The real engine and relay, with their logs on stderr so stdout stays the command's (JSON) output. */
export async function loadEngine(): Promise<Engine> {
  return {
    async createSyncEngine(options) {
      const engine = createSyncEngine(adapters(options));
      return { syncOrders: async (ids, syncOptions) => (await engine.syncOrders(ids, syncOptions)).map(outcome) };
    },
    async startRelay(options) {
      const { connection: _connection, stripeApiKey: _key, stripeApiBase: _base, ...relayOptions } = options;
      return startRelay({ ...adapters(options), ...relayOptions, logger: createRelayLogger({ destination: process.stderr }) });
    },
  };
}
