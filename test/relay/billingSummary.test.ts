/**
 * The billing summary on both emulators: the relay's engine writes it on the Order in the sync's own Order
 * update, an amendment reshapes it (on the amendment and on the contract's initial Order), an invoice webhook
 * refreshes its latest invoice, and a Preview request on a draft order gets the plan's billing or its
 * problems while Stripe and the Order stay untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type Stripe from 'stripe';
import {
  billingPreviewSchema,
  billingSummarySchema,
  type BillingSummary,
} from '../../plugin/src/core/billingSummary/schema.js';
import { addMonths, formatDate } from '../../plugin/src/core/dates.js';
import { CpqBuilder } from '@stripe-cpq/salesforce-org-emulator/seed/cpqBuilder.js';
import type { RunningRelay } from '../../plugin/src/relay/index.js';
import {
  deliverWebhook,
  sampleOrder,
  startServices,
  startWebhookRelay,
  stripeEvent,
  type Services,
} from './support.js';

let services: Services;
let relay: RunningRelay;
let stripe: Stripe;

beforeAll(async () => {
  services = await startServices();
  stripe = services.gateway.stripe;
  relay = await startWebhookRelay(services);
});
afterAll(async () => {
  await relay.stop();
  await services.close();
});

const orderField = (orderId: string, field: string) =>
  services.org.query(`SELECT ${field} FROM Order WHERE Id = '${orderId}'`)[0]?.[field];
/** The Order's summary, checked against the zod schema the card's fixtures are checked against. */
const summaryOf = (orderId: string): BillingSummary =>
  billingSummarySchema.parse(JSON.parse(String(orderField(orderId, 'Stripe_Billing_Summary__c'))));
const itemsOf = (summary: BillingSummary) =>
  summary.phases.map((p) => p.items.map((i) => [i.product, i.quantity, i.amount, i.interval]));

async function sync(orderId: string) {
  const result = await relay.engine.syncOrder(orderId);
  expect([result.status, result.errors.map((e) => e.message)]).toEqual(['synced', []]);
  return result;
}

async function deliver(type: string, object: { id: string }): Promise<void> {
  expect((await deliverWebhook(relay, stripeEvent(type, object))).status).toBe(200);
}

async function waitFor<T>(read: () => T | undefined, what: string, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A one-time order of 3,000 + 2 × 800 with a line coupon ($200 off once, on the first line) and a quote
 * coupon (10 % off, forever), through the quote's coupon associations as CPQ holds them.
 */
function oneTimeOrderWithCoupons(account: string, activated: boolean) {
  const builder = new CpqBuilder(services.org.org);
  const order = builder.order({
    accountId: builder.account(account),
    name: `${account} order`,
    start: '2030-05-01',
    term: 12,
    activated,
    lines: [
      { product: builder.product({ name: 'Implementation', listPrice: 3000 }), quantity: 1 },
      { product: builder.product({ name: 'Training Day', listPrice: 800 }), quantity: 2 },
    ],
  });
  const store = services.org.store;
  const launch = store.insert('Quote_Stripe_Coupon__c', {
    Name: 'Launch',
    Name__c: 'Launch',
    Percent_Off__c: 10,
    Duration__c: 'forever',
  });
  const setup = store.insert('Quote_Stripe_Coupon__c', {
    Name: 'Setup credit',
    Name__c: 'Setup credit',
    Amount_Off__c: 200,
    Duration__c: 'once',
    ...builder.currencyFields(services.org.org.defaultCurrency),
  });
  store.insert('Quote_Stripe_Coupon_Association__c', { Quote__c: order.quoteId, Quote_Stripe_Coupon__c: launch });
  store.insert('Quote_Line_Stripe_Coupon_Association__c', {
    Quote_Line__c: order.quoteLineIds[0],
    Quote_Stripe_Coupon__c: setup,
  });
  return order;
}

/** What the one-time invoice of `oneTimeOrderWithCoupons` shows: lines with their coupons, the invoice's coupons, its total. */
const couponedInvoice = (summary: BillingSummary) => ({
  items: summary.oneTimeInvoice!.items.map((i) => [i.product, i.amount, i.coupons.map((c) => c.name)]),
  coupons: summary.oneTimeInvoice!.coupons.map((c) => [c.name, c.percentOff]),
  total: summary.oneTimeInvoice!.total,
});
const COUPONED_INVOICE = {
  items: [
    ['Implementation', '3000.00', ['Setup credit']],
    ['Training Day', '1600.00', []],
  ],
  coupons: [['Launch', '10']],
  // (3,000 − 200 off the line + 2 × 800) less 10 % off the invoice.
  total: '3960.00',
};

describe('billing summary on the Order', () => {
  it('S14 MDQ ramp: one phase per yearly segment with its quantity and price, the one-time onboarding in the first, totals, TCV and MRR', async () => {
    const order = sampleOrder(services.org, 'S14');
    const writesBefore = services.org.requestLog.length;
    const result = await sync(order.orderId);
    const summary = summaryOf(order.orderId);

    expect(summary).toMatchObject({
      version: 2,
      kind: 'scheduled',
      source: 'stripe',
      currency: 'USD',
      stripeId: result.stripeId,
    });
    expect(summary.phases.map((p) => [p.start, p.end])).toEqual([
      ['2030-01-01', '2031-01-01'],
      ['2031-01-01', '2032-01-01'],
      ['2032-01-01', '2033-01-01'],
    ]);
    // Seed: 10 × 1,000, 10 × 1,100, 12 × 1,200 a year, plus Support at 500 a year and Onboarding 2,000 once.
    expect(
      summary.phases.map((p) =>
        p.items.map((i) => [i.product, i.quantity, i.amount, i.interval, i.intervalCount]).sort(),
      ),
    ).toEqual([
      [
        ['Ramp', '10', '10000.00', 'year', 1],
        ['Support', '1', '500.00', 'year', 1],
      ],
      [
        ['Ramp', '10', '11000.00', 'year', 1],
        ['Support', '1', '500.00', 'year', 1],
      ],
      [
        ['Ramp', '12', '14400.00', 'year', 1],
        ['Support', '1', '500.00', 'year', 1],
      ],
    ]);
    expect(summary.phases[0]!.oneTimeItems).toEqual([
      { product: 'Onboarding', quantity: '1', amount: '2000.00', coupons: [] },
    ]);
    expect(summary.phases.map((p) => p.total)).toEqual(['12500.00', '11500.00', '14900.00']);
    expect(summary.tcv).toBe('38900.00');
    // Before the schedule starts, the MRR is the first phase's: (10,000 + 500) / 12.
    expect(summary.mrr).toBe('875.00');
    expect(summary.nextInvoice).toEqual({ date: '2030-01-01', amount: '12500.00' });
    // The summary rode on the sync's write-back call (one composite): no Order update of its own.
    expect(services.org.requestLog.slice(writesBefore).filter((r) => r.path.includes('/sobjects/Order'))).toEqual([]);
  });

  it('an amendment activated later: the summary on the amendment and on the initial Order shows the phase before and the phase after it', async () => {
    // As the sample S21 (10 Widgets from last month; from next month 4 fewer and 5 Gadgets), with the
    // amendment made after the initial order synced.
    const builder = new CpqBuilder(services.org.org);
    const today = services.org.org.today();
    const first = (months: number) => formatDate(addMonths({ ...today, day: 1 }, months));
    // The sample org's own Widget and Gadget.
    const widget = services.org.sample!.products.widget!;
    const gadget = services.org.sample!.products.gadget!;
    const accountId = builder.account('Amended Later');
    const initial = builder.order({
      accountId,
      name: 'Initial',
      start: first(-1),
      term: 12,
      lines: [{ product: widget, quantity: 10 }],
    });
    const contractId = builder.contract(initial, accountId, first(-1), 12);
    await sync(initial.orderId);
    const before = summaryOf(initial.orderId);
    expect(itemsOf(before)).toEqual([[['Widget', '10', '100.00', 'month']]]);
    expect(before.tcv).toBe('1200.00');

    const amendment = builder.order({
      accountId,
      name: 'Amendment',
      type: 'Amendment',
      amendedContractId: contractId,
      start: first(1),
      term: 10,
      lines: [
        { product: widget, quantity: -4, revises: initial.orderItemIds[0] as string },
        { product: gadget, quantity: 5 },
      ],
    });
    await sync(amendment.orderId);
    const after = summaryOf(amendment.orderId);
    expect(summaryOf(initial.orderId)).toEqual(after);
    expect(after.phases).toHaveLength(2);
    expect(after.phases[0]!.start).toBe(before.phases[0]!.start);
    expect(after.phases[0]!.end).toBe(first(1));
    expect(after.phases[1]!.start).toBe(first(1));
    expect(after.phases[1]!.end).toBe(before.phases[0]!.end);
    // 10 Widgets for the two months before the amendment, then 6 Widgets and 5 Gadgets for the other ten.
    expect(after.phases.map((p) => p.items.map((i) => [i.product, i.quantity, i.amount]).sort())).toEqual([
      [['Widget', '10', '100.00']],
      [
        ['Gadget', '5', '100.00'],
        ['Widget', '6', '60.00'],
      ],
    ]);
    expect(after.phases.map((p) => p.total)).toEqual(['200.00', '1600.00']);
    expect(after.tcv).toBe('1800.00');
    expect(after.mrr).toBe('100.00');
    expect(after.nextInvoice).toEqual({ date: first(1), amount: '160.00' });
  });

  it('S7 coupons: the line-level coupon on its item, the order-level coupon on the phase, both in the totals', async () => {
    const order = sampleOrder(services.org, 'S7');
    await sync(order.orderId);
    const [phase] = summaryOf(order.orderId).phases;

    // Seed: 2 Seats at 100 a month from 2030-04-01 for 12 months; $50 off once on the line, 20 % off for 3 months on the quote.
    expect(phase!.items).toEqual([
      {
        product: 'Seat',
        quantity: '2',
        amount: '200.00',
        interval: 'month',
        intervalCount: 1,
        coupons: [{ name: '$50 off', percentOff: null, amountOff: '50.00', duration: 'once', durationInMonths: null }],
      },
    ]);
    expect(phase!.coupons).toEqual([
      { name: 'Launch', percentOff: '20', amountOff: null, duration: 'repeating', durationInMonths: 3 },
    ]);
    // April (200 − 50) × 80 % = 120, May and June 160 each, then nine months at 200: 2,240.
    expect(phase!.total).toBe('2240.00');
  });

  it('a one-time invoice of 12 lines: every line, though Stripe embeds only the first 10 in the invoice', async () => {
    const builder = new CpqBuilder(services.org.org);
    const lines = Array.from({ length: 12 }, (_, i) => ({
      product: builder.product({ name: `Service ${i + 1}`, listPrice: 100 * (i + 1) }),
      quantity: 1,
    }));
    const order = builder.order({
      accountId: builder.account('Twelve Services'),
      name: 'Twelve one-time lines',
      start: '2030-05-01',
      term: 12,
      lines,
    });
    const result = await sync(order.orderId);
    const embedded = (await stripe.invoices.retrieve(String(result.stripeId))).lines;
    expect([embedded.data.length, embedded.has_more]).toEqual([10, true]);

    const summary = summaryOf(order.orderId);
    expect(summary.kind).toBe('one-time');
    expect(
      summary
        .oneTimeInvoice!.items.map((i) => [i.product, i.amount])
        .sort(([a], [b]) => Number(a!.split(' ')[1]) - Number(b!.split(' ')[1])),
    ).toEqual(lines.map((_, i) => [`Service ${i + 1}`, `${100 * (i + 1)}.00`]));
    // 100 + 200 + … + 1,200.
    expect([summary.oneTimeInvoice!.total, summary.tcv]).toEqual(['7800.00', '7800.00']);
  });

  it("a one-time order's coupons: the line's on its invoice item, the quote's on the invoice, both in Stripe's total and the summary, after an invoice webhook too", async () => {
    const order = oneTimeOrderWithCoupons('One-time Coupons', true);
    const result = await sync(order.orderId);
    const invoice = await stripe.invoices.retrieve(String(result.stripeId));
    expect([invoice.subtotal, invoice.total]).toEqual([460000, 396000]);
    const summary = summaryOf(order.orderId);
    expect(couponedInvoice(summary)).toEqual(COUPONED_INVOICE);
    expect(summary.oneTimeInvoice!.coupons).toEqual([
      { name: 'Launch', percentOff: '10', amountOff: null, duration: 'forever', durationInMonths: null },
    ]);
    expect([summary.tcv, summary.latestInvoice?.total]).toEqual(['3960.00', '3960.00']);

    // Paid: the invoice webhook refreshes the summary, coupons and all.
    await stripe.invoices.pay(invoice.id, { paid_out_of_band: true });
    await deliver('invoice.paid', { id: invoice.id });
    const paid = summaryOf(order.orderId);
    expect(paid.latestInvoice).toMatchObject({ status: 'paid', amountDue: '0.00', total: '3960.00' });
    expect(couponedInvoice(paid)).toEqual(COUPONED_INVOICE);
  });

  it('an invoice webhook refreshes the latest invoice: paid, nothing due, with its payment page', async () => {
    const initial = sampleOrder(services.org, 'S21_INITIAL');
    await sync(initial.orderId);
    const summary = summaryOf(initial.orderId);
    const schedule = await stripe.subscriptionSchedules.retrieve(String(summary.stripeId));
    const subscription = await stripe.subscriptions.retrieve(String(schedule.subscription));
    const invoiceId = String(subscription.latest_invoice);
    const invoice = await stripe.invoices.retrieve(invoiceId);
    expect(summary.latestInvoice).toMatchObject({
      status: invoice.status,
      paymentLink: invoice.hosted_invoice_url ?? null,
    });
    expect(summary.latestInvoice?.status).not.toBe('paid');

    if (invoice.status === 'draft') await stripe.invoices.finalizeInvoice(invoiceId);
    const paid = await stripe.invoices.pay(invoiceId, { paid_out_of_band: true });
    await deliver('invoice.paid', { id: invoiceId });

    const refreshed = summaryOf(initial.orderId);
    expect(refreshed.latestInvoice).toEqual({
      status: 'paid',
      amountDue: '0.00',
      total: (paid.total / 100).toFixed(2),
      paymentLink: paid.hosted_invoice_url ?? null,
    });
    // The rest of the billing is as it was: the phases did not change.
    expect(refreshed.phases).toEqual(summary.phases);
    expect(orderField(initial.orderId, 'Stripe_Invoice_Status__c')).toBe('paid');
  });

  it('a schedule webhook refreshes the summary from the schedule as Stripe holds it', async () => {
    const order = sampleOrder(services.org, 'S14');
    const id = String(summaryOf(order.orderId).stripeId);
    await services.salesforce.updateRecord('Order', order.orderId, { Stripe_Billing_Summary__c: 'stale' });
    await deliver('subscription_schedule.updated', {
      id,
      object: 'subscription_schedule',
      metadata: (await stripe.subscriptionSchedules.retrieve(id)).metadata,
    } as never);
    expect(summaryOf(order.orderId).phases).toHaveLength(3);
  });
});

describe('Preview request on a draft order', () => {
  const cpq = () => new CpqBuilder(services.org.org);

  async function requestPreview(orderId: string) {
    // A sales rep files it from the Order page; the relay user may read the request type but not set it.
    const requestId = services.org.store.insert('Stripe_Sync_Request__c', {
      Order__c: orderId,
      Type__c: 'Preview',
      Requested_At__c: new Date().toISOString(),
    });
    const row = await waitFor(() => {
      const r = services.org.query(
        `SELECT Status__c, Message__c, Preview_Result__c FROM Stripe_Sync_Request__c WHERE Id = '${requestId}'`,
      )[0];
      return r?.Status__c === 'Previewed' ? r : undefined;
    }, 'the preview');
    return { row, preview: billingPreviewSchema.parse(JSON.parse(String(row.Preview_Result__c))) };
  }

  it('gets the billing the sync would make, and nothing reaches Stripe or the Order', async () => {
    const builder = cpq();
    const product = builder.product({
      name: 'Preview Seat',
      listPrice: 40,
      pricing: 'Fixed Price',
      subscriptionType: 'Renewable',
      term: 1,
      billingFrequency: 'Monthly',
      billingType: 'Advance',
    });
    const draft = builder.order({
      accountId: builder.account('Preview Draft'),
      name: 'Draft for preview',
      start: '2030-06-01',
      term: 6,
      activated: false,
      lines: [{ product, quantity: 3 }],
    });
    const stripeWrites = services.stripe.requestLog.writes().length;

    const { row, preview } = await requestPreview(draft.orderId);
    expect(preview.problems).toEqual([]);
    expect(preview.summary).toMatchObject({
      kind: 'scheduled',
      source: 'preview',
      currency: 'USD',
      stripeId: null,
      tcv: '720.00',
      mrr: '120.00',
      nextInvoice: { date: '2030-06-01', amount: '120.00' },
    });
    expect(
      preview.summary!.phases.map((p) => [p.start, p.end, p.items.map((i) => [i.product, i.quantity, i.amount])]),
    ).toEqual([['2030-06-01', '2030-12-01', [['Preview Seat', '3', '120.00']]]]);
    expect(row.Message__c).toMatch(/nothing was written to Stripe/);
    expect(services.stripe.requestLog.writes().length).toBe(stripeWrites);
    expect(orderField(draft.orderId, 'Stripe_ID__c')).toBeNull();
    expect(orderField(draft.orderId, 'Stripe_Billing_Summary__c')).toBeNull();
  });

  it("shows a draft one-time order's lines and coupons as the sync would bill them", async () => {
    const draft = oneTimeOrderWithCoupons('Preview Coupons', false);
    const stripeWrites = services.stripe.requestLog.writes().length;
    const { preview } = await requestPreview(draft.orderId);
    expect(preview.problems).toEqual([]);
    expect(preview.summary).toMatchObject({ kind: 'one-time', source: 'preview', tcv: '3960.00' });
    expect(couponedInvoice(preview.summary!)).toEqual(COUPONED_INVOICE);
    expect(services.stripe.requestLog.writes().length).toBe(stripeWrites);
  });

  it('lists the problems that would stop the sync, with the message and fix its Sync Record would carry', async () => {
    const builder = cpq();
    const product = builder.product({
      name: 'Preview Half Seat',
      listPrice: 40,
      pricing: 'Fixed Price',
      subscriptionType: 'Renewable',
      term: 1,
      billingFrequency: 'Monthly',
      billingType: 'Advance',
    });
    const draft = builder.order({
      accountId: builder.account('Preview Broken'),
      name: 'Broken draft',
      start: '2030-06-01',
      term: 6,
      activated: false,
      lines: [{ product, quantity: 1.5 }],
    });
    const dryRun = await relay.engine.syncOrder(draft.orderId, { dryRun: true, asActivated: true });

    const { preview } = await requestPreview(draft.orderId);
    expect(preview.summary).toBeNull();
    expect(preview.problems.map((p) => [p.message, p.fix])).toEqual(
      dryRun.errors.map((e) => [e.resolutionMessage, e.fix]),
    );
    expect(preview.problems[0]?.message).toContain(
      'Quantity specified as a decimal value. Only integers are supported.',
    );
    expect(services.org.query(`SELECT Id FROM Stripe_Sync_Record__c WHERE Order__c = '${draft.orderId}'`)).toEqual([]);
  });
});
