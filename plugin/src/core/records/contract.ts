/**
 * Contract structure (spec §2.6.1): from any order of a contract, find its initial order and every
 * amendment, in the order CPQ applied them. An order is an amendment when its Opportunity names an
 * amended contract — Order.Type is customisable and deliberately not trusted. The contract's quote
 * (never overwritten by CPQ, unlike Contract.SBQQ__Order__c) leads back to the initial order.
 */
import { SyncError, type RecordRef } from '../errors.js';
import type { Contract, Opportunity, Order, Quote } from './models.js';
import { idKey } from './graph.js';
import { recordRef } from './records.js';

/** The records the structure is derived from, as read from Salesforce for one contract. */
export interface ContractRecords {
  readonly orders: readonly Order[];
  readonly opportunities: readonly Opportunity[];
  readonly contracts: readonly Contract[];
  readonly quotes: readonly Quote[];
}

export interface ContractOrder {
  readonly order: Order;
  readonly quote: Quote;
}

export interface AmendmentOrder extends ContractOrder {
  readonly opportunity: Opportunity;
}

export interface ContractStructure {
  readonly initial: ContractOrder;
  /** Undefined until CPQ has contracted the initial order (contracting may be asynchronous). */
  readonly contract: Contract | undefined;
  /** Ordered by quote start date, then LastModifiedDate — the order CPQ applied them in. */
  readonly amendments: readonly AmendmentOrder[];
}

const orderRef = (order: Order): RecordRef => recordRef('Order', order.Id);

/** Parsed records hold valid Ids, so their 15-character keys decide sameness (no re-validation per comparison). */
const sameId = (a: string | null | undefined, b: string | null | undefined): boolean =>
  !!a && !!b && idKey(a) === idKey(b);

function dataError(message: string, record: RecordRef, fix: string, field?: string): SyncError {
  return new SyncError(message, { kind: 'data', record, fix, ...(field ? { field } : {}) });
}

/** The contract an order amends, or undefined for an initial (or renewal) order. */
export function amendedContractId(order: Order, records: ContractRecords): string | undefined {
  const opportunity = records.opportunities.find((o) => sameId(o.Id, order.OpportunityId));
  return opportunity?.SBQQ__AmendedContract__c ?? undefined;
}

export function buildContractStructure(orderId: string, records: ContractRecords): ContractStructure {
  const order = records.orders.find((o) => sameId(o.Id, orderId));
  if (!order) {
    throw dataError(
      `Order '${orderId}' was not found.`,
      { id: orderId, type: 'Order' },
      'Check the order Id and that the order is readable.',
    );
  }
  const contractId = amendedContractId(order, records);
  return contractId ? structureFromAmendment(order, contractId, records) : structureFromInitial(order, records);
}

function structureFromInitial(order: Order, records: ContractRecords): ContractStructure {
  const quote = quoteOf(order, records);
  if (!quote) {
    throw dataError(
      "There's no CPQ quote associated with the Salesforce order.",
      orderRef(order),
      'Regenerate the order from a CPQ quote (SBQQ__Quote__c).',
      'SBQQ__Quote__c',
    );
  }
  const initial = { order, quote };
  if (!order.SBQQ__Contracted__c) return { initial, contract: undefined, amendments: [] };
  const contracts = records.contracts.filter((c) => sameId(c.SBQQ__Quote__c, quote.Id));
  if (contracts.length > 1) {
    throw dataError(
      'More than one contract was found for the amendment order.',
      orderRef(order),
      'Keep one contract for the quote.',
      'SBQQ__Quote__c',
    );
  }
  const contract = contracts[0];
  return { initial, contract, amendments: contract ? amendmentsOf(contract, records) : [] };
}

function structureFromAmendment(order: Order, contractId: string, records: ContractRecords): ContractStructure {
  const contract = records.contracts.find((c) => sameId(c.Id, contractId));
  const originalQuoteId = contract?.SBQQ__Quote__c;
  if (!contract || !originalQuoteId) {
    throw dataError(
      'Could not find initial CPQ Quote associated with order amendment.',
      orderRef(order),
      "Set the amended contract's SBQQ__Quote__c to the quote of the initial order.",
      'Opportunity.SBQQ__AmendedContract__r.SBQQ__Quote__c',
    );
  }
  const initialOrders = records.orders.filter(
    (o) => sameId(o.SBQQ__Quote__c, originalQuoteId) && !amendedContractId(o, records),
  );
  const [initialOrder] = initialOrders;
  if (initialOrders.length !== 1 || !initialOrder) {
    const problem = initialOrders.length === 0 ? 'No initial order was found' : 'More than one initial order was found';
    throw dataError(
      `${problem} for the contract's CPQ quote '${originalQuoteId}'.`,
      orderRef(order),
      'Keep exactly one order created from the original quote of the contract.',
      'SBQQ__Quote__c',
    );
  }
  const initialQuote = quoteOf(initialOrder, records);
  if (!initialQuote) {
    throw dataError(
      'Could not find initial CPQ Quote associated with order amendment.',
      orderRef(initialOrder),
      'Regenerate the initial order from a CPQ quote.',
    );
  }
  return {
    initial: { order: initialOrder, quote: initialQuote },
    contract,
    amendments: amendmentsOf(contract, records),
  };
}

function amendmentsOf(contract: Contract, records: ContractRecords): AmendmentOrder[] {
  const amending = new Map(
    records.opportunities.filter((o) => sameId(o.SBQQ__AmendedContract__c, contract.Id)).map((o) => [idKey(o.Id), o]),
  );
  const amendments = records.orders.flatMap((order) => {
    const opportunity = order.OpportunityId ? amending.get(idKey(order.OpportunityId)) : undefined;
    return opportunity ? [{ order, opportunity, quote: amendmentQuote(order, opportunity, records) }] : [];
  });
  return amendments.sort(
    (a, b) =>
      (a.quote.SBQQ__StartDate__c ?? '').localeCompare(b.quote.SBQQ__StartDate__c ?? '') ||
      Date.parse(a.order.LastModifiedDate ?? '') - Date.parse(b.order.LastModifiedDate ?? '') ||
      a.order.Id.localeCompare(b.order.Id),
  );
}

/** An amendment's quote: the order's own, never a guess between several primary quotes. */
function amendmentQuote(order: Order, opportunity: Opportunity, records: ContractRecords): Quote {
  const quote = quoteOf(order, records);
  if (quote) return quote;
  const primaries = records.quotes.filter((q) => q.SBQQ__Primary__c && sameId(q.SBQQ__Opportunity2__c, opportunity.Id));
  if (primaries.length > 1) {
    throw dataError(
      'More than one quote was found for the amendment order.',
      orderRef(order),
      'Keep one primary quote on the amendment opportunity.',
      'SBQQ__Quote__c',
    );
  }
  throw dataError(
    "The order amendment isn't associated with a quote.",
    orderRef(order),
    'Create the amendment order from its CPQ amendment quote.',
    'SBQQ__Quote__c',
  );
}

function quoteOf(order: Order, records: ContractRecords): Quote | undefined {
  return order.SBQQ__Quote__c ? records.quotes.find((q) => sameId(q.Id, order.SBQQ__Quote__c)) : undefined;
}
