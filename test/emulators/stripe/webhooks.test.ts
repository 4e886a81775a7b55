// Webhook endpoints and signed event delivery (docs.stripe.com/webhooks, /webhooks#verify-official-libraries):
// what the relay's webhook endpoint will receive.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { JAN_1_2030, monthlyPrice, paysWith, product, useEmulator, waitForClock } from './helpers.js';

const fx = useEmulator({ webhookRetryDelaysMs: [20, 40] });

interface Received {
  body: string;
  signature: string;
}

/** A receiver answering each delivery with the next status from `statuses` (then 200). */
async function receiver(statuses: number[] = []): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        signature: String(req.headers['stripe-signature']),
      });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/stripe/webhook`, received, server };
}

describe('webhook delivery', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('delivers invoiceitem.created signed so that stripe.webhooks.constructEvent verifies it', async () => {
    const target = await receiver();
    servers.push(target.server);
    const endpoint = await fx.stripe.webhookEndpoints.create({
      url: target.url,
      enabled_events: ['invoiceitem.created'],
    });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect((await fx.stripe.webhookEndpoints.retrieve(endpoint.id)).secret).toBeUndefined();
    const customer = await fx.stripe.customers.create({});
    const item = await fx.stripe.invoiceItems.create(
      { customer: customer.id, amount: 1234, currency: 'usd' },
      { idempotencyKey: 'proration-1' },
    );
    await fx.emulator.webhooks.idle();
    expect(target.received).toHaveLength(1);
    const [delivery] = target.received;
    const event = fx.stripe.webhooks.constructEvent(
      delivery?.body ?? '',
      delivery?.signature ?? '',
      endpoint.secret ?? '',
    );
    expect(event).toMatchObject({
      type: 'invoiceitem.created',
      object: 'event',
      livemode: false,
      request: { idempotency_key: 'proration-1' },
    });
    expect((event.data.object as Stripe.InvoiceItem).id).toBe(item.id);
    expect(() =>
      fx.stripe.webhooks.constructEvent(delivery?.body ?? '', delivery?.signature ?? '', 'whsec_wrong'),
    ).toThrow(/signature/i);
    await fx.stripe.webhookEndpoints.del(endpoint.id);
  });

  it('retries a delivery answered with a non-2xx status (docs.stripe.com/webhooks#retries)', async () => {
    const target = await receiver([500, 503]);
    servers.push(target.server);
    const endpoint = await fx.stripe.webhookEndpoints.create({ url: target.url, enabled_events: ['invoice.created'] });
    const customer = await fx.stripe.customers.create({});
    const invoice = await fx.stripe.invoices.create({ customer: customer.id, auto_advance: false });
    await fx.emulator.webhooks.idle();
    const attempts = fx.emulator.webhooks.deliveries.filter((d) => d.endpointId === endpoint.id);
    expect(attempts.map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
    expect(new Set(target.received.map((r) => (JSON.parse(r.body) as Stripe.Event).id)).size).toBe(1);
    expect((JSON.parse(target.received[2]?.body ?? '{}') as Stripe.Event).data.object).toMatchObject({
      id: invoice.id,
    });
    await fx.stripe.webhookEndpoints.del(endpoint.id);
  });

  it('sends invoice.finalized, invoice.paid, invoice.payment_failed and invoice.voided as invoices change', async () => {
    const target = await receiver();
    servers.push(target.server);
    const endpoint = await fx.stripe.webhookEndpoints.create({
      url: target.url,
      enabled_events: ['invoice.finalized', 'invoice.paid', 'invoice.payment_failed', 'invoice.voided'],
    });
    const declining = await fx.stripe.customers.create({ ...paysWith('pm_card_chargeDeclined') });
    const paid = await fx.stripe.invoices.create({ customer: declining.id, auto_advance: false });
    await fx.stripe.invoiceItems.create({ customer: declining.id, amount: 900, currency: 'usd', invoice: paid.id });
    await fx.stripe.invoices.finalizeInvoice(paid.id);
    await fx.stripe.invoices.pay(paid.id).catch(() => undefined);
    await fx.stripe.invoices.pay(paid.id, { paid_out_of_band: true });
    const voided = await fx.stripe.invoices.create({ customer: declining.id, auto_advance: false });
    await fx.stripe.invoiceItems.create({ customer: declining.id, amount: 100, currency: 'usd', invoice: voided.id });
    await fx.stripe.invoices.finalizeInvoice(voided.id);
    await fx.stripe.invoices.voidInvoice(voided.id);
    await fx.emulator.webhooks.idle();
    const events = target.received.map((r) =>
      fx.stripe.webhooks.constructEvent(r.body, r.signature, endpoint.secret ?? ''),
    );
    expect(events.map((e) => [e.type, (e.data.object as Stripe.Invoice).id])).toEqual([
      ['invoice.finalized', paid.id],
      ['invoice.payment_failed', paid.id],
      ['invoice.paid', paid.id],
      ['invoice.finalized', voided.id],
      ['invoice.voided', voided.id],
    ]);
    await fx.stripe.webhookEndpoints.del(endpoint.id);
  });

  it('records subscription_schedule.* events as a schedule starts and completes, listed by /v1/events', async () => {
    const clock = await fx.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2030 });
    const customer = await fx.stripe.customers.create({ test_clock: clock.id });
    const price = await monthlyPrice(fx.stripe, (await product(fx.stripe)).id);
    const schedule = await fx.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: JAN_1_2030 + 86_400,
      end_behavior: 'cancel',
      phases: [{ items: [{ price: price.id }], end_date: JAN_1_2030 + 40 * 86_400 }],
    });
    await fx.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: JAN_1_2030 + 41 * 86_400 });
    await waitForClock(fx.stripe, clock.id);
    const events = await fx.stripe.events.list({ type: 'subscription_schedule.*', limit: 100 });
    const mine = events.data.filter((e) => (e.data.object as Stripe.SubscriptionSchedule).id === schedule.id).reverse();
    expect(mine.map((e) => [e.type, (e.data.object as Stripe.SubscriptionSchedule).status])).toEqual([
      ['subscription_schedule.created', 'not_started'],
      ['subscription_schedule.updated', 'active'],
      ['subscription_schedule.completed', 'completed'],
    ]);
  });
});
