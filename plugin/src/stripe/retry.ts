/**
 * Retries of Stripe calls: exponential backoff with full jitter, on the failures Stripe calls
 * retryable — connection errors, 409 (lock or idempotency conflict in flight), 429 and 5xx — and always
 * obeying the `Stripe-Should-Retry` header when Stripe sends one. Safe for writes because every write
 * carries a deterministic idempotency key.
 */
import Stripe from 'stripe';
import { sleep } from './rateLimiter.js';

export interface StripeRetryPolicy {
  /** Attempts after the first. */
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** [0, 1); injectable so tests are deterministic. */
  readonly random?: () => number;
}

export const DEFAULT_STRIPE_RETRY_POLICY: StripeRetryPolicy = { maxRetries: 6, baseDelayMs: 500, maxDelayMs: 8_000 };

/** Whether Stripe (or the network) says this call may succeed if tried again. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof Stripe.errors.StripeError)) return false;
  const header = error.headers?.['stripe-should-retry'];
  if (header === 'true') return true;
  if (header === 'false') return false;
  if (error instanceof Stripe.errors.StripeConnectionError) return true;
  const status = error.statusCode ?? 0;
  return status === 409 || status === 429 || status >= 500;
}

/** Delay before retry number `attempt` (1-based): full jitter over an exponentially growing window. */
export function backoffDelay(attempt: number, policy: StripeRetryPolicy): number {
  const window = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round((policy.random ?? Math.random)() * window);
}

export interface RetryObserver {
  /** Called before each retry with the error that caused it. */
  onRetry?(error: unknown, attempt: number): void;
}

export async function withRetries<T>(
  call: () => Promise<T>,
  policy: StripeRetryPolicy,
  observer: RetryObserver = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt > policy.maxRetries || !isRetryable(error)) throw error;
      observer.onRetry?.(error, attempt);
      await sleep(backoffDelay(attempt, policy));
    }
  }
}
