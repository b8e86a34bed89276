import type { CalendarDay, CalendarView, WorkingPeriod } from '@liandong/contracts';
import type { CalendarDaysTable, CalendarsTable } from '../../db/schema.ts';
import { fromDbBool } from '../../db/database.ts';

// The API's shapes are the contract's (packages/contracts/src/calendar.ts).
export type WorkingPeriodView = WorkingPeriod;
export type { CalendarView };
export type CalendarDayView = CalendarDay;

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
