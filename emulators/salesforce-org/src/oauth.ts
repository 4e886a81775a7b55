/**
 * The OAuth 2.0 token endpoint (`POST /services/oauth2/token`, form-encoded) for the two server-to-server
 * flows a relay uses, against the connected apps a test registers on the org (`addConnectedApp`):
 *
 * - client credentials (`grant_type=client_credentials`): the consumer key and secret, in the body or as
 *   HTTP Basic; the session belongs to the app's "Run As" user.
 * - JWT bearer (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`, `assertion`): an RS256 JWT whose
 *   signature verifies with the certificate uploaded to the app, `iss` its consumer key, `aud` the login
 *   URL, `sub` a username pre-authorized for the app, `exp` not past.
 *
 * Errors are Salesforce's (README, "OAuth token endpoint"): 400 `{ error, error_description }`.
 */
import { createPublicKey, verify } from 'node:crypto';
import type { EmulatedOrg } from './org.js';
import type { ApiResponse } from './router.js';

export const TOKEN_PATH = '/services/oauth2/token';
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Audiences Salesforce accepts besides the org's own URL (My Domain). */
const LOGIN_URLS = ['https://login.salesforce.com', 'https://test.salesforce.com'];

export interface ConnectedApp {
  /** The consumer key. */
  readonly clientId: string;
  /** The consumer secret (client credentials flow). */
  readonly clientSecret?: string;
  /** The client credentials flow's "Run As" user; without one the flow is refused. */
  readonly runAsUserId?: string;
  /** The PEM X.509 certificate of "Use digital signatures" (JWT bearer flow). */
  readonly certificate?: string;
  /** Users the admin pre-authorized (by profile or permission set) for the JWT bearer flow. */
  readonly preAuthorizedUserIds?: readonly string[];
}

const appsOf = new WeakMap<EmulatedOrg, ConnectedApp[]>();

/** Registers a connected app (or External Client App) on the org. */
export function addConnectedApp(org: EmulatedOrg, app: ConnectedApp): void {
  appsOf.set(org, [...(appsOf.get(org) ?? []), app]);
}

class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

/** Answers one token request; `origin` is the URL the request reached (the org's instance URL). */
export function tokenResponse(
  org: EmulatedOrg,
  raw: string,
  authorization: string | undefined,
  origin: string,
): ApiResponse {
  try {
    const form = new URLSearchParams(raw);
    const userId = grantedUser(org, form, authorization, origin);
    return { status: 200, body: tokenFor(org, userId, origin) };
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return { status: error.status, body: { error: error.error, error_description: error.description } };
  }
}

function grantedUser(
  org: EmulatedOrg,
  form: URLSearchParams,
  authorization: string | undefined,
  origin: string,
): string {
  const grant = form.get('grant_type');
  if (grant === 'client_credentials') return clientCredentialsUser(org, form, authorization);
  if (grant === JWT_BEARER) return jwtBearerUser(org, form.get('assertion') ?? '', origin);
  throw new OAuthError('unsupported_grant_type', 'grant type not supported');
}

function clientCredentialsUser(org: EmulatedOrg, form: URLSearchParams, authorization: string | undefined): string {
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '')?.[1];
  const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
  const app = appFor(org, form.get('client_id') ?? basicId);
  if (!app.clientSecret || app.clientSecret !== (form.get('client_secret') ?? basicSecret))
    throw new OAuthError('invalid_client', 'invalid client credentials');
  if (!app.runAsUserId) throw new OAuthError('invalid_grant', 'no client credentials user enabled');
  return app.runAsUserId;
}

function jwtBearerUser(org: EmulatedOrg, assertion: string, origin: string): string {
  const [header, payload, signature] = assertion.split('.');
  if (!header || !payload || !signature) throw new OAuthError('invalid_grant', 'invalid assertion');
  const claims = parseSegment(payload);
  if (parseSegment(header).alg !== 'RS256') throw new OAuthError('invalid_grant', 'invalid assertion');
  const app = appFor(org, typeof claims.iss === 'string' ? claims.iss : undefined);
  const signed =
    Boolean(app.certificate) &&
    verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      createPublicKey(app.certificate!),
      Buffer.from(signature, 'base64url'),
    );
  if (!signed) throw new OAuthError('invalid_grant', 'invalid assertion');
  if (![...LOGIN_URLS, origin].includes(String(claims.aud).replace(/\/$/, '')))
    throw new OAuthError('invalid_grant', 'audience is invalid');
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= org.now().getTime())
    throw new OAuthError('invalid_grant', 'invalid assertion');
  const user = org.query(`SELECT Id FROM User WHERE Username = '${String(claims.sub).replace(/'/g, "\\'")}'`)[0];
  if (!user || !(app.preAuthorizedUserIds ?? []).includes(String(user.Id)))
    throw new OAuthError('invalid_grant', "user hasn't approved this consumer");
  return String(user.Id);
}

function appFor(org: EmulatedOrg, clientId: string | undefined): ConnectedApp {
  const app = (appsOf.get(org) ?? []).find((a) => a.clientId === clientId);
  if (!app) throw new OAuthError('invalid_client_id', 'client identifier invalid');
  return app;
}

function parseSegment(segment: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new OAuthError('invalid_grant', 'invalid assertion');
  }
}

function tokenFor(org: EmulatedOrg, userId: string, origin: string): Record<string, string> {
  return {
    access_token: org.sessionFor(userId),
    scope: 'api',
    instance_url: origin,
    id: `${origin}/id/${org.orgId}/${userId}`,
    token_type: 'Bearer',
    issued_at: String(org.now().getTime()),
  };
}
