/**
 * The CPQ graph of one contract — every record the sync reads, as the REST API returns them — and its
 * parsing: each record goes through its zod model, and a record that breaks it becomes a `SyncError`
 * naming the record Id, the field and the fix. `GraphIndex` answers the lookups the planner needs.
 */
import type { z } from 'zod';
import { SyncError } from '../errors.js';
import * as M from './models.js';

/** Collection name → model and sObject API name. */
export const COLLECTIONS = {
  accounts: [M.Account, 'Account'],
  contacts: [M.Contact, 'Contact'],
  opportunities: [M.Opportunity, 'Opportunity'],
  contracts: [M.Contract, 'Contract'],
  quotes: [M.Quote, 'SBQQ__Quote__c'],
  quoteLines: [M.QuoteLine, 'SBQQ__QuoteLine__c'],
  orders: [M.Order, 'Order'],
  orderItems: [M.OrderItem, 'OrderItem'],
  products: [M.Product2, 'Product2'],
  pricebookEntries: [M.PricebookEntry, 'PricebookEntry'],
  consumptionSchedules: [M.ConsumptionSchedule, 'ConsumptionSchedule'],
  orderItemConsumptionSchedules: [M.OrderItemConsumptionSchedule, 'SBQQ__OrderItemConsumptionSchedule__c'],
  quoteStripeCoupons: [M.QuoteStripeCoupon, 'Quote_Stripe_Coupon__c'],
  quoteStripeCouponAssociations: [M.QuoteStripeCouponAssociation, 'Quote_Stripe_Coupon_Association__c'],
  quoteLineStripeCouponAssociations: [M.QuoteLineStripeCouponAssociation, 'Quote_Line_Stripe_Coupon_Association__c'],
  orderStripeCoupons: [M.OrderStripeCoupon, 'Order_Stripe_Coupon__c'],
} as const;

type Collections = typeof COLLECTIONS;
export type CollectionName = keyof Collections;

/** The parsed graph: one array per collection (absent collections are empty). */
export type CpqGraph = { readonly [K in CollectionName]: readonly z.infer<Collections[K][0]>[] };
/** What `parseGraph` accepts: any collection may be missing. */
export type CpqGraphInput = { readonly [K in CollectionName]?: readonly unknown[] };

/** Any parsed record: an Id plus fields (loose, custom fields included). */
export interface SalesforceRecord {
  readonly Id: string;
  readonly [field: string]: unknown;
}

export const SOBJECT_OF: { readonly [K in CollectionName]: string } = Object.fromEntries(
  Object.entries(COLLECTIONS).map(([name, [, sobject]]) => [name, sobject]),
) as { [K in CollectionName]: string };

/** Parses one record with its model; failure names the record, the field and the fix. */
export function parseRecord<T extends z.ZodType>(model: T, raw: unknown, sobject: string): z.infer<T> {
  const result = model.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || '(record)';
  const id = typeof (raw as { Id?: unknown } | null)?.Id === 'string' ? (raw as { Id: string }).Id : '(no Id)';
  throw new SyncError(
    `The ${sobject} record ${id} has an invalid value in field ${field}: ${issue?.message ?? 'invalid'}.`,
    {
      kind: 'data',
      record: { id, type: sobject },
      field,
      fix: `Correct ${field} on ${sobject} ${id} and sync again.`,
    },
  );
}

/** Parses every record of every collection, collecting all problems before failing. */
export function parseGraph(input: CpqGraphInput): { graph: CpqGraph; problems: SyncError[] } {
  const problems: SyncError[] = [];
  const graph: Record<string, unknown[]> = {};
  for (const [name, [model, sobject]] of Object.entries(COLLECTIONS)) {
    graph[name] = [];
    for (const raw of input[name as CollectionName] ?? []) {
      try {
        graph[name].push(parseRecord(model, raw, sobject));
      } catch (error) {
        if (!(error instanceof SyncError)) throw error;
        problems.push(error);
      }
    }
  }
  return { graph: graph as unknown as CpqGraph, problems };
}

/** The 15-character case-sensitive form that names a record whichever Id form it arrived in. */
export function idKey(id: string): string {
  return id.slice(0, 15);
}

/** Lookups over one graph. Built once per plan; O(1) by Id. */
export class GraphIndex {
  private readonly byId = new Map<string, { record: SalesforceRecord; sobject: string }>();
  private readonly itemsByOrder = new Map<string, M.OrderItem[]>();
  private readonly schedulesByItem = new Map<string, M.OrderItemConsumptionSchedule[]>();

  constructor(readonly graph: CpqGraph) {
    for (const name of Object.keys(COLLECTIONS) as CollectionName[]) {
      for (const record of graph[name] as readonly SalesforceRecord[]) {
        this.byId.set(idKey(record.Id), { record, sobject: SOBJECT_OF[name] });
      }
    }
    for (const item of graph.orderItems) push(this.itemsByOrder, idKey(item.OrderId), item);
    for (const schedule of graph.orderItemConsumptionSchedules)
      push(this.schedulesByItem, idKey(schedule.SBQQ__OrderItem__c), schedule);
  }

  /** Any record by Id, with its sObject name. */
  find(id: string | null | undefined): { record: SalesforceRecord; sobject: string } | undefined {
    return id ? this.byId.get(idKey(id)) : undefined;
  }

  /** A record of a known collection by Id. */
  get<K extends CollectionName>(collection: K, id: string | null | undefined): CpqGraph[K][number] | undefined {
    const hit = this.find(id);
    return hit && hit.sobject === SOBJECT_OF[collection] ? (hit.record as CpqGraph[K][number]) : undefined;
  }

  /** Order items of one order, in the order the graph lists them. */
  orderItems(orderId: string): readonly M.OrderItem[] {
    return this.itemsByOrder.get(idKey(orderId)) ?? [];
  }

  /** The consumption schedules CPQ copied onto one order line. */
  orderItemConsumptionSchedules(orderItemId: string): readonly M.OrderItemConsumptionSchedule[] {
    return this.schedulesByItem.get(idKey(orderItemId)) ?? [];
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
