/**
 * docs.stripe.com/api/coupons/create: exactly one of `percent_off` (0 < p ≤ 100) and `amount_off` (which needs
 * `currency`); `duration` defaults to `once`; `duration_in_months` is required with, and only allowed with,
 * `repeating`. Only name and metadata change afterwards (CouponUpdateParams holds nothing else).
 */
import { invalidRequest, onlyOneOf, parameterInvalid, parameterMissing } from '../errors.js';
import type { Coupon } from '../objects.js';
import { listPage, newId } from '../store.js';
import type { ApiRequest, Route } from '../state.js';
import { applyMetadata, checkPositiveInteger } from '../validation.js';
import { checkCurrency } from './prices.js';

function create({ state, params }: ApiRequest): Coupon {
  const id = typeof params.id === 'string' ? params.id : newId('', 8);
  if (state.store.coupons.has(id))
    throw invalidRequest('Coupon already exists.', { code: 'resource_already_exists', param: 'id' });
  const hasPercent = params.percent_off !== undefined;
  const hasAmount = params.amount_off !== undefined;
  if (hasPercent && hasAmount) throw onlyOneOf(['amount_off', 'percent_off']);
  if (!hasPercent && !hasAmount)
    throw invalidRequest('Must provide one of these parameters: amount_off, percent_off.', {
      code: 'parameter_missing',
      param: 'percent_off',
    });
  const percentOff = hasPercent ? Number(params.percent_off) : null;
  if (percentOff !== null && (percentOff <= 0 || percentOff > 100)) {
    throw parameterInvalid('percent_off', 'Invalid percent_off: must be greater than 0 and less than or equal to 100.');
  }
  const amountOff = hasAmount ? checkPositiveInteger(params.amount_off, 'amount_off') : null;
  if (amountOff !== null && params.currency === undefined) throw parameterMissing('currency');
  const duration = (params.duration as Coupon['duration'] | undefined) ?? 'once';
  if (duration === 'repeating' && params.duration_in_months === undefined) throw parameterMissing('duration_in_months');
  if (duration !== 'repeating' && params.duration_in_months !== undefined) {
    throw parameterInvalid(
      'duration_in_months',
      'You can only pass duration_in_months when duration is set to repeating.',
    );
  }
  return state.store.coupons.insert({
    id,
    object: 'coupon',
    created: state.clock.now(),
    livemode: false,
    name: typeof params.name === 'string' ? params.name : null,
    percent_off: percentOff,
    amount_off: amountOff,
    currency: params.currency === undefined ? null : checkCurrency(params.currency, 'currency'),
    duration,
    duration_in_months:
      params.duration_in_months === undefined
        ? null
        : checkPositiveInteger(params.duration_in_months, 'duration_in_months'),
    max_redemptions:
      params.max_redemptions === undefined ? null : checkPositiveInteger(params.max_redemptions, 'max_redemptions'),
    redeem_by: (params.redeem_by as number | undefined) ?? null,
    applies_to: params.applies_to ?? undefined,
    times_redeemed: 0,
    valid: true,
    metadata: applyMetadata({}, params.metadata),
  });
}

export const couponRoutes: Route[] = [
  { method: 'POST', path: '/v1/coupons', params: 'CouponCreateParams', handle: create },
  {
    method: 'GET',
    path: '/v1/coupons',
    params: 'CouponListParams',
    handle: ({ state, params }) => listPage(state.store.coupons.all(), params, '/v1/coupons'),
  },
  {
    method: 'GET',
    path: '/v1/coupons/:id',
    params: 'CouponRetrieveParams',
    handle: ({ state, id }) => state.store.coupons.get(id, 'id'),
  },
  {
    method: 'POST',
    path: '/v1/coupons/:id',
    params: 'CouponUpdateParams',
    handle: ({ state, id, params }) => {
      const coupon = state.store.coupons.get(id, 'id');
      if (params.name !== undefined) coupon.name = params.name === '' ? null : params.name;
      coupon.metadata = applyMetadata(coupon.metadata ?? {}, params.metadata);
      return coupon;
    },
  },
  {
    method: 'DELETE',
    path: '/v1/coupons/:id',
    params: 'CouponDeleteParams',
    handle: ({ state, id }) => {
      state.store.coupons.get(id, 'id').deleted = true;
      return { id, object: 'coupon', deleted: true };
    },
  },
];
