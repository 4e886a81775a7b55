/**
 * The org emulator's own calendar dates (`YYYY-MM-DD`, read as UTC midnight), kept apart from the
 * product's core so that a date bug in the core is not echoed by the org the tests check it against.
 * Month addition clamps to the month's last day, as Salesforce's ADDMONTHS does (Salesforce Help,
 * "Formula Operators and Functions": ADDMONTHS).
 */

/** A date without time or zone; months are 1-based. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const MS_PER_DAY = 86_400_000;

/** UTC midnight of year/month/day, letting JavaScript's Date roll overflowing months and days over. */
function utcMidnight(year: number, monthIndex: number, day: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day); // unlike Date.UTC, keeps years 0–99 as they are
  return date;
}

const fromDate = (date: Date): CalendarDate => ({
  year: date.getUTCFullYear(),
  month: date.getUTCMonth() + 1,
  day: date.getUTCDate(),
});
const toDate = (date: CalendarDate): Date => utcMidnight(date.year, date.month - 1, date.day);

export function formatDate(date: CalendarDate): string {
  return [
    String(date.year).padStart(4, '0'),
    String(date.month).padStart(2, '0'),
    String(date.day).padStart(2, '0'),
  ].join('-');
}

/** `YYYY-MM-DD` of a real calendar date, else undefined (2025-02-30 is no date). */
export function parseDate(text: string): CalendarDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const date = fromDate(utcMidnight(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return formatDate(date) === text ? date : undefined;
}

/** Unix seconds of the date's UTC midnight. */
export function toUnixSeconds(date: CalendarDate): number {
  return toDate(date).getTime() / 1000;
}

/** The UTC calendar date that contains the instant. */
export function fromUnixSeconds(seconds: number): CalendarDate {
  return fromDate(new Date(seconds * 1000));
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromDate(new Date(toDate(date).getTime() + days * MS_PER_DAY));
}

/** Calendar-month addition, clamped to the target month's last day (Jan 31 + 1 month = Feb 28 or 29). */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const lastOfTarget = utcMidnight(date.year, date.month - 1 + months + 1, 0);
  return {
    year: lastOfTarget.getUTCFullYear(),
    month: lastOfTarget.getUTCMonth() + 1,
    day: Math.min(date.day, lastOfTarget.getUTCDate()),
  };
}
