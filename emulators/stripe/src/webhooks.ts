/**
 * Events and their signed delivery to webhook endpoints (docs.stripe.com/webhooks):
 * - every event is stored (GET /v1/events) and POSTed as JSON to each enabled endpoint that subscribed to its
 *   type (or `*`), with `Stripe-Signature: t=<unix>,v1=<HMAC-SHA256(secret, "<t>.<body>")>`, which
 *   stripe-node's `webhooks.constructEvent` verifies;
 * - first attempts reach each endpoint in event order (Stripe does not promise order; a fixed one keeps tests
 *   repeatable); a non-2xx answer or a network error is retried with backoff (Stripe retries for up to 3 days; the
 *   emulator compresses that into `retryDelaysMs`).
 * Signatures carry the host's wall-clock time, not the emulator clock: receivers check them against their own
 * clock with a 300 s tolerance.
 */
import { createHmac } from 'node:crypto';
import { newId, snapshot } from './store.js';
import type { StripeEvent, StripeStore, WebhookEndpoint } from './objects.js';
import type { StoredObject } from './store.js';

export const DEFAULT_WEBHOOK_RETRY_DELAYS_MS = [500, 2_000, 10_000] as const;

export interface WebhookDelivery {
  readonly eventId: string;
  readonly eventType: string;
  readonly endpointId: string;
  readonly attempt: number;
  /** HTTP status of the endpoint's answer, or undefined when the request failed. */
  readonly status: number | undefined;
  readonly error: string | undefined;
}

export function signPayload(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly store: StripeStore,
    private readonly apiVersion: string,
    private readonly retryDelaysMs: readonly number[] = DEFAULT_WEBHOOK_RETRY_DELAYS_MS,
  ) {}

  /** Records an event about `object` (a snapshot is taken now) and starts delivering it. */
  emit(
    type: string,
    object: StoredObject,
    created: number,
    request?: { id: string; idempotencyKey: string | undefined },
  ): StripeEvent {
    const endpoints = this.store.webhookEndpoints.all().filter((e) => subscribes(e, type));
    const event = this.store.events.insert({
      id: newId('evt', 24),
      object: 'event',
      api_version: this.apiVersion,
      created,
      livemode: false,
      type,
      data: { object: snapshot(object) },
      pending_webhooks: endpoints.length,
      request: { id: request?.id ?? null, idempotency_key: request?.idempotencyKey ?? null },
    });
    if (endpoints.length === 0) return event;
    const payload = JSON.stringify(event, null, 2);
    for (const endpoint of endpoints) {
      // First attempts go out one at a time per endpoint, in event order; retries run on their own timers.
      const previous = this.queues.get(endpoint.id) ?? Promise.resolve();
      const next = previous.then(() => this.deliver(event, endpoint, payload, 1));
      this.queues.set(endpoint.id, next);
      this.track(next);
    }
    return event;
  }

  /** Resolves when every delivery started so far (retries included) has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0 || this.timers.size > 0) {
      await Promise.all([...this.inFlight]);
      if (this.timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private async deliver(
    event: StripeEvent,
    endpoint: WebhookEndpoint,
    payload: string,
    attempt: number,
  ): Promise<void> {
    if (this.closed) return;
    let status: number | undefined;
    let error: string | undefined;
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'stripe-signature': signPayload(payload, endpoint.secret ?? '', Math.floor(Date.now() / 1000)),
        },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
    this.deliveries.push({ eventId: event.id, eventType: event.type, endpointId: endpoint.id, attempt, status, error });
    const delivered = status !== undefined && status >= 200 && status < 300;
    const delay = this.retryDelaysMs[attempt - 1];
    if (delivered || delay === undefined || this.closed) {
      event.pending_webhooks = Math.max(0, event.pending_webhooks - 1);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(this.deliver(event, endpoint, payload, attempt + 1));
    }, delay);
    this.timers.add(timer);
  }
}

function subscribes(endpoint: WebhookEndpoint, type: string): boolean {
  return (
    endpoint.status === 'enabled' && (endpoint.enabled_events.includes('*') || endpoint.enabled_events.includes(type))
  );
}
