// Reading a SyncPlan in tests: operations by name, the schedule's params, the errors a plan raised.
import { SyncErrors, type SyncError } from '../../plugin/src/core/errors.js';
import type { StripeOperation, SyncPlan } from '../../plugin/src/core/plan/plan.js';

export type Op<N extends StripeOperation['op']> = Extract<StripeOperation, { op: N }>;

export function ops<N extends StripeOperation['op']>(plan: SyncPlan, name: N): Op<N>[] {
  return plan.operations.filter((o): o is Op<N> => o.op === name);
}

export function only<N extends StripeOperation['op']>(plan: SyncPlan, name: N): Op<N> {
  const found = ops(plan, name);
  if (found.length !== 1) throw new Error(`expected one ${name}, found ${found.length}`);
  return found[0] as Op<N>;
}

/** The params as Stripe receives them (SDK decimals become their text), for exact comparison. */
export function json<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** The SyncErrors a planning call throws (fails the test if it does not throw). */
export function errorsOf(plan: () => unknown): readonly SyncError[] {
  try {
    plan();
  } catch (error) {
    if (error instanceof SyncErrors) return error.errors;
    throw error;
  }
  throw new Error('expected the planner to raise SyncErrors');
}

export function link(id: string): string {
  return `https://acme.my.salesforce.com/${id}`;
}

/** Prices the plan creates that no other operation mentions (their own archive update aside). */
export function unusedPrices(plan: SyncPlan): string[] {
  const created = plan.operations.filter((o) => o.op === 'prices.create').map((o) => o.ref);
  return created.filter(
    (price) => !plan.operations.some((o) => o.ref !== price && JSON.stringify(o).includes(`"${price}`)),
  );
}
