/**
 * Stripe's `expand[]` (docs.stripe.com/api/expanding_objects): the id at a dotted path of an answer becomes the
 * object it names. Arrays are walked item by item and a list's `data` like any property, so `lines.data.discounts`
 * reaches every line's discount ids. Only the paths a route lists in `modelledParams.ts` get here; the answer is
 * copied along the path, so the stored object keeps its ids.
 */
import type { ParamsTypeName } from 'plugin-stripe-cpq/lib/stripe/params/index.js';
import type { StripeStore } from './objects.js';
import type { ApiRequest, Route } from './state.js';
import type { Params } from './validation.js';

/** The object an id names (a store's `get`). */
export type Expander = (id: string) => unknown;

/** The expanders of a route: expandable path → what an id at it names. */
export type Expanders = (store: StripeStore) => Readonly<Record<string, Expander>>;

/** A `GET` route answering what `find` reads, with the request's `expand[]` paths expanded. */
export function retrieveRoute(
  path: string,
  params: ParamsTypeName,
  find: (request: ApiRequest) => unknown,
  expanders: Expanders,
): Route {
  return {
    method: 'GET',
    path,
    params,
    handle: (request) => expanded(find(request), request.params, expanders(request.state.store)),
  };
}

/** Discount ids at each of `paths` become the discounts. */
export const discountsAt =
  (...paths: string[]): Expanders =>
  (store) =>
    Object.fromEntries(paths.map((path) => [path, (id: string) => store.discounts.get(id)]));

/** A product id at `product` becomes the product (a deleted one too, as Stripe expands it). */
export const productAt: Expanders = (store) => ({ product: (id) => store.products.get(id, 'product', true) });

/** `answer` with every requested path of `expanders` expanded. */
function expanded<T>(answer: T, params: Params, expanders: Readonly<Record<string, Expander>>): T {
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
