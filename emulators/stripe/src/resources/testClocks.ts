/**
 * docs.stripe.com/api/test_clocks: a clock customers can be attached to. Advancing it answers at once with
 * `status: advancing`; the emulator then rolls the clock's schedules, renewals and invoices forward
 * (billing.ts) and sets `status: ready` with a `test_helpers.test_clock.ready` event. A clock only moves
 * forward and only when ready.
 */
import { invalidRequest, parameterInvalid } from '../errors.js';
import type { TestClock } from '../objects.js';
import { listPage, newId, snapshot } from '../store.js';
import type { ApiRequest, EmulatorState, Route } from '../state.js';
import { rollForward } from '../billing.js';
import { emit } from '../events.js';
import { addInterval } from '../clock.js';

/** Stripe deletes test clocks 30 days after creation. */
const CLOCK_LIFETIME_SECONDS = 30 * 86_400;
/** docs.stripe.com/billing/testing/test-clocks#limitations: a test clock holds at most three customers. */
const MAX_CUSTOMERS_PER_CLOCK = 3;

/**
 * The clock a new customer is attached to (`test_clock` param): it must be ready, as objects on a clock change
 * only between advances, and it holds at most three customers.
 */
export function clockForNewCustomer(state: EmulatorState, id: string): TestClock {
  const clock = state.store.testClocks.get(id, 'test_clock');
  if (clock.status !== 'ready') {
    throw invalidRequest(
      `The test clock ${clock.id} is ${clock.status}. Wait until its status is \`ready\` before adding customers to it.`,
      { param: 'test_clock' },
    );
  }
  const customers = state.store.customers.all().filter((c) => c.test_clock === clock.id).length;
  if (customers >= MAX_CUSTOMERS_PER_CLOCK) {
    throw invalidRequest(
      `The test clock ${clock.id} already has ${customers} customers, the most a test clock can hold. Create another test clock.`,
      { param: 'test_clock' },
    );
  }
  return clock;
}

function create({ state, params }: ApiRequest): TestClock {
  const now = state.clock.now();
  return state.store.testClocks.insert({
    id: newId('clock', 24),
    object: 'test_helpers.test_clock',
    created: now,
    deletes_after: now + CLOCK_LIFETIME_SECONDS,
    livemode: false,
    name: typeof params.name === 'string' ? params.name : null,
    frozen_time: Number(params.frozen_time),
    status: 'ready',
    status_details: {},
  });
}

function advance({ state, id, params }: ApiRequest): TestClock {
  const clock = state.store.testClocks.get(id, 'test_clock');
  if (clock.status !== 'ready') {
    throw invalidRequest(
      `The test clock ${clock.id} is ${clock.status}; wait until its status is \`ready\` before advancing it again.`,
      { code: 'test_clock_not_ready' },
    );
  }
  const target = Number(params.frozen_time);
  if (target <= clock.frozen_time) {
    throw parameterInvalid(
      'frozen_time',
      `The frozen_time must be after the test clock's current frozen_time (${clock.frozen_time}).`,
    );
  }
  const latest = latestAllowedFrozenTime(state, clock);
  if (target > latest) {
    throw parameterInvalid(
      'frozen_time',
      `A test clock can advance at most two intervals of the shortest subscription on it (two years without one) at a time: the latest frozen_time allowed now is ${latest}. Advance in steps.`,
    );
  }
  clock.status = 'advancing';
  clock.status_details = { advancing: { target_frozen_time: target } };
  setImmediate(() => finishAdvance(state, clock, target));
  return snapshot(clock);
}

/**
 * docs.stripe.com/billing/testing/test-clocks#limitations: at most two intervals of the shortest subscription per
 * advance; with no subscription on the clock, at most two years.
 */
function latestAllowedFrozenTime(state: EmulatorState, clock: TestClock): number {
  let latest = addInterval(clock.frozen_time, 'year', 2);
  for (const subscription of state.store.subscriptions.all()) {
    if (subscription.test_clock !== clock.id || subscription.status === 'canceled') continue;
    for (const { price } of subscription.items.data) {
      if (!price.recurring) continue;
      const limit = addInterval(clock.frozen_time, price.recurring.interval, 2 * price.recurring.interval_count);
      latest = Math.min(latest, limit);
    }
  }
  return latest;
}

/** Runs after the advance request was answered, as Stripe advances clocks asynchronously. */
export function finishAdvance(state: EmulatorState, clock: TestClock, target: number): void {
  try {
    rollForward(state, clock.id, target);
    clock.frozen_time = target;
    clock.status = 'ready';
  } catch {
    clock.status = 'internal_failure';
  }
  clock.status_details = {};
  emit(state, `test_helpers.test_clock.${clock.status}`, clock, target);
}

export const testClockRoutes: Route[] = [
  { method: 'POST', path: '/v1/test_helpers/test_clocks', params: 'TestHelpers.TestClockCreateParams', handle: create },
  {
    method: 'GET',
    path: '/v1/test_helpers/test_clocks',
    params: 'TestHelpers.TestClockListParams',
    handle: ({ state, params }) => listPage(state.store.testClocks.all(), params, '/v1/test_helpers/test_clocks'),
  },
  {
    method: 'GET',
    path: '/v1/test_helpers/test_clocks/:id',
    params: 'TestHelpers.TestClockRetrieveParams',
    handle: ({ state, id }) => state.store.testClocks.get(id, 'test_clock'),
  },
  {
    method: 'POST',
    path: '/v1/test_helpers/test_clocks/:id/advance',
    params: 'TestHelpers.TestClockAdvanceParams',
    handle: advance,
  },
  {
    method: 'DELETE',
    path: '/v1/test_helpers/test_clocks/:id',
    params: 'TestHelpers.TestClockDeleteParams',
    handle: ({ state, id }) => {
      state.store.testClocks.get(id, 'test_clock').deleted = true;
      for (const customer of state.store.customers.all()) if (customer.test_clock === id) customer.deleted = true;
      return { id, object: 'test_helpers.test_clock', deleted: true };
    },
  },
];
