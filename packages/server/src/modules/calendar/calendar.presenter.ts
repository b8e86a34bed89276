import type { CalendarDaysTable, CalendarsTable } from '../../db/schema.ts';
import { fromDbBool } from '../../db/database.ts';

export interface WorkingPeriodView {
  start: string;
  end: string;
}

export interface CalendarView {
  id: string;
  name: string;
  tzOffsetMinutes: number;
  workingPeriods: WorkingPeriodView[];
  weeklyWorkingDays: number[];
  /** Working minutes in one working day: what "1 working day" means in minutes for this calendar. */
  workingMinutesPerDay: number;
  isDefault: boolean;
  updatedAt: string;
}

export interface CalendarDayView {
  date: string;
  kind: 'holiday' | 'workday';
  note: string | null;
}

export function parseWorkingPeriods(row: Pick<CalendarsTable, 'working_periods'>): WorkingPeriodView[] {
  return JSON.parse(row.working_periods) as WorkingPeriodView[];
}

export function parseWeeklyWorkingDays(row: Pick<CalendarsTable, 'weekly_working_days'>): number[] {
  return JSON.parse(row.weekly_working_days) as number[];
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function presentCalendar(row: CalendarsTable): CalendarView {
  const workingPeriods = parseWorkingPeriods(row);
  return {
    id: row.id,
    name: row.name,
    tzOffsetMinutes: row.tz_offset_minutes,
    workingPeriods,
    weeklyWorkingDays: parseWeeklyWorkingDays(row),
    workingMinutesPerDay: workingPeriods.reduce((sum, p) => sum + minutesOf(p.end) - minutesOf(p.start), 0),
    isDefault: fromDbBool(row.is_default),
    updatedAt: row.updated_at,
  };
}

export function presentCalendarDay(row: CalendarDaysTable): CalendarDayView {
  return { date: row.date, kind: row.kind, note: row.note };
}
