// CPQ points Contract.SBQQ__Order__c at the last order it contracted — an amendment too (recording
// amendments.test_amendments__syncs_stacked_amendments_-_both_backdated_and_start_on_same_day: the contract
// names its first amendment). The engine must still treat that order as an amendment: not written before the
// contract is read (its LastModifiedDate orders same-day amendments), the billing summary of the
// contract goes on the initial order, not on it, and the contract's lock is one for all its orders.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { CpqBuilder } from '@stripe-cpq/salesforce-org-emulator/seed/cpqBuilder.js';
import type { StripeEmulator } from '@stripe-cpq/stripe-emulator';
import type { StripeGateway } from '../../plugin/src/stripe/client.js';
import { createSyncEngine, type SyncEngine } from '../../plugin/src/sync/engine.js';
import { startEmulatedServices, type EmulatedServices } from '../support/emulatedServices.js';

/** 2031-03-01 10:00 UTC, a millisecond further at each reading: every write gets its own LastModifiedDate. */
const START = Date.UTC(2031, 2, 1, 10);
let ticks = 0;
const clock = (): number => START + ticks++;

let org: SalesforceEmulator;
let stripe: StripeEmulator;
let services: EmulatedServices;
beforeAll(async () => {
  services = await startEmulatedServices({ clock });
  ({ org, stripe } = services);
});
afterAll(() => services.close());

const updatedOrders = (scheduleId: string) =>
  stripe.requestLog
    .writes()
    .filter((w) => w.path === `/v1/subscription_schedules/${scheduleId}` && w.status === 200)
    .map((w) => {
      const phases = (w.params as { phases: { metadata?: { salesforce_order_id?: string } }[] }).phases;
      return phases[phases.length - 1]!.metadata?.salesforce_order_id?.slice(0, 15);
    });

describe('a contract whose SBQQ__Order__c names an amendment CPQ contracted', () => {
  it('applies same-day amendments in the order CPQ made them, and writes the summary on the initial order', async () => {
    const cpq = new CpqBuilder(org.org);
    const seat = org.sample!.products.seat!;
    const accountId = cpq.account('Pointer');
    const initial = cpq.order({
      accountId,
      name: 'Pointer initial',
      start: '2031-01-01',
      term: 12,
      lines: [{ product: seat, quantity: 1 }],
    });
    const contractId = cpq.contract(initial, accountId, '2031-01-01', 12);
    const engine = services.engine('pointer');
    expect((await engine.syncOrder(initial.orderId)).status).toBe('synced');
    const scheduleId = String(services.orderRow(initial.orderId).Stripe_ID__c);
    const amend = (quantity: number) =>
      cpq.order({
        accountId,
        name: `Pointer +${quantity}`,
        type: 'Amendment',
        amendedContractId: contractId,
        start: '2031-02-01',
        term: 11,
        lines: [{ product: seat, quantity, revises: initial.orderItemIds[0]! }],
      });
    const m1 = amend(3);
    const m2 = amend(1);
    org.store.update('Contract', contractId, { SBQQ__Order__c: m1.orderId }, { system: true });
    const summaryOf = (orderId: string) =>
      org.query(`SELECT Stripe_Billing_Summary__c FROM Order WHERE Id = '${orderId}'`)[0]?.Stripe_Billing_Summary__c;
    const initialSummary = summaryOf(initial.orderId);

    const result = await engine.syncOrder(m1.orderId);

    expect(result.errors).toEqual([]);
    // M1 first (CPQ made it first), then M2: the sync did not write M1 before reading the contract.
    expect(updatedOrders(scheduleId)).toEqual([m1.orderId.slice(0, 15), m2.orderId.slice(0, 15)]);
    // The initial order's summary shows the amended schedule, as M1's does.
    expect(summaryOf(initial.orderId)).not.toEqual(initialSummary);
    expect(summaryOf(initial.orderId)).toEqual(summaryOf(m1.orderId));
  });
});

/** An engine whose Stripe calls wait for `release`: from `holding` on, its sync holds the contract's lock. */
function stalledEngine(workerId: string): { engine: SyncEngine; holding: Promise<void>; release: () => void } {
  let release!: () => void;
  let entered!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const holding = new Promise<void>((resolve) => (entered = resolve));
  const stripe: StripeGateway = {
    ...services.gateway,
    call: async (name, request) => {
      entered();
      await gate;
      return services.gateway.call(name, request);
    },
  };
  const engine = createSyncEngine({ salesforce: services.client, stripe, workerId, now: () => new Date(clock()) });
  return { engine, holding, release };
}

describe('the lock of a contract whose SBQQ__Order__c names an amendment', () => {
  const seatOrder = (cpq: CpqBuilder, accountId: string, name: string, amendedContractId?: string) =>
    cpq.order({
      accountId,
      name,
      start: amendedContractId ? '2031-02-01' : '2031-01-01',
      term: amendedContractId ? 11 : 12,
      lines: [{ product: org.sample!.products.seat!, quantity: 2 }],
      ...(amendedContractId ? { type: 'Amendment' as const, amendedContractId } : {}),
    });

  it("turns away the initial order's sync while an amendment's sync holds it", async () => {
    const cpq = new CpqBuilder(org.org);
    const accountId = cpq.account('Pointer lock');
    const initial = seatOrder(cpq, accountId, 'Pointer lock initial');
    const contractId = cpq.contract(initial, accountId, '2031-01-01', 12);
    expect((await services.engine('lock-first').syncOrder(initial.orderId)).status).toBe('synced');
    const amendment = seatOrder(cpq, accountId, 'Pointer lock +2', contractId);
    org.store.update('Contract', contractId, { SBQQ__Order__c: amendment.orderId }, { system: true });

    const holder = stalledEngine('lock-amendment');
    const amending = holder.engine.syncOrder(amendment.orderId);
    await holder.holding;
    const second = await services.engine('lock-initial').syncOrder(initial.orderId);
    holder.release();

    expect(second.status).toBe('busy');
    expect((await amending).status).toBe('synced');
  });

  it("turns away an amendment's sync while the initial order's sync, begun before CPQ contracted it, holds it", async () => {
    const cpq = new CpqBuilder(org.org);
    const accountId = cpq.account('Pointer window');
    const initial = seatOrder(cpq, accountId, 'Pointer window initial');

    const holder = stalledEngine('window-initial');
    const first = holder.engine.syncOrder(initial.orderId);
    await holder.holding;
    // Meanwhile CPQ contracts the order, an amendment is made and contracted: the contract now names it.
    const contractId = cpq.contract(initial, accountId, '2031-01-01', 12);
    const amendment = seatOrder(cpq, accountId, 'Pointer window +2', contractId);
    org.store.update('Contract', contractId, { SBQQ__Order__c: amendment.orderId }, { system: true });
    const second = await services.engine('window-amendment').syncOrder(amendment.orderId);
    holder.release();

    expect(second.status).toBe('busy');
    expect((await first).status).toBe('synced');
    expect((await services.engine('window-retry').syncOrder(amendment.orderId)).status).toBe('synced');
  });
});
