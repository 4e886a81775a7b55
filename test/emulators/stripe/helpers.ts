// Shared set-up for the Stripe emulator's tests: an emulator per test file, the official SDK pointed at it,
// and a way to catch the SDK's typed errors.
import Stripe from 'stripe';
import { startStripeEmulator, stripeClientFor, type StripeEmulator, type StripeEmulatorOptions } from '../../../plugin/src/emulators/stripe/index.js';

export interface EmulatorFixture {
  emulator: StripeEmulator;
  stripe: Stripe;
}

/** Starts an emulator before the file's tests and stops it after; the limiter is off unless asked for. */
export function useEmulator(options: StripeEmulatorOptions = {}, maxNetworkRetries = 0): EmulatorFixture {
  const fixture = {} as EmulatorFixture;
  beforeAll(async () => {
    fixture.emulator = await startStripeEmulator({ opsPerSecond: Infinity, ...options });
    fixture.stripe = stripeClientFor(fixture.emulator, { maxNetworkRetries });
  });
  afterAll(async () => {
    await fixture.emulator.close();
  });
  return fixture;
}

/** The StripeError a call rejects with (fails the test if it resolves). */
export async function stripeError(call: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('Expected the call to be refused, but it succeeded');
}

export const DAY = 86_400;

/** 2030-01-01T00:00:00Z: a fixed "now" for test clocks. */
export const JAN_1_2030 = Date.UTC(2030, 0, 1) / 1000;

export async function product(stripe: Stripe, name = 'Widget'): Promise<Stripe.Product> {
  return stripe.products.create({ name });
}

export async function monthlyPrice(stripe: Stripe, productId: string, unitAmount = 1000): Promise<Stripe.Price> {
  return stripe.prices.create({ product: productId, currency: 'usd', unit_amount: unitAmount, recurring: { interval: 'month' } });
}

export async function waitForClock(stripe: Stripe, id: string): Promise<Stripe.TestHelpers.TestClock> {
  for (;;) {
    const clock = await stripe.testHelpers.testClocks.retrieve(id);
    if (clock.status !== 'advancing') return clock;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
