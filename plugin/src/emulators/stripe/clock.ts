/**
 * The emulator's clock, in unix seconds. It follows the host clock (or `now()` given at start) plus an
 * offset that tests and the demo move forward; objects on a test clock follow that clock's frozen time
 * instead (see billing.ts). Interval arithmetic bills on the anchor's day, clamped to month end, as Stripe does
 * (docs.stripe.com/billing/subscriptions/billing-cycle: Jan 31 → Feb 28/29 → Mar 31).
 */
import { addMonths, fromUnixSeconds, toUnixSeconds } from '../../core/dates.js';

export type Interval = 'day' | 'week' | 'month' | 'year';

export class EmulatorClock {
  private offsetSeconds = 0;

  constructor(private readonly hostNowMs: () => number = Date.now) {}

  /** Current emulator time, whole unix seconds. */
  now(): number {
    return Math.floor(this.hostNowMs() / 1000) + this.offsetSeconds;
  }

  /** Moves the clock forward; the emulator then rolls schedules and renewals that fell due. */
  advanceBy(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`The emulator clock only moves forward (got ${seconds} s)`);
    this.offsetSeconds += Math.floor(seconds);
  }

  advanceTo(unixSeconds: number): void {
    this.advanceBy(Math.max(0, unixSeconds - this.now()));
  }
}

/** `anchor` plus `count` intervals; month and year steps are calendar steps from the anchor's own day. */
export function addInterval(anchor: number, interval: Interval, count: number): number {
  const day = fromUnixSeconds(anchor);
  const timeOfDay = anchor - toUnixSeconds(day);
  switch (interval) {
    case 'day':
      return anchor + count * 86_400;
    case 'week':
      return anchor + count * 7 * 86_400;
    case 'month':
      return toUnixSeconds(addMonths(day, count)) + timeOfDay;
    case 'year':
      return toUnixSeconds(addMonths(day, 12 * count)) + timeOfDay;
  }
}
