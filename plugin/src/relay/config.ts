/**
 * Relay configuration from the environment (containers) and command-line flags (flags win). Secrets
 * come only from the environment. Every value is checked; a bad one is an error naming the variable.
 *
 *   Salesforce sign-in, one of (README, "Relay sign-in"):
 *   SF_CLIENT_ID, SF_CLIENT_SECRET,    OAuth client credentials flow (SF_LOGIN_URL: the org's My Domain URL)
 *     SF_LOGIN_URL
 *   SF_CLIENT_ID, SF_USERNAME,         OAuth JWT bearer flow (SF_LOGIN_URL default https://login.salesforce.com;
 *     SF_JWT_KEY_FILE                  SF_JWT_AUDIENCE default login or test.salesforce.com)
 *   SF_TARGET_ORG                      an `sf` alias/username
 *   SF_INSTANCE_URL, SF_ACCESS_TOKEN   a raw session (not renewable)
 *   STRIPE_API_KEY                     secret or restricted key (see README for the permissions)
 *   STRIPE_API_BASE                    a Stripe-compatible base URL (the local emulator)
 *   STRIPE_WEBHOOK_SECRET              whsec_… of the webhook endpoint (webhooks off without it)
 *   STRIPE_OPS_PER_SECOND              client-side Stripe rate ceiling (default 25 test / 100 live)
 *   RELAY_HOST, RELAY_PORT             listen address (default 127.0.0.1:8787)
 *   RELAY_CONCURRENCY                  parallel syncs (default 2)
 *   SF_PUBSUB_ENDPOINT                 the Pub/Sub API, host:port (default api.pubsub.salesforce.com:7443)
 *   SF_PUBSUB_REJECT_UNAUTHORIZED      false only for the local org emulator's self-signed certificate
 *   RELAY_RECONCILE_SECONDS            reconciliation query interval (default 600)
 *   RELAY_STATE_DIR                    where the change event checkpoint is kept (a volume; default: memory)
 *   RELAY_LIVE_SYNC                    true/false: override the org's Live_Sync_Enabled__c
 *   RELAY_SYNC_TOKEN                   bearer token of POST /sync (endpoint off without it)
 *   LOG_LEVEL                          pino level (default info)
 *
 * A restricted key (rk_…) needs: Customers write; Products write; Prices write; Coupons write;
 * Subscriptions write (covers subscription schedules); Invoices write; Invoice items write; Billing
 * meters write (metered products); Test clocks write (test mode: new customers get a test clock). Nothing else — webhook
 * endpoints are set up in the Dashboard, and events are verified by signature, never fetched.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { SalesforceAuth } from '../salesforce/auth.js';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const seconds = z.coerce.number().positive();

export const RelayConfig = z.object({
  SF_INSTANCE_URL: z.url().optional(),
  SF_ACCESS_TOKEN: z.string().min(1).optional(),
  SF_TARGET_ORG: z.string().min(1).optional(),
  SF_LOGIN_URL: z.url().optional(),
  SF_CLIENT_ID: z.string().min(1).optional(),
  SF_CLIENT_SECRET: z.string().min(1).optional(),
  SF_USERNAME: z.string().min(1).optional(),
  SF_JWT_KEY_FILE: z.string().min(1).optional(),
  SF_JWT_AUDIENCE: z.url().optional(),
  STRIPE_API_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w+$/, 'must be a Stripe secret (sk_) or restricted (rk_) key'),
  STRIPE_API_BASE: z.url().optional(),
  STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_').optional(),
  STRIPE_OPS_PER_SECOND: z.coerce.number().positive().optional(),
  RELAY_HOST: z.string().default('127.0.0.1'),
  RELAY_PORT: z.coerce.number().int().min(0).max(65_535).default(8787),
  RELAY_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  SF_PUBSUB_ENDPOINT: z
    .string()
    .regex(/^[\w.-]+:\d+$/, 'must be host:port')
    .optional(),
  SF_PUBSUB_REJECT_UNAUTHORIZED: flag.default(true),
  RELAY_RECONCILE_SECONDS: seconds.default(600),
  RELAY_STATE_DIR: z.string().min(1).optional(),
  RELAY_LIVE_SYNC: flag.optional(),
  RELAY_SYNC_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});
export type RelayConfig = z.infer<typeof RelayConfig>;

const FLAGS = {
  host: 'RELAY_HOST',
  port: 'RELAY_PORT',
  concurrency: 'RELAY_CONCURRENCY',
  'reconcile-interval': 'RELAY_RECONCILE_SECONDS',
  'state-dir': 'RELAY_STATE_DIR',
  'live-sync': 'RELAY_LIVE_SYNC',
  'target-org': 'SF_TARGET_ORG',
  'log-level': 'LOG_LEVEL',
} as const;

export class RelayConfigError extends Error {
  constructor(issues: readonly string[]) {
    super(`The relay configuration is invalid:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'RelayConfigError';
  }
}

export function relayConfig(env: NodeJS.ProcessEnv, argv: readonly string[] = []): RelayConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: 'string' as const }])),
    strict: true,
  });
  const merged: Record<string, string | undefined> = { ...env };
  for (const [name, variable] of Object.entries(FLAGS)) {
    const value = (values as Record<string, string | undefined>)[name];
    if (value !== undefined) merged[variable] = value;
  }
  const parsed = RelayConfig.safeParse(merged);
  if (!parsed.success) throw new RelayConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const config = parsed.data;
  salesforceAuth(config);
  return config;
}

/** The Salesforce sign-in the configuration names (the first complete one of README's list); an error names what is missing. */
export function salesforceAuth(config: RelayConfig): SalesforceAuth {
  const { SF_CLIENT_ID: clientId, SF_LOGIN_URL: loginUrl } = config;
  if (clientId && config.SF_JWT_KEY_FILE) {
    if (!config.SF_USERNAME)
      throw new RelayConfigError([
        "SF_USERNAME: the JWT bearer flow (SF_JWT_KEY_FILE) signs in as this user; set the integration user's username",
      ]);
    let privateKey: string;
    try {
      privateKey = readFileSync(config.SF_JWT_KEY_FILE, 'utf8');
    } catch (error) {
      throw new RelayConfigError([
        `SF_JWT_KEY_FILE: cannot read ${config.SF_JWT_KEY_FILE} (${(error as Error).message}); point it at the PEM private key of the app's certificate`,
      ]);
    }
    return {
      kind: 'jwtBearer',
      clientId,
      username: config.SF_USERNAME,
      privateKey,
      loginUrl: loginUrl ?? 'https://login.salesforce.com',
      ...(config.SF_JWT_AUDIENCE ? { audience: config.SF_JWT_AUDIENCE } : {}),
    };
  }
  if (clientId && config.SF_CLIENT_SECRET) {
    if (!loginUrl)
      throw new RelayConfigError([
        "SF_LOGIN_URL: the client credentials flow needs the org's My Domain URL (https://<domain>.my.salesforce.com)",
      ]);
    return { kind: 'clientCredentials', clientId, clientSecret: config.SF_CLIENT_SECRET, loginUrl };
  }
  if (config.SF_TARGET_ORG) return { kind: 'sfAlias', targetOrg: config.SF_TARGET_ORG };
  if (config.SF_INSTANCE_URL && config.SF_ACCESS_TOKEN)
    return { kind: 'accessToken', instanceUrl: config.SF_INSTANCE_URL, accessToken: config.SF_ACCESS_TOKEN };
  throw new RelayConfigError([
    'set the Salesforce sign-in: SF_CLIENT_ID with SF_CLIENT_SECRET and SF_LOGIN_URL (client credentials), SF_CLIENT_ID with SF_USERNAME and SF_JWT_KEY_FILE (JWT bearer), SF_TARGET_ORG (an sf alias or username), or SF_INSTANCE_URL and SF_ACCESS_TOKEN',
  ]);
}
