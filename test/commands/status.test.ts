import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import Status from '../../plugin/src/commands/stripe/cpq/status.js';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { authenticateToEmulator, PLUGIN_ROOT } from './support/emulatedOrg.js';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { billingSummarySchema } from '../../plugin/src/core/billingSummary/schema.js';
import { schemaErrors } from './support/resultSchemas.js';

// The card's own fixture: one summary shape for the card, the CLI and the relay.
const coupons = JSON.parse(
  readFileSync(
    new URL('../../force-app/main/default/lwc/stripeBillingSummary/__tests__/data/coupons.json', import.meta.url),
    'utf8',
  ),
) as unknown;
const oneTimeCoupons = JSON.parse(
  readFileSync(
    new URL(
      '../../force-app/main/default/lwc/stripeBillingSummary/__tests__/data/oneTimeCoupons.json',
      import.meta.url,
    ),
    'utf8',
  ),
) as unknown;
const mdqRamp = JSON.parse(
  readFileSync(
    new URL('../../force-app/main/default/lwc/stripeBillingSummary/__tests__/data/mdqRamp.json', import.meta.url),
    'utf8',
  ),
) as unknown;

describe('sf stripe cpq status', () => {
  const $$ = new TestContext();
  let emulator: SalesforceEmulator;
  let ux: ReturnType<typeof stubSfCommandUx>;
  let synced: string;
  let failed: string;

  beforeEach(async () => {
    emulator = await authenticateToEmulator($$);
    ux = stubSfCommandUx($$.SANDBOX);
    const [first, second] = emulator.sample?.orders ?? [];
    synced = String(first?.orderId);
    failed = String(second?.orderId);
    emulator.store.update('Order', synced, {
      Stripe_ID__c: 'sub_sched_123',
      Stripe_Sync_Status__c: 'Synced',
      Stripe_Last_Sync__c: '2026-03-02T10:00:00.000+0000',
      Stripe_Customer_Link__c: 'https://dashboard.stripe.com/test/customers/cus_123',
    });
    emulator.store.update('Order', failed, {
      Stripe_Sync_Status__c: 'Failed',
      Stripe_Sync_Message__c: 'Data Error: Quantity specified as a decimal value.',
      Stripe_Sync_Fix__c: 'Make the quantity a whole number.',
    });
    emulator.store.insert('Stripe_Sync_Record__c', {
      Compound_ID__c: `${failed}-802A`,
      Order__c: failed,
      Primary_Record_ID__c: failed,
      Primary_Object_Type__c: 'Order',
      Secondary_Record_ID__c: '802000000000001AAA',
      Secondary_Object_Type__c: 'OrderItem',
      Resolution_Status__c: 'Error',
      Resolution_Message__c: 'Quantity specified as a decimal value. Only integers are supported.',
      Resolution_Fix__c: 'Make the quantity a whole number, then sync again.',
    });
    emulator.store.insert('Stripe_Sync_Request__c', {
      Order__c: failed,
      Status__c: 'Failed',
      Claimed_By__c: 'relay-1',
    });
    emulator.store.insert('Stripe_Sync_Request__c', { Order__c: synced, Status__c: 'Queued' });
  });

  /** Requests a retryable failure left Retrying (relay/syncRequests.ts): the later one first, to show the order is by due time. */
  function retryingRequests(): { first: string } {
    emulator.store.insert('Stripe_Sync_Request__c', {
      Order__c: synced,
      Status__c: 'Retrying',
      Attempts__c: 4,
      Next_Attempt_At__c: '2026-03-02T12:30:00.000+0000',
    });
    const first = emulator.store.insert('Stripe_Sync_Request__c', {
      Order__c: failed,
      Status__c: 'Retrying',
      Attempts__c: 2,
      Next_Attempt_At__c: '2026-03-02T10:05:00.000+0000',
    });
    return { first };
  }

  afterEach(async () => {
    $$.restore();
    await emulator.close();
    process.exitCode = undefined; // a failed command sets the CLI's exit code, not the test runner's
  });

  it('counts orders by sync status and lists the latest failures with their fixes and the relay activity', async () => {
    const result = await Status.run(['--target-org', 'cpq'], PLUGIN_ROOT);
    const total = emulator.query('SELECT Id FROM Order').length;
    expect(result.overview?.orders).toEqual({ 'Not Synced': total - 2, Queued: 0, Syncing: 0, Synced: 1, Failed: 1 });
    expect(result.overview?.latestFailures).toEqual([
      expect.objectContaining({
        secondaryObjectType: 'OrderItem',
        message: 'Quantity specified as a decimal value. Only integers are supported.',
        fix: 'Make the quantity a whole number, then sync again.',
      }),
    ]);
    expect(result.overview?.relay).toMatchObject({
      lastRequest: { orderId: failed, status: 'Failed', claimedBy: 'relay-1' },
      lastOrderSync: { orderId: synced },
      queuedRequests: 1,
      retrying: { requests: 0, next: null },
    });
    expect(
      ux.log
        .getCalls()
        .flatMap((c) => c.args)
        .join('\n'),
    ).not.toContain('Retrying:');
    expect(ux.table.firstCall.args[0].data).toContainEqual({ 'Sync Status': 'Failed', Orders: 1 });
    expect(schemaErrors('stripe-cpq-status', result)).toEqual([]);
  });

  /** Runs `status`: the org's API calls (its own counter) and those its Salesforce client counted. */
  async function statusCalls(argv: string[]) {
    const build = SalesforceClient.fromConnection.bind(SalesforceClient);
    let client: SalesforceClient | undefined;
    const stub = $$.SANDBOX.stub(SalesforceClient, 'fromConnection').callsFake(
      (connection) => (client = build(connection)),
    );
    const before = emulator.org.apiRequestsToday();
    await Status.run([...argv, '--target-org', 'cpq', '--json'], PLUGIN_ROOT);
    stub.restore();
    return { org: emulator.org.apiRequestsToday() - before, client: client?.calls };
  }

  it("makes each of its Salesforce calls through the one client, whose counter equals the org's", async () => {
    // Five counts by sync status, the queued and retrying counts and four queries: 11 queries in 3 composite
    // calls (5 queries each at most); --order's 2 queries in one. Loading the org costs none: the login's
    // auth file holds the API version and the org's type (support/emulatedOrg.ts).
    expect(await statusCalls([])).toEqual({ org: 3, client: 3 });
    expect(await statusCalls(['--order', failed])).toEqual({ org: 1, client: 1 });
  });

  it('shows the Sync Requests waiting to retry: how many, and the first due with its order, attempts and time', async () => {
    const { first } = retryingRequests();
    const result = await Status.run(['--target-org', 'cpq'], PLUGIN_ROOT);
    expect(result.overview?.relay).toMatchObject({
      queuedRequests: 1,
      retrying: {
        requests: 2,
        next: { id: first, orderId: failed, attempts: 2, at: expect.stringMatching(/^2026-03-02T10:05:00/) },
      },
    });
    expect(ux.log.getCalls().flatMap((c) => c.args)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^Retrying: 2 Sync Request\\(s\\) wait for another attempt after a retryable failure; the first due is ${first} \\(order ${failed}, 2 attempt\\(s\\) so far\\) at 2026-03-02T10:05:00`,
        ),
      ),
    );
    expect(schemaErrors('stripe-cpq-status', result)).toEqual([]);
  });

  it("shows one order's Stripe links, status and Sync Records with --order", async () => {
    const result = await Status.run(['--target-org', 'cpq', '--order', failed], PLUGIN_ROOT);
    expect(result.order).toMatchObject({
      id: failed,
      syncStatus: 'Failed',
      fix: 'Make the quantity a whole number.',
      syncRecords: [expect.objectContaining({ status: 'Error' })],
    });
    const syncedOrder = await Status.run(['--target-org', 'cpq', '--order', synced.slice(0, 15)], PLUGIN_ROOT);
    expect(syncedOrder.order?.links).toMatchObject({
      stripeId: 'sub_sched_123',
      customer: 'https://dashboard.stripe.com/test/customers/cus_123',
    });
    expect(schemaErrors('stripe-cpq-status', result)).toEqual([]);
  });

  it('prints the billing timeline with --order, and carries the summary in --json', async () => {
    emulator.store.update('Order', synced, { Stripe_Billing_Summary__c: JSON.stringify(mdqRamp) });
    const result = await Status.run(['--target-org', 'cpq', '--order', synced], PLUGIN_ROOT);
    expect(result.order?.billingSummary).toEqual(mdqRamp);
    expect(result.order?.billingSummaryUnreadable).toBe(false);
    expect(ux.styledHeader.getCalls().map((c) => c.args[0])).toContain('Billing in Stripe: subscription schedule, USD');
    const lines = ux.log.getCalls().flatMap((c) => c.args);
    expect(lines).toEqual(
      expect.arrayContaining([
        'MRR $1,000.00 · TCV $64,000.00',
        'Next invoice: 2031-01-01, $22,000.00',
        `Latest invoice: open, $12,000.00 due · pay at https://invoice.stripe.com/i/acct_test/test_YWNjdF9pbnZvaWNl`,
        'Phase 1: 2030-01-01 → 2031-01-01 · total $12,000.00',
        '  Data Platform (ramp) × 100: $12,000.00 per year',
        'Phase 3: 2032-01-01 → 2033-01-01 · total $30,000.00',
      ]),
    );
    expect(schemaErrors('stripe-cpq-status', result)).toEqual([]);
  });

  it("prints each line's own coupons under it and the order's coupons after the phase's items", async () => {
    emulator.store.update('Order', synced, { Stripe_Billing_Summary__c: JSON.stringify(coupons) });
    await Status.run(['--target-org', 'cpq', '--order', synced], PLUGIN_ROOT);
    const lines = ux.log.getCalls().flatMap((c) => c.args as string[]);
    const phase = lines.slice(lines.indexOf('Phase 1: 2030-01-01 → 2031-01-01 · total $12,120.00'));
    expect(phase.slice(0, 8)).toEqual([
      'Phase 1: 2030-01-01 → 2031-01-01 · total $12,120.00',
      '  Platform Seat × 10: $1,000.00 per month',
      '  Support Plan × 1: $250.00 per month',
      '    coupon: Support at half price (50% off, forever)',
      '  one-time: Onboarding × 1: $500.00',
      '    coupon: Onboarding credit ($200.00 off, once)',
      '  coupon: Launch discount (10% off, forever)',
      '  coupon: First quarter credit ($100.00 off, for 3 months)',
    ]);
  });

  it("prints a one-time invoice's lines with their own coupons, then the invoice's coupons and its total", async () => {
    emulator.store.update('Order', synced, { Stripe_Billing_Summary__c: JSON.stringify(oneTimeCoupons) });
    const result = await Status.run(['--target-org', 'cpq', '--order', synced], PLUGIN_ROOT);
    expect(result.order?.billingSummary).toEqual(oneTimeCoupons);
    const lines = ux.log.getCalls().flatMap((c) => c.args as string[]);
    const invoice = lines.slice(lines.indexOf('  Implementation Services × 20: $3,000.00'));
    expect(invoice.slice(0, 5)).toEqual([
      '  Implementation Services × 20: $3,000.00',
      '    coupon: Onboarding credit ($200.00 off, once)',
      '  Training Day × 2: $1,600.00',
      '  coupon: Launch discount (10% off, forever)',
      '  total $3,960.00',
    ]);
    expect(schemaErrors('stripe-cpq-status', result)).toEqual([]);
  });

  it('says so when the order has no summary yet, or one it cannot read', async () => {
    const none = await Status.run(['--target-org', 'cpq', '--order', synced], PLUGIN_ROOT);
    expect(none.order).toMatchObject({ billingSummary: null, billingSummaryUnreadable: false });
    expect(ux.log.getCalls().flatMap((c) => c.args)).toContain(
      'No billing summary yet: the relay writes it when the order syncs.',
    );
    emulator.store.update('Order', synced, { Stripe_Billing_Summary__c: '{"version":99}' });
    const unreadable = await Status.run(['--target-org', 'cpq', '--order', synced], PLUGIN_ROOT);
    expect(unreadable.order).toMatchObject({ billingSummary: null, billingSummaryUnreadable: true });
    expect(ux.log.getCalls().flatMap((c) => c.args)).toContain(
      "The order's billing summary could not be read. Sync the order again to refresh it.",
    );
    expect(schemaErrors('stripe-cpq-status', unreadable)).toEqual([]);
  });

  it("keeps the --json schema's billingSummary the zod schema the relay writes with", () => {
    const schema = JSON.parse(
      readFileSync(new URL('../../plugin/schemas/stripe-cpq-status.json', import.meta.url), 'utf8'),
    ) as { definitions: { billingSummary: unknown } };
    const { $schema: _, ...fromZod } = z.toJSONSchema(billingSummarySchema, { target: 'draft-7' });
    expect(schema.definitions.billingSummary).toEqual(fromZod);
  });

  it('names the order and the fix when the order does not exist', async () => {
    await expect(
      Status.run(['--target-org', 'cpq', '--order', '801000000000999AAA'], PLUGIN_ROOT),
    ).rejects.toMatchObject({
      name: 'OrderNotFoundError',
      message: 'No Order with ID 801000000000999AAA in the org.',
    });
    expect(process.exitCode).toBe(1);
  });
});
