// The relay re-reads the org's settings while it runs: turning live sync on, or changing the sync filter,
// takes effect without a restart; a settings record it cannot read keeps the last good settings in force.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { startRelay, type RunningRelay } from '../../plugin/src/relay/index.js';
import { memoryLogger, sampleOrder, startServices, waitFor, type Services } from './support.js';

let services: Services;
let relay: RunningRelay | undefined;
let settingsId: string;
let original: Record<string, unknown>;
const log = memoryLogger();
const FIELDS = ['Live_Sync_Enabled__c', 'Order_Sync_Filter__c', 'Default_Currency__c'];

beforeAll(async () => {
  services = await startServices();
  original = services.org.query(
    `SELECT Id, ${FIELDS.join(', ')} FROM Stripe_Sync_Setting__mdt WHERE DeveloperName = 'Default'`,
  )[0]!;
  settingsId = String(original.Id);
});
afterEach(async () => {
  await relay?.stop();
  relay = undefined;
  changeSettings(Object.fromEntries(FIELDS.map((f) => [f, original[f]])));
});
afterAll(async () => {
  await services.close();
});

/** What an admin does in Setup → Custom Metadata Types → Stripe Sync Setting → Default. */
const changeSettings = (fields: Record<string, unknown>) =>
  services.org.store.update('Stripe_Sync_Setting__mdt', settingsId, fields, { system: true });
const stripeIdOf = (orderId: string) =>
  services.org.query(`SELECT Stripe_ID__c FROM Order WHERE Id = '${orderId}'`)[0]!.Stripe_ID__c;
const start = async () => {
  // No liveSync override: it comes from the org's settings. (The reconciliation, which re-reads them, every 0.1 s instead of 10 min.)
  relay = await startRelay({
    salesforce: services.salesforce,
    events: services.events,
    stripe: services.gateway,
    port: 0,
    reconcileSeconds: 0.1,
    logger: log.logger,
  });
  return relay;
};

describe('settings re-read while the relay runs', () => {
  it('live sync turned on, with a new sync filter, starts syncing the orders it admits, without a restart', async () => {
    const target = sampleOrder(services.org, 'S1');
    const other = sampleOrder(services.org, 'S6');
    const excluded = sampleOrder(services.org, 'S13');
    changeSettings({ Live_Sync_Enabled__c: false, Order_Sync_Filter__c: `Id = '${target.orderId}'` });
    const running = await start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stripeIdOf(target.orderId)).toBeNull();

    changeSettings({ Live_Sync_Enabled__c: true });
    await waitFor(() => stripeIdOf(target.orderId) ?? undefined);
    expect(log.lines.some((l) => l.includes('sync settings changed') && l.includes('"liveSync":true'))).toBe(true);

    // A new filter applies to orders changed from then on (their change events, spec §2.5).
    changeSettings({ Order_Sync_Filter__c: `Id = '${other.orderId}'` });
    await waitFor(async () =>
      (await running.engine.configuration()).settings.orderSyncFilter === `Id = '${other.orderId}'` ? true : undefined,
    );
    for (const changed of [other, excluded])
      services.org.store.update('Order', changed.orderId, {
        Name: `${changed.scenario} (edited after the filter changed)`,
      });
    await waitFor(() => stripeIdOf(other.orderId) ?? undefined);
    await running.settled();
    expect(stripeIdOf(excluded.orderId)).toBeNull();
  });

  it('a settings record it cannot read keeps the previous settings in force, with the error in the log', async () => {
    const order = sampleOrder(services.org, 'S3');
    const running = await start();
    changeSettings({ Default_Currency__c: 'US$' });
    await waitFor(() => log.lines.some((l) => l.includes('settings re-read failed')) || undefined);
    expect((await running.engine.configuration()).settings.defaultCurrency).toBe(original.Default_Currency__c ?? 'USD');

    // Sync now still works, with the last good settings.
    const id = await services.salesforce.createRecord('Stripe_Sync_Request__c', {
      Order__c: order.orderId,
      Requested_At__c: new Date().toISOString(),
    });
    await waitFor(() =>
      services.org.query(`SELECT Status__c FROM Stripe_Sync_Request__c WHERE Id = '${id}'`)[0]!.Status__c === 'Synced'
        ? true
        : undefined,
    );
  });
});

describe('settings read at start', () => {
  it('refuses to start with live sync on and a sync filter the poller would refuse, naming the setting and the fix', async () => {
    changeSettings({ Live_Sync_Enabled__c: true, Order_Sync_Filter__c: "Status = 'Activated'; DELETE FROM Order" });
    const started = startRelay({
      salesforce: services.salesforce,
      events: services.events,
      stripe: services.gateway,
      port: 0,
      logger: log.logger,
    });
    await expect(started).rejects.toMatchObject({
      name: 'InvalidSyncFilter',
      field: 'Order_Sync_Filter__c',
      fix: expect.stringContaining('Default Stripe Sync Setting'),
    });
  });
});
