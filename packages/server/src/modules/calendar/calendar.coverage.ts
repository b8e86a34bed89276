import type { Db } from '../../db/database.ts';
import { chinaCalendarYears } from '../../engine/time/china-calendar.ts';
import { CHINA_TZ_OFFSET_MINUTES } from '../../engine/time/calendar.ts';
import { findCalendarDays, findDefaultCalendarRow } from './calendar.repository.ts';

/** How long before 1 January administrators are told that the coming year has no holidays yet. */
export const HOLIDAY_WARNING_LEAD_DAYS = 60;

const DAY_MS = 86_400_000;

/**
 * The years a calendar should have holidays for but has none (policy, pure): the current local
 * year whenever it has none, and the next one from `leadDays` before its 1 January. A year
 * without holidays counts every weekday as a working day (New Year's Day, Spring Festival…),
 * so working-time limits run on through them.
 */
export function missingHolidayYears(
  now: Date,
  tzOffsetMinutes: number,
  yearsWithHolidays: ReadonlySet<number>,
  leadDays = HOLIDAY_WARNING_LEAD_DAYS,
): number[] {
  const offsetMs = tzOffsetMinutes * 60_000;
  const year = new Date(now.getTime() + offsetMs).getUTCFullYear();
  const out: number[] = [];
  if (!yearsWithHolidays.has(year)) out.push(year);
  const nextStart = Date.UTC(year + 1, 0, 1) - offsetMs;
  if (nextStart - now.getTime() <= leadDays * DAY_MS && !yearsWithHolidays.has(year + 1)) out.push(year + 1);
  return out;
}

/** The years among this one and the next (local) in which the calendar marks at least one holiday. */
async function yearsWithHolidays(db: Db, calendarId: string, year: number): Promise<Set<number>> {
  const days = await findCalendarDays(db, calendarId, `${year}-01-01`, `${year + 1}-12-31`);
  return new Set(days.filter((d) => d.kind === 'holiday').map((d) => Number(d.date.slice(0, 4))));
}

/** `missingHolidayYears` of a stored calendar at `now`. */
export async function calendarMissingHolidayYears(db: Db, calendar: { id: string; tz_offset_minutes: number }, now: Date): Promise<number[]> {
  const year = new Date(now.getTime() + calendar.tz_offset_minutes * 60_000).getUTCFullYear();
  return missingHolidayYears(now, calendar.tz_offset_minutes, await yearsWithHolidays(db, calendar.id, year));
}

export interface CalendarHealth {
  ok: boolean;
  missingHolidayYears: number[];
  message?: string;
}

/**
 * What `/readyz` says of the default calendar: the years that lack holidays. Before the default
 * calendar is seeded, the data it will be seeded with (the `chinese-days` package) is judged.
 */
export async function defaultCalendarHealth(db: Db, now: Date): Promise<CalendarHealth> {
  const row = await findDefaultCalendarRow(db);
  const missing = row ? await calendarMissingHolidayYears(db, row, now) : missingHolidayYears(now, CHINA_TZ_OFFSET_MINUTES, new Set(chinaCalendarYears()));
  if (!missing.length) return { ok: true, missingHolidayYears: [] };
  return {
    ok: false,
    missingHolidayYears: missing,
    message: `The working calendar has no holidays for ${missing.join(' and ')}: every weekday of ${missing.length > 1 ? 'those years' : 'that year'} counts as a working day until an administrator adds them (calendar page, or PUT /api/v1/calendars/:id/days/:date)`,
  };
}
