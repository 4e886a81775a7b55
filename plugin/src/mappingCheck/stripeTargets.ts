/**
 * Which Stripe object each mapping key feeds, in the pinned API version's parameter catalogue (the
 * Salesforce record its paths start from is MAPPING_ROOTS, beside the reader that loads it).
 */
import { TERMINATION_PREFIX, type MappingKey } from '../core/mappings/mappings.js';
import {
  lookupParam,
  paramPaths,
  paramsCatalogue,
  splitParamPath,
  type ParamsTypeName,
  type ParamSpec,
} from '../stripe/params/index.js';
import { didYouMean, suggestName } from './suggestions.js';

/** The Stripe API version the catalogue was generated for (stripe-node's pinned version). */
export const API_VERSION = paramsCatalogue.apiVersion;

export interface StripeTarget {
  /** The stripe-node params type the mapped values land in. */
  readonly params: ParamsTypeName;
  /** Where inside those params: `phases[].items[].` for subscription items. */
  readonly prefix: string;
  /** How the admin knows the Stripe object. */
  readonly label: string;
}

export const STRIPE_TARGETS: Readonly<Record<MappingKey, StripeTarget>> = {
  customer: { params: 'CustomerCreateParams', prefix: '', label: 'customer' },
  product: { params: 'ProductCreateParams', prefix: '', label: 'product' },
  price: { params: 'PriceCreateParams', prefix: '', label: 'price' },
  price_order_item: { params: 'PriceCreateParams', prefix: '', label: 'price' },
  subscription_schedule: { params: 'SubscriptionScheduleCreateParams', prefix: '', label: 'subscription schedule' },
  subscription_phase: { params: 'SubscriptionScheduleCreateParams', prefix: 'phases[].', label: 'schedule phase' },
  subscription_item: {
    params: 'SubscriptionScheduleCreateParams',
    prefix: 'phases[].items[].',
    label: 'subscription item',
  },
  invoice: { params: 'InvoiceCreateParams', prefix: '', label: 'invoice' },
  coupon: { params: 'CouponCreateParams', prefix: '', label: 'coupon' },
};

/**
 * Paths the product reads itself and never sends: `iterations` is the subscription term in months
 * (spec §2.2; the API's own phase `iterations` is gone), so the catalogue does not know them.
 */
const PRODUCT_PATHS: Readonly<Partial<Record<MappingKey, readonly string[]>>> = {
  subscription_schedule: ['iterations'],
  subscription_phase: ['iterations'],
};

export type StripePathCheck =
  | { readonly ok: true; readonly spec: ParamSpec; /** A key below a map such as metadata. */ readonly mapKey: boolean }
  | { readonly ok: false; readonly message: string; readonly suggestion: string | undefined };

/** Mapped path without the termination-metadata prefix (spec §2.2: `sbc_termination.metadata.reason`). */
export function effectiveStripePath(path: string): string {
  return path.startsWith(TERMINATION_PREFIX) ? path.slice(TERMINATION_PREFIX.length) : path;
}

/** Whether the Stripe object behind `key` accepts `path`, with the nearest valid spelling when it does not. */
export function checkStripePath(key: MappingKey, mappedPath: string): StripePathCheck {
  const target = STRIPE_TARGETS[key];
  const path = effectiveStripePath(mappedPath);
  if (PRODUCT_PATHS[key]?.includes(path)) return { ok: true, spec: { kinds: ['number'] }, mapKey: false };
  const spec = lookupParam(target.params, target.prefix + path);
  if (spec) return { ok: true, spec, mapKey: isBelowMap(target, path) };
  return {
    ok: false,
    message: `Stripe ${target.label}s have no parameter "${path}" in API version ${API_VERSION}.`,
    suggestion: nearestPath(target, path),
  };
}

/** A path Stripe does not accept, worded for the admin (shared by `mapping check` and the engine). */
export function stripePathProblem(
  key: MappingKey,
  failed: Extract<StripePathCheck, { ok: false }>,
): { message: string; fix: string } {
  return {
    message: `${failed.message}${didYouMean(failed.suggestion)}`,
    fix: failed.suggestion
      ? `Change the Stripe path to ${failed.suggestion}.`
      : `Use a parameter of Stripe's ${STRIPE_TARGETS[key].params} (see docs.stripe.com/api).`,
  };
}

function isBelowMap(target: StripeTarget, path: string): boolean {
  const segments = splitParamPath(path);
  return (
    segments.length > 1 &&
    (lookupParam(target.params, target.prefix + segments.slice(0, -1).join('.'))?.kinds.includes('map') ?? false)
  );
}

/** Corrects the first unknown segment to its closest sibling: `recuring.interval` → `recurring.interval`. */
function nearestPath(target: StripeTarget, path: string): string | undefined {
  const paths = Object.keys(paramPaths(target.params));
  const segments = path.split('.');
  let known = target.prefix.replace(/\.$/, '');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const next = known ? `${known}.${segment}` : segment;
    if (paths.includes(next)) {
      known = next;
      continue;
    }
    const children = [
      ...new Set(
        paths
          .filter((p) => (known ? p.startsWith(`${known}.`) : true))
          .map((p) => (known ? p.slice(known.length + 1) : p).split('.')[0] as string),
      ),
    ];
    const fixed = suggestName(
      segment,
      children.filter((c) => !c.includes('[')),
    );
    if (!fixed) return undefined;
    const corrected = [...segments.slice(0, i), fixed, ...segments.slice(i + 1)].join('.');
    return lookupParam(target.params, target.prefix + corrected) ? corrected : undefined;
  }
  return undefined;
}
