// The core tests' CPQ records — account, products, pricebook entries, opportunities, quotes, orders and
// their lines — described in the seed's vocabulary (seed/cpqRecords.ts) and given Ids in the core's
// in-memory graph, as the REST API returns them, so each scenario reads like the spec's input column.
import type { SyncContext } from '../../plugin/src/core/plan/context.js';
import type { CpqGraphInput } from '../../plugin/src/core/records/graph.js';
import { EMPTY_MAPPINGS, type MappingConfig } from '../../plugin/src/core/mappings/mappings.js';
import type * as M from '../../plugin/src/core/records/models.js';
import { parseSettings, type SettingsInput } from '../../plugin/src/core/settings.js';
import { toId18 } from '../../plugin/src/core/records/salesforceIds.js';
import {
  accountFields,
  completeProductSpec,
  opportunityFields,
  orderFields,
  orderItemFields,
  pricebookEntryFields,
  productFields,
  quoteFields,
  type LineSpec,
  type OrderHeader,
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

/** The part of the seed's line vocabulary the core fixtures model (no discounts, no line terms). */
export type CoreLineSpec = Pick<LineSpec, 'quantity' | 'unitPrice' | 'revises' | 'segment' | 'orderItem'>;

export interface Catalogue {
  readonly product: M.Product2;
  readonly pricebookEntry: M.PricebookEntry;
  /** The spec with CPQ's defaults filled in. */
  readonly spec: ProductSpec;
}

/** A product and its USD price book entry, with the fields CPQ stores for the spec. */
function catalogueRecords(
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
function orderLineRecord(
  id: (prefix: string) => string,
  orderId: string,
  catalogue: Catalogue,
  line: { quantity: number; unitPrice: number; orderItem?: Record<string, unknown> },
): M.OrderItem {
  const { product, pricebookEntry } = catalogue;
  return {
    Id: id('802'),
    ...orderItemFields(
      {
        orderId,
        pricebookEntryId: pricebookEntry.Id,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        activated: true,
      },
      product,
    ),
    IsDeleted: false,
    CurrencyIsoCode: 'USD',
    Stripe_ID__c: null,
    Skip_Line_Item__c: false,
    ...line.orderItem,
  } as M.OrderItem;
}

/** An order with its quote and opportunity, and the lines added to it. */
export interface FixtureOrder {
  readonly order: M.Order & Record<string, unknown>;
  readonly quote: M.Quote;
  readonly opportunity: M.Opportunity;
  readonly lines: M.OrderItem[];
}

export interface OrderOptions {
  readonly start: string | null;
  readonly term: number | null;
  /** The contract this amendment order amends; none for a new order. */
  readonly amendedContractId?: string | null;
  /** The opportunity's close date (an amendment's is its effective termination date); none by default. */
  readonly closeDate?: string | null;
  /** The quote's and order's end date; none by default, so the core derives it from start and term. */
  readonly endDate?: string | null;
  readonly quote?: Partial<M.Quote>;
  readonly order?: Partial<M.Order> & Record<string, unknown>;
}

/**
 * The CPQ records of one core test: an account, products and orders with their lines, in the seed's
 * vocabulary (ProductSpec, LineSpec), as the core's in-memory graph.
 */
export class CpqFixture {
  readonly account: M.Account & Record<string, unknown>;
  readonly contacts: M.Contact[] = [];
  readonly products: M.Product2[] = [];
  readonly pricebookEntries: M.PricebookEntry[] = [];
  readonly orders: FixtureOrder[] = [];
  readonly contracts: M.Contract[] = [];
  /** Other collections of the graph (coupons, quote lines…), keyed by collection name. */
  readonly extra: Record<string, Record<string, unknown>[]> = {};

  constructor(
    readonly id: (prefix: string) => string,
    account: Partial<M.Account> & Record<string, unknown> = {},
  ) {
    this.account = { Id: id('001'), ...accountFields('Acme'), Stripe_ID__c: null, ...account } as M.Account &
      Record<string, unknown>;
  }

  product(spec: ProductSpec, overrides?: CatalogueOverrides): Catalogue {
    const catalogue = catalogueRecords(this.id, spec, overrides);
    this.products.push(catalogue.product);
    this.pricebookEntries.push(catalogue.pricebookEntry);
    return catalogue;
  }

  /** A quote (primary, of type Quote or Amendment), its opportunity and its activated order. */
  addOrder(options: OrderOptions): FixtureOrder {
    const header: OrderHeader = {
      accountId: this.account.Id,
      name: `${this.account.Name} order ${this.orders.length + 1}`,
      start: options.start,
      term: options.term,
      ...(options.amendedContractId ? { type: 'Amendment', amendedContractId: options.amendedContractId } : {}),
    };
    const endDate = options.endDate ?? null;
    const opportunity = {
      Id: this.id('006'),
      ...opportunityFields(header, options.closeDate ?? null, null),
    } as M.Opportunity;
    const quote = {
      Id: this.id('a0q'),
      ...quoteFields(header, opportunity.Id, null, endDate),
      ...options.quote,
    } as M.Quote;
    const links = { opportunityId: opportunity.Id, quoteId: quote.Id, pricebookId: null };
    const order = {
      Id: this.id('801'),
      ...orderFields(header, links, options.start, endDate),
      Status: 'Activated',
      Stripe_ID__c: null,
      ...options.order,
    } as M.Order & Record<string, unknown>;
    const fixture = { order, quote, opportunity, lines: [] };
    this.orders.push(fixture);
    return fixture;
  }

  /** An activated line of `order`. */
  addLine(order: FixtureOrder, catalogue: Catalogue, line: CoreLineSpec & { unitPrice: number }): M.OrderItem {
    const item = orderLineRecord(this.id, order.order.Id, catalogue, line);
    order.lines.push(item);
    return item;
  }

  /** The records in the collections of the core's CPQ graph (typed per collection). */
  graph() {
    return {
      accounts: [this.account],
      contacts: this.contacts,
      opportunities: this.orders.map((o) => o.opportunity),
      contracts: this.contracts,
      quotes: this.orders.map((o) => o.quote),
      orders: this.orders.map((o) => o.order),
      orderItems: this.orders.flatMap((o) => o.lines),
      products: this.products,
      pricebookEntries: this.pricebookEntries,
      ...this.extra,
    } satisfies CpqGraphInput;
  }
}

const MODSTAMP = '2030-01-15T10:00:00.000+0000';

/** One new order under construction; ids are deterministic per builder. */
export class OrderBuilder extends CpqFixture {
  private readonly fixture: FixtureOrder;

  constructor(opts: {
    start: string | null;
    term: number | null;
    account?: Partial<M.Account> & Record<string, unknown>;
    order?: Partial<M.Order> & Record<string, unknown>;
    quote?: Partial<M.Quote>;
  }) {
    super(idSequence(), opts.account);
    this.fixture = this.addOrder({
      start: opts.start,
      term: opts.term,
      quote: opts.quote,
      order: { OrderNumber: '00000123', SystemModstamp: MODSTAMP, ...opts.order },
    });
  }

  get quote(): M.Quote {
    return this.fixture.quote;
  }

  get order(): M.Order & Record<string, unknown> {
    return this.fixture.order;
  }

  get items(): M.OrderItem[] {
    return this.fixture.lines;
  }

  /** An activated order line copying the product's CPQ subscription fields. */
  line(catalogue: Catalogue, line: CoreLineSpec & { unitPrice: number }): M.OrderItem {
    return this.addLine(this.fixture, catalogue, {
      ...line,
      orderItem: { SystemModstamp: MODSTAMP, ...line.orderItem },
    });
  }
}
