/**
 * What every endpoint works on: the collections, the clock, the event stream, and the request being served.
 * Resource modules declare routes against it (routes.ts matches them).
 */
import type { ParamsTypeName } from 'plugin-stripe-cpq/lib/stripe/params/index.js';
import type { EmulatorClock } from './clock.js';
import type { Params } from './validation.js';
import type { StripeStore } from './objects.js';
import type { WebhookDispatcher } from './webhooks.js';

export interface EmulatorState {
  readonly clock: EmulatorClock;
  readonly store: StripeStore;
  readonly webhooks: WebhookDispatcher;
  /** Base URL the emulator listens on (hosted invoice pages live under it). */
  url: string;
  /** The API request being served, so the events it causes name it (`event.request`). */
  currentRequest: { id: string; idempotencyKey: string | undefined } | undefined;
}

export interface ApiRequest {
  readonly state: EmulatorState;
  readonly params: Params;
  /** The `:id` in the route's path, when it has one. */
  readonly id: string;
  readonly path: string;
  readonly requestId: string;
  readonly idempotencyKey: string | undefined;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** `/v1/prices/:id`; one `:id` at most. */
  readonly path: string;
  /** The stripe-node params type the request is checked against; undefined = takes no parameters. */
  readonly params?: ParamsTypeName;
  readonly handle: (request: ApiRequest) => unknown;
}
