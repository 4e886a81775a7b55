// Bad input through the whole engine: an order broken the way admins and integrations break them gets the
// documented message and a fix on the right record (Order status and the Sync Record's secondary record),
// and Stripe receives no write at all (asserted on the Stripe emulator's request log).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { CpqBuilder } from '@stripe-cpq/salesforce-org-emulator/seed/cpqBuilder.js';
import type { StripeEmulator } from '@stripe-cpq/stripe-emulator';
import type { SyncEngine } from '../../plugin/src/sync/engine.js';
import { startEmulatedServices, type EmulatedServices } from '../support/emulatedServices.js';

let services: EmulatedServices;
let org: SalesforceEmulator;
let stripe: StripeEmulator;
let engine: SyncEngine;

beforeEach(async () => {
  services = await startEmulatedServices();
  ({ org, stripe } = services);
  engine = services.engine('bad-input');
});
afterEach(async () => {
  await services.close();
});

const sample = (scenario: string) => org.sample!.orders.find((o) => o.scenario === scenario)!;

interface BrokenOrder {
  /** Breaks a sample order in the org; returns the record the error must name. */
  readonly breakIt: (order: ReturnType<typeof sample>) => { id: string; type: string };
  readonly scenario: string;
  readonly message: string;
}

const CASES: Readonly<Record<string, BrokenOrder>> = {
  'a decimal subscription term on the quote': {
    scenario: 'S1',
    breakIt: (o) => (
      org.store.update('SBQQ__Quote__c', o.quoteId, { SBQQ__SubscriptionTerm__c: 12.5 }),
      { id: o.quoteId, type: 'SBQQ__Quote__c' }
    ),
    message: 'The subscription term must be a whole, positive number of months; found 12.5.',
  },
  'a decimal quantity on one line': {
    scenario: 'S2',
    breakIt: (o) => (
      org.store.update('SBQQ__QuoteLine__c', o.quoteLineIds[0]!, { SBQQ__Quantity__c: 2.5 }),
      org.store.update('OrderItem', o.orderItemIds[0]!, { Quantity: 2.5 }),
      { id: o.orderItemIds[0]!, type: 'OrderItem' }
    ),
    message: 'Quantity specified as a decimal value. Only integers are supported.',
  },
  'an order line that is not activated': {
    scenario: 'S6',
    breakIt: (o) => (
      org.store.update('OrderItem', o.orderItemIds[0]!, { SBQQ__Activated__c: false }),
      { id: o.orderItemIds[0]!, type: 'OrderItem' }
    ),
    message: 'The order line is deleted or not activated.',
  },
  'a quote without a start date (unicode and quotes in the account name do not matter)': {
    scenario: 'S3',
    breakIt: (o) => {
      org.store.update('Account', o.accountId, { Name: 'Zoë\'s 株式会社 \u{1F680} "Ltd"\'; DROP TABLE--' });
      org.store.update('SBQQ__Quote__c', o.quoteId, { SBQQ__StartDate__c: null });
      return { id: o.orderId, type: 'Order' };
    },
    message: 'Data Error: The following required fields are missing: SBQQ__Quote__c.SBQQ__StartDate__c',
  },
  'an unsupported billing frequency (sample order BF)': {
    scenario: 'BF',
    breakIt: (o) => ({ id: o.orderItemIds[0]!, type: 'OrderItem' }),
    message: 'Data Error: Billing frequency is not a supported CPQ Billing Frequency option: Invoice Plan',
  },
  'an MDQ line with a Custom price dimension (sample order MDQ_CUSTOM)': {
    scenario: 'MDQ_CUSTOM',
    // The first segment line of the Custom dimension (the order's first line is a plain one).
    breakIt: (o) => ({
      id: String(
        org.query(
          `SELECT Id FROM OrderItem WHERE OrderId = '${o.orderId}' AND SBQQ__SegmentIndex__c != null ORDER BY SBQQ__SegmentIndex__c LIMIT 1`,
        )[0]!.Id,
      ),
      type: 'OrderItem',
    }),
    message: 'Data Error: MDQ products with Custom segments are not supported.',
  },
};

describe('broken orders: documented message and fix on the right record, zero Stripe writes', () => {
  it.each(Object.entries(CASES))('%s', async (_name, broken) => {
    const order = sample(broken.scenario);
    const record = broken.breakIt(order);
    const writesBefore = stripe.requestLog.writes().length;
    const result = await engine.syncOrder(order.orderId);
    expect(result.status).toBe('failed');
    expect(result.retryable).toBe(false);
    expect(stripe.requestLog.writes().length).toBe(writesBefore);
    const error = result.errors.find((e) => e.resolutionMessage.includes(broken.message));
    expect(result.errors.map((e) => e.resolutionMessage)).toContainEqual(expect.stringContaining(broken.message));
    expect(error!.record).toEqual(expect.objectContaining({ type: record.type }));
    expect(error!.record.id.slice(0, 15)).toBe(record.id.slice(0, 15));
    expect(error!.fix.length).toBeGreaterThan(10);
    const row = org.query(
      `SELECT Stripe_ID__c, Stripe_Sync_Status__c, Stripe_Sync_Message__c, Stripe_Sync_Fix__c FROM Order WHERE Id = '${order.orderId}'`,
    )[0]!;
    expect(row).toMatchObject({
      Stripe_ID__c: null,
      Stripe_Sync_Status__c: 'Failed',
      Stripe_Sync_Fix__c: expect.stringContaining(error!.fix),
    });
    const records = org.query(
      `SELECT Secondary_Record_ID__c, Resolution_Status__c, Resolution_Message__c FROM Stripe_Sync_Record__c WHERE Order__c = '${order.orderId}'`,
    );
    expect(records).toContainEqual(
      expect.objectContaining({ Resolution_Status__c: 'Error', Resolution_Message__c: error!.resolutionMessage }),
    );
  });

  it("a huge order (25 recurring lines, over Stripe's 20 items per phase) is refused on the Order before any Stripe call", async () => {
    const cpq = new CpqBuilder(org.org);
    const seat = org.sample!.products.seat!;
    const huge = cpq.order({
      accountId: sample('S1').accountId,
      name: 'Huge order',
      start: '2030-04-01',
      term: 12,
      lines: Array.from({ length: 25 }, (_, i) => ({ product: seat, quantity: i + 1 })),
    });
    const requestsBefore = stripe.requestLog.entries.length;
    const result = await engine.syncOrder(huge.orderId);
    expect(result.status).toBe('failed');
    expect(result.errors.map((e) => [e.resolutionMessage, e.record.type])).toContainEqual([
      expect.stringContaining('The order has 25 recurring lines; a Stripe subscription holds at most 20 items.'),
      'Order',
    ]);
    expect(result.errors[0]?.fix).toMatch(/Split the order/);
    expect(stripe.requestLog.entries.slice(requestsBefore).filter((e) => e.method === 'POST')).toEqual([]);
  });

  it('an order broken on many lines in several ways gets each message and fix once on the Order, however long the text', async () => {
    const seat = org.sample!.products.seat!;
    const broken = new CpqBuilder(org.org).order({
      accountId: sample('S1').accountId,
      name: 'Many broken lines',
      start: '2030-04-01',
      term: 12,
      lines: Array.from({ length: 8 }, (_, i) => ({ product: seat, quantity: i + 1 })),
    });
    const [a, b, c, d, e, f] = broken.orderItemIds;
    for (const id of [a!, b!, c!]) org.store.update('OrderItem', id, { Quantity: 1.5 });
    org.store.update('OrderItem', d!, { SBQQ__BillingFrequency__c: 'Invoice Plan' });
    org.store.update('OrderItem', e!, { SBQQ__Activated__c: false });
    org.store.update('OrderItem', f!, { SBQQ__BillingType__c: 'Quarterly in advance' });

    const result = await engine.syncOrder(broken.orderId);
    expect(result.status).toBe('failed');
    const messages = [...new Set(result.errors.map((x) => x.resolutionMessage))];
    expect(messages).toEqual(
      expect.arrayContaining([
        'Quantity specified as a decimal value. Only integers are supported.',
        expect.stringContaining('Billing frequency is not a supported CPQ Billing Frequency option'),
        'Data Error: The order line is deleted or not activated.',
        expect.stringContaining("Product billing type isn't a supported CPQ Product Billing Type option"),
      ]),
    );
    const fixes = [...new Set(result.errors.map((x) => x.fix))].join('\n');
    expect(fixes.length).toBeGreaterThan(255); // more than a Text(255) field holds
    const row = org.query(
      `SELECT Stripe_Sync_Status__c, Stripe_Sync_Message__c, Stripe_Sync_Fix__c FROM Order WHERE Id = '${broken.orderId}'`,
    )[0]!;
    expect(row).toEqual(
      expect.objectContaining({
        Stripe_Sync_Status__c: 'Failed',
        Stripe_Sync_Message__c: messages.join('\n'),
        Stripe_Sync_Fix__c: fixes,
      }),
    );
    const records = org.query(
      `SELECT Secondary_Record_ID__c FROM Stripe_Sync_Record__c WHERE Order__c = '${broken.orderId}' AND Resolution_Status__c = 'Error'`,
    );
    expect(records).toHaveLength(result.errors.length);
  });

  it('an order Id carrying a SOQL injection is refused with a clear error before any query, and nothing is written', async () => {
    const soqlBefore = org.requestLog.length;
    await expect(engine.syncOrder("801Em000000001fIAA' OR Name != '")).rejects.toThrow(
      /Not a Salesforce Id: "801Em000000001fIAA' OR Name != '"/,
    );
    expect(org.requestLog.slice(soqlBefore).filter((r) => decodeURIComponent(r.path).includes("OR Name != '"))).toEqual(
      [],
    );
    expect(stripe.requestLog.writes()).toEqual([]);
  });
});
