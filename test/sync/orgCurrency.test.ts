// The org's currency setup, learnt from the configuration read: a single-currency org has no
// CurrencyIsoCode and prices in its corporate currency; a multi-currency org prices in each record's.
import { afterAll, describe, expect, it } from '@jest/globals';
import { startSalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { startStripeEmulator, stripeClientFor, type StripeEmulator } from '@stripe-cpq/stripe-emulator';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { readOrgConfiguration } from '../../plugin/src/salesforce/settingsReader.js';
import { createStripeGateway } from '../../plugin/src/stripe/client.js';
import { createSyncEngine } from '../../plugin/src/sync/engine.js';

const running: { close(): Promise<void> }[] = [];
afterAll(() => Promise.all(running.map((r) => r.close())));

/** An org and its own Stripe account (emulated org Ids repeat across emulators). */
async function orgWith(options: { multiCurrency?: boolean; defaultCurrency?: string }) {
  const org = await startSalesforceEmulator(options);
  const stripe: StripeEmulator = await startStripeEmulator({ opsPerSecond: 0 });
  running.push(org, stripe);
  const client = SalesforceClient.fromSession({ instanceUrl: org.instanceUrl, accessToken: org.accessToken });
  const engine = createSyncEngine({
    salesforce: client,
    workerId: 'currency',
    stripe: createStripeGateway({
      apiKey: stripe.apiKey,
      host: stripe.host,
      port: stripe.port,
      protocol: 'http',
      opsPerSecond: 1000,
    }),
  });
  const order = (scenario: string) => org.sample!.orders.find((o) => o.scenario === scenario)!;
  const priceCurrencies = async (orderId: string) => {
    const scheduleId = String(org.query(`SELECT Stripe_ID__c FROM Order WHERE Id = '${orderId}'`)[0]!.Stripe_ID__c);
    const api = stripeClientFor(stripe);
    const schedule = await api.subscriptionSchedules.retrieve(scheduleId);
    const priceIds = new Set(
      schedule.phases.flatMap((p) => p.items.map((i) => (typeof i.price === 'string' ? i.price : i.price.id))),
    );
    const prices = await Promise.all([...priceIds].map((id) => api.prices.retrieve(id)));
    return [...new Set(prices.map((p) => p.currency))];
  };
  return { org, client, engine, order, priceCurrencies };
}

describe('a single-currency org (the default, like config/project-scratch-def.json)', () => {
  it('reports one currency, and the configuration read learns it in the call it already makes', async () => {
    const { client } = await orgWith({ defaultCurrency: 'GBP' });
    const before = client.calls;
    const config = await readOrgConfiguration(client);
    expect(client.calls - before).toBe(1);
    expect(config.currency).toEqual({ multiCurrency: false, corporateCurrency: 'GBP' });
    expect(config.settings).toMatchObject({ multiCurrency: false, defaultCurrency: 'GBP' });
  });

  it('syncs an order with prices in the corporate currency', async () => {
    const { engine, order, priceCurrencies } = await orgWith({ defaultCurrency: 'GBP' });
    const result = await engine.syncOrder(order('S1').orderId);
    expect(result.errors.map((e) => e.resolutionMessage)).toEqual([]);
    expect(result.status).toBe('synced');
    expect(await priceCurrencies(order('S1').orderId)).toEqual(['gbp']);
  });
});

describe('a multi-currency org', () => {
  it("syncs a EUR order with prices in the order's currency", async () => {
    const { org, engine, order, priceCurrencies } = await orgWith({ multiCurrency: true });
    const settings = org.query("SELECT Id FROM Stripe_Sync_Setting__mdt WHERE DeveloperName = 'Default'")[0]!;
    org.store.update('Stripe_Sync_Setting__mdt', String(settings.Id), { Multi_Currency__c: true }, { system: true });
    const result = await engine.syncOrder(order('S15').orderId);
    expect(result.errors.map((e) => e.resolutionMessage)).toEqual([]);
    expect(await priceCurrencies(order('S15').orderId)).toEqual(['eur']);
  });
});
