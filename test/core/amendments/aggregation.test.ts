import fc from 'fast-check';
import {
  activeItems,
  applyAmendmentLines,
  initialContractItems,
  remainingQuantity,
  type ContractItem,
} from '../../../plugin/src/core/amendments/aggregation.js';
import type { SyncError } from '../../../plugin/src/core/errors.js';
import type * as M from '../../../plugin/src/core/records/models.js';
import { ContractFixture } from './contractFixture.js';

const contract = new ContractFixture('2030-01-01', 12);
const product = contract.product({ name: 'A', billingFrequency: 'Monthly', listPrice: 10 });

/** A line of 10 a unit; `revises` makes it an amendment line of the line's original order product. */
function line(quantity: number, revises?: M.OrderItem, extra: Partial<M.OrderItem> = {}): M.OrderItem {
  return contract.line(product, { quantity, unitPrice: 10, revises: revises?.Id, orderItem: extra });
}

const quantities = (items: readonly ContractItem[]) => items.map((i) => [i.line.Id, remainingQuantity(i)]);

describe('line aggregation (spec §2.6.2)', () => {
  it('S26: a partial decrease leaves one item with the remaining quantity', () => {
    const a = line(2);
    const items = applyAmendmentLines(initialContractItems([a]), [line(-1, a)]);
    expect(quantities(activeItems(items))).toEqual([[a.Id, 1]]);
  });

  it('S21: positive lines are appended, negative lines reduce the line they revise', () => {
    const a = line(10);
    const b = line(5);
    const items = applyAmendmentLines(initialContractItems([a]), [line(-4, a), b]);
    expect(quantities(items)).toEqual([
      [a.Id, 6],
      [b.Id, 5],
    ]);
  });

  it('S30: a reduction takes from the most recently added line of the chain first', () => {
    const a = line(3);
    const more = line(2, a);
    const afterM1 = applyAmendmentLines(initialContractItems([a]), [more]);
    const afterM2 = applyAmendmentLines(afterM1, [line(-3, a)]);
    expect(quantities(afterM2)).toEqual([
      [a.Id, 2],
      [more.Id, 0],
    ]);
  });

  it('removes fully terminated items', () => {
    const a = line(1);
    const b = line(1);
    expect(activeItems(applyAmendmentLines(initialContractItems([a, b]), [line(-1, b)])).map((i) => i.line.Id)).toEqual(
      [a.Id],
    );
  });

  it('treats every line of the initial order as an origin, even a renewal line that names a revised line', () => {
    const old = line(1);
    const renewal = line(4, old);
    expect(initialContractItems([renewal])[0]!.originId).toBe(renewal.Id);
  });

  it('S32: a revision of a skipped line is the documented error, on the revising line', () => {
    const skipped = line(2, undefined, { Skip_Line_Item__c: true });
    const revision = line(-1, skipped);
    const items = initialContractItems([skipped]);
    expect(items).toEqual([]);
    const error = (() => {
      try {
        applyAmendmentLines(items, [revision]);
      } catch (e) {
        return e as SyncError;
      }
      throw new Error('no error');
    })();
    expect(error.resolutionMessage).toBe(
      `Data Error: Any order items, revising order items in a previous order, must not be skipped in the previous order. Order line with ID '${skipped.Id}' could not be found.`,
    );
    expect(error.record).toEqual({ type: 'OrderItem', id: revision.Id });
  });

  it('skips the revisions of a skipped line too', () => {
    const skipped = line(2, undefined, { Skip_Line_Item__c: true });
    expect(
      applyAmendmentLines(initialContractItems([skipped]), [line(-1, skipped, { Skip_Line_Item__c: true })]),
    ).toEqual([]);
  });

  it('S27: over-termination is the documented error', () => {
    const a = line(2);
    expect(() => applyAmendmentLines(initialContractItems([a]), [line(-3, a)])).toThrow(
      'The termination quantity is greater than the aggregate quantity for the order item.',
    );
  });

  it('rejects the same order line listed twice', () => {
    const a = line(2);
    expect(() => applyAmendmentLines(initialContractItems([a]), [a])).toThrow(
      'Found two Order Items with the same ID.',
    );
  });

  it('property: quantities never go negative and each chain keeps the sum of its deltas', () => {
    // A random sequence of amendments over three origin lines: each delta either adds units to a chain
    // or takes away at most what the chain holds.
    const amendments = fc.array(
      fc.array(fc.record({ chain: fc.integer({ min: 0, max: 2 }), delta: fc.integer({ min: -4, max: 4 }) }), {
        maxLength: 4,
      }),
      {
        maxLength: 8,
      },
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 3 }),
        amendments,
        (initialQuantities, deltas) => {
          const origins = initialQuantities.map((q) => line(q));
          const expected = [...initialQuantities];
          let items = initialContractItems(origins);
          for (const amendment of deltas) {
            const held = [...expected];
            const lines = amendment.flatMap(({ chain, delta }) => {
              const take = Math.max(delta, -held[chain]!);
              held[chain]! += take;
              return take === 0 ? [] : [line(take, origins[chain])];
            });
            // Reductions apply after additions, so a chain may give back what this amendment adds.
            items = applyAmendmentLines(items, lines);
            lines.forEach(
              (l) => (expected[origins.findIndex((o) => o.Id === l.SBQQ__RevisedOrderProduct__c)]! += l.Quantity),
            );
          }
          for (const item of items) expect(remainingQuantity(item)).toBeGreaterThanOrEqual(0);
          origins.forEach((origin, i) => {
            const chainTotal = items
              .filter((it) => it.originId === origin.Id)
              .reduce((sum, it) => sum + remainingQuantity(it), 0);
            expect(chainTotal).toBe(expected[i]);
          });
        },
      ),
    );
  });
});
