/**
 * The webhook endpoint (POST /webhooks/stripe): verifies the signature on the raw body, then hands the
 * event to webhooks.ts; duplicates Stripe delivers again are recognised there. Off without a secret.
 */
import type { SalesforceClient } from '../salesforce/client.js';
import type { StripeGateway } from '../stripe/client.js';
import type { Logger } from './logger.js';
import type { RelayMetrics } from './metrics.js';
import { handleEvent, InvalidSignature, SeenEvents, verifyEvent } from './webhooks.js';

export type WebhookEndpoint = (rawBody: Buffer, signature: string | undefined) => Promise<number>;

export interface WebhookEndpointDeps {
  readonly stripe: StripeGateway;
  readonly salesforce: SalesforceClient;
  readonly secret: string | undefined;
  readonly metrics: RelayMetrics;
  readonly log: Logger;
}

/** The handler answering with an HTTP status; undefined when webhooks are off. */
export function webhookEndpoint(deps: WebhookEndpointDeps): WebhookEndpoint | undefined {
  const secret = deps.secret;
  if (!secret) return undefined;
  const seen = new SeenEvents();
  return async (raw, signature) => {
    let event;
    try {
      event = verifyEvent({ stripe: deps.stripe, secret }, raw, signature);
    } catch (error) {
      if (!(error instanceof InvalidSignature)) throw error;
      deps.metrics.webhooks.inc({ type: 'unverified', outcome: 'rejected' });
      deps.log.warn({ reason: error.message }, 'webhook signature rejected');
      return 400;
    }
    const outcome = await handleEvent({ stripe: deps.stripe, salesforce: deps.salesforce, secret, seen }, event);
    deps.metrics.webhooks.inc({ type: event.type, outcome });
    return 200;
  };
}
