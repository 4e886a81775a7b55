/**
 * The loopback HTTP server: bearer-token authentication on every endpoint (401 INVALID_SESSION_ID
 * otherwise), injected faults, the request log, JSON bodies, then the shared router.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CONTROL_PREFIX } from './controlApi.js';
import { TOKEN_PATH, tokenResponse } from './oauth.js';
import { DAILY_API_REQUESTS, type EmulatedOrg } from './org.js';
import type { ApiResponse, Router } from './router.js';

const INVALID_SESSION: ApiResponse = {
  status: 401,
  body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }],
};
/** Browsers (the Order page check) call the UI API from another origin. */
const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers':
    'Authorization, Content-Type, If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since, Sforce-Query-Options',
  'Access-Control-Allow-Methods': 'GET, POST, PATCH, PUT, DELETE, OPTIONS',
};

export function createOrgServer(org: EmulatedOrg, router: Router): Server {
  return createServer((request, response) => {
    readBody(request)
      .then((raw) => send(response, handle(org, router, request, raw)))
      .catch((error: unknown) =>
        send(response, { status: 500, body: [{ message: String(error), errorCode: 'UNKNOWN_EXCEPTION' }] }),
      );
  });
}

function handle(org: EmulatedOrg, router: Router, request: IncomingMessage, raw: string): ApiResponse {
  const method = (request.method ?? 'GET').toUpperCase();
  // Clients that keep the instance URL with a trailing slash ask for `//services/…`; Salesforce serves it.
  const url = (request.url ?? '/').replace(/^\/{2,}/, '/');
  const path = url.split('?')[0] ?? '/';
  if (method === 'OPTIONS') return { status: 204 };
  // The token endpoint is how a session begins: it takes no session (oauth.ts).
  if (method === 'POST' && path === TOKEN_PATH)
    return tokenResponse(org, raw, request.headers.authorization, `http://${request.headers.host ?? ''}`);
  const response = authenticateAndRoute(org, router, request, method, url, path, raw);
  if (path.startsWith(CONTROL_PREFIX)) return response;
  org.requestLog.push({
    method,
    path,
    query: url.slice(path.length + 1),
    status: response.status,
    at: org.now().toISOString(),
  });
  // Every REST response reports the org's API usage (REST API Guide, "Limit Info Header").
  return {
    ...response,
    headers: {
      ...(response.headers ?? {}),
      'Sforce-Limit-Info': `api-usage=${org.apiRequestsToday()}/${DAILY_API_REQUESTS}`,
    },
  };
}

const API_DISABLED: ApiResponse = {
  status: 403,
  body: [{ message: 'API is disabled for this User', errorCode: 'API_CURRENTLY_DISABLED' }],
};

function authenticateAndRoute(
  org: EmulatedOrg,
  router: Router,
  request: IncomingMessage,
  method: string,
  url: string,
  path: string,
  raw: string,
): ApiResponse {
  const token = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  // SOAP calls (the Metadata API) carry the session in the envelope's SessionHeader; metadataApi.ts checks it.
  const userId = token ? org.userForSession(token) : undefined;
  if (path.startsWith('/services/Soap/')) return route(org, router, request, method, url, raw);
  if (!userId) return INVALID_SESSION;
  return org.actingAs(userId, () => {
    // A user without API Enabled cannot use the API at all (Salesforce Help, "API Enabled" user permission).
    if (!path.startsWith(CONTROL_PREFIX) && !org.currentAccess().has('ApiEnabled')) return API_DISABLED;
    return route(org, router, request, method, url, raw);
  });
}

function route(
  org: EmulatedOrg,
  router: Router,
  request: IncomingMessage,
  method: string,
  url: string,
  raw: string,
): ApiResponse {
  const path = url.split('?')[0] ?? '/';
  if (!path.startsWith(CONTROL_PREFIX)) {
    const fault = org.faults.take(method, path, raw);
    if (fault) return { status: fault.status, body: fault.toBody() };
  }
  let body: unknown;
  try {
    // SOAP (the Metadata API, metadataApi.ts) takes its XML envelope as text.
    body = raw === '' ? undefined : /xml/i.test(request.headers['content-type'] ?? '') ? raw : JSON.parse(raw);
  } catch {
    return { status: 400, body: [{ message: 'The request body is not valid JSON', errorCode: 'JSON_PARSER_ERROR' }] };
  }
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers))
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return router.dispatch(method, url, body, headers);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, result: ApiResponse): void {
  const headers: Record<string, string> = { ...CORS, ...(result.headers ?? {}) };
  if (result.body === undefined || result.status === 204 || result.status === 304) {
    response.writeHead(result.status, headers).end();
    return;
  }
  if (typeof result.body === 'string' && result.headers?.['Content-Type']) {
    // A route that sets its own Content-Type (SOAP XML) sends its body as is.
    response
      .writeHead(result.status, { ...headers, 'Content-Length': Buffer.byteLength(result.body) })
      .end(result.body);
    return;
  }
  const json = JSON.stringify(result.body);
  response
    .writeHead(result.status, {
      ...headers,
      'Content-Type': 'application/json;charset=UTF-8',
      'Content-Length': Buffer.byteLength(json),
    })
    .end(json);
}
