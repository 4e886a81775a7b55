/**
 * The Order page card in a real browser: built with LWC OSS, its wires and createRecord talking to the
 * org emulator's UI API over HTTP, the relay answering its sync requests against the Stripe emulator.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startRelay, type RunningRelay } from '../../plugin/src/relay/index.js';
import { dashboardLink } from '../../plugin/src/stripe/links.js';
import { memoryLogger, sampleOrder, startServices, type Services } from '../relay/support.js';
import { ensureOrderPageBuilt, readCustomLabels, REPO_ROOT } from '@stripe-cpq/order-page/build.js';
import { launchChromium } from './support/chromium.js';
import { billingPreviewSchema, billingSummarySchema } from '../../plugin/src/core/billingSummary/schema.js';
import { CpqBuilder } from '@stripe-cpq/salesforce-org-emulator/seed/cpqBuilder.js';
import { startEmulatorOrderPageServer, type OrderPageServer } from '@stripe-cpq/order-page/server.js';

/**
 * Screenshots land in test-results/ on every run. With UPDATE_SCREENSHOTS=1 they are also written to docs/,
 * which the README shows; a plain `npm test` leaves the committed images alone (ids and times change per run).
 */
const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'screenshots');
const DOCS = join(REPO_ROOT, 'docs');

async function saveScreenshot(name: string): Promise<void> {
  const image = await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
  if (process.env.UPDATE_SCREENSHOTS === '1') writeFileSync(join(DOCS, name), image);
}
const labels = readCustomLabels();
const label = (name: string) => labels.get(`c.StripeOrderSync_${name}`)!;
const billingLabel = (name: string) => labels.get(`c.StripeBillingSummary_${name}`)!;
const previewLabel = (name: string) => labels.get(`c.StripeBillingPreview_${name}`)!;
/** The card polls its request every 3 s (POLL_INTERVAL_MS); a sync must be visible within a few polls. */
const SYNC_VISIBLE_MS = 20_000;

let services: Services;
let relay: RunningRelay;
let pages: OrderPageServer;
let browser: Browser;
let page: Page;
/** Uncaught errors and console errors of the page: a card that throws fails its test with them. */
const pageErrors: string[] = [];

beforeAll(async () => {
  // Assigned as each one starts, so afterAll stops whatever started when another one failed.
  await Promise.all([
    ensureOrderPageBuilt(),
    startServices().then((s) => (services = s)),
    launchChromium().then((b) => (browser = b)),
  ]);
  relay = await startRelay({
    salesforce: services.salesforce,
    events: services.events,
    stripe: services.gateway,
    port: 0,
    liveSync: false,
    logger: memoryLogger().logger,
  });
  pages = await startEmulatorOrderPageServer(services.org);
  page = await browser.newPage({ viewport: { width: 1280, height: 640 } });
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(String(error.stack ?? error)));
  page.on(
    'console',
    (message) => void (message.type() === 'error' && pageErrors.push(`${message.text()} (${message.location().url})`)),
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 300_000);

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await relay?.stop();
  await services?.close();
});

const orderRow = (orderId: string) =>
  services.org.query(
    `SELECT Stripe_ID__c, Stripe_Sync_Status__c, Stripe_Sync_Message__c, Stripe_Sync_Fix__c FROM Order WHERE Id = '${orderId}'`,
  )[0]!;
const latestRequest = (orderId: string) =>
  services.org.query(
    `SELECT Status__c, Requested_By__c FROM Stripe_Sync_Request__c WHERE Order__c = '${orderId}' ORDER BY CreatedDate DESC LIMIT 1`,
  )[0];

/** The status badge once it reads exactly `status` (a bare hasText would also match "Not synced"). */
const statusBadge = (status: string) =>
  page.locator('[data-id="status"]').filter({ hasText: new RegExp(`^${status}$`) });
/** The Sync Records table; getByText pierces the datatable's synthetic shadow roots, where textContent stops. */
const syncRecordsTable = () => page.locator('[data-id="sync-records"]');

async function openOrderAndSyncNow(orderId: string): Promise<void> {
  await page.goto(pages.orderUrl(orderId));
  await page
    .locator('[data-id="status"]')
    .waitFor()
    .catch((error: unknown) => {
      throw new Error(`The card did not render its status. Page errors:\n${pageErrors.join('\n')}`, { cause: error });
    });
  await expect(page.locator('[data-id="status"]').textContent()).resolves.toBe(label('NotSynced'));
  await page.getByRole('button', { name: label('SyncNow') }).click();
}

describe('Order page card in Chromium, over the org emulator, the relay and the Stripe emulator', () => {
  it('S1: Sync now on an unsynced order creates a sync request; the relay syncs it and the card shows Synced, the Stripe links and the Sync Records', async () => {
    const order = sampleOrder(services.org, 'S1');
    await openOrderAndSyncNow(order.orderId);
    await expect(page.locator('[data-id="no-sync-records"]').textContent()).resolves.toBe(label('NoSyncRecords'));

    await statusBadge('Synced').waitFor({ timeout: SYNC_VISIBLE_MS });
    // The request the page created through the UI API, by this user, ended Synced (the relay's work).
    expect(latestRequest(order.orderId)).toMatchObject({ Status__c: 'Synced', Requested_By__c: services.org.userId });
    const row = orderRow(order.orderId);
    expect(row.Stripe_ID__c).toMatch(/^sub_sched_/);
    const schedule = services.stripe.store.subscriptionSchedules.get(String(row.Stripe_ID__c));
    expect(schedule).toBeDefined();

    // The links lead to the objects the relay created in Stripe.
    await expect(page.locator('[data-id="customer-link"]').getAttribute('href')).resolves.toBe(
      dashboardLink(String(schedule!.customer), false),
    );
    await expect(page.locator('[data-id="stripe-object-link"]').getAttribute('href')).resolves.toBe(
      dashboardLink(schedule!.id, false),
    );
    await expect(page.locator('[data-id="stripe-object-label"]').textContent()).resolves.toBe(label('Schedule'));
    await expect(page.locator('[data-id="last-sync"]').textContent()).resolves.not.toBe(label('NeverSynced'));

    await syncRecordsTable()
      .getByText(`Created Stripe Subscription Schedule with Id: ${String(row.Stripe_ID__c)}`, { exact: true })
      .waitFor();
    await syncRecordsTable().getByText('Success', { exact: true }).waitFor();
    await expect(page.locator('#toasts').textContent()).resolves.toContain(label('SyncedTitle'));
    await expect(page.getByRole('button', { name: label('SyncNow') }).isEnabled()).resolves.toBe(true);

    await saveScreenshot('order-page-synced.png');
  });

  it('S38: Sync now on an order with a decimal quantity shows Failed with the documented message and its fix, and writes nothing to Stripe', async () => {
    const order = sampleOrder(services.org, 'S38');
    const stripeWrites = services.stripe.requestLog.writes().length;
    await openOrderAndSyncNow(order.orderId);

    await statusBadge('Failed').waitFor({ timeout: SYNC_VISIBLE_MS });
    expect(latestRequest(order.orderId)?.Status__c).toBe('Failed');
    const row = orderRow(order.orderId);
    const message = await page.locator('[data-id="failure"] [data-id="problem-message"]').textContent();
    expect(message).toContain('Quantity specified as a decimal value. Only integers are supported.');
    expect(message).toBe(row.Stripe_Sync_Message__c);
    const fix = await page.locator('[data-id="failure"] [data-id="problem-fix"]').textContent();
    expect(fix).toBe(`${label('Fix')}: ${String(row.Stripe_Sync_Fix__c)}`);
    expect(String(row.Stripe_Sync_Fix__c)).toMatch(/whole/i);

    await syncRecordsTable()
      .getByText(/^Quantity specified as a decimal value\. Only integers are supported\./)
      .first()
      .waitFor();
    await syncRecordsTable().getByText('Error', { exact: true }).first().waitFor();
    await expect(page.locator('#toasts [data-variant="error"]').textContent()).resolves.toContain(label('FailedTitle'));
    expect(services.stripe.requestLog.writes().length).toBe(stripeWrites);

    await saveScreenshot('order-page-failed.png');
  });

  /** The timeline's phases as the page shows them: title, dates and each item's product, quantity and amount. */
  const shownPhases = (root = page.locator('[data-id="billing-summary"]')) =>
    root.locator('[data-id="phase"]').evaluateAll((phases) =>
      phases.map((phase) => ({
        dates: phase.querySelector<HTMLElement>('[data-id="phase-dates"]')?.innerText.replace(/\s+/g, ' ').trim(),
        items: [...phase.querySelectorAll('[data-id="item"]')].map((row) =>
          [...row.querySelectorAll('th, td')].map((cell) =>
            (cell as HTMLElement).innerText.replace(/\s+/g, ' ').trim(),
          ),
        ),
        total: phase.querySelector<HTMLElement>('[data-id="phase-total"]')?.innerText.replace(/\s+/g, ' ').trim(),
      })),
    );
  const summaryOf = (orderId: string) =>
    billingSummarySchema.parse(
      JSON.parse(
        String(
          services.org.query(`SELECT Stripe_Billing_Summary__c FROM Order WHERE Id = '${orderId}'`)[0]!
            .Stripe_Billing_Summary__c,
        ),
      ),
    );

  it('S14 MDQ ramp: after Sync now the card shows the billing timeline, one phase per yearly segment, with TCV, MRR and the next invoice', async () => {
    const order = sampleOrder(services.org, 'S14');
    await openOrderAndSyncNow(order.orderId);
    await statusBadge('Synced').waitFor({ timeout: SYNC_VISIBLE_MS });
    await page.locator('[data-id="billing-summary"] [data-id="phase"]').nth(2).waitFor();

    const phases = await shownPhases();
    // Inline parts are spaced by margins, so the text has no spaces around the dash or after the colon.
    expect(phases.map((p) => p.dates)).toEqual([
      'Jan 01, 2030–Jan 01, 2031',
      'Jan 01, 2031–Jan 01, 2032',
      'Jan 01, 2032–Jan 01, 2033',
    ]);
    // Amounts as lightning-formatted-number shows them in the order's currency, for the browser's locale (en-US).
    expect(phases.map((p) => p.items.find((cells) => cells[0] === 'Ramp'))).toEqual([
      ['Ramp', '10', '$10,000.00', 'per year'],
      ['Ramp', '10', '$11,000.00', 'per year'],
      ['Ramp', '12', '$14,400.00', 'per year'],
    ]);
    expect(phases.map((p) => p.total)).toEqual([
      `${billingLabel('PhaseTotal')}:$12,500.00`,
      `${billingLabel('PhaseTotal')}:$11,500.00`,
      `${billingLabel('PhaseTotal')}:$14,900.00`,
    ]);
    await expect(page.locator('[data-id="tcv"]').innerText()).resolves.toBe('$38,900.00');
    await expect(page.locator('[data-id="mrr"]').innerText()).resolves.toBe('$875.00');
    await expect(page.locator('[data-id="next-invoice"]').innerText()).resolves.toMatch(
      /^\s*Jan 01, 2030\s*\$12,500\.00\s*$/,
    );
    expect(summaryOf(order.orderId).phases).toHaveLength(3);

    await page.locator('[data-id="billing-summary"]').scrollIntoViewIfNeeded();
    await saveScreenshot('order-page-mdq-ramp.png');
  });

  it('S21 amendment: after Sync now the card shows the phase before the amendment and the one it made', async () => {
    const order = sampleOrder(services.org, 'S21');
    await openOrderAndSyncNow(order.orderId);
    await statusBadge('Synced').waitFor({ timeout: SYNC_VISIBLE_MS });
    await page.locator('[data-id="billing-summary"] [data-id="phase"]').nth(1).waitFor();

    const phases = await shownPhases();
    expect(phases.map((p) => p.items.map((cells) => cells.slice(0, 3)).sort())).toEqual([
      [['Widget', '10', '$100.00']],
      [
        ['Gadget', '5', '$100.00'],
        ['Widget', '6', '$60.00'],
      ],
    ]);
    const summary = summaryOf(order.orderId);
    await expect(page.locator('[data-id="tcv"]').innerText()).resolves.toBe(
      new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(summary.tcv as unknown as number),
    );
    await expect(page.locator('[data-id="latest-invoice-link"]').getAttribute('href')).resolves.toBe(
      summary.latestInvoice?.paymentLink,
    );

    await saveScreenshot('order-page-amended.png');
  });

  async function draftOrder(name: string, quantity: number): Promise<string> {
    const builder = new CpqBuilder(services.org.org);
    const product = builder.product({
      name: 'Analytics Seat',
      listPrice: 45,
      pricing: 'Fixed Price',
      subscriptionType: 'Renewable',
      term: 1,
      billingFrequency: 'Monthly',
      billingType: 'Advance',
    });
    const setup = builder.product({ name: 'Implementation', listPrice: 1500 });
    return builder.order({
      accountId: builder.account(name),
      name,
      start: '2030-09-01',
      term: 12,
      activated: false,
      lines: [
        { product, quantity },
        { product: setup, quantity: 1 },
      ],
    }).orderId;
  }

  async function openAndPreview(orderId: string): Promise<void> {
    await page.goto(pages.orderUrl(orderId), { timeout: 30_000 });
    await page.locator('[data-id="status"]').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: previewLabel('Button') }).click();
  }

  it('Preview billing on a draft order shows the billing the sync would make, and writes nothing to Stripe or the Order', async () => {
    const orderId = await draftOrder('Draft Preview Co', 8);
    const stripeWrites = services.stripe.requestLog.writes().length;
    await openAndPreview(orderId);
    await page.locator('[data-id="preview-summary"]').waitFor({ timeout: SYNC_VISIBLE_MS });

    const phases = await shownPhases(page.locator('[data-id="preview-summary"]'));
    expect(phases).toEqual([
      {
        dates: 'Sep 01, 2030–Sep 01, 2031',
        items: [['Analytics Seat', '8', '$360.00', 'per month']],
        total: `${billingLabel('PhaseTotal')}:$5,820.00`,
      },
    ]);
    await expect(page.locator('[data-id="preview-nothing-written"]').innerText()).resolves.toBe(
      previewLabel('NothingWritten'),
    );
    await expect(page.locator('[data-id="billing-summary"]').count()).resolves.toBe(0); // a draft: the Order has no summary
    const request = services.org.query(
      `SELECT Type__c, Status__c, Preview_Result__c FROM Stripe_Sync_Request__c WHERE Order__c = '${orderId}'`,
    )[0]!;
    expect(request).toMatchObject({ Type__c: 'Preview', Status__c: 'Previewed' });
    expect(billingPreviewSchema.parse(JSON.parse(String(request.Preview_Result__c))).summary?.tcv).toBe('5820.00');
    expect(services.stripe.requestLog.writes().length).toBe(stripeWrites);
    expect(orderRow(orderId).Stripe_ID__c).toBeNull();

    await page.locator('[data-id="billing-preview"]').scrollIntoViewIfNeeded();
    await saveScreenshot('order-page-preview.png');
  });

  it('Preview billing on a draft order that could not sync lists its problems with their fixes', async () => {
    const orderId = await draftOrder('Draft Problem Co', 2.5);
    await openAndPreview(orderId);
    await page.locator('[data-id="preview-problems"]').waitFor({ timeout: SYNC_VISIBLE_MS });
    const problems = page.locator('[data-id="preview-problems"]');
    await expect(problems.locator('[data-id="problem-message"]').first().textContent()).resolves.toContain(
      'Quantity specified as a decimal value. Only integers are supported.',
    );
    // The same panel, and the same "Fix" label, as a failed sync on the card.
    await expect(problems.locator('[data-id="problem-fix"]').first().textContent()).resolves.toMatch(
      new RegExp(`^${label('Fix')}: .*whole`, 'i'),
    );
    await expect(page.locator('[data-id="preview-summary"]').count()).resolves.toBe(0);

    await page.locator('[data-id="billing-preview"]').scrollIntoViewIfNeeded();
    await saveScreenshot('order-page-preview-problems.png');
  });
});
