import fc from 'fast-check';
import {
  addDays,
  addMonths,
  daysInMonth,
  formatDate,
  fromUnixSeconds,
  parseDate,
  salesforceInstantMs,
  toUnixSeconds,
  wholeMonthsBetween,
  type CalendarDate,
} from '../../plugin/src/core/dates.js';

const calendarDate = fc
  .record({
    year: fc.integer({ min: 1970, max: 2200 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
  })
  .map(({ year, month, day }): CalendarDate => ({ year, month, day: Math.min(day, daysInMonth(year, month)) }));

describe('Salesforce dates are UTC calendar dates (spec §2.6.5)', () => {
  it('reads YYYY-MM-DD as UTC midnight', () => {
    expect(toUnixSeconds(parseDate('2030-03-01')!)).toBe(Date.UTC(2030, 2, 1) / 1000);
    expect(toUnixSeconds(parseDate('2030-03-01')!)).toBe(1_898_553_600);
  });

  it('rejects text that is not a real calendar date', () => {
    for (const bad of ['2030-02-30', '2030-13-01', '2030-3-1', '2030-03-01T00:00:00Z', '', 'tomorrow']) {
      expect(parseDate(bad)).toBeUndefined();
    }
  });

  it('round-trips through text and unix seconds', () => {
    fc.assert(
      fc.property(calendarDate, (date) => {
        expect(parseDate(formatDate(date))).toEqual(date);
        expect(fromUnixSeconds(toUnixSeconds(date))).toEqual(date);
      }),
    );
  });

  it('knows the days of every month as the UTC calendar does (leap years, centuries, overflowing months)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 9999 }), fc.integer({ min: -3, max: 15 }), (year, month) => {
        expect(daysInMonth(year, month)).toBe(new Date(Date.UTC(year, month, 0)).getUTCDate());
      }),
      { numRuns: 2000 },
    );
    expect([daysInMonth(2000, 2), daysInMonth(2100, 2), daysInMonth(2028, 2), daysInMonth(2030, 12)]).toEqual([
      29, 28, 29, 31,
    ]);
  });

  it('clamps month addition to the end of the month (Jan 31 + 1 month = Feb 28/29)', () => {
    expect(formatDate(addMonths(parseDate('2030-01-31')!, 1))).toBe('2030-02-28');
    expect(formatDate(addMonths(parseDate('2032-01-31')!, 1))).toBe('2032-02-29');
    expect(formatDate(addMonths(parseDate('2030-03-31')!, -1))).toBe('2030-02-28');
    fc.assert(
      fc.property(calendarDate, fc.integer({ min: -600, max: 600 }), (date, months) => {
        const moved = addMonths(date, months);
        const expectedIndex = date.year * 12 + date.month - 1 + months;
        expect(moved.year * 12 + moved.month - 1).toBe(expectedIndex);
        expect(moved.day).toBe(Math.min(date.day, daysInMonth(moved.year, moved.month)));
      }),
    );
  });

  it('counts whole months as CPQ does, one less when the end day is earlier', () => {
    expect(wholeMonthsBetween(parseDate('2022-02-15')!, parseDate('2023-01-01')!)).toBe(10);
    expect(wholeMonthsBetween(parseDate('2022-01-01')!, parseDate('2023-01-01')!)).toBe(12);
    fc.assert(
      fc.property(calendarDate, fc.integer({ min: 0, max: 240 }), (date, months) => {
        if (date.day > 28) return; // clamped ends are shorter than a whole month by construction
        expect(wholeMonthsBetween(date, addMonths(date, months))).toBe(months);
      }),
    );
  });

  it('moves by whole days across month and year ends', () => {
    expect(formatDate(addDays(parseDate('2030-12-31')!, 1))).toBe('2031-01-01');
    expect(formatDate(addDays(parseDate('2032-03-01')!, -1))).toBe('2032-02-29');
  });
});

describe('Salesforce datetimes', () => {
  it("read the REST API's +0000 form, other offsets and Z alike; anything else is NaN", () => {
    const utc = Date.UTC(2030, 0, 15, 10, 0, 0);
    expect(salesforceInstantMs('2030-01-15T10:00:00.000+0000')).toBe(utc);
    expect(salesforceInstantMs('2030-01-15T12:00:00.000+0200')).toBe(utc);
    expect(salesforceInstantMs('2030-01-15T10:00:00.000Z')).toBe(utc);
    expect(salesforceInstantMs('not a datetime')).toBeNaN();
  });
});
