// A small builder for CPQ contracts — an initial order and its amendments — as the REST API returns
// them, so each scenario reads like the spec's table: products, lines, deltas and dates.
import type * as M from '../../../plugin/src/core/records/models.js';
import {
  isRecurring,
  type BillingFrequency,
  type ProductSpec,
} from '@stripe-cpq/salesforce-org-emulator/seed/cpqRecords.js';
import { catalogueRecords, idSequence, orderLineRecord, type Catalogue, type CoreLineSpec } from '../orderFixture.js';

/** A valid 18-character Id with the object's key prefix; deterministic per test file. */
export const sfId = idSequence();

/** The evergreen seat of S36–S37: monthly, 50 a month. */
export const EVERGREEN_SEAT: ProductSpec = {
  name: 'Seat',
  billingFrequency: 'Monthly',
  listPrice: 50,
  term: 1,
  subscriptionType: 'Evergreen',
};

export interface FixtureOrder {
  readonly order: M.Order;
  readonly quote: M.Quote;
  readonly opportunity: M.Opportunity;
  readonly lines: M.OrderItem[];
}

const FREQUENCY_MONTHS: Partial<Record<BillingFrequency, number>> = {
  Monthly: 1,
  Quarterly: 3,
  Semiannual: 6,
  Annual: 12,
};

export class ContractFixture {
  readonly account: M.Account = { Id: sfId('001'), Name: 'Acme' } as M.Account;
  readonly products: Catalogue[] = [];
  readonly orders: FixtureOrder[] = [];
  readonly contract: M.Contract;
  readonly initial: FixtureOrder;
  /** Extra collections of the graph (coupons, quote lines…), keyed by collection name. */
  readonly extra: Record<string, Record<string, unknown>[]> = {};
  private modified = 0;

  constructor(start: string, term: number | null, options: { endDate?: string } = {}) {
    this.initial = this.newOrder(start, term, options.endDate ?? null, null);
    this.contract = {
      Id: sfId('800'),
      SBQQ__Quote__c: this.initial.quote.Id,
      SBQQ__Order__c: this.initial.order.Id,
    } as M.Contract;
  }

  product(spec: ProductSpec): Catalogue {
    const catalogue = catalogueRecords(sfId, spec);
    this.products.push(catalogue);
    return catalogue;
  }

  /** Adds a line to the initial order. */
  line(product: Catalogue, spec: CoreLineSpec): M.OrderItem {
    return this.addLine(this.initial, product, spec);
  }

  /** An amendment order on the contract, with its own quote and amendment opportunity. */
  amendment(
    start: string,
    term: number | null,
    options: { endDate?: string; closeDate?: string } = {},
  ): AmendmentFixture {
    const order = this.newOrder(start, term, options.endDate ?? null, this.contract.Id, options.closeDate);
    return new AmendmentFixture(this, order);
  }

  /** A line of `order`; its unit price defaults to the list price × term ÷ billing period months. */
  addLine(order: FixtureOrder, catalogue: Catalogue, spec: CoreLineSpec): M.OrderItem {
    const product = catalogue.spec;
    const recurring = isRecurring(product);
    const months = (product.billingFrequency && FREQUENCY_MONTHS[product.billingFrequency]) ?? 1;
    const term = order.quote.SBQQ__SubscriptionTerm__c ?? months;
    const evergreen = product.subscriptionType === 'Evergreen';
    const unitPrice =
      spec.unitPrice ?? (recurring && !evergreen ? (product.listPrice * term) / months : product.listPrice);
    const line = orderLineRecord(sfId, order.order.Id, catalogue, {
      quantity: spec.quantity,
      unitPrice,
      orderItem: {
        SBQQ__SubscriptionTerm__c: recurring ? term : null,
        SBQQ__DefaultSubscriptionTerm__c: recurring ? (product.term ?? null) : null,
        SBQQ__RevisedOrderProduct__c: spec.revises ? this.originalLineId(spec.revises) : null,
        ServiceDate: order.quote.SBQQ__StartDate__c,
        ...spec.orderItem,
      },
    });
    order.lines.push(line);
    return line;
  }

  /** CPQ points every amendment line at the contract's original order product, not at an earlier amendment. */
  private originalLineId(revisedId: string): string {
    const revised = this.orders.flatMap((o) => o.lines).find((line) => line.Id === revisedId);
    if (!revised) throw new Error(`No order product ${revisedId} in this contract to revise.`);
    return revised.SBQQ__RevisedOrderProduct__c ?? revised.Id;
  }

  private newOrder(
    start: string,
    term: number | null,
    endDate: string | null,
    amendedContract: string | null,
    closeDate?: string,
  ): FixtureOrder {
    const opportunity = {
      Id: sfId('006'),
      SBQQ__AmendedContract__c: amendedContract,
      CloseDate: closeDate ?? null,
    } as M.Opportunity;
    const quote = {
      Id: sfId('a0q'),
      SBQQ__StartDate__c: start,
      SBQQ__SubscriptionTerm__c: term,
      SBQQ__EndDate__c: endDate,
      SBQQ__Primary__c: true,
      SBQQ__Opportunity2__c: opportunity.Id,
      SBQQ__Type__c: amendedContract ? 'Amendment' : 'Quote',
    } as M.Quote;
    this.modified++;
    const order = {
      Id: sfId('801'),
      AccountId: this.account.Id,
      Status: 'Activated',
      Type: amendedContract ? 'Amendment' : 'New',
      OpportunityId: opportunity.Id,
      SBQQ__Quote__c: quote.Id,
      SBQQ__Contracted__c: !amendedContract,
      EffectiveDate: start,
      LastModifiedDate: `2029-01-01T00:00:${String(this.modified).padStart(2, '0')}.000+0000`,
      Stripe_ID__c: null,
    } as M.Order;
    const fixture = { order, quote, opportunity, lines: [] };
    this.orders.push(fixture);
    return fixture;
  }

  /** The records in the collections of the core's CPQ graph. */
  get records() {
    return {
      accounts: [this.account],
      opportunities: this.orders.map((o) => o.opportunity),
      contracts: [this.contract],
      quotes: this.orders.map((o) => o.quote),
      orders: this.orders.map((o) => o.order),
      orderItems: this.orders.flatMap((o) => o.lines),
      products: this.products.map((p) => p.product),
      pricebookEntries: this.products.map((p) => p.pricebookEntry),
      ...this.extra,
    };
  }
}

export class AmendmentFixture {
  constructor(
    private readonly contract: ContractFixture,
    readonly fixture: FixtureOrder,
  ) {}

  get order(): M.Order {
    return this.fixture.order;
  }

  get quote(): M.Quote {
    return this.fixture.quote;
  }

  line(product: Catalogue, spec: CoreLineSpec): M.OrderItem {
    return this.contract.addLine(this.fixture, product, spec);
  }

  /** Marks the amendment as already synced (its Stripe ID is the schedule's). */
  synced(scheduleId: string): this {
    (this.fixture.order as { Stripe_ID__c: string | null }).Stripe_ID__c = scheduleId;
    return this;
  }
}
