/**
 * Resolution of the plan's `@ref:` references (core/plan.ts) as the operations run: a reference becomes
 * the id its creating operation returned; `@ref:…#field` (or a dotted path, `#phases.0.start_date`) reads
 * a field of the latest result for that reference (an update or finalize carries the reference of the object it changes).
 */
import { isRef, type Ref } from '../core/plan/plan.js';

export interface StripeResult {
  readonly id: string;
  readonly [field: string]: unknown;
}

export class UnresolvedReference extends Error {
  constructor(readonly reference: string) {
    super(`The plan refers to ${reference} before any operation created it.`);
    this.name = 'UnresolvedReference';
  }
}

export class ReferenceTable {
  private readonly results = new Map<string, StripeResult>();

  record(reference: Ref, result: StripeResult): void {
    this.results.set(reference, result);
  }

  get size(): number {
    return this.results.size;
  }

  entries(): IterableIterator<[string, StripeResult]> {
    return this.results.entries();
  }

  /** The id or field value a reference stands for; throws `UnresolvedReference` when not yet known. */
  lookup(reference: Ref): unknown {
    const hash = reference.indexOf('#');
    const base = hash < 0 ? reference : reference.slice(0, hash);
    const result = this.results.get(base);
    if (!result) throw new UnresolvedReference(reference);
    if (hash < 0) return result.id;
    // A dotted path walks into objects and lists: `phases.0.start_date`.
    return reference
      .slice(hash + 1)
      .split('.')
      .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], result);
  }

  /** A copy of `value` with every reference replaced; class instances (e.g. Stripe.Decimal) are kept as they are. */
  resolve<T>(value: T): T {
    return this.resolveValue(value) as T;
  }

  private resolveValue(value: unknown): unknown {
    if (isRef(value)) return this.lookup(value);
    if (Array.isArray(value)) return value.map((v) => this.resolveValue(v));
    if (isPlainObject(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolveValue(v)]));
    return value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
