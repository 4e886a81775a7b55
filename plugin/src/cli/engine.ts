/**
 * What the commands need from the sync engine and the relay (plugin/src/sync, plugin/src/relay), as
 * one narrow port: `sync` and `relay start` are written against it, and the unit tests replace it.
 * `loadEngine` binds it to the real modules at run time.
 */
import type { Connection } from '@salesforce/core';
import type { SyncPlan } from '../core/plan.js';

export type OrderSyncStatus = 'synced' | 'failed' | 'skipped' | 'planned';

/** What happened to one order (with `dryRun`, the plan that would have run). */
export interface OrderSyncOutcome {
  readonly orderId: string;
  readonly status: OrderSyncStatus;
  /** The schedule, subscription or invoice id the order now points at. */
  readonly stripeId?: string;
  /** The Sync Record message, for failures and skips. */
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

/**
 * The real engine. The specifiers are variables so the plugin builds before plugin/src/sync and
 * plugin/src/relay land; once they do, these become static imports.
 */
export async function loadEngine(): Promise<Engine> {
  const syncModule = '../sync/index.js';
  const relayModule = '../relay/index.js';
  return {
    async createSyncEngine(options) {
      const sync = (await import(syncModule).catch((error: unknown) => {
        throw new EngineUnavailableError('sync engine', error);
      })) as { createSyncEngine(options: EngineOptions): Promise<SyncEngine> | SyncEngine };
      return sync.createSyncEngine(options);
    },
    async startRelay(options) {
      const relay = (await import(relayModule).catch((error: unknown) => {
        throw new EngineUnavailableError('relay', error);
      })) as { startRelay(options: EngineOptions & RelayOptions): Promise<RunningRelay> };
      return relay.startRelay(options);
    },
  };
}
