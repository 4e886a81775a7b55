/**
 * A loopback static server for the built Order page: `/order/<recordId>` is the record page (the org
 * session written into it), `/orderPage.js` and `/chunks/*` the build, `/assets/*` SLDS styles and icons.
 * The page calls the org emulator's UI API directly (it answers browsers with CORS headers).
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { LATEST_API_VERSION, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { DIST_DIR, PAGE_DIR, REPO_ROOT } from './build.js';

const SLDS_ASSETS = join(REPO_ROOT, 'node_modules/@salesforce-ux/design-system/assets');
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.png': 'image/png',
};

export interface OrgSession {
  readonly instanceUrl: string;
  readonly accessToken: string;
  readonly apiVersion: string;
  readonly userId: string;
}

export interface OrderPageServer {
  readonly url: string;
  /** The record page of one order. */
  orderUrl(recordId: string): string;
  close(): Promise<void>;
}

export interface PageOrder {
  readonly orderNumber: string;
  readonly name: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Under `root`, or undefined for a path that climbs out of it. */
function fileUnder(root: string, relativePath: string): string | undefined {
  const file = normalize(join(root, decodeURIComponent(relativePath)));
  return file.startsWith(root + sep) ? file : undefined;
}

/** `port` 0 (default) picks a free one. */
export async function startOrderPageServer(
  session: OrgSession,
  orderOf: (recordId: string) => PageOrder | undefined,
  port = 0,
): Promise<OrderPageServer> {
  const template = await readFile(join(PAGE_DIR, 'index.html'), 'utf8');
  const renderPage = (recordId: string): string | undefined => {
    const order = orderOf(recordId);
    if (!order) return undefined;
    // JSON inside <script>: `<` escaped so no value can close the element.
    const values: Record<string, string> = {
      session: JSON.stringify(session).replace(/</g, '\\u003c'),
      recordId: escapeHtml(recordId),
      orderNumber: escapeHtml(order.orderNumber),
      orderName: escapeHtml(order.name),
    };
    return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? '');
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://page').pathname;
    const notFound = () => response.writeHead(404, { 'Content-Type': 'text/plain' }).end(`Not found: ${path}`);
    const pageMatch = /^\/order\/(\w{15,18})$/.exec(path);
    if (pageMatch) {
      const html = renderPage(pageMatch[1]!);
      if (!html) return notFound();
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    const file = path.startsWith('/assets/')
      ? fileUnder(SLDS_ASSETS, path.slice('/assets/'.length))
      : fileUnder(DIST_DIR, path.slice(1));
    if (!file) return notFound();
    readFile(file).then(
      (body) =>
        response
          .writeHead(200, { 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' })
          .end(body),
      notFound,
    );
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolveListen);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    orderUrl: (recordId) => `${url}/order/${recordId}`,
    close: () =>
      new Promise<void>((resolveClose, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolveClose()));
      }),
  };
}

/** The Order page of any order in the org emulator, signed in as its admin user. */
export function startEmulatorOrderPageServer(org: SalesforceEmulator, port = 0): Promise<OrderPageServer> {
  const session = {
    instanceUrl: org.instanceUrl,
    accessToken: org.accessToken,
    apiVersion: LATEST_API_VERSION,
    userId: org.userId,
  };
  // The server admits only 15–18 word characters as a record id, so it is safe inside the SOQL literal.
  return startOrderPageServer(
    session,
    (recordId) => {
      const order = org.query(`SELECT OrderNumber, Name FROM Order WHERE Id = '${recordId}'`)[0];
      return order && { orderNumber: String(order.OrderNumber), name: String(order.Name ?? '') };
    },
    port,
  );
}
