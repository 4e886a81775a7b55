/**
 * The HTTP front of the emulator. An API request goes through the steps Stripe's API applies, in order:
 * authentication (Bearer secret key) → API version → injected faults → rate limit → route → idempotency
 * replay or conflict → parameter checks (catalogue) → the endpoint → the response with `request-id`
 * (and `Idempotent-Replayed: true` on replays). Every request lands in the request log.
 *
 * Beside the API: `/_emulator/…` control endpoints (same API key) for faults, the clock and the request log,
 * and `/hosted_invoices/:id`, the page a finalized invoice's `hosted_invoice_url` opens.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StripeApiError, invalidRequest } from './errors.js';
import { decodeForm, type FormParams } from './form.js';
import type { FaultInjector, FaultSpec } from './faults.js';
import type { IdempotencyStore } from './idempotency.js';
import type { RateLimiter } from './rateLimiter.js';
import type { LoggedRequest, RequestLog } from './requestLog.js';
import { matchRoute } from './routes.js';
import type { EmulatorState } from './state.js';
import { newId, snapshot } from './store.js';
import { checkParams } from './validation.js';
import { rollForward } from './billing.js';
import { renderHostedInvoice } from './hostedInvoice.js';

export interface ServerParts {
  readonly state: EmulatorState;
  readonly apiKey: string;
  readonly apiVersion: string;
  readonly requestLog: RequestLog;
  readonly faults: FaultInjector;
  readonly idempotency: IdempotencyStore;
  readonly rateLimiter: RateLimiter;
  readonly onResponse: ResponseListener | undefined;
}

/** One API answer as sent: `route` is the matched route (`POST /v1/prices/:id`), or the method and path when none matched. */
export interface ApiExchange {
  readonly route: string;
  readonly method: string;
  readonly path: string;
  readonly params: FormParams;
  readonly status: number;
  readonly body: unknown;
}

export type ResponseListener = (exchange: ApiExchange) => void;

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

const MAX_BODY_BYTES = 1 << 20;

export function createRequestHandler(parts: ServerParts): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(parts, req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, { status: 500, body: { error: { type: 'api_error', message: String(error) } } }, 'req_internal');
    });
  };
}

async function handle(parts: ServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const method = (req.method ?? 'GET').toUpperCase();
  const body = await readBody(req);
  if (url.pathname.startsWith('/hosted_invoices/')) return sendHostedInvoice(parts, url.pathname, res);
  if (url.pathname.startsWith('/_emulator/')) return control(parts, method, url, body, req, res);

  const requestId = newId('req', 14);
  const params = method === 'POST' ? decodeForm(body) : decodeForm(url.search.slice(1));
  const idempotencyKey = header(req, 'idempotency-key');
  const stripeAccount = header(req, 'stripe-account');
  const entry = parts.requestLog.add({
    requestId,
    method,
    path: url.pathname,
    params,
    idempotencyKey,
    stripeAccount,
    status: 0,
    replayed: false,
    fault: undefined,
  });
  const reply = await apiReply(parts, req, res, entry, params);
  if (!reply) return; // the connection was cut on purpose
  entry.status = reply.status;
  send(res, reply, requestId, parts.apiVersion);
  if (parts.onResponse) {
    const matched = matchRoute(method, url.pathname);
    const route = matched ? `${matched.route.method} ${matched.route.path}` : `${method} ${url.pathname}`;
    parts.onResponse({ route, method, path: url.pathname, params, status: reply.status, body: reply.body });
  }
}

async function apiReply(
  parts: ServerParts,
  req: IncomingMessage,
  res: ServerResponse,
  entry: LoggedRequest,
  params: FormParams,
): Promise<Reply | undefined> {
  const { state } = parts;
  const requestLogUrl = `${state.url}/_emulator/requests/${entry.requestId}`;
  const fail = (error: StripeApiError, headers?: Record<string, string>): Reply => ({
    status: error.status,
    body: error.body(requestLogUrl),
    ...(headers ? { headers } : {}),
  });

  const authError = authenticate(parts.apiKey, header(req, 'authorization'));
  if (authError) return fail(authError);
  const version = header(req, 'stripe-version');
  if (version !== undefined && version !== parts.apiVersion) {
    return fail(
      invalidRequest(
        `Invalid Stripe API version: ${version}. This emulator implements ${parts.apiVersion}, the version stripe-node pins.`,
        { param: 'Stripe-Version' },
      ),
    );
  }
  const fault = parts.faults.take(entry.method, entry.path);
  entry.fault = fault?.kind;
  if (fault?.kind === 'connection_reset') return cut(res);
  if (fault?.kind === 'api_error')
    return fail(
      new StripeApiError(500, 'api_error', 'An unknown error occurred while processing your request. (injected fault)'),
    );
  if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 2_000));
  if (!parts.rateLimiter.tryAcquire()) {
    return fail(
      new StripeApiError(
        429,
        'invalid_request_error',
        'Request rate limit exceeded. Learn more about rate limits here https://docs.stripe.com/rate-limits.',
        { code: 'rate_limit' },
      ),
      { 'Stripe-Should-Retry': 'true' },
    );
  }
  const matched = matchRoute(entry.method, entry.path);
  if (!matched) {
    return fail(
      new StripeApiError(
        404,
        'invalid_request_error',
        `Unrecognized request URL (${entry.method}: ${entry.path}). Please see https://docs.stripe.com/ or we can help at https://support.stripe.com/.`,
      ),
    );
  }

  const key = entry.method === 'POST' ? entry.idempotencyKey : undefined;
  const now = state.clock.now();
  try {
    const saved = key === undefined ? undefined : parts.idempotency.lookup(key, entry.method, entry.path, params, now);
    if (saved) {
      entry.replayed = true;
      return {
        status: saved.status,
        body: saved.body,
        headers: { 'Idempotent-Replayed': 'true', 'Original-Request': saved.requestId },
      };
    }
  } catch (error) {
    if (error instanceof StripeApiError) return fail(error);
    throw error;
  }

  let reply: Reply;
  try {
    const checked = matched.route.params ? checkParams(matched.route.params, params) : {};
    rollForward(state, null, now);
    state.currentRequest = { id: entry.requestId, idempotencyKey: entry.idempotencyKey };
    if (entry.method !== 'GET') state.store.journal.begin();
    const result = matched.route.handle({
      state,
      params: checked,
      id: matched.id,
      path: entry.path,
      requestId: entry.requestId,
      idempotencyKey: entry.idempotencyKey,
    });
    // Serialise now: the stored object keeps changing as time passes, the response must not.
    reply = { status: 200, body: snapshot(result) };
    state.store.journal.commit();
  } catch (error) {
    state.store.journal.rollback();
    if (!(error instanceof StripeApiError)) throw error;
    return fail(error); // refused, and undone: not saved under the key, as Stripe documents for refused requests
  } finally {
    state.currentRequest = undefined;
  }
  if (key !== undefined)
    parts.idempotency.save(key, entry.method, entry.path, params, now, { ...reply, requestId: entry.requestId });
  if (fault?.kind === 'response_lost') {
    entry.status = reply.status;
    return cut(res);
  }
  return reply;
}

function authenticate(apiKey: string, authorization: string | undefined): StripeApiError | undefined {
  if (!authorization) {
    return new StripeApiError(
      401,
      'invalid_request_error',
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    );
  }
  const given = authorization.replace(/^Bearer\s+/i, '');
  if (given === apiKey) return undefined;
  return new StripeApiError(
    401,
    'invalid_request_error',
    `Invalid API Key provided: ${given.slice(0, 8)}${'*'.repeat(Math.max(0, given.length - 12))}${given.slice(-4)}`,
  );
}

/** Destroys the socket without an answer (the client sees ECONNRESET / "socket hang up"). */
function cut(res: ServerResponse): undefined {
  res.socket?.resetAndDestroy();
  return undefined;
}

function send(res: ServerResponse, reply: Reply, requestId: string, apiVersion?: string): void {
  const payload = JSON.stringify(reply.body, null, 2);
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'request-id': requestId,
    ...(apiVersion ? { 'stripe-version': apiVersion } : {}),
    ...reply.headers,
  });
  res.end(payload);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('Request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendHostedInvoice(parts: ServerParts, path: string, res: ServerResponse): void {
  const invoice = parts.state.store.invoices.find(path.split('/')[2] ?? '');
  const html =
    invoice && invoice.status !== 'draft'
      ? renderHostedInvoice(invoice)
      : '<!doctype html><title>Invoice not found</title><p>Invoice not found.</p>';
  res.writeHead(invoice ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}

/**
 * `/_emulator/faults` (POST a FaultSpec as JSON, `path` a prefix or `pathPattern` a RegExp source; DELETE clears),
 * `/_emulator/clock` (POST `{ "advance_seconds": n }` or `{ "to": unix }`; GET reads), `/_emulator/requests[/:id]`.
 */
function control(
  parts: ServerParts,
  method: string,
  url: URL,
  body: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const reply = (status: number, payload: unknown): void => send(res, { status, body: payload }, newId('req', 14));
  const authError = authenticate(parts.apiKey, header(req, 'authorization'));
  if (authError) return reply(401, authError.body(''));
  let input: Record<string, unknown>;
  try {
    input = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
  } catch {
    return reply(400, {
      error: { type: 'invalid_request_error', message: 'Emulator control requests take a JSON body.' },
    });
  }
  const route = `${method} ${url.pathname}`;
  if (route === 'POST /_emulator/faults') {
    const spec = {
      ...input,
      ...(typeof input.pathPattern === 'string' ? { path: new RegExp(input.pathPattern) } : {}),
    } as unknown as FaultSpec;
    const fault = parts.faults.inject(spec);
    return reply(200, { ...fault, path: String(fault.path ?? '') });
  }
  if (route === 'DELETE /_emulator/faults') {
    parts.faults.clear();
    return reply(200, { cleared: true });
  }
  if (route === 'POST /_emulator/clock') {
    if (typeof input.advance_seconds === 'number') parts.state.clock.advanceBy(input.advance_seconds);
    if (typeof input.to === 'number') parts.state.clock.advanceTo(input.to);
    rollForward(parts.state, null, parts.state.clock.now());
    return reply(200, { now: parts.state.clock.now() });
  }
  if (route === 'GET /_emulator/clock') return reply(200, { now: parts.state.clock.now() });
  if (route === 'GET /_emulator/requests') return reply(200, { data: parts.requestLog.entries });
  if (method === 'GET' && url.pathname.startsWith('/_emulator/requests/')) {
    const entry = parts.requestLog.find(url.pathname.split('/')[3] ?? '');
    return entry
      ? reply(200, entry)
      : reply(404, { error: { type: 'invalid_request_error', message: 'No such request' } });
  }
  return reply(404, {
    error: { type: 'invalid_request_error', message: `Unrecognized emulator control URL (${route})` },
  });
}
