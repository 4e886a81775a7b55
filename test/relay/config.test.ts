import { describe, expect, it } from '@jest/globals';
import { relayConfig, RelayConfigError } from '../../plugin/src/relay/config.js';

const env = {
  SF_INSTANCE_URL: 'https://example.my.salesforce.com',
  SF_ACCESS_TOKEN: '00D!token',
  STRIPE_API_KEY: 'rk_test_abc123',
};

describe('relayConfig', () => {
  it('reads the environment with defaults', () => {
    expect(relayConfig(env)).toMatchObject({
      RELAY_HOST: '127.0.0.1',
      RELAY_PORT: 8787,
      RELAY_CONCURRENCY: 2,
      RELAY_RECONCILE_SECONDS: 600,
      LOG_LEVEL: 'info',
    });
  });

  it('lets flags override the environment', () => {
    expect(
      relayConfig({ ...env, RELAY_PORT: '9000' }, ['--port', '9100', '--live-sync', 'true', '--concurrency', '4']),
    ).toMatchObject({ RELAY_PORT: 9100, RELAY_LIVE_SYNC: true, RELAY_CONCURRENCY: 4 });
  });

  it('names every bad variable', () => {
    expect(() =>
      relayConfig({ ...env, STRIPE_API_KEY: 'pk_test_x', RELAY_PORT: 'eighty', RELAY_SYNC_TOKEN: 'short' }),
    ).toThrow(
      /STRIPE_API_KEY: must be a Stripe secret[\s\S]*RELAY_PORT[\s\S]*RELAY_SYNC_TOKEN: must be at least 16 characters/,
    );
  });

  it('needs an org: instance URL and token, or an sf alias', () => {
    expect(() => relayConfig({ STRIPE_API_KEY: 'sk_test_1' })).toThrow(RelayConfigError);
    expect(relayConfig({ STRIPE_API_KEY: 'sk_test_1', SF_TARGET_ORG: 'my-org' }).SF_TARGET_ORG).toBe('my-org');
  });
});
