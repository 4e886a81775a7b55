// Credits for unused prepaid time end to end (spec §2.6.6; settings Terminated_Order_Item_Credit__c and
// Quantity_Reduction_Credit__c on the org's Stripe_Sync_Setting__mdt record), through the engine on both
// emulators: the exact negative amounts and metadata land in Stripe on the right subscription, a cancel's
// final invoice carries them, nothing is credited with the flags off, a re-sync writes nothing, and a run cut
// off between a termination's cancel and its write-back is finished by the next one, days later, without a
// Stripe write.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { toId18 } from '../../plugin/src/core/records/salesforceIds.js';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { CpqBuilder } from '@stripe-cpq/salesforce-org-emulator/seed/cpqBuilder.js';
import type { StripeEmulator } from '@stripe-cpq/stripe-emulator';
import type { SyncEngine } from '../../plugin/src/sync/engine.js';
import { startEmulatedServices, type EmulatedServices } from '../support/emulatedServices.js';

/** One clock for both services and the engine; customers' test clocks freeze at the start of this day. */
let nowMs = Date.UTC(2031, 2, 1, 10);
import { ts } from '../support/time.js';
import { WRITE_BACK_OUTAGE } from '../support/syncFaults.js';
const DAY_MS = 86_400_000;

let services: EmulatedServices;
let org: SalesforceEmulator;
let stripe: StripeEmulator;
let withCredits: SyncEngine;
let withoutCredits: SyncEngine;

/** An engine that read the org's settings record with the two credit flags set as given. */
async function engineWithCreditFlags(workerId: string, on: boolean): Promise<SyncEngine> {
  const settings = org.query("SELECT Id FROM Stripe_Sync_Setting__mdt WHERE DeveloperName = 'Default'")[0]!;
  org.store.update(
    'Stripe_Sync_Setting__mdt',
    String(settings.Id),
    { Terminated_Order_Item_Credit__c: on, Quantity_Reduction_Credit__c: on },
    { system: true },
  );
  const engine = services.engine(workerId);
  const config = await engine.configuration();
  expect(config.settings.features).toMatchObject({
    terminatedOrderItemCredit: on,
    quantityReductionOrderItemCredit: on,
  });
  return engine;
}

beforeAll(async () => {
  services = await startEmulatedServices({ clock: () => nowMs });
  ({ org, stripe } = services);
  withCredits = await engineWithCreditFlags('credits-on', true);
  withoutCredits = await engineWithCreditFlags('credits-off', false);
});
afterAll(async () => {
  await services.close();
});

/** A synced 12-month contract from 2031-01-01 of `quantity` × Platform (1,200.00 a year, billed yearly in advance). */
async function annualContract(name: string, quantity: number, engine: SyncEngine) {
  const cpq = new CpqBuilder(org.org);
  const platform = org.sample!.products.platform!;
  const accountId = cpq.account(name);
  const initial = cpq.order({
    accountId,
    name: `${name} initial`,
    start: '2031-01-01',
    term: 12,
    lines: [{ product: platform, quantity }],
  });
  const contractId = cpq.contract(initial, accountId, '2031-01-01', 12);
  expect((await engine.syncOrder(initial.orderId)).status).toBe('synced');
  const scheduleId = String(orderRow(initial.orderId).Stripe_ID__c);
  const schedule = stripe.store.subscriptionSchedules.find(scheduleId)!;
  const amend = (start: string, term: number, change: number) =>
    cpq.order({
      accountId,
      name: `${name} ${start}`,
      type: 'Amendment',
      amendedContractId: contractId,
      start,
      term,
      lines: [{ product: platform, quantity: change, revises: initial.orderItemIds[0]! }],
    });
  return {
    initial,
    scheduleId,
    customer: schedule.customer,
    subscription: schedule.subscription!,
    amend,
    lineId: toId18(initial.orderItemIds[0]!),
  };
}

const orderRow = (id: string) =>
  org.query(`SELECT Stripe_ID__c, Stripe_Sync_Status__c FROM Order WHERE Id = '${id}'`)[0]!;
const recordStatuses = (id: string) =>
  org
    .query(`SELECT Resolution_Status__c FROM Stripe_Sync_Record__c WHERE Secondary_Record_ID__c = '${id}'`)
    .map((r) => r.Resolution_Status__c);
const creditItems = (customer: string) =>
  stripe.store.invoiceItems.all().filter((i) => i.customer === customer && i.metadata.salesforce_credit === 'true');
const writes = () => stripe.requestLog.writes().length;

/** The credit's metadata: the original line's, plus the credit and proration flags. */
const creditMetadata = (lineId: string) => ({
  salesforce_order_item_id: lineId,
  salesforce_credit: 'true',
  salesforce_proration: 'true',
});

/** Syncs the order again and expects no Stripe write and the order still synced. */
async function expectResyncWritesNothing(engine: SyncEngine, orderId: string): Promise<void> {
  const before = writes();
  const again = await engine.syncOrder(orderId);
  expect(again.errors).toEqual([]);
  expect(again.status).toBe('synced');
  expect(writes()).toBe(before);
}

describe('credits for unused prepaid time, through the engine', () => {
  it('a future termination that leaves no new phase: a pending credit item on the running subscription, the schedule ending on the termination date', async () => {
    const { scheduleId, customer, subscription, amend, lineId } = await annualContract('Credit Future', 2, withCredits);
    const termination = amend('2031-07-01', 6, -2);

    const result = await withCredits.syncOrder(termination.orderId);
    expect(result.errors).toEqual([]);
    expect(result.applied.map((a) => a.op)).toEqual(['invoiceItems.create', 'subscriptionSchedules.update']);
    // 1,200.00 a year per unit, 6 of its 12 months unused, for each of the two units.
    expect(creditItems(customer)).toEqual([
      expect.objectContaining({
        amount: -120000,
        currency: 'usd',
        quantity: 2,
        invoice: null,
        period: { start: ts('2031-07-01'), end: ts('2032-01-01') },
        parent: { type: 'subscription_details', subscription_details: { subscription } },
        pricing: expect.objectContaining({ unit_amount_decimal: '-60000' }),
        description: 'Credit for unused time: Platform',
        metadata: expect.objectContaining(creditMetadata(lineId)),
      }),
    ]);
    expect(stripe.store.subscriptionSchedules.find(scheduleId)!.phases.at(-1)!.end_date).toBe(ts('2031-07-01'));
    expect(orderRow(termination.orderId)).toMatchObject({ Stripe_ID__c: scheduleId, Stripe_Sync_Status__c: 'Synced' });
    expect(recordStatuses(termination.orderId)).toEqual(['Success']);

    await expectResyncWritesNothing(withCredits, termination.orderId);
    expect(creditItems(customer)).toHaveLength(1);
  });

  it('a same-day termination: the credit item first, then the cancel, whose final invoice carries it', async () => {
    const { scheduleId, customer, subscription, amend, lineId } = await annualContract('Credit Cancel', 1, withCredits);
    const termination = amend('2031-03-01', 10, -1);

    const result = await withCredits.syncOrder(termination.orderId);
    expect(result.errors).toEqual([]);
    expect(result.applied.map((a) => a.op)).toEqual(['invoiceItems.create', 'subscriptionSchedules.cancel']);
    expect(stripe.store.subscriptionSchedules.find(scheduleId)!.status).toBe('canceled');
    const [credit] = creditItems(customer);
    // 10 of the year's 12 months unused.
    expect(credit).toMatchObject({
      amount: -100000,
      quantity: 1,
      metadata: creditMetadata(lineId),
      parent: { subscription_details: { subscription } },
    });
    const final = stripe.store.invoices.find(stripe.store.subscriptions.find(subscription)!.latest_invoice!)!;
    expect(credit!.invoice).toBe(final.id);
    expect(final.lines.data.map((l) => [l.amount, l.metadata.salesforce_credit])).toEqual([[-100000, 'true']]);
    expect(final.total).toBe(-100000);
    expect(orderRow(termination.orderId)).toMatchObject({ Stripe_ID__c: scheduleId, Stripe_Sync_Status__c: 'Synced' });

    await expectResyncWritesNothing(withCredits, termination.orderId);
  });

  it('a partial reduction with the reduction flag: the new phase carries the credit as a negative one-time item', async () => {
    const { scheduleId, amend, lineId } = await annualContract('Credit Reduction', 3, withCredits);
    const reduction = amend('2031-07-01', 6, -1);

    const result = await withCredits.syncOrder(reduction.orderId);
    expect(result.errors).toEqual([]);
    expect(result.applied.map((a) => a.op)).toEqual(['subscriptionSchedules.update']);
    const phase = stripe.store.subscriptionSchedules.find(scheduleId)!.phases.at(-1)!;
    expect(phase).toMatchObject({
      start_date: ts('2031-07-01'),
      end_date: ts('2032-01-01'),
      items: [expect.objectContaining({ quantity: 2 })],
    });
    expect(phase.add_invoice_items).toEqual([
      expect.objectContaining({ quantity: 1, metadata: expect.objectContaining(creditMetadata(lineId)) }),
    ]);
    const creditPrice = stripe.store.prices.find(String(phase.add_invoice_items[0]!.price))!;
    expect(creditPrice.unit_amount_decimal).toBe('-60000');

    await expectResyncWritesNothing(withCredits, reduction.orderId);
  });

  it('with the flags off no credit object exists anywhere: no invoice item, no final invoice, no negative phase item', async () => {
    const future = await annualContract('No Credit Future', 2, withoutCredits);
    const cancel = await annualContract('No Credit Cancel', 1, withoutCredits);
    const reduction = await annualContract('No Credit Reduction', 3, withoutCredits);
    const invoicesBefore = stripe.store.invoices.all().length;
    const results = await Promise.all([
      withoutCredits.syncOrder(future.amend('2031-07-01', 6, -2).orderId),
      withoutCredits.syncOrder(cancel.amend('2031-03-01', 10, -1).orderId),
      withoutCredits.syncOrder(reduction.amend('2031-07-01', 6, -1).orderId),
    ]);
    expect(results.map((r) => [r.status, r.applied.map((a) => a.op)])).toEqual([
      ['synced', ['subscriptionSchedules.update']],
      ['synced', ['subscriptionSchedules.cancel']],
      ['synced', ['subscriptionSchedules.update']],
    ]);
    for (const { customer } of [future, cancel, reduction])
      expect(stripe.store.invoiceItems.all().filter((i) => i.customer === customer && i.amount < 0)).toEqual([]);
    expect(stripe.store.invoices.all()).toHaveLength(invoicesBefore);
    expect(stripe.store.subscriptionSchedules.find(reduction.scheduleId)!.phases.at(-1)!.add_invoice_items).toEqual([]);
  });
});

describe('replay after a cancel (a run cut off between the cancel and its write-back)', () => {
  it('the next run, two days later (past the idempotency window), writes the termination back with a Success record and no Stripe write', async () => {
    const { scheduleId, customer, amend } = await annualContract('Cancel Crash', 1, withCredits);
    const termination = amend('2031-03-01', 10, -1);
    org.faults.add(WRITE_BACK_OUTAGE);
    const crashed = await withCredits.syncOrder(termination.orderId);
    expect(crashed.status).toBe('failed');
    expect(crashed.applied.map((a) => a.op)).toEqual(['invoiceItems.create', 'subscriptionSchedules.cancel']);
    expect(stripe.store.subscriptionSchedules.find(scheduleId)!.status).toBe('canceled');
    expect(orderRow(termination.orderId).Stripe_ID__c).toBeNull();

    nowMs += 2 * DAY_MS;
    const before = writes();
    const resumed = await withCredits.syncOrder(termination.orderId);
    expect(resumed.errors).toEqual([]);
    expect(resumed.status).toBe('synced');
    expect(writes()).toBe(before);
    expect(orderRow(termination.orderId)).toMatchObject({ Stripe_ID__c: scheduleId, Stripe_Sync_Status__c: 'Synced' });
    expect(recordStatuses(termination.orderId)).toEqual(['Success']);
    expect(creditItems(customer)).toHaveLength(1);
  });
});
