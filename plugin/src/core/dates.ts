/**
 * Calendar dates as Salesforce sends them (`YYYY-MM-DD`, no time zone) and as Stripe wants them
 * (unix seconds). Every Salesforce date is read as UTC midnight; month arithmetic is calendar-month
 * addition that clamps to the month's end (Jan 31 + 1 month = Feb 28/29), as CPQ and Stripe do.
 */

/** A calendar date without time or zone. Months are 1-based. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const SECONDS_PER_DAY = 86_400;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export function daysInMonth(year: number, month: number): number {
  // Arithmetic for the usual case (MDQ plans ask thousands of times); Date keeps its overflow and 0–99 year rules.
  if (!Number.isInteger(month) || month < 1 || month > 12 || !Number.isInteger(year) || year < 100)
    return new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return MONTH_DAYS[month - 1] as number;
}

/**
 * A Salesforce datetime (`2030-01-15T10:00:00.000+0000`, the REST API's form, or any ISO 8601 form) in epoch
 * milliseconds; NaN when it is not one. The API's `+0000` offset lacks the colon Date.parse needs.
 */
export function salesforceInstantMs(text: string): number {
  return Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/** Parses `YYYY-MM-DD`; returns undefined for anything that is not a real calendar date. */
export function parseDate(text: string): CalendarDate | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

export function formatDate(date: CalendarDate): string {
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** Unix seconds of the date's UTC midnight. */
export function toUnixSeconds(date: CalendarDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / 1000;
}

/** The UTC calendar date that contains the unix timestamp. */
export function fromUnixSeconds(seconds: number): CalendarDate {
  const d = new Date(Math.floor(seconds / SECONDS_PER_DAY) * SECONDS_PER_DAY * 1000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Calendar-month addition, clamped to the last day of the target month. */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const index = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromUnixSeconds(toUnixSeconds(date) + days * SECONDS_PER_DAY);
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return toUnixSeconds(a) - toUnixSeconds(b);
}

export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return (toUnixSeconds(to) - toUnixSeconds(from)) / SECONDS_PER_DAY;
}

/** Whole calendar months from `start` to `end`: CPQ's rule, one less when `end`'s day is before `start`'s. */
export function wholeMonthsBetween(start: CalendarDate, end: CalendarDate): number {
  const months = end.year * 12 + end.month - (start.year * 12 + start.month);
  return end.day < start.day ? months - 1 : months;
}
