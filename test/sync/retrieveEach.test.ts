/** The one helper that reads Stripe objects by id for the billing summary and the planner's linked objects. */
import { describe, expect, it } from '@jest/globals';
import Stripe from 'stripe';
import { retrieveEach, type StripeGateway } from '../../plugin/src/stripe/client.js';
import { isResourceMissing } from '../../plugin/src/stripe/errors.js';

function countingGateway(): { gateway: StripeGateway; calls: string[] } {
  const calls: string[] = [];
  const gateway = {
    call: <T>(name: string, request: () => Promise<T>) => {
      calls.push(name);
      return request();
    },
  } as unknown as StripeGateway;
  return { gateway, calls };
}

const missing = (id: string) =>
  new Stripe.errors.StripeInvalidRequestError({
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such coupon: '${id}'`,
  });

describe('retrieveEach', () => {
  it('reads each distinct id once, through the gateway, keyed by id', async () => {
    const { gateway, calls } = countingGateway();
    const read: string[] = [];
    const found = await retrieveEach(gateway, 'coupons.retrieve', ['co_a', 'co_b', 'co_a', '', 'co_b'], async (id) => {
      read.push(id);
      return { id, name: id.toUpperCase() };
    });
    expect(read).toEqual(['co_a', 'co_b']);
    expect(calls).toEqual(['coupons.retrieve', 'coupons.retrieve']);
    expect([...found]).toEqual([
      ['co_a', { id: 'co_a', name: 'CO_A' }],
      ['co_b', { id: 'co_b', name: 'CO_B' }],
    ]);
  });

  it('leaves out an id the missing handler turns into undefined, and rethrows without one', async () => {
    const { gateway } = countingGateway();
    const retrieve = async (id: string) => {
      if (id === 'co_gone') throw missing(id);
      return { id };
    };
    const skip = (error: unknown): undefined => {
      if (isResourceMissing(error)) return undefined;
      throw error;
    };
    const found = await retrieveEach(gateway, 'coupons.retrieve', ['co_kept', 'co_gone'], retrieve, skip);
    expect([...found.keys()]).toEqual(['co_kept']);
    await expect(retrieveEach(gateway, 'coupons.retrieve', ['co_kept', 'co_gone'], retrieve)).rejects.toThrow(
      "No such coupon: 'co_gone'",
    );
  });
});
