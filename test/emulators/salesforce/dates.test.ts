/**
 * The org emulator's own calendar and Id code (kept apart from the core, so a core bug is not echoed by
 * the org): checked against facts, not against the core.
 */
import {
  addDays,
  addMonths,
  formatDate,
  fromUnixSeconds,
  parseDate,
  toUnixSeconds,
  type CalendarDate,
} from '@stripe-cpq/salesforce-org-emulator/dates.js';
import { isSalesforceId, toId18 } from '@stripe-cpq/salesforce-org-emulator/ids.js';

const d = (text: string): CalendarDate => parseDate(text) as CalendarDate;

describe("the org emulator's dates", () => {
  it('parses real calendar dates only (leap years by the Gregorian rule)', () => {
    expect(parseDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseDate('2000-02-29')).toEqual({ year: 2000, month: 2, day: 29 });
    expect(
      ['2023-02-29', '1900-02-29', '2025-02-30', '2025-13-01', '2025-00-10', '2025-1-01', '2025-01-01T00:00:00Z'].map(
        parseDate,
      ),
    ).toEqual(Array(7).fill(undefined));
  });

  it('adds months as ADDMONTHS does: clamped to the last day of the target month', () => {
    expect(formatDate(addMonths(d('2024-01-31'), 1))).toBe('2024-02-29');
    expect(formatDate(addMonths(d('2023-01-31'), 1))).toBe('2023-02-28');
    expect(formatDate(addMonths(d('2024-03-31'), -1))).toBe('2024-02-29');
    expect(formatDate(addMonths(d('2024-02-29'), 12))).toBe('2025-02-28');
    expect(formatDate(addMonths(d('2024-11-15'), 14))).toBe('2026-01-15');
    expect(formatDate(addMonths(d('2024-01-15'), -13))).toBe('2022-12-15');
  });

  it('adds days across month, year and leap-day boundaries', () => {
    expect(formatDate(addDays(d('2024-12-31'), 1))).toBe('2025-01-01');
    expect(formatDate(addDays(d('2024-02-28'), 1))).toBe('2024-02-29');
    expect(formatDate(addDays(d('2024-03-01'), -1))).toBe('2024-02-29');
    expect(formatDate(addDays(d('2025-01-01'), -366))).toBe('2024-01-01'); // 2024 has 366 days
  });

  it('reads a date as UTC midnight and an instant as the UTC date that contains it', () => {
    expect(toUnixSeconds(d('2025-01-01'))).toBe(1_735_689_600);
    expect(fromUnixSeconds(1_735_689_600)).toEqual({ year: 2025, month: 1, day: 1 });
    expect(fromUnixSeconds(1_735_689_599)).toEqual({ year: 2024, month: 12, day: 31 });
  });
});

describe("the org emulator's record Ids", () => {
  // Ids a real CPQ scratch org returned (reference recordings, "integrates a invoice order").
  const realIds = ['0018N00000JcUzuQAF', '0038N00000Gd3wEQAR', '0068N000006QicrQAC', '01s8N000002d0dzQAA'];

  it('gives a 15-character Id the 18-character form Salesforce gives it', () => {
    expect(realIds.map((id) => toId18(id.slice(0, 15)))).toEqual(realIds);
  });

  it('accepts an 18-character Id whose suffix is in any case, and rejects a wrong suffix or a malformed Id', () => {
    expect(
      realIds.every((id) => isSalesforceId(id) && isSalesforceId(id.slice(0, 15) + id.slice(15).toLowerCase())),
    ).toBe(true);
    expect(
      ['0018N00000JcUzuQAG', '0018N00000JcUzu', '0018N00000JcUz', '0018N00000JcUzu!AF', 42].map(isSalesforceId),
    ).toEqual([false, true, false, false, false]);
    expect(() => toId18('not an id')).toThrow('Not a Salesforce Id');
  });
});
