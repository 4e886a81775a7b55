/**
 * How a server signs in to Salesforce as its integration user, and signs in again when the session
 * expires — without a restart. The relay's REST client (salesforceClientFor) carries the session, and the
 * Pub/Sub API subscriber takes it from there (gRPC metadata `accesstoken`, `instanceurl`, `tenantid`).
 *
 * - client credentials: a connected app's (or External Client App's) consumer key and secret; the session
 *   is its "Run As" user's. Salesforce serves this flow on the org's My Domain URL only.
 * - JWT bearer: the consumer key, the integration user's username and the private key whose certificate
 *   the app holds; an RS256 JWT (`iss`, `sub`, `aud`, `exp`) is traded for a session.
 * - an `sf` alias: the CLI's stored auth, whose own @salesforce/core Connection the client uses and renews.
 * - a raw access token, which cannot be renewed: its expiry is an error that says how to configure OAuth.
 *
 * The grant goes through jsforce's OAuth2 client rather than @salesforce/core's AuthInfo: AuthInfo's JWT
 * grant also queries the org (user info, Dev Hub check) and keeps the auth in the CLI's state files —
 * calls and files a relay has no use for at every renewal. The REST client's jsforce Connection calls the
 * provider's `refresh` when Salesforce answers 401 (client.ts).
 */
import { createPrivateKey, sign } from 'node:crypto';
import { OAuth2 } from '@jsforce/jsforce-node';
import { SalesforceClient } from './client.js';

export type SalesforceAuth =
  | { readonly kind: 'accessToken'; readonly instanceUrl: string; readonly accessToken: string }
  | { readonly kind: 'sfAlias'; readonly targetOrg: string }
  | {
      readonly kind: 'clientCredentials';
      readonly loginUrl: string;
      readonly clientId: string;
      readonly clientSecret: string;
    }
  | {
      readonly kind: 'jwtBearer';
      readonly loginUrl: string;
      readonly clientId: string;
      readonly username: string;
      /** PEM private key (PKCS#8 or PKCS#1) matching the certificate uploaded to the app. */
      readonly privateKey: string;
      /** The JWT's `aud`: https://login.salesforce.com (production), https://test.salesforce.com (sandbox). */
      readonly audience?: string;
    };

export interface SalesforceSession {
  readonly instanceUrl: string;
  readonly accessToken: string;
}

/** The current session, and a new one when Salesforce answers INVALID_SESSION_ID (HTTP 401). */
export interface TokenProvider {
  session(): Promise<SalesforceSession>;
  /** Signs in again; callers that ask at the same time share one sign-in. */
  refresh(): Promise<SalesforceSession>;
}

/** Salesforce refused a sign-in: its OAuth error, and what to check. */
export class SalesforceAuthError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(`${message} ${fix}`);
    this.name = 'SalesforceAuthError';
  }
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** An assertion serves one grant: it need not outlive the request. */
const JWT_LIFETIME_SECONDS = 180;

/** The sign-ins a token provider makes; an `sf` alias signs in through @salesforce/core instead. */
export type TokenAuth = Exclude<SalesforceAuth, { readonly kind: 'sfAlias' }>;

export function tokenProvider(auth: TokenAuth, now: () => Date = () => new Date()): TokenProvider {
  const signIn = signInFor(auth, now);
  let current: Promise<SalesforceSession> | undefined;
  let renewing: Promise<SalesforceSession> | undefined;
  return {
    session: () =>
      (current ??= signIn(false).catch((error: unknown) => ((current = undefined), Promise.reject(error)))),
    refresh() {
      renewing ??= signIn(true).finally(() => (renewing = undefined));
      current = renewing;
      return renewing;
    },
  };
}

function signInFor(auth: TokenAuth, now: () => Date): (renewal: boolean) => Promise<SalesforceSession> {
  switch (auth.kind) {
    case 'accessToken':
      return async (renewal) => {
        if (renewal)
          throw new SalesforceAuthError(
            'The Salesforce access token (SF_ACCESS_TOKEN) expired and cannot be renewed.',
            'Configure OAuth (README, "Relay sign-in") so the relay signs in again on its own.',
          );
        return { instanceUrl: auth.instanceUrl, accessToken: auth.accessToken };
      };
    case 'clientCredentials':
      return () =>
        requestToken(
          auth.loginUrl,
          { clientId: auth.clientId, clientSecret: auth.clientSecret },
          { grant_type: 'client_credentials' },
          'client credentials',
        );
    case 'jwtBearer':
      // The JWT names the app (`iss`): the grant takes no client id of its own.
      return () =>
        requestToken(auth.loginUrl, {}, { grant_type: JWT_BEARER, assertion: jwtAssertion(auth, now()) }, 'JWT bearer');
  }
}

/** The signed JWT of the bearer flow (RS256 over `header.claims`, base64url). */
export function jwtAssertion(auth: Extract<SalesforceAuth, { kind: 'jwtBearer' }>, at: Date): string {
  const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const audience =
    auth.audience ??
    (/test\.salesforce\.com|\.sandbox\./.test(auth.loginUrl)
      ? 'https://test.salesforce.com'
      : 'https://login.salesforce.com');
  const signed = `${segment({ alg: 'RS256', typ: 'JWT' })}.${segment({ iss: auth.clientId, sub: auth.username, aud: audience, exp: Math.floor(at.getTime() / 1000) + JWT_LIFETIME_SECONDS })}`;
  return `${signed}.${sign('sha256', Buffer.from(signed), createPrivateKey(auth.privateKey)).toString('base64url')}`;
}

/**
 * A token from the org's token endpoint through jsforce's OAuth2 client (a form POST, never retried: a grant
 * is not idempotent). Salesforce's refusal (`error`, `error_description`) becomes a SalesforceAuthError.
 */
async function requestToken(
  loginUrl: string,
  client: { readonly clientId?: string; readonly clientSecret?: string },
  params: { readonly grant_type: string; readonly [name: string]: string },
  flow: string,
): Promise<SalesforceSession> {
  const oauth2 = new OAuth2({ loginUrl: loginUrl.replace(/\/$/, ''), ...client });
  const token = await oauth2.requestToken(params).catch((error: unknown) => {
    // Anything but Salesforce's answer (the network, a bad URL) is no refusal: it speaks for itself.
    if (error instanceof TypeError || !(error instanceof Error)) throw error;
    throw refusal(oauth2.tokenServiceUrl, flow, error.name, error.message);
  });
  if (!token.access_token || !token.instance_url)
    throw refusal(oauth2.tokenServiceUrl, flow, 'no access token or instance URL in the answer');
  return { instanceUrl: token.instance_url, accessToken: token.access_token };
}

function refusal(url: string, flow: string, error: string, description?: string): SalesforceAuthError {
  return new SalesforceAuthError(
    `Salesforce refused the ${flow} sign-in at ${url}: ${error}${description ? ` (${description})` : ''}.`,
    FIXES[error] ?? FIXES.default!,
  );
}

const FIXES: Readonly<Record<string, string>> = {
  invalid_client_id: 'Check SF_CLIENT_ID: the consumer key of the connected app or External Client App.',
  invalid_client: "Check SF_CLIENT_ID and SF_CLIENT_SECRET against the app's consumer details.",
  invalid_grant:
    'For client credentials, set the app\'s "Run As" user and use the org\'s My Domain URL as SF_LOGIN_URL; for JWT bearer, upload the certificate of SF_JWT_KEY_FILE to the app, pre-authorize SF_USERNAME (its profile or a permission set), and use https://test.salesforce.com for a sandbox.',
  default: 'Check SF_LOGIN_URL and the app\'s OAuth settings (README, "Relay sign-in").',
};

/**
 * The relay's Salesforce client for its sign-in: an `sf` alias's own connection (@salesforce/core renews it
 * with the CLI's stored auth), or a session from a token provider.
 */
export async function salesforceClientFor(auth: SalesforceAuth): Promise<SalesforceClient> {
  if (auth.kind !== 'sfAlias') return salesforceClientWith(tokenProvider(auth));
  const { Org } = await import('@salesforce/core');
  return SalesforceClient.fromConnection((await Org.create({ aliasOrUsername: auth.targetOrg })).getConnection());
}

/** A REST client on the provider's session, signing in again through it when the session expires. */
export async function salesforceClientWith(provider: TokenProvider, apiVersion?: string): Promise<SalesforceClient> {
  const { instanceUrl, accessToken } = await provider.session();
  return SalesforceClient.fromSession({
    instanceUrl,
    accessToken,
    ...(apiVersion ? { apiVersion } : {}),
    refreshAccessToken: async () => (await provider.refresh()).accessToken,
  });
}
