// Test clocks as Stripe documents them (docs.stripe.com/billing/testing/test-clocks#limitations,
// docs.stripe.com/api/test_clocks): customers join only a ready clock, at most three per clock; a clock
// with no subscription advances at most two years at a time; objects on it live at its frozen time.
import { JAN_1_2030, stripeError, useEmulator, waitForClock } from './helpers.js';

const fx = useEmulator();
const TWO_YEARS_LATER = Date.UTC(2032, 0, 1) / 1000;

describe('Stripe emulator test clocks', () => {
  it("creates a customer at its clock's frozen time, not the emulator's", async () => {
    const clock = await fx.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2030 });
    const customer = await fx.stripe.customers.create({ name: 'On a clock', test_clock: clock.id });
    expect(customer).toMatchObject({ test_clock: clock.id, created: JAN_1_2030 });
  });

  it('holds at most three customers per clock', async () => {
    const clock = await fx.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2030 });
    for (let i = 0; i < 3; i++) await fx.stripe.customers.create({ name: `Customer ${i}`, test_clock: clock.id });
    const fourth = await stripeError(fx.stripe.customers.create({ name: 'One too many', test_clock: clock.id }));
    expect(fourth).toMatchObject({ statusCode: 400, param: 'test_clock' });
    expect(fourth.message).toContain('Create another test clock');
  });

  it('adds no customer to a clock that is still advancing', async () => {
    const clock = await fx.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2030 });
    fx.emulator.store.testClocks.get(clock.id).status = 'advancing';
    const refused = await stripeError(fx.stripe.customers.create({ name: 'Too early', test_clock: clock.id }));
    expect(refused).toMatchObject({ statusCode: 400, param: 'test_clock' });
    fx.emulator.store.testClocks.get(clock.id).status = 'ready';
    await expect(fx.stripe.customers.create({ name: 'In time', test_clock: clock.id })).resolves.toMatchObject({
      test_clock: clock.id,
    });
  });

  it('advances a clock without subscriptions at most two years at a time', async () => {
    const clock = await fx.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2030 });
    await fx.stripe.customers.create({ name: 'No subscription', test_clock: clock.id });
    expect(
      (await stripeError(fx.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: TWO_YEARS_LATER + 1 })))
        .param,
    ).toBe('frozen_time');
    await fx.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: TWO_YEARS_LATER });
    expect(await waitForClock(fx.stripe, clock.id)).toMatchObject({ status: 'ready', frozen_time: TWO_YEARS_LATER });
  });
});
