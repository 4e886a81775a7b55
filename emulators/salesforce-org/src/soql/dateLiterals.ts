/**
 * SOQL date literals (SOQL and SOSL Reference, "Date Formats and Date Literals") as half-open ranges
 * of UTC calendar days. The emulated org's time zone is UTC and its fiscal year starts in January
 * (the Salesforce default), so fiscal literals equal their calendar counterparts.
 */
import { addDays, addMonths, toUnixSeconds, type CalendarDate } from '../dates.js';
import { malformedQuery } from 'plugin-stripe-cpq/lib/cpqSchema/errors.js';

/** Days since the epoch, start inclusive and end exclusive. */
export interface DayRange {
  readonly start: number;
  readonly end: number;
}

export const dayNumber = (date: CalendarDate): number => toUnixSeconds(date) / 86_400;

const range = (start: CalendarDate, end: CalendarDate): DayRange => ({ start: dayNumber(start), end: dayNumber(end) });
const firstOfMonth = (d: CalendarDate): CalendarDate => ({ year: d.year, month: d.month, day: 1 });
const firstOfQuarter = (d: CalendarDate): CalendarDate => ({
  year: d.year,
  month: d.month - ((d.month - 1) % 3),
  day: 1,
});
const firstOfYear = (d: CalendarDate): CalendarDate => ({ year: d.year, month: 1, day: 1 });
/** Weeks start on Sunday in the default (en_US) locale. */
const firstOfWeek = (d: CalendarDate): CalendarDate => addDays(d, -new Date(toUnixSeconds(d) * 1000).getUTCDay());

type Unit = 'DAYS' | 'WEEKS' | 'MONTHS' | 'QUARTERS' | 'YEARS';

function startOf(unit: Unit, today: CalendarDate): CalendarDate {
  switch (unit) {
    case 'DAYS':
      return today;
    case 'WEEKS':
      return firstOfWeek(today);
    case 'MONTHS':
      return firstOfMonth(today);
    case 'QUARTERS':
      return firstOfQuarter(today);
    case 'YEARS':
      return firstOfYear(today);
  }
}

function shift(unit: Unit, date: CalendarDate, n: number): CalendarDate {
  switch (unit) {
    case 'DAYS':
      return addDays(date, n);
    case 'WEEKS':
      return addDays(date, 7 * n);
    case 'MONTHS':
      return addMonths(date, n);
    case 'QUARTERS':
      return addMonths(date, 3 * n);
    case 'YEARS':
      return addMonths(date, 12 * n);
  }
}

/** `[THIS|LAST|NEXT]` period of one unit: THIS_MONTH, LAST_QUARTER, NEXT_YEAR, … */
function period(unit: Unit, today: CalendarDate, offset: number): DayRange {
  const start = shift(unit, startOf(unit, today), offset);
  return range(start, shift(unit, start, 1));
}

const UNIT_OF: Record<string, Unit> = {
  DAY: 'DAYS',
  WEEK: 'WEEKS',
  MONTH: 'MONTHS',
  QUARTER: 'QUARTERS',
  YEAR: 'YEARS',
};

/** The range a literal such as `TODAY`, `LAST_90_DAYS` or `LAST_N_DAYS:30` denotes on `today`. */
export function dateLiteralRange(literal: string, today: CalendarDate): DayRange {
  const upper = literal.toUpperCase().replace('_FISCAL', '');
  const fixed: Record<string, () => DayRange> = {
    YESTERDAY: () => period('DAYS', today, -1),
    TODAY: () => period('DAYS', today, 0),
    TOMORROW: () => period('DAYS', today, 1),
    LAST_90_DAYS: () => range(addDays(today, -90), addDays(today, 1)),
    NEXT_90_DAYS: () => range(addDays(today, 1), addDays(today, 91)),
  };
  if (fixed[upper]) return fixed[upper]();
  const relative = /^(THIS|LAST|NEXT)_(WEEK|MONTH|QUARTER|YEAR)$/.exec(upper);
  if (relative)
    return period(UNIT_OF[relative[2] as string] as Unit, today, { THIS: 0, LAST: -1, NEXT: 1 }[relative[1] as 'THIS']);
  const withN =
    /^(LAST|NEXT)_N_(DAYS|WEEKS|MONTHS|QUARTERS|YEARS):(\d+)$/.exec(upper) ??
    /^N_(DAYS|WEEKS|MONTHS|QUARTERS|YEARS)_AGO:(\d+)$/.exec(upper);
  if (withN) {
    const ago = withN.length === 3;
    const unit = (ago ? withN[1] : withN[2]) as Unit;
    const n = Number(ago ? withN[2] : withN[3]);
    if (ago) return period(unit, today, -n);
    // LAST_N_DAYS:n includes today; the other LAST_N_… and NEXT_N_… literals start at the adjacent period.
    if (withN[1] === 'LAST') {
      return unit === 'DAYS'
        ? range(addDays(today, -n), addDays(today, 1))
        : range(shift(unit, startOf(unit, today), -n), startOf(unit, today));
    }
    const next = shift(unit, startOf(unit, today), 1);
    return range(next, shift(unit, next, n));
  }
  throw malformedQuery(`unexpected token: '${literal}'`);
}
