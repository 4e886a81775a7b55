/**
 * Builds CPQ data the way CPQ itself leaves it after "Create Order": opportunity, primary quote and
 * quote lines, an order whose products carry the CPQ fields copied from product and quote line
 * (term, default term, prorate multiplier, billing frequency/type, segment fields), and for contracted
 * orders the Contract and Subscriptions. Net unit prices follow CPQ: list price × prorate multiplier
 * (effective term ÷ default term) less discounts, for the line's whole term (spec §3.3–3.4).
 */
import { formatDate } from '../dates.js';
import type { EmulatedOrg } from '../org.js';
import { formatDateTime } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';
import {
  accountFields,
  completeProductSpec,
  isRecurring,
  netUnitPrice,
  opportunityFields,
  orderFields,
  orderItemFields,
  orderTermEnd,
  pricebookEntryFields,
  productFields,
  prorateMultiplier,
  quoteFields,
  segmentOrderItemFields,
  segmentQuoteLineFields,
  termEnd,
  type LineSpec,
  type OrderHeader,
  type ProductSpec,
} from './cpqRecords.js';

export interface Product {
  readonly id: string;
  readonly spec: ProductSpec;
  readonly entries: Record<string, string>;
}

export interface OrderLineSpec extends LineSpec {
  readonly product: Product;
}

export interface OrderSpec extends OrderHeader {
  readonly lines: readonly OrderLineSpec[];
  readonly currency?: string;
  readonly activated?: boolean;
  readonly contracted?: boolean;
}

export interface BuiltOrder {
  readonly orderId: string;
  readonly quoteId: string;
  readonly opportunityId: string;
  readonly quoteLineIds: string[];
  readonly orderItemIds: string[];
}

export class CpqBuilder {
  readonly pricebookId: string;

  constructor(private readonly org: EmulatedOrg) {
    this.pricebookId = org.store.insert('Pricebook2', { Name: 'Standard Price Book', IsActive: true });
    org.store.update('Pricebook2', this.pricebookId, { IsStandard: true }, { system: true });
  }

  account(name: string, fields: Record<string, unknown> = {}): string {
    return this.org.store.insert('Account', accountFields(name, fields));
  }

  /** `CurrencyIsoCode` in a multi-currency org; nothing in a single-currency org, which has no such field. */
  currencyFields(code: string): { CurrencyIsoCode?: string } {
    if (this.org.schema.multiCurrency) return { CurrencyIsoCode: code };
    if (code !== this.org.defaultCurrency)
      throw new Error(
        `A single-currency org has only ${this.org.defaultCurrency}: start the emulator with multiCurrency for ${code} records.`,
      );
    return {};
  }

  product(spec: ProductSpec): Product {
    const id = this.org.store.insert('Product2', productFields(spec));
    const entries: Record<string, string> = {};
    // A single-currency org prices in its corporate currency only.
    const prices = {
      [this.org.defaultCurrency]: spec.listPrice,
      ...(this.org.schema.multiCurrency ? (spec.otherCurrencies ?? {}) : {}),
    };
    for (const [currency, price] of Object.entries(prices)) {
      entries[currency] = this.org.store.insert(
        'PricebookEntry',
        pricebookEntryFields(id, this.pricebookId, price, this.currencyFields(currency)),
      );
    }
    return { id, spec: completeProductSpec(spec), entries };
  }

  /** Creates opportunity, quote, quote lines, order and order products (and contract when contracted). */
  order(spec: OrderSpec): BuiltOrder {
    const store = this.org.store;
    const currency = spec.currency ?? this.org.defaultCurrency;
    const today = formatDate(this.org.today());
    const pricebookId = this.pricebookId;
    const end = orderTermEnd(spec);
    const opportunityId = store.insert('Opportunity', {
      ...opportunityFields(spec, spec.start ?? today, pricebookId),
      ...this.currencyFields(currency),
    });
    const quoteId = store.insert('SBQQ__Quote__c', {
      ...quoteFields(spec, opportunityId, pricebookId, end),
      ...this.currencyFields(currency),
    });
    store.update('Opportunity', opportunityId, { SBQQ__PrimaryQuote__c: quoteId });
    const activated = spec.activated ?? true;
    const orderId = store.insert('Order', {
      ...orderFields(spec, { opportunityId, quoteId, pricebookId }, spec.start ?? today, end),
      ...this.currencyFields(currency),
      ...(spec.order ?? {}),
    });
    const quoteLineIds: string[] = [];
    const orderItemIds: string[] = [];
    for (const line of spec.lines) {
      const { quoteLineId, orderItemId } = this.line(spec, line, quoteId, orderId, currency, activated);
      quoteLineIds.push(quoteLineId);
      orderItemIds.push(orderItemId);
    }
    if (activated)
      store.update('Order', orderId, { Status: 'Activated', ActivatedDate: formatDateTime(this.org.now()) });
    if (spec.contracted) store.update('Order', orderId, { SBQQ__Contracted__c: true });
    return { orderId, quoteId, opportunityId, quoteLineIds, orderItemIds };
  }

  private line(
    order: OrderSpec,
    line: OrderLineSpec,
    quoteId: string,
    orderId: string,
    currency: string,
    activated: boolean,
  ) {
    const store = this.org.store;
    const product = line.product.spec;
    const recurring = isRecurring(product);
    const defaultTerm = recurring ? (product.term ?? null) : null;
    const term = recurring ? (line.term ?? order.term ?? null) : null;
    const listPrice = product.otherCurrencies?.[currency] ?? product.listPrice;
    const multiplier = prorateMultiplier({ term, defaultTerm, segment: line.segment });
    const unitPrice =
      line.unitPrice ?? netUnitPrice(listPrice, multiplier, line.discount ?? order.customerDiscount ?? 0);
    const start = line.segment?.start ?? order.start;
    const end = line.segment?.end ?? (start && order.term ? termEnd(start, term ?? order.term) : null);
    const quoteLineId = store.insert('SBQQ__QuoteLine__c', {
      SBQQ__Quote__c: quoteId,
      SBQQ__Product__c: line.product.id,
      SBQQ__PricebookEntryId__c: line.product.entries[currency] ?? null,
      SBQQ__Quantity__c: line.quantity,
      SBQQ__Discount__c: line.discount ?? null,
      SBQQ__ListPrice__c: listPrice,
      SBQQ__NetPrice__c: unitPrice,
      SBQQ__ProrateMultiplier__c: multiplier.toDecimalPlaces(4).toNumber(),
      ...segmentQuoteLineFields(line.segment, start, end),
      SBQQ__BillingFrequency__c: product.billingFrequency ?? null,
      SBQQ__SubscriptionPricing__c: product.pricing ?? null,
      SBQQ__SubscriptionTerm__c: term,
      ...this.currencyFields(currency),
    });
    const orderItemId = store.insert('OrderItem', {
      ...orderItemFields(
        {
          orderId,
          pricebookEntryId: line.product.entries[currency] ?? null,
          quantity: line.quantity,
          unitPrice,
          activated,
        },
        { Id: line.product.id, ...productFields(product) },
      ),
      SBQQ__OrderedQuantity__c: line.quantity,
      ListPrice: listPrice,
      ServiceDate: start,
      EndDate: end,
      SBQQ__Status__c: activated ? 'Activated' : 'Draft',
      SBQQ__SubscriptionTerm__c: term,
      SBQQ__DefaultSubscriptionTerm__c: defaultTerm,
      SBQQ__ProrateMultiplier__c: multiplier.toDecimalPlaces(4).toNumber(),
      SBQQ__RevisedOrderProduct__c: line.revises ?? null,
      SBQQ__QuoteLine__c: quoteLineId,
      ...segmentOrderItemFields(line.segment),
      ...this.currencyFields(currency),
      ...(line.orderItem ?? {}),
    });
    return { quoteLineId, orderItemId };
  }

  /** Contracts an activated order: Contract (original quote and order) plus one Subscription per recurring line. */
  contract(built: BuiltOrder, accountId: string, start: string, term: number): string {
    const store = this.org.store;
    const contractId = store.insert('Contract', {
      AccountId: accountId,
      Status: 'Draft',
      StartDate: start,
      ContractTerm: term,
      SBQQ__Quote__c: built.quoteId,
      SBQQ__Order__c: built.orderId,
      SBQQ__Opportunity__c: built.opportunityId,
    });
    store.update('Contract', contractId, { Status: 'Activated', EndDate: termEnd(start, term) }, { system: true });
    store.update('Order', built.orderId, { ContractId: contractId, SBQQ__Contracted__c: true });
    for (const itemId of built.orderItemIds) {
      const item = store.require(itemId);
      if (!item.SBQQ__SubscriptionPricing__c) continue;
      const subscriptionId = store.insert('SBQQ__Subscription__c', {
        SBQQ__Contract__c: contractId,
        SBQQ__Account__c: accountId,
        SBQQ__Product__c: item.Product2Id,
        SBQQ__OrderProduct__c: itemId,
        SBQQ__Quantity__c: item.Quantity,
        SBQQ__BillingFrequency__c: item.SBQQ__BillingFrequency__c,
        SBQQ__BillingType__c: item.SBQQ__BillingType__c,
        SBQQ__ChargeType__c: item.SBQQ__ChargeType__c,
        SBQQ__SubscriptionStartDate__c: item.ServiceDate,
        SBQQ__SubscriptionEndDate__c: item.EndDate,
      });
      store.update('OrderItem', itemId, { SBQQ__Subscription__c: subscriptionId });
    }
    return contractId;
  }
}
