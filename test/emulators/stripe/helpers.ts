// Shared set-up for the Stripe emulator's tests: an emulator per test file, the official SDK pointed at it,
// and a way to catch the SDK's typed errors.
import Stripe from 'stripe';
import { addInterval } from '@stripe-cpq/stripe-emulator/clock.js';
import { ConformanceRecorder } from './conformance.js';
import {
  startStripeEmulator,
  stripeClientFor,
  type StripeEmulator,
  type StripeEmulatorOptions,
} from '@stripe-cpq/stripe-emulator';

export interface EmulatorFixture {
  emulator: StripeEmulator;
  stripe: Stripe;
  /** Every answer of the emulator, checked against Stripe's response schemas (conformance.ts). */
  conformance: ConformanceRecorder;
}

/**
 * Starts an emulator before the file's tests and stops it after; the limiter is off unless asked for. Every
 * answer it gives is checked against Stripe's response schemas: a test during which the emulator answered
 * what Stripe would not fails.
 */
export function useEmulator(options: StripeEmulatorOptions = {}, maxNetworkRetries = 0): EmulatorFixture {
  const fixture = { conformance: useConformance() } as EmulatorFixture;
  beforeAll(async () => {
    fixture.emulator = await startStripeEmulator({
      opsPerSecond: Infinity,
      onResponse: fixture.conformance.listener,
      ...options,
    });
    fixture.stripe = stripeClientFor(fixture.emulator, { maxNetworkRetries });
  });
  afterAll(async () => {
    await fixture.emulator.close();
  });
  return fixture;
}

/**
 * A recorder for emulators a test file starts itself (pass `onResponse: recorder.listener`): a test during which
 * one answered what Stripe would not fails; the counts go to the README table's run.
 */
export function useConformance(): ConformanceRecorder {
  const recorder = new ConformanceRecorder();
  afterEach(() => {
    expect(recorder.takeFailures()).toEqual([]);
  });
  afterAll(() => {
    recorder.save();
  });
  return recorder;
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

/**
 * A new customer's params that give it a card invoices are charged to: Stripe attaches `payment_method` and
 * charges invoices only to `invoice_settings.default_payment_method` (docs.stripe.com/api/customers/create,
 * docs.stripe.com/api/payment_methods/attach).
 */
export function paysWith(
  card = 'pm_card_visa',
): Pick<Stripe.CustomerCreateParams, 'payment_method' | 'invoice_settings'> {
  return { payment_method: card, invoice_settings: { default_payment_method: card } };
}

export const DAY = 86_400;

/** 2030-01-01T00:00:00Z: a fixed "now" for test clocks. */
export const JAN_1_2030 = Date.UTC(2030, 0, 1) / 1000;

export async function product(stripe: Stripe, name = 'Widget'): Promise<Stripe.Product> {
  return stripe.products.create({ name });
}

export async function monthlyPrice(stripe: Stripe, productId: string, unitAmount = 1000): Promise<Stripe.Price> {
  return stripe.prices.create({
    product: productId,
    currency: 'usd',
    unit_amount: unitAmount,
    recurring: { interval: 'month' },
  });
}

/**
 * Advances a test clock to `to` in steps of at most a month, since Stripe lets a clock move at most two
 * intervals of its shortest subscription at a time.
 */
export async function advanceClock(stripe: Stripe, clockId: string, to: number): Promise<Stripe.TestHelpers.TestClock> {
  let clock: Stripe.TestHelpers.TestClock = await stripe.testHelpers.testClocks.retrieve(clockId);
  while (clock.frozen_time < to) {
    const oneMonthLater = addInterval(clock.frozen_time, 'month', 1);
    await stripe.testHelpers.testClocks.advance(clockId, { frozen_time: Math.min(to, oneMonthLater) });
    clock = await waitForClock(stripe, clockId);
    if (clock.status !== 'ready') throw new Error(`Test clock ${clockId} ended ${clock.status}`);
  }
  return clock;
}

export async function waitForClock(stripe: Stripe, id: string): Promise<Stripe.TestHelpers.TestClock> {
  for (;;) {
    const clock = await stripe.testHelpers.testClocks.retrieve(id);
    if (clock.status !== 'advancing') return clock;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
