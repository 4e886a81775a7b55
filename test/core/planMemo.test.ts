// The per-plan memo: one computation per table and key, nothing shared between plans.
import { PlanMemo } from '../../plugin/src/core/plan/planMemo.js';

describe('PlanMemo', () => {
  it('computes a key once per table and returns the same value afterwards', () => {
    const memo = new PlanMemo();
    let calls = 0;
    const compute = () => ({ n: ++calls });
    const first = memo.once('product', '01t000000000001', compute);
    expect(memo.once('product', '01t000000000001', compute)).toBe(first);
    expect(memo.once('product', '01t000000000002', compute)).toEqual({ n: 2 });
    expect(memo.once('pricebookEntryCandidate', '01t000000000001', compute)).toEqual({ n: 3 });
    expect(calls).toBe(3);
  });

  it('remembers undefined results too, and shares nothing with another plan', () => {
    const memo = new PlanMemo();
    let calls = 0;
    memo.once('meter', 'x', () => void calls++);
    memo.once('meter', 'x', () => void calls++);
    new PlanMemo().once('meter', 'x', () => void calls++);
    expect(calls).toBe(2);
  });
});
