/**
 * `npm run demo -- --serve` end to end: the demo syncs the sample orders, builds and serves the Order
 * page, and prints one URL per order; the page a browser would open carries an org session that reaches
 * the emulator's UI API, and a sync request made through it (what "Sync now" does) is synced by the relay.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LEFT_FOR_SYNC_NOW, runDemo, type ServingDemo } from '@stripe-cpq/demo/demo.js';
import { waitFor } from '../../relay/support.js';

/** A stream that keeps what the demo prints. */
function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

const stdout = capture();
const stderr = capture();
let demo: ServingDemo | undefined;

beforeAll(async () => {
  demo = await runDemo({ serve: true, port: 0 }, { stdout: stdout.stream, stderr: stderr.stream });
}, 300_000);

afterAll(async () => {
  await demo?.stop();
});

/** The printed row of a scenario: its state and its page URL. */
function printedRow(scenario: string): { line: string; url: string } {
  const line = stdout
    .text()
    .split('\n')
    .find((l) => l.startsWith(`${scenario} `) && l.includes('/order/'));
  if (!line) throw new Error(`No page URL printed for ${scenario}:\n${stdout.text()}`);
  return { line, url: /(http:\/\/127\.0\.0\.1:\d+\/order\/\w+)/.exec(line)![1]! };
}

interface Session {
  instanceUrl: string;
  accessToken: string;
  apiVersion: string;
  userId: string;
}

async function openPage(url: string): Promise<{ html: string; session: Session }> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const html = await response.text();
  const json = /<script type="application\/json" id="org-session">(.*?)<\/script>/s.exec(html)?.[1];
  expect(json).toBeDefined();
  return { html, session: JSON.parse(json!) as Session };
}

/** A UI API call as the page makes it: cross-origin from the page server, with the session's token. */
async function uiApi(session: Session, pageOrigin: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${session.instanceUrl}/services/data/v${session.apiVersion}/ui-api${path}`, {
    method,
    headers: {
      Origin: pageOrigin,
      Authorization: `Bearer ${session.accessToken}`,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return {
    status: response.status,
    cors: response.headers.get('access-control-allow-origin'),
    json: (await response.json()) as Record<string, unknown>,
  };
}

const fieldValue = (record: Record<string, unknown>, field: string) =>
  (record.fields as Record<string, { value: unknown }>)[field]?.value;

describe('npm run demo -- --serve', () => {
  it('prints a page URL per sample order, the synced ones as synced and the ones left for Sync now as not synced', () => {
    expect(demo?.pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const scenario of LEFT_FOR_SYNC_NOW) expect(printedRow(scenario).line).toContain('not synced: press Sync now');
    expect(printedRow('S2').line).toMatch(/ synced /);
    expect(stdout.text()).toContain('Ctrl+C stops');
  });

  it('serves the Order page and its build, and the page session reaches the UI API of the order it shows', async () => {
    const { url } = printedRow('S1');
    const orderId = url.split('/').pop()!;
    const { html, session } = await openPage(url);
    expect(html).toContain(`data-record-id="${orderId}"`);
    const script = await fetch(`${demo!.pageUrl}/orderPage.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');

    const record = await uiApi(
      session,
      demo!.pageUrl,
      'GET',
      `/records/${orderId}?fields=Order.Stripe_Sync_Status__c,Order.Stripe_ID__c`,
    );
    expect(record.status).toBe(200);
    expect(record.cors).toBeTruthy();
    expect(fieldValue(record.json, 'Stripe_ID__c')).toBeNull();
  });

  it('a sync request created through the page session (what Sync now does) is synced by the relay', async () => {
    const { url } = printedRow('S1');
    const orderId = url.split('/').pop()!;
    const { session } = await openPage(url);
    const created = await uiApi(session, demo!.pageUrl, 'POST', '/records', {
      apiName: 'Stripe_Sync_Request__c',
      fields: { Order__c: orderId, Requested_By__c: session.userId, Requested_At__c: new Date().toISOString() },
    });
    expect(created.status).toBe(201);
    const requestId = String(created.json.id);

    const status = await waitFor(async () => {
      const request = await uiApi(
        session,
        demo!.pageUrl,
        'GET',
        `/records/${requestId}?fields=Stripe_Sync_Request__c.Status__c`,
      );
      const value = fieldValue(request.json, 'Status__c');
      return value === 'Synced' || value === 'Failed' ? value : undefined;
    }, 30_000);
    expect(status).toBe('Synced');
    const order = await uiApi(session, demo!.pageUrl, 'GET', `/records/${orderId}?fields=Order.Stripe_ID__c`);
    expect(fieldValue(order.json, 'Stripe_ID__c')).toMatch(/^sub_sched_/);
  }, 40_000);

  it('stop() closes the page server', async () => {
    const pageUrl = demo!.pageUrl;
    await demo!.stop();
    demo = undefined;
    await expect(fetch(`${pageUrl}/orderPage.js`)).rejects.toThrow();
  });
});

describe('npm run demo without --serve', () => {
  it('syncs every sample order and its closing line says how to open the Order page', async () => {
    const out = capture();
    const err = capture();
    await expect(runDemo({}, { stdout: out.stream, stderr: err.stream })).resolves.toBeUndefined();
    for (const scenario of LEFT_FOR_SYNC_NOW)
      expect(out.text()).toMatch(new RegExp(`^${scenario} .*  (synced|failed)  `, 'm'));
    expect(out.text()).not.toContain('/order/');
    expect(out.text().trimEnd().split('\n').pop()).toContain('npm run demo -- --serve');
  }, 60_000);

  it('refuses --serve with --target-org, saying why and what to drop', async () => {
    const out = capture();
    await expect(
      runDemo({ serve: true, targetOrg: 'my-org' }, { stdout: out.stream, stderr: out.stream }),
    ).rejects.toThrow(/Drop --target-org or --serve/);
  });
});
