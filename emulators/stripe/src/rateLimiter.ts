/**
 * Stripe's global rate limiter (docs.stripe.com/rate-limits): test mode allows 25 operations per second,
 * live mode 100; excess requests get a 429 `rate_limit` error with `Stripe-Should-Retry`. A token bucket
 * holding one second's worth of operations; `opsPerSecond: Infinity` (or 0) turns it off.
 */
export const TEST_MODE_OPS_PER_SECOND = 25;

export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly opsPerSecond: number = TEST_MODE_OPS_PER_SECOND,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.tokens = opsPerSecond;
    this.last = nowMs();
  }

  get enabled(): boolean {
    return Number.isFinite(this.opsPerSecond) && this.opsPerSecond > 0;
  }

  /** True when the request may proceed (and uses one operation of the budget). */
  tryAcquire(): boolean {
    if (!this.enabled) return true;
    const now = this.nowMs();
    this.tokens = Math.min(this.opsPerSecond, this.tokens + ((now - this.last) / 1000) * this.opsPerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
