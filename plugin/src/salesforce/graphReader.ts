/**
 * Reads one contract's whole CPQ graph — orders with their lines, quote and quote lines, account,
 * primary contact, opportunities, contract, products, price book entries, consumption schedules and
 * coupon associations — in three Salesforce calls, plus one per further page of a long child list
 * (Salesforce pages subquery rows: an order's lines beyond the first batch):
 *   1. locate: the requested order's contract (an amendment names it on its Opportunity);
 *   2. one `composite` call: every order of the contract with parent fields and an OrderItems subquery,
 *      the contract, coupon associations and order-line consumption schedules (semi-joins on the orders);
 *   3. one `composite` call: the products' consumption schedules with their rates.
 * Field lists come from the core's record models, plus extra fields the mappings read.
 */
import type { z } from 'zod';
import type { CpqGraphInput } from '../core/records/graph.js';
import * as M from '../core/records/models.js';
import type { QueryResult, SalesforceClient } from './client.js';
import { soqlFields, soqlId, soqlIdList } from './soql.js';

type Row = Record<string, unknown> & { Id?: string };

/** Extra fields (e.g. from field mappings) to read per sObject, on top of the models' fields. */
export type ExtraFields = Readonly<Partial<Record<string, readonly string[]>>>;

export interface GraphReadOptions {
  /** Extra fields (e.g. from field mappings) per sObject. */
  readonly extra?: ExtraFields;
  /** The located order, when located already (saves a call). */
  readonly located?: LocatedOrder;
  /** The org has multiple currencies: only then do records have CurrencyIsoCode (see orgCurrency.ts). */
  readonly multiCurrency: boolean;
}

const SYNTHETIC = new Set(['attributes', 'ProductIds', 'ConsumptionRates', 'Rates']);
/** Fields only a multi-currency org has: selecting them elsewhere is INVALID_FIELD. */
const MULTI_CURRENCY_ONLY = new Set(['CurrencyIsoCode']);

/** The fields of a record model the graph read selects in an org (the mapping check asks the same). */
export function modelFieldsRead(model: z.ZodObject, options: { readonly multiCurrency: boolean }): string[] {
  return Object.keys(model.shape).filter(
    (f) => !SYNTHETIC.has(f) && (options.multiCurrency || !MULTI_CURRENCY_ONLY.has(f)),
  );
}

/** The fields of a model (and the mappings' extra fields) that `sobject` has in this org. */
function fieldsOf(model: z.ZodObject, sobject: string, options: GraphReadOptions): string[] {
  return [...modelFieldsRead(model, options), ...(options.extra?.[sobject] ?? [])];
}

export interface LocatedOrder {
  readonly orderId: string;
  /** The order's own quote (SBQQ__Quote__c): for an order that amends nothing, its contract's quote. */
  readonly quoteId: string | undefined;
  readonly contractId: string | undefined;
  /** The order amends a contract (its Opportunity names one). */
  readonly amendment: boolean;
  /**
   * For an amendment, the amended contract's SBQQ__Order__c: the initial order as a rule, but CPQ points it
   * at an amendment order it contracts (recording amendments.test_amendments__syncs_stacked_amendments_-_
   * both_backdated_and_start_on_same_day), so only a hint: the contract's structure tells.
   */
  readonly initialOrderId: string | undefined;
  /** For an amendment, the amended contract's SBQQ__Quote__c: the quote of its initial order (CPQ never moves it). */
  readonly contractQuoteId: string | undefined;
  /**
   * An earlier sync of this order may have made Stripe objects it never wrote back: the order was left
   * "Syncing" (the lock's call writes it before any Stripe call) or "Failed". Read before this sync's lock.
   */
  readonly unfinishedSync: boolean;
}

export class OrderNotFound extends Error {
  constructor(readonly orderId: string) {
    super(`Order ${orderId} was not found or is not readable by the sync user.`);
    this.name = 'OrderNotFound';
  }
}

/** The Order fields that locate its contract: selected with the order wherever it is read anyway. */
export const LOCATE_FIELDS =
  'Id, SBQQ__Quote__c, ContractId, Stripe_Sync_Status__c, Opportunity.SBQQ__AmendedContract__c, ' +
  'Opportunity.SBQQ__AmendedContract__r.SBQQ__Order__c, Opportunity.SBQQ__AmendedContract__r.SBQQ__Quote__c';

/** SOQL locating one order: to ride in a call the caller makes anyway (see locatedFrom). */
export const locateQuery = (orderId: string) => `SELECT ${LOCATE_FIELDS} FROM Order WHERE Id = ${soqlId(orderId)}`;

export async function locateOrder(client: SalesforceClient, orderId: string): Promise<LocatedOrder> {
  const [row] = await client.query<Row>(locateQuery(orderId));
  if (!row) throw new OrderNotFound(orderId);
  return locatedFrom(row);
}

/** An Order row read with LOCATE_FIELDS → where its contract is. */
export function locatedFrom(row: Row): LocatedOrder {
  const opportunity = row.Opportunity as Row | null | undefined;
  const amended = opportunity?.SBQQ__AmendedContract__c as string | null | undefined;
  const contract = opportunity?.SBQQ__AmendedContract__r as Row | null | undefined;
  return {
    orderId: row.Id as string,
    quoteId: (row.SBQQ__Quote__c as string | null | undefined) ?? undefined,
    contractId: amended ?? (row.ContractId as string | null) ?? undefined,
    amendment: !!amended,
    initialOrderId: (contract?.SBQQ__Order__c as string | null | undefined) ?? undefined,
    contractQuoteId: (contract?.SBQQ__Quote__c as string | null | undefined) ?? undefined,
    unfinishedSync: row.Stripe_Sync_Status__c === 'Syncing' || row.Stripe_Sync_Status__c === 'Failed',
  };
}

/** The condition selecting every order of the located contract (prefix `Order.` from OrderItem). */
function contractOrders(located: LocatedOrder, prefix = ''): string {
  const ids = [located.orderId, ...(located.initialOrderId ? [located.initialOrderId] : [])];
  const terms = [`${prefix}Id IN ${soqlIdList(ids)}`];
  if (located.contractId) {
    const c = soqlId(located.contractId);
    terms.push(`${prefix}ContractId = ${c}`, `${prefix}Opportunity.SBQQ__AmendedContract__c = ${c}`);
  }
  if (located.contractQuoteId) terms.push(`${prefix}SBQQ__Quote__c = ${soqlId(located.contractQuoteId)}`);
  return terms.join(' OR ');
}

/**
 * The queries of the contract's graph, by reference id: at most five, the most a `composite` call may hold
 * (REST API Developer Guide, "Composite": up to 25 subrequests, of which at most 5 query or sObject
 * Collections operations). The engine sends them in its lock's call (syncLock.ts), a dry run on their own.
 */
export function contractGraphQueries(located: LocatedOrder, options: GraphReadOptions): Record<string, string> {
  const orderWhere = contractOrders(located);
  const itemWhere = contractOrders(located, 'Order.');
  const item = [
    ...fieldsOf(M.OrderItem, 'OrderItem', options),
    ...fieldsOf(M.Product2, 'Product2', options).map((f) => `Product2.${f}`),
    ...fieldsOf(M.PricebookEntry, 'PricebookEntry', options).map((f) => `PricebookEntry.${f}`),
    ...fieldsOf(M.QuoteLine, 'SBQQ__QuoteLine__c', options).map((f) => `SBQQ__QuoteLine__r.${f}`),
  ];
  const order = [
    ...fieldsOf(M.Order, 'Order', options),
    ...fieldsOf(M.Account, 'Account', options).map((f) => `Account.${f}`),
    ...fieldsOf(M.Opportunity, 'Opportunity', options).map((f) => `Opportunity.${f}`),
    ...fieldsOf(M.Quote, 'SBQQ__Quote__c', options).map((f) => `SBQQ__Quote__r.${f}`),
    ...fieldsOf(M.Contact, 'Contact', options).map((f) => `SBQQ__Quote__r.SBQQ__PrimaryContact__r.${f}`),
  ];
  const coupon = fieldsOf(M.QuoteStripeCoupon, 'Quote_Stripe_Coupon__c', options).map(
    (f) => `Quote_Stripe_Coupon__r.${f}`,
  );
  return {
    orders: `SELECT ${soqlFields(order)}, (SELECT ${soqlFields(item)} FROM OrderItems) FROM Order WHERE ${orderWhere}`,
    quoteCoupons: `SELECT Id, Quote__c, Quote_Stripe_Coupon__c, ${soqlFields(coupon)} FROM Quote_Stripe_Coupon_Association__c WHERE Quote__c IN (SELECT SBQQ__Quote__c FROM Order WHERE ${orderWhere})`,
    lineCoupons: `SELECT Id, Quote_Line__c, Quote_Stripe_Coupon__c, ${soqlFields(coupon)} FROM Quote_Line_Stripe_Coupon_Association__c WHERE Quote_Line__c IN (SELECT SBQQ__QuoteLine__c FROM OrderItem WHERE ${itemWhere})`,
    lineSchedules:
      `SELECT ${soqlFields(fieldsOf(M.OrderItemConsumptionSchedule, 'SBQQ__OrderItemConsumptionSchedule__c', options))}, ` +
      `(SELECT ${soqlFields(fieldsOf(M.OrderItemConsumptionRate, 'SBQQ__OrderItemConsumptionRate__c', options))} FROM SBQQ__OrderItemConsumptionRates__r) ` +
      `FROM SBQQ__OrderItemConsumptionSchedule__c WHERE SBQQ__OrderItem__c IN (SELECT Id FROM OrderItem WHERE ${itemWhere})`,
    ...(located.contractId
      ? {
          contracts: `SELECT ${soqlFields(fieldsOf(M.Contract, 'Contract', options))} FROM Contract WHERE Id = ${soqlId(located.contractId)}`,
        }
      : {}),
  };
}

/** The graph of the order's contract: its queries in one `composite` call, then the product schedules. */
export async function readContractGraph(
  client: SalesforceClient,
  orderId: string,
  options: GraphReadOptions,
): Promise<CpqGraphInput> {
  const located = options.located ?? (await locateOrder(client, orderId));
  return contractGraphFrom(client, await client.queries(contractGraphQueries(located, options)), options);
}

/** The graph from the answers to `contractGraphQueries` (every page already read), plus the product schedules. */
export async function contractGraphFrom(
  client: SalesforceClient,
  rows: Readonly<Record<string, Row[]>>,
  options: GraphReadOptions,
): Promise<CpqGraphInput> {
  const graph = flattenOrders(await withAllChildren(client, rows.orders ?? [], ['OrderItems']));
  const lineSchedules = await withAllChildren(client, rows.lineSchedules ?? [], ['SBQQ__OrderItemConsumptionRates__r']);
  const productIds = graph.products.map((p) => p.Id as string);
  return {
    ...graph,
    contracts: rows.contracts ?? [],
    quoteStripeCouponAssociations: (rows.quoteCoupons ?? []).map((r) => withoutParents(r, ['Quote_Stripe_Coupon__r'])),
    quoteLineStripeCouponAssociations: (rows.lineCoupons ?? []).map((r) =>
      withoutParents(r, ['Quote_Stripe_Coupon__r']),
    ),
    quoteStripeCoupons: distinct(
      [...(rows.quoteCoupons ?? []), ...(rows.lineCoupons ?? [])].map((r) => r.Quote_Stripe_Coupon__r as Row | null),
    ),
    orderItemConsumptionSchedules: lineSchedules.map((r) => ({
      ...withoutParents(r, ['SBQQ__OrderItemConsumptionRates__r']),
      Rates: childRecords(r.SBQQ__OrderItemConsumptionRates__r),
    })),
    consumptionSchedules: productIds.length ? await readProductSchedules(client, productIds, options) : [],
  };
}

async function readProductSchedules(
  client: SalesforceClient,
  productIds: readonly string[],
  options: GraphReadOptions,
): Promise<Row[]> {
  const rates = soqlFields(fieldsOf(M.ConsumptionRate, 'ConsumptionRate', options));
  const schedule = soqlFields(fieldsOf(M.ConsumptionSchedule, 'ConsumptionSchedule', options));
  const { schedules: firstPages = [] } = await client.queries({
    schedules:
      `SELECT ${schedule}, (SELECT ${rates} FROM ConsumptionRates), (SELECT ProductId FROM ProductConsumptionSchedules) FROM ConsumptionSchedule ` +
      `WHERE Id IN (SELECT ConsumptionScheduleId FROM ProductConsumptionSchedule WHERE ProductId IN ${soqlIdList(productIds)})`,
  });
  const schedules = await withAllChildren(client, firstPages, ['ConsumptionRates', 'ProductConsumptionSchedules']);
  return schedules.map((s) => ({
    ...withoutParents(s, ['ConsumptionRates', 'ProductConsumptionSchedules']),
    ConsumptionRates: childRecords(s.ConsumptionRates),
    ProductIds: childRecords(s.ProductConsumptionSchedules).map((p) => p.ProductId as string),
  }));
}

/** Orders with nested parents and OrderItems → the graph's flat collections (records once each). */
function flattenOrders(orders: readonly Row[]) {
  const items = orders.flatMap((o) => childRecords(o.OrderItems));
  const quotes = orders.map((o) => o.SBQQ__Quote__r as Row | null);
  return {
    orders: orders.map((o) => withoutParents(o, ['Account', 'Opportunity', 'SBQQ__Quote__r', 'OrderItems'])),
    accounts: distinct(orders.map((o) => o.Account as Row | null)),
    opportunities: distinct(orders.map((o) => o.Opportunity as Row | null)),
    quotes: distinct(quotes).map((q) => withoutParents(q, ['SBQQ__PrimaryContact__r'])),
    contacts: distinct(quotes.map((q) => q?.SBQQ__PrimaryContact__r as Row | null | undefined)),
    orderItems: items.map((i) => withoutParents(i, ['Product2', 'PricebookEntry', 'SBQQ__QuoteLine__r'])),
    products: distinct(items.map((i) => i.Product2 as Row | null)),
    pricebookEntries: distinct(items.map((i) => i.PricebookEntry as Row | null)),
    quoteLines: distinct(items.map((i) => i.SBQQ__QuoteLine__r as Row | null)),
  };
}

/**
 * The rows with each named child list complete: Salesforce pages a parent's subquery rows like a
 * query ("Understanding Query Results", SOQL and SOSL Reference), so a large order's OrderItems can end
 * with their own nextRecordsUrl. Following it costs one call per further page.
 */
async function withAllChildren(
  client: SalesforceClient,
  rows: readonly Row[],
  relationships: readonly string[],
): Promise<Row[]> {
  const complete: Row[] = [];
  for (const row of rows) {
    const copy: Row = { ...row };
    for (const name of relationships) {
      const result = row[name] as QueryResult<Row> | null | undefined;
      if (result && !result.done) copy[name] = { ...result, done: true, records: await client.allRecords(result) };
    }
    complete.push(copy);
  }
  return complete;
}

function childRecords(value: unknown): Row[] {
  return (value as { records?: Row[] } | null | undefined)?.records ?? [];
}

function withoutParents(row: Row | null | undefined, keys: readonly string[]): Row {
  const copy: Row = { ...row };
  for (const key of [...keys, 'attributes']) delete copy[key];
  return copy;
}

function distinct(rows: readonly (Row | null | undefined)[]): Row[] {
  const byId = new Map<string, Row>();
  for (const row of rows) if (row?.Id && !byId.has(row.Id)) byId.set(row.Id, withoutParents(row, []));
  return [...byId.values()];
}
