import { buildContractStructure } from '../../../plugin/src/core/records/contract.js';
import { SyncError } from '../../../plugin/src/core/errors.js';
import type * as M from '../../../plugin/src/core/records/models.js';
import { ContractFixture, sfId } from './contractFixture.js';

function fixture(): { c: ContractFixture; m1: M.Order; m2: M.Order } {
  const c = new ContractFixture('2030-01-01', 12);
  // Created out of order: the later-starting amendment first.
  const m2 = c.amendment('2030-06-01', 7).order;
  const m1 = c.amendment('2030-03-01', 10).order;
  return { c, m1, m2 };
}

function errorOf(fn: () => unknown): SyncError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SyncError) return error;
    throw error;
  }
  throw new Error('expected a SyncError');
}

describe('contract structure (spec §2.6.1)', () => {
  it('finds the initial order and the amendments in quote start order from the initial order', () => {
    const { c, m1, m2 } = fixture();
    const s = buildContractStructure(c.initial.order.Id, c.graph());
    expect(s.initial.order.Id).toBe(c.initial.order.Id);
    expect(s.contract?.Id).toBe(c.contract.Id);
    expect(s.amendments.map((a) => a.order.Id)).toEqual([m1.Id, m2.Id]);
  });

  it('finds the same structure from an amendment, through Opportunity.SBQQ__AmendedContract__c and the contract quote', () => {
    const { c, m1, m2 } = fixture();
    const s = buildContractStructure(m2.Id, c.graph());
    expect(s.initial.order.Id).toBe(c.initial.order.Id);
    expect(s.amendments.map((a) => a.order.Id)).toEqual([m1.Id, m2.Id]);
  });

  it('orders amendments with the same start by LastModifiedDate', () => {
    const c = new ContractFixture('2030-01-01', 12);
    const b = c.amendment('2030-03-01', 10).order;
    const a = c.amendment('2030-03-01', 10).order;
    (b as { LastModifiedDate: string }).LastModifiedDate = '2029-06-01T00:00:00.000+0000';
    expect(buildContractStructure(c.initial.order.Id, c.graph()).amendments.map((x) => x.order.Id)).toEqual([
      a.Id,
      b.Id,
    ]);
  });

  it('does not trust Order.Type: an order typed New on an amendment opportunity is an amendment', () => {
    const { c, m1 } = fixture();
    (m1 as { Type: string }).Type = 'New';
    expect(buildContractStructure(m1.Id, c.graph()).initial.order.Id).toBe(c.initial.order.Id);
  });

  it('has no amendments while the initial order is not contracted', () => {
    const { c } = fixture();
    (c.initial.order as { SBQQ__Contracted__c: boolean }).SBQQ__Contracted__c = false;
    expect(buildContractStructure(c.initial.order.Id, c.graph()).amendments).toEqual([]);
  });

  it('reports an initial order without a CPQ quote on the order', () => {
    const { c } = fixture();
    (c.initial.order as { SBQQ__Quote__c: string | null }).SBQQ__Quote__c = null;
    const error = errorOf(() => buildContractStructure(c.initial.order.Id, c.graph()));
    expect(error.resolutionMessage).toBe("Data Error: There's no CPQ quote associated with the Salesforce order.");
    expect(error.record).toEqual({ type: 'Order', id: c.initial.order.Id });
  });

  it('reports an amendment whose contract has no quote', () => {
    const { c, m1 } = fixture();
    (c.contract as { SBQQ__Quote__c: string | null }).SBQQ__Quote__c = null;
    const error = errorOf(() => buildContractStructure(m1.Id, c.graph()));
    expect(error.message).toBe('Could not find initial CPQ Quote associated with order amendment.');
    expect(error.record.id).toBe(m1.Id);
  });

  it('reports more than one contract for the quote', () => {
    const { c } = fixture();
    const records = { ...c.graph(), contracts: [c.contract, { ...c.contract, Id: sfId('800') }] };
    expect(errorOf(() => buildContractStructure(c.initial.order.Id, records)).message).toBe(
      'More than one contract was found for the amendment order.',
    );
  });

  it('reports an amendment without a quote, and one whose opportunity has two primary quotes', () => {
    const { c, m1 } = fixture();
    const amendment = c.orders.find((o) => o.order.Id === m1.Id)!;
    (m1 as { SBQQ__Quote__c: string | null }).SBQQ__Quote__c = null;
    expect(errorOf(() => buildContractStructure(m1.Id, c.graph())).message).toBe(
      "The order amendment isn't associated with a quote.",
    );
    const records = { ...c.graph(), quotes: [...c.graph().quotes, { ...amendment.quote, Id: sfId('a0q') }] };
    const error = errorOf(() => buildContractStructure(m1.Id, records));
    expect(error.message).toBe('More than one quote was found for the amendment order.');
    expect(error.record.id).toBe(m1.Id);
  });

  it('reports a contract whose quote leads to two initial orders', () => {
    const { c, m1 } = fixture();
    const records = {
      ...c.graph(),
      orders: [...c.graph().orders, { ...c.initial.order, Id: sfId('801'), OpportunityId: null }],
    };
    expect(errorOf(() => buildContractStructure(m1.Id, records)).message).toMatch(
      /^More than one initial order was found/,
    );
  });
});
