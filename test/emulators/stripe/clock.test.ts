// The emulator's own calendar arithmetic (clock.ts), independent of the core's dates: month steps keep the
// anchor's day, clamped to month end (docs.stripe.com/billing/subscriptions/billing-cycle), in UTC.
import { addInterval } from '@stripe-cpq/stripe-emulator/clock.js';
import { ts } from '../../support/time.js';

describe('Stripe emulator calendar arithmetic', () => {
  it('clamps a month step to the end of a shorter month, leap years included', () => {
    expect(addInterval(ts('2030-01-31', '10:00:00'), 'month', 1)).toBe(ts('2030-02-28', '10:00:00'));
    expect(addInterval(ts('2032-01-31', '10:00:00'), 'month', 1)).toBe(ts('2032-02-29', '10:00:00'));
    expect(addInterval(ts('2030-01-31', '00:00:00'), 'month', 2)).toBe(ts('2030-03-31', '00:00:00'));
  });

  it('crosses year ends and steps years by twelve months (Feb 29 → Feb 28)', () => {
    expect(addInterval(ts('2030-11-30', '23:59:59'), 'month', 3)).toBe(ts('2031-02-28', '23:59:59'));
    expect(addInterval(ts('2032-02-29', '00:00:00'), 'year', 1)).toBe(ts('2033-02-28', '00:00:00'));
  });

  it('steps days and weeks by whole UTC days', () => {
    expect(addInterval(ts('2030-03-30', '12:00:00'), 'day', 2)).toBe(ts('2030-04-01', '12:00:00'));
    expect(addInterval(ts('2030-03-30', '12:00:00'), 'week', 1)).toBe(ts('2030-04-06', '12:00:00'));
  });
});
