import { describe, expect, it } from '@jest/globals';
import { RateLimiter } from '../../plugin/src/stripe/rateLimiter.js';

describe('RateLimiter', () => {
  it('lets a full bucket through at once, then spaces calls to the configured rate', async () => {
    const limiter = new RateLimiter(20);
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) await limiter.take();
    const burst = performance.now() - t0;
    for (let i = 0; i < 10; i++) await limiter.take();
    const total = performance.now() - t0;
    expect(burst).toBeLessThan(total);
    // 10 calls past the burst at 20/s need at least ~0.5 s.
    expect(total).toBeGreaterThanOrEqual(450);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => new RateLimiter(0)).toThrow('positive number of operations per second');
  });
});
