// The emulator's own calendar arithmetic (clock.ts), independent of the core's dates: month steps keep the
// anchor's day, clamped to month end (docs.stripe.com/billing/subscriptions/billing-cycle), in UTC.
import { addInterval } from '@stripe-cpq/stripe-emulator/clock.js';

const at = (iso: string): number => Date.parse(iso) / 1000;

describe('Stripe emulator calendar arithmetic', () => {
  it('clamps a month step to the end of a shorter month, leap years included', () => {
    expect(addInterval(at('2030-01-31T10:00:00Z'), 'month', 1)).toBe(at('2030-02-28T10:00:00Z'));
    expect(addInterval(at('2032-01-31T10:00:00Z'), 'month', 1)).toBe(at('2032-02-29T10:00:00Z'));
    expect(addInterval(at('2030-01-31T00:00:00Z'), 'month', 2)).toBe(at('2030-03-31T00:00:00Z'));
  });

  it('crosses year ends and steps years by twelve months (Feb 29 → Feb 28)', () => {
    expect(addInterval(at('2030-11-30T23:59:59Z'), 'month', 3)).toBe(at('2031-02-28T23:59:59Z'));
    expect(addInterval(at('2032-02-29T00:00:00Z'), 'year', 1)).toBe(at('2033-02-28T00:00:00Z'));
  });

  it('steps days and weeks by whole UTC days', () => {
    expect(addInterval(at('2030-03-30T12:00:00Z'), 'day', 2)).toBe(at('2030-04-01T12:00:00Z'));
    expect(addInterval(at('2030-03-30T12:00:00Z'), 'week', 1)).toBe(at('2030-04-06T12:00:00Z'));
  });
});
