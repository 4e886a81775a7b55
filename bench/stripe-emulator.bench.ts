// How many requests per second the local Stripe emulator sustains through the official SDK, rate limiter off,
// so that product benchmarks run on it measure the product and not the emulator; and that a request costs the
// same with 10,000 schedules stored (the due index answers "what changes next" without scanning them).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { startStripeEmulator, stripeClientFor, type StripeEmulator } from '@stripe-cpq/stripe-emulator';
import { newId, snapshot } from '@stripe-cpq/stripe-emulator/store.js';
import type { BenchRow } from './run.ts';

/**
 * Requests per second, and CPU milliseconds per request for this process (SDK client + emulator together): the
 * second figure does not move with other load on a shared machine, the first does.
 */
async function rate(
  name: string,
  total: number,
  concurrency: number,
  call: (i: number) => Promise<unknown>,
  goal = '≥ 250 req/s (10× Stripe test mode)',
): Promise<BenchRow[]> {
  let next = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await call(next++);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return [
    { name, value: total / seconds, unit: 'req/s', goal },
    {
      name: `${name}: CPU in this process (client + server)`,
      value: (cpu.user + cpu.system) / 1000 / total,
      unit: 'ms/req',
    },
  ];
}

/** The same loop against a bare node:http server answering `{}`: what this machine allows at all, for scale. */
async function baseline(): Promise<BenchRow[]> {
  const server = createServer((req, res) => req.resume().on('end', () => res.end('{}')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    return await rate(
      'baseline: bare node:http server, fetch (1 in flight)',
      1_000,
      1,
      async () => (await fetch(url)).text(),
      'context for the rows below',
    );
  } finally {
    server.close();
  }
}

const STORED_SCHEDULES = 10_000;

/** Stores copies of one schedule made through the API, each due at its own future moment (set-up, not measured). */
function storeScheduleCopies(emulator: StripeEmulator, made: Stripe.SubscriptionSchedule, count: number): void {
  const { subscriptionSchedules } = emulator.store;
  const template = snapshot(subscriptionSchedules.get(made.id));
  for (let i = 1; i <= count; i++) {
    const copy = snapshot(template);
    for (const phase of copy.phases) {
      phase.start_date += i;
      phase.end_date += i;
    }
    subscriptionSchedules.insert({ ...copy, id: newId('sub_sched', 24) });
  }
}

export default async function bench(): Promise<BenchRow[]> {
  const emulator = await startStripeEmulator({ opsPerSecond: Infinity });
  const stripe = stripeClientFor(emulator, { maxNetworkRetries: 0 });
  try {
    const product = await stripe.products.create({ name: 'Bench' });
    const prices = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        stripe.prices.create({
          product: product.id,
          currency: 'usd',
          unit_amount: 1000 + i,
          recurring: { interval: 'month' },
        }),
      ),
    );
    const customer = await stripe.customers.create({ name: 'Bench' });
    const rows: BenchRow[] = await baseline();
    rows.push(
      ...(await rate('emulator: customers.create (1 in flight)', 1_000, 1, (i) =>
        stripe.customers.create({ name: `C${i}`, metadata: { sfId: `001${i}` } }),
      )),
    );
    rows.push(
      ...(await rate('emulator: prices.retrieve (8 in flight)', 4_000, 8, (i) =>
        stripe.prices.retrieve(prices[i % prices.length]?.id ?? ''),
      )),
    );
    rows.push(
      ...(await rate('emulator: subscriptionSchedules.create, 5 items (4 in flight)', 400, 4, () =>
        stripe.subscriptionSchedules.create({
          customer: customer.id,
          start_date: 'now',
          end_behavior: 'cancel',
          phases: [{ items: prices.map((p) => ({ price: p.id, quantity: 2 })), duration: { interval: 'year' } }],
        }),
      )),
    );
    const later = await stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: Math.floor(Date.now() / 1000) + 365 * 86_400,
      phases: [{ items: [{ price: prices[0]?.id ?? '', quantity: 1 }], duration: { interval: 'year' } }],
    });
    storeScheduleCopies(emulator, later, STORED_SCHEDULES);
    rows.push(
      ...(await rate(
        `emulator: customers.create, ${STORED_SCHEDULES.toLocaleString('en-US')} more schedules stored (1 in flight)`,
        1_000,
        1,
        (i) => stripe.customers.create({ name: `D${i}` }),
        '≈ customers.create above (no scan of the store)',
      )),
    );
    return rows;
  } finally {
    await emulator.close();
  }
}
