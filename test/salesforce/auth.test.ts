// The relay's sign-in (salesforce/auth.ts) against the org emulator's token endpoint: the OAuth client
// credentials and JWT bearer flows, Salesforce's refusals, and a session renewed when it expires.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { addConnectedApp } from '@stripe-cpq/salesforce-org-emulator/oauth.js';
import {
  SalesforceAuthError,
  salesforceClientFor,
  salesforceClientWith,
  tokenProvider,
  type TokenAuth,
} from '../../plugin/src/salesforce/auth.js';

let org: SalesforceEmulator;
let key: { privateKey: string; certificate: string };
let otherKey: string;
let integrationUser: { userId: string; username: string };

/** A key pair and self-signed certificate, made as the README tells an admin to (openssl). */
function certificate(): { privateKey: string; certificate: string } {
  const dir = mkdtempSync(join(tmpdir(), 'relay-jwt-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=relay',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      privateKey: readFileSync(join(dir, 'key.pem'), 'utf8'),
      certificate: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  org = await startSalesforceEmulator();
  [key, { privateKey: otherKey }] = [certificate(), certificate()];
  integrationUser = org.integrationUser!;
  addConnectedApp(org.org, {
    clientId: 'relay-app',
    clientSecret: 'relay-secret',
    runAsUserId: integrationUser.userId,
    certificate: key.certificate,
    preAuthorizedUserIds: [integrationUser.userId],
  });
  addConnectedApp(org.org, { clientId: 'no-run-as', clientSecret: 'secret' });
});
afterAll(() => org.close());

const clientCredentials = (fields: Partial<Extract<TokenAuth, { kind: 'clientCredentials' }>> = {}): TokenAuth => ({
  kind: 'clientCredentials',
  loginUrl: org.instanceUrl,
  clientId: 'relay-app',
  clientSecret: 'relay-secret',
  ...fields,
});
const jwtBearer = (fields: Partial<Extract<TokenAuth, { kind: 'jwtBearer' }>> = {}): TokenAuth => ({
  kind: 'jwtBearer',
  loginUrl: org.instanceUrl,
  clientId: 'relay-app',
  username: integrationUser.username,
  privateKey: key.privateKey,
  ...fields,
});
const signedInAs = async (auth: TokenAuth) => (await salesforceClientFor(auth)).username();
const refusal = async (auth: TokenAuth) => {
  const error = await tokenProvider(auth)
    .session()
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SalesforceAuthError);
  return (error as SalesforceAuthError).message;
};

describe('the client credentials flow', () => {
  it("signs in as the app's Run As user", async () => {
    expect(await signedInAs(clientCredentials())).toBe(integrationUser.username);
  });

  it('is refused with invalid_client for a wrong secret and invalid_client_id for an unknown app', async () => {
    expect(await refusal(clientCredentials({ clientSecret: 'wrong' }))).toContain(
      'invalid_client (invalid client credentials)',
    );
    expect(await refusal(clientCredentials({ clientId: 'unknown' }))).toContain('invalid_client_id');
  });

  it('is refused with invalid_grant for an app without a Run As user', async () => {
    expect(await refusal(clientCredentials({ clientId: 'no-run-as', clientSecret: 'secret' }))).toContain(
      'no client credentials user enabled',
    );
  });
});

describe('the JWT bearer flow', () => {
  it("signs in as the pre-authorized user with a JWT the app's certificate verifies", async () => {
    expect(await signedInAs(jwtBearer())).toBe(integrationUser.username);
  });

  it('is refused for a JWT signed with another key, for another audience, and for a user not pre-authorized', async () => {
    expect(await refusal(jwtBearer({ privateKey: otherKey }))).toContain('invalid assertion');
    expect(await refusal(jwtBearer({ audience: 'https://elsewhere.example.com' }))).toContain('audience is invalid');
    expect(await refusal(jwtBearer({ username: org.username }))).toContain("user hasn't approved this consumer");
  });
});

describe('an expired session', () => {
  it('is renewed through the token provider and the call retried, without a new client', async () => {
    const provider = tokenProvider(clientCredentials());
    const client = await salesforceClientWith(provider);
    const expired = (await provider.session()).accessToken;
    org.faults.add({ code: 'INVALID_SESSION_ID', times: 1 });
    expect(await client.count('SELECT COUNT() FROM Order')).toBeGreaterThan(0);
    expect(org.faults.pending).toBe(0);
    expect((await provider.session()).accessToken).not.toBe(expired);
  });

  it('of a raw access token is an error that says how to configure OAuth', async () => {
    const provider = tokenProvider({ kind: 'accessToken', instanceUrl: org.instanceUrl, accessToken: org.accessToken });
    await expect(provider.refresh()).rejects.toThrow(/cannot be renewed.*Configure OAuth/);
  });

  it('is renewed once for callers that find it expired at the same time', async () => {
    const provider = tokenProvider(clientCredentials());
    const first = await provider.session();
    // Every grant opens a new session: one token for both callers means one sign-in.
    const [a, b] = await Promise.all([provider.refresh(), provider.refresh()]);
    expect(a.accessToken).not.toBe(first.accessToken);
    expect(b.accessToken).toBe(a.accessToken);
    expect((await provider.session()).accessToken).toBe(a.accessToken);
  });
});
