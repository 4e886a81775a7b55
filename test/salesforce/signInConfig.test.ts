// The relay's Salesforce sign-in as its configuration names it (relay/config.ts → salesforce/auth.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { relayConfig, RelayConfigError, salesforceAuth } from '../../plugin/src/relay/config.js';

const dir = mkdtempSync(join(tmpdir(), 'relay-sign-in-'));
const keyFile = join(dir, 'relay.key');
writeFileSync(keyFile, '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stripe = { STRIPE_API_KEY: 'sk_test_1' };
const authOf = (env: Record<string, string>) => salesforceAuth(relayConfig({ ...stripe, ...env }));

describe('the relay sign-in configuration', () => {
  it('is the client credentials flow for a consumer key, secret and My Domain URL', () => {
    expect(
      authOf({ SF_CLIENT_ID: 'key', SF_CLIENT_SECRET: 'secret', SF_LOGIN_URL: 'https://acme.my.salesforce.com' }),
    ).toEqual({
      kind: 'clientCredentials',
      clientId: 'key',
      clientSecret: 'secret',
      loginUrl: 'https://acme.my.salesforce.com',
    });
  });

  it('is the JWT bearer flow with the key file read, for a consumer key, username and key file', () => {
    expect(authOf({ SF_CLIENT_ID: 'key', SF_USERNAME: 'relay@acme.com', SF_JWT_KEY_FILE: keyFile })).toEqual({
      kind: 'jwtBearer',
      clientId: 'key',
      username: 'relay@acme.com',
      privateKey: expect.stringContaining('BEGIN PRIVATE KEY'),
      loginUrl: 'https://login.salesforce.com',
    });
  });

  it('names the missing or unreadable variable of an incomplete OAuth setup', () => {
    expect(() => authOf({ SF_CLIENT_ID: 'key', SF_CLIENT_SECRET: 'secret' })).toThrow(
      /SF_LOGIN_URL: the client credentials flow needs the org's My Domain URL/,
    );
    expect(() => authOf({ SF_CLIENT_ID: 'key', SF_JWT_KEY_FILE: keyFile })).toThrow(/SF_USERNAME/);
    expect(() =>
      authOf({ SF_CLIENT_ID: 'key', SF_USERNAME: 'relay@acme.com', SF_JWT_KEY_FILE: join(dir, 'missing.key') }),
    ).toThrow(/SF_JWT_KEY_FILE: cannot read/);
  });

  it('without any sign-in is an error listing every way to sign in', () => {
    expect(() => relayConfig(stripe)).toThrow(RelayConfigError);
    expect(() => relayConfig(stripe)).toThrow(
      /client credentials[\s\S]*JWT bearer[\s\S]*SF_TARGET_ORG[\s\S]*SF_ACCESS_TOKEN/,
    );
  });
});
