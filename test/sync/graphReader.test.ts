import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseGraph } from '../../plugin/src/core/records/graph.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { OrderNotFound, readContractGraph } from '../../plugin/src/salesforce/graphReader.js';

let org: SalesforceEmulator;
let client: SalesforceClient;
/** The emulator's default org, like a new org: one currency, no CurrencyIsoCode field. */
const single = { multiCurrency: false } as const;

beforeAll(async () => {
  org = await startSalesforceEmulator();
  client = SalesforceClient.fromSession({
    instanceUrl: org.instanceUrl,
    accessToken: org.integrationUser!.accessToken,
  });
});
afterAll(() => org.close());

const ids = (records: readonly unknown[] | undefined): string[] => (records as { Id: string }[]).map((r) => r.Id);
const sample = (scenario: string) => {
  const found = org.sample!.orders.find((o) => o.scenario === scenario);
  if (!found) throw new Error(`no sample order ${scenario}`);
  return found;
};

describe('readContractGraph', () => {
  it('reads an initial order with its lines, quote, account, products and price book entries in three calls', async () => {
    const order = sample('S1');
    const before = client.calls;
    const graph = await readContractGraph(client, order.orderId, single);
    expect(client.calls - before).toBe(3);
    expect(graph.orders?.map((o) => (o as { Id: string }).Id)).toEqual([order.orderId]);
    expect(ids(graph.orderItems)).toEqual(order.orderItemIds);
    expect(ids(graph.accounts)).toEqual([order.accountId]);
    expect(ids(graph.quotes)).toEqual([order.quoteId]);
    expect(ids(graph.products)).toEqual([org.sample!.products.platform!.id]);
    expect(ids(graph.pricebookEntries)).toEqual([org.sample!.products.platform!.entries.USD]);
    expect(parseGraph(graph).problems).toEqual([]);
  });

  it('reads every order of an amended contract from the amendment, still in three calls', async () => {
    const amendment = sample('S21');
    const before = client.calls;
    const graph = await readContractGraph(client, amendment.orderId, single);
    expect(client.calls - before).toBe(3);
    const initial = sample('S21_INITIAL');
    expect(ids(graph.orders).sort()).toEqual([initial.orderId, amendment.orderId].sort());
    expect(ids(graph.contracts)).toEqual([org.sample!.contracts.S21]);
    expect(ids(graph.opportunities).sort()).toEqual([initial.opportunityId, amendment.opportunityId].sort());
  });

  it("reads each amendment Opportunity's CloseDate, the effective termination date of termination metadata", async () => {
    const amendment = sample('S27');
    const graph = await readContractGraph(client, amendment.orderId, single);
    const order = (graph.orders as { Id: string; OpportunityId: string }[]).find((o) => o.Id === amendment.orderId)!;
    const opportunity = (
      graph.opportunities as { Id: string; CloseDate: string; SBQQ__AmendedContract__c: string }[]
    ).find((o) => o.Id === order.OpportunityId)!;
    expect(opportunity.SBQQ__AmendedContract__c).toBe(org.sample!.contracts.S27);
    expect(opportunity.CloseDate).toBe(
      org.query(`SELECT CloseDate FROM Opportunity WHERE Id = '${order.OpportunityId}'`)[0]!.CloseDate,
    );
    expect(opportunity.CloseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('reads consumption schedules of tiered products with their rates', async () => {
    const graph = await readContractGraph(client, sample('S12').orderId, single);
    const schedules = graph.consumptionSchedules as { ConsumptionRates: unknown[]; ProductIds: string[] }[];
    expect(schedules).toHaveLength(1);
    expect(schedules[0]!.ConsumptionRates).toHaveLength(2);
    expect(schedules[0]!.ProductIds).toEqual([org.sample!.products.storage!.id]);
    expect(graph.orderItemConsumptionSchedules).toHaveLength(1);
    expect((graph.orderItemConsumptionSchedules as { Rates: unknown[] }[])[0]!.Rates).toHaveLength(2);
  });

  it('refuses an Id that is not a Salesforce Id and reports an order that does not exist', async () => {
    await expect(readContractGraph(client, "x' OR Name != '", single)).rejects.toThrow('is not a Salesforce record Id');
    await expect(readContractGraph(client, '801000000000000AAA', single)).rejects.toBeInstanceOf(OrderNotFound);
  });

  it('reads a single-currency org, which has no CurrencyIsoCode field, without selecting it', async () => {
    expect(() => org.query('SELECT CurrencyIsoCode FROM Order LIMIT 1')).toThrow(
      "No such column 'CurrencyIsoCode' on entity 'Order'",
    );
    const graph = await readContractGraph(client, sample('S1').orderId, single);
    expect(graph.orders!.length).toBe(1);
    expect((graph.orderItems as object[]).every((i) => !('CurrencyIsoCode' in i))).toBe(true);
  });

  it("takes an MDQ segment's label from its quote line: OrderItem has no SBQQ__SegmentLabel__c in CPQ", async () => {
    expect(() => org.query('SELECT SBQQ__SegmentLabel__c FROM OrderItem LIMIT 1')).toThrow(
      "No such column 'SBQQ__SegmentLabel__c' on entity 'OrderItem'",
    );
    const graph = await readContractGraph(client, sample('S14').orderId, single);
    const labels = (graph.quoteLines as { SBQQ__SegmentLabel__c: string | null }[])
      .map((l) => l.SBQQ__SegmentLabel__c)
      .filter(Boolean);
    expect(labels.sort()).toEqual(['Year 1', 'Year 2', 'Year 3']);
  });
});

describe('readContractGraph in a multi-currency org', () => {
  let multi: SalesforceEmulator;
  let multiClient: SalesforceClient;
  beforeAll(async () => {
    multi = await startSalesforceEmulator({ multiCurrency: true });
    multiClient = SalesforceClient.fromSession({ instanceUrl: multi.instanceUrl, accessToken: multi.accessToken });
  });
  afterAll(() => multi.close());

  it("reads each record's CurrencyIsoCode (S15, a EUR order)", async () => {
    const order = multi.sample!.orders.find((o) => o.scenario === 'S15')!;
    const graph = await readContractGraph(multiClient, order.orderId, { multiCurrency: true });
    expect((graph.orders as { CurrencyIsoCode: string }[])[0]!.CurrencyIsoCode).toBe('EUR');
    expect((graph.orderItems as { CurrencyIsoCode: string }[]).map((i) => i.CurrencyIsoCode)).toEqual(['EUR']);
    expect((graph.pricebookEntries as { CurrencyIsoCode: string }[]).map((e) => e.CurrencyIsoCode)).toEqual(['EUR']);
  });
});

describe('readContractGraph when Salesforce pages child lists (two child rows per parent inline)', () => {
  let paged: SalesforceEmulator;
  let pagedClient: SalesforceClient;
  beforeAll(async () => {
    paged = await startSalesforceEmulator({ childBatchSize: 2 });
    pagedClient = SalesforceClient.fromSession({ instanceUrl: paged.instanceUrl, accessToken: paged.accessToken });
  });
  afterAll(() => paged.close());
  const pagedOrder = (scenario: string) => paged.sample!.orders.find((o) => o.scenario === scenario)!;

  it("follows the OrderItems' own nextRecordsUrl, losing no line, at one call per further page", async () => {
    const order = pagedOrder('S14');
    const lines = paged
      .query(`SELECT Id FROM OrderItem WHERE OrderId = '${order.orderId}'`)
      .map((r) => r.Id)
      .sort();
    expect(lines).toHaveLength(5);
    const before = pagedClient.calls;
    const graph = await readContractGraph(pagedClient, order.orderId, single);
    expect((graph.orderItems as { Id: string }[]).map((i) => i.Id).sort()).toEqual(lines);
    expect(pagedClient.calls - before).toBe(3 + Math.ceil((lines.length - 2) / 2));
  });

  it('follows paged consumption rates of order lines and of products', async () => {
    const order = pagedOrder('S12');
    paged.store.insert('ConsumptionRate', {
      ConsumptionScheduleId: String(paged.query('SELECT Id FROM ConsumptionSchedule')[0]!.Id),
      LowerBound: 1000,
      UpperBound: null,
      PricingMethod: 'PerUnit',
      Price: 0.25,
      ProcessingOrder: 3,
    });
    const graph = await readContractGraph(pagedClient, order.orderId, single);
    expect((graph.consumptionSchedules as { ConsumptionRates: unknown[] }[])[0]!.ConsumptionRates).toHaveLength(3);
    expect((graph.orderItemConsumptionSchedules as { Rates: unknown[] }[])[0]!.Rates).toHaveLength(2);
  });
});
