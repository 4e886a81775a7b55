/**
 * The catalogue of parameters Stripe accepts for the pinned API version, generated from stripe-node's own
 * param types (plugin/scripts/generateStripeParams.ts, `npm run generate:stripe-params`). Paths are dotted,
 * with `[]` for array elements: `phases[].items[].price`.
 * A `map` (metadata and the like) accepts any key below it.
 *
 * The emulator rejects unknown parameters with it, and `mapping check` uses it to catch `metdata.x` or
 * `recuring.interval` in a field mapping before anything is sent.
 */
import catalogueJson from './catalogue.generated.json' with { type: 'json' };

export type ParamKind =
  'string' | 'number' | 'boolean' | 'decimal' | 'enum' | 'object' | 'array' | 'map' | 'empty' | 'null';

export interface ParamSpec {
  /** Present (true) when the SDK type declares the property required. */
  required?: true;
  /** What the value may be; `empty` means `''` is accepted to unset it (stripe-node's `Emptyable`). */
  kinds: ParamKind[];
  /** Literal string values, when the type lists them. */
  values?: string[];
  /** The longest string Stripe accepts here (from its OpenAPI spec). */
  maxLength?: number;
}

export interface ParamsCatalogue {
  apiVersion: string;
  stripeNodeVersion: string;
  /** Params type name (`PriceCreateParams`, `Billing.MeterCreateParams`) → path → spec. */
  params: Record<string, Record<string, ParamSpec>>;
}

export const paramsCatalogue = catalogueJson as ParamsCatalogue;

/** Params type names as stripe-node spells them: `PriceCreateParams`, `Billing.MeterCreateParams`, … */
export type ParamsTypeName = keyof typeof catalogueJson.params;

export function isParamsTypeName(name: string): name is ParamsTypeName {
  return Object.hasOwn(paramsCatalogue.params, name);
}

/** All paths of one params type. */
export function paramPaths(type: ParamsTypeName): Readonly<Record<string, ParamSpec>> {
  return paramsCatalogue.params[type] ?? {};
}

/**
 * The spec of a path in any common spelling (`recurring.interval`, `recurring[interval]`, `phases[0][items][1][price]`,
 * `metadata.sfId`), or undefined when Stripe would reject it as unknown. Keys below a map are accepted.
 */
export function lookupParam(type: ParamsTypeName, path: string): ParamSpec | undefined {
  const paths = paramPaths(type);
  let current = '';
  for (const segment of splitParamPath(path)) {
    const parent = paths[current];
    if (current && parent?.kinds.includes('map')) return { kinds: ['string', 'number', 'empty'] };
    const next = segment === '[]' ? `${current}[]` : current ? `${current}.${segment}` : segment;
    if (!paths[next]) return undefined;
    current = next;
  }
  return paths[current];
}

/** `phases[0][items][1].price` → `['phases', '[]', 'items', '[]', 'price']` (numeric segments are array positions). */
export function splitParamPath(path: string): string[] {
  return [...path.matchAll(/\[(\d*)\]|\[([^\]]+)\]|([^.[\]]+)/g)].map(([, position, key, name]) =>
    position !== undefined ? '[]' : (key ?? name ?? ''),
  );
}

/** Stripe's bracket spelling of a path, as its error messages write it: `recurring[interval]`. */
export function bracketPath(segments: readonly (string | number)[]): string {
  const [head, ...rest] = segments;
  return `${String(head ?? '')}${rest.map((s) => `[${String(s)}]`).join('')}`;
}
