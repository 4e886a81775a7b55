// The product's length check (plugin/src/stripe/paramLimits.ts) and the emulator refuse the same strings: for every
// operation a sync plan can hold, every modelled top-level string with a maxLength is flagged by the product and
// refused by the emulator one character over the limit, and neither at the limit. Both read the limit from the
// params catalogue (Stripe's OpenAPI maxLength), so a change to one reaches the other.
import { stringify } from 'qs';
import type { StripeOperation } from '../../../plugin/src/core/plan/plan.js';
import { MODELLED_PARAMS } from '@stripe-cpq/stripe-emulator/modelledParams.js';
import { overLongParams } from '../../../plugin/src/stripe/paramLimits.js';
import { paramPaths, type ParamsTypeName } from '../../../plugin/src/stripe/params/index.js';
import { useEmulator } from './helpers.js';

const fx = useEmulator();

/** Each plan operation with a string to check: its route and params type. */
const OPERATIONS: [StripeOperation['op'], string, ParamsTypeName][] = [
  ['customers.create', 'POST /v1/customers', 'CustomerCreateParams'],
  ['customers.update', 'POST /v1/customers/x_missing', 'CustomerUpdateParams'],
  ['products.create', 'POST /v1/products', 'ProductCreateParams'],
  ['products.update', 'POST /v1/products/x_missing', 'ProductUpdateParams'],
  ['prices.create', 'POST /v1/prices', 'PriceCreateParams'],
  ['prices.update', 'POST /v1/prices/x_missing', 'PriceUpdateParams'],
  ['coupons.create', 'POST /v1/coupons', 'CouponCreateParams'],
  ['billing.meters.create', 'POST /v1/billing/meters', 'Billing.MeterCreateParams'],
  ['testClocks.create', 'POST /v1/test_helpers/test_clocks', 'TestHelpers.TestClockCreateParams'],
  ['subscriptionSchedules.create', 'POST /v1/subscription_schedules', 'SubscriptionScheduleCreateParams'],
  ['subscriptions.update', 'POST /v1/subscriptions/x_missing', 'SubscriptionUpdateParams'],
  ['invoices.create', 'POST /v1/invoices', 'InvoiceCreateParams'],
];

const CASES = OPERATIONS.flatMap(([op, route, type]) =>
  (MODELLED_PARAMS[type] ?? [])
    .filter((param) => !/[.[=]/.test(param))
    .flatMap((param) => {
      const spec = paramPaths(type)[param];
      return spec?.kinds.includes('string') && spec.maxLength !== undefined
        ? [[op, route, param, spec.maxLength] as const]
        : [];
    }),
);

async function lengthRefusal(
  route: string,
  params: Record<string, unknown>,
): Promise<{ param?: string; message?: string } | undefined> {
  const [method = 'POST', path = ''] = route.split(' ');
  const response = await fetch(`${fx.emulator.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${fx.emulator.apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: stringify(params),
  });
  const body = (await response.json()) as { error?: { param?: string; message?: string } };
  return body.error?.message?.includes('must be at most') ? body.error : undefined;
}

function productFlags(op: StripeOperation['op'], param: string, value: string): string[] {
  const operation = {
    op,
    ref: '@ref:x',
    idempotencyKey: 'k',
    source: { id: '801000000000001', type: 'Order' },
    id: 'x',
    params: { [param]: value },
  } as unknown as StripeOperation;
  return overLongParams([operation]).map((error) => String(error.field));
}

describe("the product's length check and the emulator agree", () => {
  it('checks strings of every operation kind a plan sends', () => {
    expect(new Set(CASES.map(([op]) => op)).size).toBeGreaterThanOrEqual(10);
  });

  it.each(CASES)('%s %s: %s at most %i characters', async (op, route, param, maxLength) => {
    const over = 'x'.repeat(maxLength + 1);
    const at = 'x'.repeat(maxLength);
    expect(productFlags(op, param, over)).toEqual([param]);
    expect(await lengthRefusal(route, { [param]: over })).toMatchObject({
      param,
      message: expect.stringContaining(`must be at most ${maxLength} characters`) as unknown,
    });
    expect(productFlags(op, param, at)).toEqual([]);
    expect(await lengthRefusal(route, { [param]: at })).toBeUndefined();
  });
});
