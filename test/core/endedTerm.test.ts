// Decision: an initial order whose whole term ended before the sync is refused with a data error (its
// schedule would be created already completed, billing the past term at once); a term still running —
// even backdated — and one-time orders sync as before.
import { planOrderSync } from '../../plugin/src/core/plan/planner.js';
import { OrderBuilder, syncContext } from './orderFixture.js';
import { errorsOf, ops } from './planHelpers.js';

function monthlyOrder(start: string, term: number, oneTimeOnly = false) {
  const b = new OrderBuilder({ start, term });
  const product = oneTimeOnly
    ? b.product({ name: 'Setup', listPrice: 500 })
    : b.product({ name: 'Seat', billingFrequency: 'Monthly', term: 1, listPrice: 100 });
  b.line(product, { quantity: 2, unitPrice: oneTimeOnly ? 500 : 100 * term });
  return b;
}

const plan = (b: OrderBuilder, now: string) =>
  planOrderSync({ graph: b.graph(), state: {}, context: syncContext(now), orderId: b.order.Id });

describe('an initial order whose term has already ended', () => {
  it('is refused on the Order, naming the last day of the term and the fix, with nothing planned', () => {
    const b = monthlyOrder('2029-01-01', 12);
    const [error, ...rest] = errorsOf(() => plan(b, '2030-01-01T00:00:00Z'));
    expect(rest).toEqual([]);
    expect(error).toMatchObject({
      record: { type: 'Order', id: expect.stringMatching(new RegExp(`^${b.order.Id.slice(0, 15)}`)) },
      field: 'SBQQ__Quote__c.SBQQ__StartDate__c',
      fix: expect.stringContaining('Check the quote start date and subscription term'),
    });
    expect(error!.resolutionMessage).toContain('ended on 2029-12-31');
  });

  it('still syncs a backdated term that ends after now, as a schedule starting in the past', () => {
    const b = monthlyOrder('2029-01-01', 12);
    const [create] = ops(plan(b, '2029-12-31T23:59:59Z'), 'subscriptionSchedules.create');
    expect(create?.params.start_date).toBe(Date.UTC(2029, 0, 1) / 1000);
  });

  it('leaves one-time orders alone: a past invoice is still an invoice', () => {
    const b = monthlyOrder('2029-01-01', 12, true);
    expect(ops(plan(b, '2030-06-01T00:00:00Z'), 'invoices.create')).toHaveLength(1);
  });
});
