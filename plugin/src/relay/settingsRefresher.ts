/**
 * The settings refresher: the org's configuration (settings, mappings) the relay works with, and the sync
 * engine built on it. Read once at start; afterwards fresh settings arrive with each reconciliation (the
 * same composite call, reconciler.ts), never with a call of their own. A record that cannot be read or
 * parsed keeps the last good configuration in force, with an error in the log.
 */
import type { SalesforceClient } from '../salesforce/client.js';
import { readOrgConfiguration, validatedOrderFilter, type OrgConfiguration } from '../salesforce/settingsReader.js';
import type { StripeGateway } from '../stripe/client.js';
import { createSyncEngine, type SyncEngine } from '../sync/engine.js';
import type { Logger } from './logger.js';
import type { OrderSyncOptions } from './orderSelection.js';

export interface SettingsRefresherDeps {
  readonly salesforce: SalesforceClient;
  readonly stripe: StripeGateway;
  readonly workerId: string;
  readonly leaseMs: number;
  /** Overrides the org's Live_Sync_Enabled__c. */
  readonly liveSync: boolean | undefined;
  readonly log: Logger;
}

export class SettingsRefresher {
  private constructor(
    private readonly deps: SettingsRefresherDeps,
    private current: OrgConfiguration,
    private currentEngine: SyncEngine,
  ) {}

  /** Reads the configuration; a sync filter live sync would refuse stops the start, where the admin sees it. */
  static async start(deps: SettingsRefresherDeps): Promise<SettingsRefresher> {
    const configuration = await readOrgConfiguration(deps.salesforce);
    const refresher = new SettingsRefresher(deps, configuration, SettingsRefresher.engineFor(deps, configuration));
    if (refresher.liveSync) validatedOrderFilter(configuration.settings.orderSyncFilter);
    return refresher;
  }

  private static engineFor(deps: SettingsRefresherDeps, configuration: OrgConfiguration): SyncEngine {
    return createSyncEngine({
      salesforce: deps.salesforce,
      stripe: deps.stripe,
      workerId: deps.workerId,
      leaseMs: deps.leaseMs,
      configuration,
    });
  }

  get configuration(): OrgConfiguration {
    return this.current;
  }

  get engine(): SyncEngine {
    return this.currentEngine;
  }

  /** Whether activated orders sync without a request. */
  get liveSync(): boolean {
    return this.deps.liveSync ?? this.current.liveSyncEnabled;
  }

  /** The selection of activated orders: the org's sync filter and start date. */
  get orderSelection(): OrderSyncOptions {
    return { filter: this.current.settings.orderSyncFilter, syncStartDate: this.current.settings.syncStartDate };
  }

  /** Takes the configuration a reconciliation read, or logs why it could not. */
  apply(fresh: OrgConfiguration | undefined, error: unknown): void {
    if (!fresh) {
      this.deps.log.error({ err: error }, 'settings re-read failed: the previous settings stay in force');
      return;
    }
    if (
      fresh.liveSyncEnabled !== this.current.liveSyncEnabled ||
      fresh.settings.orderSyncFilter !== this.current.settings.orderSyncFilter
    ) {
      this.deps.log.info(
        { liveSync: fresh.liveSyncEnabled, filter: fresh.settings.orderSyncFilter },
        'sync settings changed',
      );
    }
    this.current = fresh;
    this.currentEngine = SettingsRefresher.engineFor(this.deps, fresh);
  }
}
