import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseGraph } from '../../plugin/src/core/graph.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../plugin/src/emulators/salesforce/index.js';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { OrderNotFound, readContractGraph } from '../../plugin/src/salesforce/graphReader.js';

let org: SalesforceEmulator;
let client: SalesforceClient;

beforeAll(async () => {
  org = await startSalesforceEmulator();
  client = new SalesforceClient({ instanceUrl: org.instanceUrl, accessToken: org.integrationUser!.accessToken });
});
afterAll(() => org.close());

const sample = (scenario: string) => {
  const found = org.sample!.orders.find((o) => o.scenario === scenario);
  if (!found) throw new Error(`no sample order ${scenario}`);
  return found;
};

describe('readContractGraph', () => {
  it('reads an initial order with its lines, quote, account, products and price book entries in three calls', async () => {
    const order = sample('S1');
    const before = client.calls;
    const graph = await readContractGraph(client, order.orderId);
    expect(client.calls - before).toBe(3);
    expect(graph.orders?.map((o) => (o as { Id: string }).Id)).toEqual([order.orderId]);
    expect(graph.orderItems?.length).toBeGreaterThan(0);
    expect(graph.accounts).toHaveLength(1);
    expect(graph.quotes).toHaveLength(1);
    expect(graph.products?.length).toBeGreaterThan(0);
    expect(graph.pricebookEntries?.length).toBeGreaterThan(0);
    expect(parseGraph(graph).problems).toEqual([]);
  });

  it('reads every order of an amended contract from the amendment, still in three calls', async () => {
    const amendment = sample('S21');
    const before = client.calls;
    const graph = await readContractGraph(client, amendment.orderId);
    expect(client.calls - before).toBe(3);
    expect(graph.orders!.length).toBeGreaterThanOrEqual(2);
    expect(graph.contracts).toHaveLength(1);
    expect(graph.opportunities!.length).toBeGreaterThanOrEqual(1);
  });

  it("reads each amendment Opportunity's CloseDate, the effective termination date of termination metadata", async () => {
    const amendment = sample('S27');
    const graph = await readContractGraph(client, amendment.orderId);
    const order = (graph.orders as { Id: string; OpportunityId: string }[]).find((o) => o.Id === amendment.orderId)!;
    const opportunity = (graph.opportunities as { Id: string; CloseDate: string; SBQQ__AmendedContract__c: string }[]).find((o) => o.Id === order.OpportunityId)!;
    expect(opportunity.SBQQ__AmendedContract__c).toBeTruthy();
    expect(opportunity.CloseDate).toBe(org.query(`SELECT CloseDate FROM Opportunity WHERE Id = '${order.OpportunityId}'`)[0]!.CloseDate);
    expect(opportunity.CloseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('reads consumption schedules of tiered products with their rates', async () => {
    const graph = await readContractGraph(client, sample('S12').orderId);
    const schedules = graph.consumptionSchedules as { ConsumptionRates: unknown[]; ProductIds: string[] }[];
    expect(schedules.length).toBeGreaterThan(0);
    expect(schedules[0]!.ConsumptionRates.length).toBeGreaterThan(0);
    expect(schedules[0]!.ProductIds.length).toBeGreaterThan(0);
    expect((graph.orderItemConsumptionSchedules as { Rates: unknown[] }[])[0]?.Rates.length).toBeGreaterThan(0);
  });

  it('refuses an Id that is not a Salesforce Id and reports an order that does not exist', async () => {
    await expect(readContractGraph(client, "x' OR Name != '")).rejects.toThrow('is not a Salesforce record Id');
    await expect(readContractGraph(client, '801000000000000AAA')).rejects.toBeInstanceOf(OrderNotFound);
  });
});
