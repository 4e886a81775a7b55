// Core checks that an org's own rules keep out of a normal sync (Salesforce keeps every line in its order's
// currency; a record the integration user cannot read comes back as a null relationship), tested on the
// planner alone: the message, the fix and the record, and no plan.
import { describe, expect, it } from '@jest/globals';
import { planOrderSync } from '../../plugin/src/core/plan/planner.js';
import { OrderBuilder, syncContext } from '../core/orderFixture.js';
import { errorsOf } from '../core/planHelpers.js';

function seatsOrder() {
  const b = new OrderBuilder({ start: '2030-03-01', term: 12 });
  const seat = b.product({ name: 'Seat', billingFrequency: 'Monthly', listPrice: 100 });
  const first = b.line(seat, { quantity: 2, unitPrice: 100 });
  const second = b.line(seat, { quantity: 1, unitPrice: 100 });
  return { b, first, second };
}

const plan =
  (b: OrderBuilder, settings = {}) =>
  () =>
    planOrderSync({
      graph: b.graph(),
      state: {},
      context: syncContext('2030-01-15T12:00:00Z', settings),
      orderId: b.order.Id,
    });

describe('core checks behind the org’s own rules', () => {
  it('order lines in two currencies (multi-currency org): on the line in the other currency', () => {
    const { b, second } = seatsOrder();
    Object.assign(second, { CurrencyIsoCode: 'EUR' });
    b.pricebookEntries.push({ ...b.pricebookEntries[0]!, Id: b.id('01u'), CurrencyIsoCode: 'EUR' });
    Object.assign(second, { PricebookEntryId: b.pricebookEntries[1]!.Id });
    const errors = errorsOf(plan(b, { multiCurrency: true }));
    expect(errors.map((e) => [e.record.type, e.record.id, e.field, e.fix])).toContainEqual([
      'OrderItem',
      second.Id,
      'CurrencyIsoCode',
      'Use one currency for every line of the order.',
    ]);
    expect(errors.map((e) => e.resolutionMessage)).toContainEqual(
      expect.stringMatching(
        /^Data Error: All order lines must have the same currency: this line is in eur, order line \w+ in usd\.$/,
      ),
    );
  });

  it('a line whose product the integration user cannot read: a connector error on the line', () => {
    const { b, first } = seatsOrder();
    b.products.length = 0;
    const errors = errorsOf(plan(b));
    expect(errors.map((e) => [e.resolutionMessage, e.record.id, e.field, e.fix])).toContainEqual([
      `Connector Error: The product ${first.Product2Id} of the order line was not found.`,
      first.Id,
      'Product2Id',
      'Check that the integration user can read the product, then sync again.',
    ]);
  });

  it('an order whose account the integration user cannot read: a connector error on the order', () => {
    const { b } = seatsOrder();
    const graph = { ...b.graph(), accounts: [] };
    const errors = errorsOf(() =>
      planOrderSync({ graph, state: {}, context: syncContext('2030-01-15T12:00:00Z'), orderId: b.order.Id }),
    );
    expect(errors.map((e) => [e.resolutionMessage, e.record.type, e.field, e.fix])).toEqual([
      [
        `Connector Error: The order's account ${b.order.AccountId} is not in the records read for the sync.`,
        'Order',
        'AccountId',
        'Check that the integration user can read the account.',
      ],
    ]);
  });

  it('an order that is not among the records read: a connector error naming it', () => {
    const { b } = seatsOrder();
    const missing = b.id('801');
    const errors = errorsOf(() =>
      planOrderSync({ graph: b.graph(), state: {}, context: syncContext('2030-01-15T12:00:00Z'), orderId: missing }),
    );
    expect(errors.map((e) => [e.resolutionMessage, e.record.id, e.fix])).toEqual([
      [
        `Connector Error: The order ${missing} is not in the records read for the sync.`,
        missing,
        'Check that the integration user can read the order, then sync again.',
      ],
    ]);
  });
});
