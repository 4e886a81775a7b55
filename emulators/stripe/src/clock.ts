/**
 * The emulator's clock, in unix seconds. It follows the host clock (or `now()` given at start) plus an
 * offset that tests and the demo move forward; objects on a test clock follow that clock's frozen time
 * instead (see billing.ts). Interval arithmetic bills on the anchor's day, clamped to month end, as Stripe does
 * (docs.stripe.com/billing/subscriptions/billing-cycle: Jan 31 → Feb 28/29 → Mar 31). The arithmetic is the
 * emulator's own, not the core's (core/dates): the emulator is the product's oracle, so a date bug in the core
 * must not be echoed by it.
 */

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
    if (!Number.isFinite(seconds) || seconds < 0)
      throw new Error(`The emulator clock only moves forward (got ${seconds} s)`);
    this.offsetSeconds += Math.floor(seconds);
  }

  advanceTo(unixSeconds: number): void {
    this.advanceBy(Math.max(0, unixSeconds - this.now()));
  }
}

/** `anchor` plus `count` intervals; month and year steps are UTC calendar steps from the anchor's own day, clamped to month end. */
export function addInterval(anchor: number, interval: Interval, count: number): number {
  switch (interval) {
    case 'day':
      return anchor + count * 86_400;
    case 'week':
      return anchor + count * 7 * 86_400;
    case 'month':
      return addCalendarMonths(anchor, count);
    case 'year':
      return addCalendarMonths(anchor, 12 * count);
  }
}

function addCalendarMonths(unixSeconds: number, months: number): number {
  const date = new Date(unixSeconds * 1000);
  const monthIndex = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  const timeOfDay =
    unixSeconds - Math.floor(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) / 1000);
  return Date.UTC(year, month, day) / 1000 + timeOfDay;
}
