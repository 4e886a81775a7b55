/**
 * Client-side ceiling on Stripe calls: a token bucket shared by every call one process makes, so a
 * burst of syncs stays under Stripe's global limit (spec §4.6: 25 ops/s in test mode, 100 in live mode)
 * instead of collecting 429s. Callers `await limiter.take()` before each request.
 */

export const STRIPE_OPS_PER_SECOND = { test: 25, live: 100 } as const;

export class RateLimiter {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly opsPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(opsPerSecond > 0))
      throw new Error(`Stripe rate limit must be a positive number of operations per second, got ${opsPerSecond}.`);
    this.tokens = opsPerSecond;
    this.last = now();
  }

  /** Resolves when one more call fits under the ceiling. Calls are served in arrival order. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.waitForToken());
    this.queue = turn;
    return turn;
  }

  private async waitForToken(): Promise<void> {
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(this.opsPerSecond, this.tokens + ((now - this.last) / 1000) * this.opsPerSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(((1 - this.tokens) / this.opsPerSecond) * 1000);
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
