/**
 * The working calendar: which local days are working days and which minutes of such a day are
 * working time. Pure data plus pure functions; no clock, no I/O.
 *
 * Times of day are local to the calendar's fixed UTC offset (China: UTC+8, no daylight saving),
 * so a local day is exactly 24 hours and date arithmetic needs no time-zone database.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1440;

/** A working period within a day, in minutes after local midnight: [start, end), end ≤ 1440. */
export interface WorkingPeriod {
  start: number;
  end: number;
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface Calendar {
  /** Minutes east of UTC (Asia/Shanghai: 480). */
  readonly tzOffsetMinutes: number;
  /** Sorted, non-overlapping; touching periods are merged. */
  readonly periods: readonly WorkingPeriod[];
  readonly weeklyWorkingDays: ReadonlySet<number>;
  /** Local dates 'YYYY-MM-DD' off work even if the weekday is a working day (节假日). */
  readonly holidays: ReadonlySet<string>;
  /** Local dates 'YYYY-MM-DD' worked even if the weekday is not (调休 adjusted working days). */
  readonly workdays: ReadonlySet<string>;
  /** Working milliseconds in one working day (sum of the periods). */
  readonly dayWorkMs: number;
}

/** The editable form of a calendar, as stored and as the API speaks it. */
export interface CalendarSpec {
  tzOffsetMinutes: number;
  /** 'HH:MM' pairs; end may be '24:00'. */
  workingPeriods: Array<{ start: string; end: string }>;
  weeklyWorkingDays: number[];
  holidays?: Iterable<string>;
  workdays?: Iterable<string>;
}

export interface CalendarProblem {
  path: string;
  message: string;
}

export const CHINA_TZ_OFFSET_MINUTES = 480;
export const DEFAULT_WORKING_PERIODS: ReadonlyArray<{ start: string; end: string }> = [
  { start: '08:30', end: '12:00' },
  { start: '13:30', end: '17:30' },
];
export const DEFAULT_WEEKLY_WORKING_DAYS: readonly IsoWeekday[] = [1, 2, 3, 4, 5];

const HHMM = /^([01]\d|2[0-4]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'HH:MM' → minutes after midnight; '24:00' is the end of the day. Null when malformed. */
export function parseTimeOfDay(s: string): number | null {
  const m = HHMM.exec(s);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= MINUTES_PER_DAY ? minutes : null;
}

export function formatTimeOfDay(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** True for a real calendar date written 'YYYY-MM-DD' (no 2026-02-30). */
export function isValidDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** Every problem of a calendar spec (empty when valid), so an editor can show them all at once. */
export function validateCalendarSpec(spec: CalendarSpec): CalendarProblem[] {
  const problems: CalendarProblem[] = [];
  const tz = spec.tzOffsetMinutes;
  if (!Number.isInteger(tz) || tz < -720 || tz > 840) {
    problems.push({ path: 'tzOffsetMinutes', message: 'must be a whole number of minutes between -720 and 840' });
  }
  if (spec.workingPeriods.length === 0) problems.push({ path: 'workingPeriods', message: 'at least one working period is needed' });
  const parsed: Array<WorkingPeriod & { index: number }> = [];
  spec.workingPeriods.forEach((p, index) => {
    const start = parseTimeOfDay(p.start);
    const end = parseTimeOfDay(p.end);
    if (start === null || start === MINUTES_PER_DAY) problems.push({ path: `workingPeriods.${index}.start`, message: 'must be HH:MM between 00:00 and 23:59' });
    if (end === null) problems.push({ path: `workingPeriods.${index}.end`, message: 'must be HH:MM between 00:01 and 24:00' });
    if (start === null || end === null || start === MINUTES_PER_DAY) return;
    if (start >= end) {
      problems.push({ path: `workingPeriods.${index}`, message: `starts at ${p.start}, not before its end ${p.end}` });
      return;
    }
    parsed.push({ start, end, index });
  });
  const sorted = [...parsed].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.start < prev.end) {
      problems.push({
        path: `workingPeriods.${cur.index}`,
        message: `${formatTimeOfDay(cur.start)}–${formatTimeOfDay(cur.end)} overlaps ${formatTimeOfDay(prev.start)}–${formatTimeOfDay(prev.end)}`,
      });
    }
  }
  const seen = new Set<number>();
  spec.weeklyWorkingDays.forEach((d, index) => {
    if (!Number.isInteger(d) || d < 1 || d > 7)
      problems.push({ path: `weeklyWorkingDays.${index}`, message: 'must be an ISO weekday 1 (Monday) … 7 (Sunday)' });
    else if (seen.has(d)) problems.push({ path: `weeklyWorkingDays.${index}`, message: `weekday ${d} is listed twice` });
    seen.add(d);
  });
  for (const [key, dates] of [
    ['holidays', spec.holidays],
    ['workdays', spec.workdays],
  ] as const) {
    let i = 0;
    for (const d of dates ?? []) {
      if (!isValidDate(d)) problems.push({ path: `${key}.${i}`, message: `${d} is not a date YYYY-MM-DD` });
      i++;
    }
  }
  return problems;
}

/** Builds the calendar the arithmetic runs on. Throws RangeError listing the problems of an invalid spec. */
export function createCalendar(spec: CalendarSpec): Calendar {
  const problems = validateCalendarSpec(spec);
  if (problems.length) throw new RangeError(`Invalid calendar: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  const periods = spec.workingPeriods.map((p) => ({ start: parseTimeOfDay(p.start)!, end: parseTimeOfDay(p.end)! })).sort((a, b) => a.start - b.start);
  // Touching periods (12:00–13:00, 13:00–14:00) are one stretch of work: merging them keeps
  // "the end of a period" meaning a real pause in work.
  const merged: WorkingPeriod[] = [];
  for (const p of periods) {
    const last = merged[merged.length - 1];
    if (last && p.start <= last.end) last.end = Math.max(last.end, p.end);
    else merged.push({ ...p });
  }
  const holidays = new Set(spec.holidays ?? []);
  return {
    tzOffsetMinutes: spec.tzOffsetMinutes,
    periods: merged,
    weeklyWorkingDays: new Set(spec.weeklyWorkingDays),
    holidays,
    // A date cannot be both: a holiday wins, so the sets stay disjoint.
    workdays: new Set([...(spec.workdays ?? [])].filter((d) => !holidays.has(d))),
    dayWorkMs: merged.reduce((sum, p) => sum + (p.end - p.start) * MINUTE_MS, 0),
  };
}

/** The spec of a calendar, for storage or display (dates sorted). */
export function calendarToSpec(cal: Calendar): Required<CalendarSpec> & { holidays: string[]; workdays: string[] } {
  return {
    tzOffsetMinutes: cal.tzOffsetMinutes,
    workingPeriods: cal.periods.map((p) => ({ start: formatTimeOfDay(p.start), end: formatTimeOfDay(p.end) })),
    weeklyWorkingDays: [...cal.weeklyWorkingDays].sort(),
    holidays: [...cal.holidays].sort(),
    workdays: [...cal.workdays].sort(),
  };
}

/** Index of the local day (days since 1970-01-01 local) holding the instant. */
export function localDayIndex(cal: Calendar, ms: number): number {
  return Math.floor((ms + cal.tzOffsetMinutes * MINUTE_MS) / DAY_MS);
}

/** The UTC instant of local midnight starting the given local day. */
export function localDayStartMs(cal: Calendar, dayIndex: number): number {
  return dayIndex * DAY_MS - cal.tzOffsetMinutes * MINUTE_MS;
}

export function dayIndexToDate(dayIndex: number): string {
  return new Date(dayIndex * DAY_MS).toISOString().slice(0, 10);
}

export function dateToDayIndex(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00.000Z`) / DAY_MS);
}

/** ISO weekday of a local day index (1970-01-01 was a Thursday). */
export function isoWeekdayOfDayIndex(dayIndex: number): IsoWeekday {
  return (((((dayIndex + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

/** The local date 'YYYY-MM-DD' of an instant in the calendar's time zone. */
export function localDateOf(cal: Calendar, at: Date): string {
  return dayIndexToDate(localDayIndex(cal, at.getTime()));
}

export function isWorkingDayIndex(cal: Calendar, dayIndex: number): boolean {
  const date = dayIndexToDate(dayIndex);
  if (cal.holidays.has(date)) return false;
  if (cal.workdays.has(date)) return true;
  return cal.weeklyWorkingDays.has(isoWeekdayOfDayIndex(dayIndex));
}

/**
 * Whether a day is a working day: a holiday is off, an adjusted working day (调休) is worked,
 * any other day follows the weekly pattern. A string is a local date 'YYYY-MM-DD'; a Date is
 * the instant whose local date is meant.
 */
export function isWorkingDay(cal: Calendar, date: string | Date): boolean {
  if (typeof date === 'string') {
    if (!isValidDate(date)) throw new RangeError(`Not a date YYYY-MM-DD: ${date}`);
    return isWorkingDayIndex(cal, dateToDayIndex(date));
  }
  return isWorkingDayIndex(cal, localDayIndex(cal, date.getTime()));
}
