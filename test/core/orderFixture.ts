// Builds new CPQ orders as the REST API returns them — account, quote, products, pricebook entries and
// order lines — so each scenario reads like the spec's input column.
import type { SyncContext } from '../../plugin/src/core/plan/context.js';
import type { CpqGraphInput } from '../../plugin/src/core/records/graph.js';
import { EMPTY_MAPPINGS, type MappingConfig } from '../../plugin/src/core/mappings/mappings.js';
import type * as M from '../../plugin/src/core/records/models.js';
import { parseSettings, type SettingsInput } from '../../plugin/src/core/settings.js';
import { toId18 } from '../../plugin/src/core/records/salesforceIds.js';
import {
  completeProductSpec,
  orderItemProductFields,
  pricebookEntryFields,
  productFields,
  type LineSpec,
  type ProductSpec,
} from '@stripe-cpq/salesforce-org-emulator/seed/cpqRecords.js';

export const ORG_ID = '00D000000000001EAA';
export const INSTANCE_URL = 'https://acme.my.salesforce.com';

/** Unix seconds of a `YYYY-MM-DD` UTC midnight. */
export { ts } from '../support/time.js';

export function syncContext(
  now: string,
  settings: SettingsInput = {},
  mappings: MappingConfig = EMPTY_MAPPINGS,
): SyncContext {
  return {
    orgId: ORG_ID,
    instanceUrl: INSTANCE_URL,
    livemode: false,
    sandbox: false,
    now: Date.parse(now) / 1000,
    settings: parseSettings(settings),
    mappings,
  };
}

/** Deterministic valid 18-character Ids, numbered per key prefix. */
export function idSequence(): (prefix: string) => string {
  const counters = new Map<string, number>();
  return (prefix) => {
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    return toId18(prefix + String(n).padStart(12, '0'));
  };
}

/** Fields the core tests set beyond what CPQ's product spec describes (Stripe Ids, broken values). */
export interface CatalogueOverrides {
  readonly product?: Partial<M.Product2>;
  readonly pricebookEntry?: Partial<M.PricebookEntry>;
}

/** The part of the seed's line vocabulary the core fixtures model; segments go in as OrderItem fields. */
export type CoreLineSpec = Pick<LineSpec, 'quantity' | 'unitPrice' | 'revises' | 'orderItem'>;

export interface Catalogue {
  readonly product: M.Product2;
  readonly pricebookEntry: M.PricebookEntry;
  /** The spec with CPQ's defaults filled in. */
  readonly spec: ProductSpec;
}

/** A product and its USD price book entry, with the fields CPQ stores for the spec. */
export function catalogueRecords(
  id: (prefix: string) => string,
  spec: ProductSpec,
  overrides: CatalogueOverrides = {},
): Catalogue {
  const product = { Id: id('01t'), ...productFields(spec), Stripe_ID__c: null, ...overrides.product } as M.Product2;
  const pricebookEntry = {
    Id: id('01u'),
    ...pricebookEntryFields(product.Id, null, spec.listPrice, { CurrencyIsoCode: 'USD' }),
    Stripe_ID__c: null,
    ...overrides.pricebookEntry,
  } as M.PricebookEntry;
  return { product, pricebookEntry, spec: completeProductSpec(spec) };
}

/** An activated order line copying the product's CPQ subscription fields. */
export function orderLineRecord(
  id: (prefix: string) => string,
  orderId: string,
  catalogue: Catalogue,
  line: { quantity: number; unitPrice: number; orderItem?: Record<string, unknown> },
): M.OrderItem {
  const { product, pricebookEntry } = catalogue;
  return {
    Id: id('802'),
    OrderId: orderId,
    Product2Id: product.Id,
    PricebookEntryId: pricebookEntry.Id,
    Quantity: line.quantity,
    UnitPrice: line.unitPrice,
    IsDeleted: false,
    SBQQ__Activated__c: true,
    ...orderItemProductFields(product),
    CurrencyIsoCode: 'USD',
    Stripe_ID__c: null,
    Skip_Line_Item__c: false,
    ...line.orderItem,
  };
}

/** One new order under construction; ids are deterministic per builder. */
export class OrderBuilder {
  readonly id = idSequence();
  readonly account: M.Account & Record<string, unknown>;
  readonly quote: M.Quote;
  readonly order: M.Order & Record<string, unknown>;
  readonly contacts: M.Contact[] = [];
  readonly products: M.Product2[] = [];
  readonly pricebookEntries: M.PricebookEntry[] = [];
  readonly items: M.OrderItem[] = [];
  readonly extra: Record<string, unknown[]> = {};

  constructor(opts: {
    start: string | null;
    term: number | null;
    account?: Partial<M.Account> & Record<string, unknown>;
    order?: Partial<M.Order> & Record<string, unknown>;
    quote?: Partial<M.Quote>;
  }) {
    this.account = {
      Id: this.id('001'),
      Name: 'Acme',
      BillingStreet: '1 Main St',
      BillingCity: 'Springfield',
      BillingState: 'IL',
      BillingPostalCode: '62701',
      BillingCountry: 'US',
      Stripe_ID__c: null,
      ...opts.account,
    };
    this.quote = {
      Id: this.id('a0q'),
      SBQQ__StartDate__c: opts.start,
      SBQQ__SubscriptionTerm__c: opts.term,
      SBQQ__Primary__c: true,
      ...opts.quote,
    };
    this.order = {
      Id: this.id('801'),
      AccountId: this.account.Id,
      Status: 'Activated',
      Type: 'New',
      SBQQ__Quote__c: this.quote.Id,
      OrderNumber: '00000123',
      SystemModstamp: '2030-01-15T10:00:00.000+0000',
      Stripe_ID__c: null,
      ...opts.order,
    };
  }

  product(spec: ProductSpec, overrides?: CatalogueOverrides): Catalogue {
    const catalogue = catalogueRecords(this.id, spec, overrides);
    this.products.push(catalogue.product);
    this.pricebookEntries.push(catalogue.pricebookEntry);
    return catalogue;
  }

  /** An activated order line copying the product's CPQ subscription fields. */
  line(catalogue: Catalogue, line: CoreLineSpec & { unitPrice: number }): M.OrderItem {
    const item = orderLineRecord(this.id, this.order.Id, catalogue, {
      ...line,
      orderItem: { SystemModstamp: '2030-01-15T10:00:00.000+0000', ...line.orderItem },
    });
    this.items.push(item);
    return item;
  }

  graph(): CpqGraphInput {
    return {
      accounts: [this.account],
      contacts: this.contacts,
      quotes: [this.quote],
      orders: [this.order],
      orderItems: this.items,
      products: this.products,
      pricebookEntries: this.pricebookEntries,
      ...this.extra,
    };
  }
}
