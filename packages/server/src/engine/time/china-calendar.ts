import { createRequire } from 'node:module';
import { type Calendar, CHINA_TZ_OFFSET_MINUTES, DEFAULT_WEEKLY_WORKING_DAYS, DEFAULT_WORKING_PERIODS, createCalendar } from './calendar.ts';

/*
 * China's official holidays and adjusted working days (调休), as the State Council announces
 * them each year, from the `chinese-days` package. Its JSON has three tables keyed by date:
 * `holidays` (days off, weekend days of a holiday included), `workdays` (weekend days that are
 * worked to make up for a holiday: the 调休 days) and `inLieuDays` (weekdays given off in lieu,
 * already among `holidays`). Values read "English name,中文名,n".
 */

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
  inLieuDays: Record<string, string>;
}

export interface CalendarDayEntry {
  date: string;
  kind: 'holiday' | 'workday';
  note: string;
}

export interface ChinaCalendarSeed {
  /** Years asked for that the package covers. */
  years: number[];
  /** Years asked for that the package has no announcement for (their weekdays all count as working days). */
  missingYears: number[];
  days: CalendarDayEntry[];
}

let data: ChineseDaysData | undefined;
function chineseDays(): ChineseDaysData {
  data ??= createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as ChineseDaysData;
  return data;
}

function chineseName(value: string): string {
  return value.split(',')[1]?.trim() || value;
}

/** Years for which the package holds the official arrangement (2004–2026 with chinese-days 1.5.7). */
export function chinaCalendarYears(): number[] {
  const years = new Set(Object.keys(chineseDays().holidays).map((d) => Number(d.slice(0, 4))));
  return [...years].sort((a, b) => a - b);
}

/**
 * Holidays and adjusted working days of China for the given years (default: every year the
 * package covers), sorted by date. Holiday notes are the holiday's Chinese name (国庆节);
 * adjusted working days read e.g. "国庆节调休".
 */
export function seedChinaCalendar(years: readonly number[] = chinaCalendarYears()): ChinaCalendarSeed {
  const covered = new Set(chinaCalendarYears());
  const wanted = new Set(years.map(String));
  const inYears = (date: string) => wanted.has(date.slice(0, 4));
  const { holidays, workdays } = chineseDays();
  const days: CalendarDayEntry[] = [
    ...Object.entries(holidays)
      .filter(([date]) => inYears(date))
      .map(([date, v]): CalendarDayEntry => ({ date, kind: 'holiday', note: chineseName(v) })),
    ...Object.entries(workdays)
      .filter(([date]) => inYears(date))
      .map(([date, v]): CalendarDayEntry => ({ date, kind: 'workday', note: `${chineseName(v)}调休` })),
  ].sort((a, b) => a.date.localeCompare(b.date));
  return {
    years: years.filter((y) => covered.has(y)),
    missingYears: years.filter((y) => !covered.has(y)),
    days,
  };
}

/** The default calendar: UTC+8, Monday to Friday, 08:30–12:00 and 13:30–17:30, China's official days. */
export function defaultChinaCalendar(years?: readonly number[]): Calendar {
  const { days } = seedChinaCalendar(years);
  return createCalendar({
    tzOffsetMinutes: CHINA_TZ_OFFSET_MINUTES,
    workingPeriods: [...DEFAULT_WORKING_PERIODS],
    weeklyWorkingDays: [...DEFAULT_WEEKLY_WORKING_DAYS],
    holidays: days.filter((d) => d.kind === 'holiday').map((d) => d.date),
    workdays: days.filter((d) => d.kind === 'workday').map((d) => d.date),
  });
}
