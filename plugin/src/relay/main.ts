/**
 * The relay's own entry point for containers: `node plugin/lib/relay/main.js [--port 8787 …]`, configured
 * by the environment (config.ts). Stops gracefully on SIGTERM/SIGINT.
 */
import { salesforceClientFor } from '../salesforce/auth.js';
import { createStripeGateway } from '../stripe/client.js';
import { relayConfig, salesforceAuth } from './config.js';
import { startRelay } from './index.js';
import { createRelayLogger } from './logger.js';

async function main(): Promise<void> {
  const config = relayConfig(process.env, process.argv.slice(2));
  const logger = createRelayLogger({ level: config.LOG_LEVEL });
  const base = config.STRIPE_API_BASE ? new URL(config.STRIPE_API_BASE) : undefined;
  const stripe = createStripeGateway({
    apiKey: config.STRIPE_API_KEY,
    ...(base
      ? {
          host: base.hostname,
          protocol: base.protocol === 'http:' ? 'http' : 'https',
          ...(base.port ? { port: Number(base.port) } : {}),
        }
      : {}),
    ...(config.STRIPE_OPS_PER_SECOND ? { opsPerSecond: config.STRIPE_OPS_PER_SECOND } : {}),
  });
  const relay = await startRelay({
    // Signs in and, when the session expires, signs in again; the Pub/Sub stream shares its session.
    salesforce: await salesforceClientFor(salesforceAuth(config)),
    stripe,
    logger,
    host: config.RELAY_HOST,
    port: config.RELAY_PORT,
    concurrency: config.RELAY_CONCURRENCY,
    reconcileSeconds: config.RELAY_RECONCILE_SECONDS,
    ...(config.RELAY_STATE_DIR ? { stateDir: config.RELAY_STATE_DIR } : {}),
    events: {
      ...(config.SF_PUBSUB_ENDPOINT ? { endpoint: config.SF_PUBSUB_ENDPOINT } : {}),
      rejectUnauthorized: config.SF_PUBSUB_REJECT_UNAUTHORIZED,
    },
    ...(config.RELAY_LIVE_SYNC !== undefined ? { liveSync: config.RELAY_LIVE_SYNC } : {}),
    ...(config.STRIPE_WEBHOOK_SECRET ? { webhookSecret: config.STRIPE_WEBHOOK_SECRET } : {}),
    ...(config.RELAY_SYNC_TOKEN ? { syncToken: config.RELAY_SYNC_TOKEN } : {}),
  });
  // Once stopped, nothing holds the event loop (the stream cancelled, the server and timers closed): the
  // process ends by itself, with code 0.
  const stop = () =>
    void relay.stop().catch((error: unknown) => {
      report(error);
      process.exitCode = 1;
    });
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function report(error: unknown): void {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
}

main().catch((error: unknown) => {
  report(error);
  process.exit(1);
});
