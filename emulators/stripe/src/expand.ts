/**
 * Stripe's `expand[]` (docs.stripe.com/api/expanding_objects): the id at a dotted path of an answer becomes the
 * object it names. Arrays are walked item by item and a list's `data` like any property, so `lines.data.discounts`
 * reaches every line's discount ids. Only the paths a route lists in `modelledParams.ts` get here; the answer is
 * copied along the path, so the stored object keeps its ids.
 */
import type { Params } from './validation.js';

/** The object an id names (a store's `get`). */
export type Expander = (id: string) => unknown;

/** `answer` with every requested path of `expanders` expanded. */
export function expanded<T>(answer: T, params: Params, expanders: Readonly<Record<string, Expander>>): T {
  const paths = (params.expand as string[] | undefined) ?? [];
  return paths.reduce<unknown>((value, path) => {
    const expander = expanders[path];
    return expander ? expandAt(value, path.split('.'), expander) : value;
  }, answer) as T;
}

function expandAt(value: unknown, path: readonly string[], expander: Expander): unknown {
  if (Array.isArray(value)) return value.map((item) => expandAt(item, path, expander));
  const [key, ...rest] = path;
  if (key === undefined) return typeof value === 'string' ? expander(value) : value;
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  return { ...object, [key]: expandAt(object[key], rest, expander) };
}
