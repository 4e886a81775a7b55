// A small builder for CPQ contracts — an initial order and its amendments — as the REST API returns
// them, so each scenario reads like the spec's table: products, lines, deltas and dates.
import type * as M from '../../../plugin/src/core/records/models.js';
import {
  isRecurring,
  netUnitPrice,
  prorateMultiplier,
  segmentOrderItemFields,
  segmentQuoteLineFields,
  type BillingFrequency,
  type ProductSpec,
  type Segment,
} from '@stripe-cpq/salesforce-org-emulator/seed/cpqRecords.js';
import { CpqFixture, idSequence, type Catalogue, type CoreLineSpec, type FixtureOrder } from '../orderFixture.js';

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

const FREQUENCY_MONTHS: Partial<Record<BillingFrequency, number>> = {
  Monthly: 1,
  Quarterly: 3,
  Semiannual: 6,
  Annual: 12,
};

/** The months of one billing period (1 for a frequency without one, such as Invoice Plan). */
export const periodMonths = (frequency: BillingFrequency | undefined): number =>
  (frequency && FREQUENCY_MONTHS[frequency]) ?? 1;

/** A contract: its initial (contracted) order and the amendment orders on it. */
export class ContractFixture extends CpqFixture {
  readonly contract: M.Contract;
  readonly initial: FixtureOrder;
  private modified = 0;

  constructor(start: string, term: number | null, options: { endDate?: string } = {}) {
    super(sfId);
    this.initial = this.contractOrder(start, term, options.endDate, null);
    this.contract = {
      Id: sfId('800'),
      SBQQ__Quote__c: this.initial.quote.Id,
      SBQQ__Order__c: this.initial.order.Id,
    } as M.Contract;
    this.contracts.push(this.contract);
  }

  /** Adds a line to the initial order. */
  line(product: Catalogue, spec: CoreLineSpec): M.OrderItem {
    return this.contractLine(this.initial, product, spec);
  }

  /** An amendment order on the contract, with its own quote and amendment opportunity. */
  amendment(
    start: string,
    term: number | null,
    options: { endDate?: string; closeDate?: string } = {},
  ): AmendmentFixture {
    const order = this.contractOrder(start, term, options.endDate, this.contract.Id, options.closeDate);
    return new AmendmentFixture(this, order);
  }

  /**
   * A line of `order` with the terms CPQ copies from its quote and product; its unit price defaults to
   * CPQ's (list price × the quote's term ÷ the product's default term), as the sample org's.
   */
  contractLine(order: FixtureOrder, catalogue: Catalogue, spec: CoreLineSpec): M.OrderItem {
    const product = catalogue.spec;
    const recurring = isRecurring(product);
    const quoteTerm = recurring ? (order.quote.SBQQ__SubscriptionTerm__c ?? null) : null;
    const defaultTerm = recurring ? (product.term ?? null) : null;
    const multiplier = prorateMultiplier({ term: quoteTerm, defaultTerm, segment: spec.segment });
    return this.addLine(order, catalogue, {
      quantity: spec.quantity,
      unitPrice: spec.unitPrice ?? netUnitPrice(product.listPrice, multiplier),
      orderItem: {
        SBQQ__SubscriptionTerm__c: recurring ? (quoteTerm ?? periodMonths(product.billingFrequency)) : null,
        SBQQ__DefaultSubscriptionTerm__c: defaultTerm,
        SBQQ__RevisedOrderProduct__c: spec.revises ? this.originalLineId(spec.revises) : null,
        ServiceDate: order.quote.SBQQ__StartDate__c,
        ...(spec.segment ? this.segmentFields(spec.segment) : {}),
        ...spec.orderItem,
      },
    });
  }

  /** A segment line's fields (its segment's dates) and its quote line; CPQ prices each segment whole (multiplier 1). */
  private segmentFields(segment: Segment): Record<string, unknown> {
    const quoteLine = { Id: sfId('a0r'), ...segmentQuoteLineFields(segment, segment.start, segment.end) };
    (this.extra.quoteLines ??= []).push(quoteLine);
    return {
      ...segmentOrderItemFields(segment),
      SBQQ__QuoteLine__c: quoteLine.Id,
      SBQQ__ProrateMultiplier__c: 1,
      ServiceDate: segment.start,
      EndDate: segment.end,
    };
  }

  /** CPQ points every amendment line at the contract's original order product, not at an earlier amendment. */
  private originalLineId(revisedId: string): string {
    const revised = this.orders.flatMap((o) => o.lines).find((line) => line.Id === revisedId);
    if (!revised) throw new Error(`No order product ${revisedId} in this contract to revise.`);
    return revised.SBQQ__RevisedOrderProduct__c ?? revised.Id;
  }

  /** The initial order is contracted; each order is modified a second after the one before (CPQ's order). */
  private contractOrder(
    start: string,
    term: number | null,
    endDate: string | undefined,
    amendedContractId: string | null,
    closeDate?: string,
  ): FixtureOrder {
    this.modified++;
    return this.addOrder({
      start,
      term,
      amendedContractId,
      closeDate,
      endDate,
      order: {
        SBQQ__Contracted__c: !amendedContractId,
        LastModifiedDate: `2029-01-01T00:00:${String(this.modified).padStart(2, '0')}.000+0000`,
      },
    });
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
    return this.contract.contractLine(this.fixture, product, spec);
  }

  /** Marks the amendment as already synced (its Stripe ID is the schedule's). */
  synced(scheduleId: string): this {
    (this.fixture.order as { Stripe_ID__c: string | null }).Stripe_ID__c = scheduleId;
    return this;
  }
}
