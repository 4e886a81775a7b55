/**
 * The relay's HTTP surface (node:http):
 *   GET  /livez            liveness: the process answers (the only open endpoint)
 *   GET  /readyz           readiness: settings read from the org, not shutting down
 *   GET  /metrics          Prometheus text
 *   POST /sync             {"orderIds": ["801…"]} → 202
 *   POST /webhooks/stripe  Stripe events, signature-verified on the raw body
 * /readyz, /metrics and /sync take `Authorization: Bearer <RELAY_SYNC_TOKEN>` and are off without a token:
 * readiness and metrics tell an outsider what the relay does and when, so they are not public.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isSalesforceId } from '../core/records/salesforceIds.js';

const MAX_BODY_BYTES = 1_000_000;

export interface RelayHttpHandlers {
  ready(): boolean;
  metrics(): Promise<string>;
  /** Queues the orders; undefined token means the endpoint is off. */
  readonly syncToken: string | undefined;
  sync(orderIds: string[]): void;
  /** Returns the HTTP status to answer with; undefined when webhooks are off. */
  readonly webhook: ((rawBody: Buffer, signature: string | undefined) => Promise<number>) | undefined;
  onError(error: unknown): void;
}

/** Token check in constant time (hashes make the lengths equal). */
export function tokenMatches(expected: string, authorization: string | undefined): boolean {
  const given = authorization?.startsWith('Bearer ') ? authorization.slice(7) : '';
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return given.length > 0 && timingSafeEqual(digest(expected), digest(given));
}

export function createRelayServer(handlers: RelayHttpHandlers): Server {
  return createServer((req, res) => {
    route(handlers, req, res).catch((error: unknown) => {
      handlers.onError(error);
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  });
}

async function route(h: RelayHttpHandlers, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const key = `${req.method} ${path}`;
  if (key === 'GET /livez') return send(res, 200, { status: 'ok' });
  if (key === 'POST /webhooks/stripe') {
    if (!h.webhook) return send(res, 404, { error: 'Webhooks are off: set STRIPE_WEBHOOK_SECRET.' });
    const signature = req.headers['stripe-signature'];
    const status = await h.webhook(await readBody(req), Array.isArray(signature) ? signature[0] : signature);
    return send(
      res,
      status,
      status < 300
        ? { received: true }
        : { error: status === 400 ? 'Invalid signature.' : 'Not handled; Stripe will retry.' },
    );
  }
  if (!AUTHENTICATED.has(key)) return send(res, 404, { error: 'Not found.' });
  if (!h.syncToken) return send(res, 404, { error: `${path} is off: set RELAY_SYNC_TOKEN.` });
  if (!tokenMatches(h.syncToken, req.headers.authorization))
    return send(res, 401, { error: 'Missing or wrong bearer token.' });
  if (key === 'GET /readyz')
    return h.ready() ? send(res, 200, { status: 'ready' }) : send(res, 503, { status: 'not ready' });
  if (key === 'GET /metrics') {
    const text = await h.metrics();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(text);
    return;
  }
  return syncOrders(h, req, res);
}

/** The endpoints behind the relay token. */
const AUTHENTICATED = new Set(['GET /readyz', 'GET /metrics', 'POST /sync']);

/** POST /sync: queue the given orders, Salesforce Order Ids only (nothing else ever reaches a query). */
async function syncOrders(h: RelayHttpHandlers, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = parseJson(await readBody(req));
  const ids = (body as { orderIds?: unknown } | undefined)?.orderIds;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every(isSalesforceId)) {
    return send(res, 400, { error: 'Send {"orderIds": ["801…"]} with one or more Salesforce Order Ids.' });
  }
  h.sync(ids);
  send(res, 202, { accepted: ids });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error('Request body too large.'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
