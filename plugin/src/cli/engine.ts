/**
 * What the commands need from the sync engine and the relay (plugin/src/sync, plugin/src/relay), as
 * one narrow port: `sync` and `relay start` are written against it, and the unit tests replace it.
 * `loadEngine` binds it to the real modules, building their Salesforce client from the `sf` org
 * connection and their Stripe gateway from the key in the environment.
 */
import type { Connection } from '@salesforce/core';
import type { SyncError } from '../core/errors.js';
import type { SyncPlan } from '../core/plan.js';
import { salesforceClientFrom, type SalesforceClient } from '../salesforce/client.js';
import { createStripeGateway, type StripeClientOptions, type StripeGateway } from '../stripe/client.js';

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
  readonly pollIntervalSeconds: number;
  /** Stripe webhook signing secret (`whsec_…`); without it the webhook endpoint is off. */
  readonly webhookSecret?: string;
}

export interface RunningRelay {
  /** `http://127.0.0.1:<port>`: health, sync and webhook endpoints. */
  readonly url: string;
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

/** Thrown while plugin/src/sync or plugin/src/relay is not part of the build. */
export class EngineUnavailableError extends Error {
  constructor(part: string, cause: unknown) {
    super(`The ${part} is not in this build of the plugin: ${(cause as Error).message}`);
    this.name = 'EngineUnavailableError';
  }
}

/** The slice of plugin/src/sync/engine.ts the command uses. */
interface EngineModule {
  createSyncEngine(options: { salesforce: SalesforceClient; stripe: StripeGateway }): {
    syncOrders(orderIds: readonly string[], options: { dryRun: boolean }): Promise<
      Array<{ orderId: string; status: OrderSyncStatus; stripeId: string | undefined; errors: readonly SyncError[]; plan: SyncPlan | undefined }>
    >;
  };
}

interface RelayModule {
  startRelay(options: { salesforce: SalesforceClient; stripe: StripeGateway } & RelayOptions): Promise<RunningRelay>;
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

/**
 * The real engine. The module specifiers are variables so the plugin builds while plugin/src/sync or
 * plugin/src/relay is still missing; a missing one surfaces as EngineUnavailableError.
 */
export async function loadEngine(): Promise<Engine> {
  const importPart = async <T>(specifier: string, part: string): Promise<T> =>
    (await import(specifier).catch((error: unknown) => {
      throw new EngineUnavailableError(part, error);
    })) as T;
  return {
    async createSyncEngine(options) {
      const { createSyncEngine } = await importPart<EngineModule>('../sync/engine.js', 'sync engine');
      const engine = createSyncEngine(adapters(options));
      return {
        syncOrders: async (ids, syncOptions) =>
          (await engine.syncOrders(ids, syncOptions)).map((r) => ({
            orderId: r.orderId,
            status: r.status,
            ...(r.stripeId ? { stripeId: r.stripeId } : {}),
            ...(r.errors.length > 0 ? { message: r.errors.map((e) => e.resolutionMessage).join('\n'), fix: r.errors.map((e) => e.fix).join('\n') } : {}),
            ...(r.plan ? { plan: r.plan } : {}),
          })),
      };
    },
    async startRelay(options) {
      const { startRelay } = await importPart<RelayModule>('../relay/index.js', 'relay');
      return startRelay({ ...adapters(options), port: options.port, concurrency: options.concurrency, pollIntervalSeconds: options.pollIntervalSeconds, ...(options.webhookSecret ? { webhookSecret: options.webhookSecret } : {}) });
    },
  };
}
