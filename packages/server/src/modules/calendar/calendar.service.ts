import type { CalendarDaysQuery, CalendarDetail, DeadlineQuery, DeadlineView, ListedCalendarView, UpdateCalendarRequest } from '@liandong/contracts';
import type { AppDeps } from '../../deps.ts';
import { type CalendarSpec, dateToDayIndex, isValidDate, validateCalendarSpec } from '../../engine/time/calendar.ts';
import { computeDeadline, DEFAULT_WARN_SHARE } from '../../engine/time/deadline.ts';
import { AppError } from '../../errors.ts';
import { writeAudit } from '../auth/audit.ts';
import type { Principal } from '../auth/principal.ts';
import { invalidateCalendarCache, loadCalendar } from './calendar.loader.ts';
import {
  type CalendarDayView,
  type CalendarView,
  parseWeeklyWorkingDays,
  parseWorkingPeriods,
  presentCalendar,
  presentCalendarDay,
} from './calendar.presenter.ts';
import {
  deleteCalendarDay,
  findCalendarDay,
  findCalendarDays,
  findCalendarRow,
  findCalendars,
  updateCalendarRow,
  upsertCalendarDay,
} from './calendar.repository.ts';
import { calendarMissingHolidayYears } from './calendar.coverage.ts';
import { ensureDefaultCalendar } from './calendar.seed.ts';

type CalendarDeps = Pick<AppDeps, 'db' | 'clock' | 'ids' | 'caches' | 'bus'>;

/** A listing of days spans at most ten years (the package's holidays fit in ~600 rows a decade). */
const MAX_DAY_SPAN = 3660;

async function seeded(deps: CalendarDeps): Promise<void> {
  await ensureDefaultCalendar(deps, deps.clock.now(), deps.ids);
}

async function calendarRowOrThrow(deps: CalendarDeps, id: string) {
  await seeded(deps);
  const row = await findCalendarRow(deps.db, id);
  if (!row) throw new AppError('CALENDAR_NOT_FOUND', `No calendar ${id}`, { id });
  return row;
}

/** A calendar as listed: with the years it should have holidays for and has none (calendar.coverage.ts). */
export type CalendarListView = ListedCalendarView;

export async function listCalendars(deps: CalendarDeps): Promise<{ items: CalendarListView[] }> {
  await seeded(deps);
  const now = deps.clock.now();
  const rows = await findCalendars(deps.db);
  return {
    items: await Promise.all(rows.map(async (row) => ({ ...presentCalendar(row), missingHolidayYears: await calendarMissingHolidayYears(deps.db, row, now) }))),
  };
}

export type DayRange = CalendarDaysQuery;

/** A calendar with its holidays and adjusted working days in [from, to] (default: this year and the next, local). */
export async function getCalendar(deps: CalendarDeps, id: string, range: DayRange): Promise<CalendarDetail> {
  if (range.from) dateOrThrow(range.from, 'from');
  if (range.to) dateOrThrow(range.to, 'to');
  const row = await calendarRowOrThrow(deps, id);
  const localYear = new Date(deps.clock.now().getTime() + row.tz_offset_minutes * 60_000).getUTCFullYear();
  const from = range.from ?? `${localYear}-01-01`;
  const to = range.to ?? `${localYear + 1}-12-31`;
  if (to < from) throw new AppError('VALIDATION_FAILED', '`to` must not be before `from`', [{ path: 'to', message: 'must not be before from' }]);
  if (dateToDayIndex(to) - dateToDayIndex(from) > MAX_DAY_SPAN) {
    throw new AppError('VALIDATION_FAILED', `List at most ${MAX_DAY_SPAN} days at a time`, [
      { path: 'to', message: `at most ${MAX_DAY_SPAN} days after from` },
    ]);
  }
  const days = await findCalendarDays(deps.db, id, from, to);
  const missingHolidayYears = await calendarMissingHolidayYears(deps.db, row, deps.clock.now());
  return { ...presentCalendar(row), missingHolidayYears, from, to, days: days.map(presentCalendarDay) };
}

export type UpdateCalendarInput = UpdateCalendarRequest;

/** Changes the working periods, weekdays, offset or name; every problem of the result is listed (422 CALENDAR_INVALID). */
export async function updateCalendar(deps: CalendarDeps, principal: Principal, id: string, input: UpdateCalendarInput): Promise<CalendarView> {
  const row = await calendarRowOrThrow(deps, id);
  const before = presentCalendar(row);
  const spec: CalendarSpec = {
    tzOffsetMinutes: input.tzOffsetMinutes ?? row.tz_offset_minutes,
    workingPeriods: input.workingPeriods ?? parseWorkingPeriods(row),
    weeklyWorkingDays: input.weeklyWorkingDays ?? parseWeeklyWorkingDays(row),
  };
  const problems = validateCalendarSpec(spec);
  if (spec.weeklyWorkingDays.length === 0) problems.push({ path: 'weeklyWorkingDays', message: 'at least one weekday must be a working day' });
  if (problems.length) throw new AppError('CALENDAR_INVALID', 'The calendar is not valid', problems);

  const now = deps.clock.now().toISOString();
  const workingPeriods = [...spec.workingPeriods].sort((a, b) => a.start.localeCompare(b.start)).map((p) => ({ start: p.start, end: p.end }));
  const weeklyWorkingDays = [...spec.weeklyWorkingDays].sort((a, b) => a - b);
  const patch = {
    name: input.name ?? row.name,
    tz_offset_minutes: spec.tzOffsetMinutes,
    working_periods: JSON.stringify(workingPeriods),
    weekly_working_days: JSON.stringify(weeklyWorkingDays),
    updated_at: now,
  };
  await deps.db.transaction().execute(async (trx) => {
    await updateCalendarRow(trx, id, patch);
    await writeAudit(trx, {
      at: now,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: 'calendar.update',
      targetType: 'calendar',
      targetId: id,
      details: {
        before: {
          name: before.name,
          tzOffsetMinutes: before.tzOffsetMinutes,
          workingPeriods: before.workingPeriods,
          weeklyWorkingDays: before.weeklyWorkingDays,
        },
        after: { name: patch.name, tzOffsetMinutes: spec.tzOffsetMinutes, workingPeriods, weeklyWorkingDays },
      },
    });
  });
  invalidateCalendarCache(deps);
  return presentCalendar({ ...row, ...patch });
}

function dateOrThrow(date: string, path = 'date'): string {
  if (!isValidDate(date)) throw new AppError('VALIDATION_FAILED', `${date} is not a date YYYY-MM-DD`, [{ path, message: 'must be a date YYYY-MM-DD' }]);
  return date;
}

/** Marks a date as a holiday or an adjusted working day (调休), replacing what it was. */
export async function setCalendarDay(
  deps: CalendarDeps,
  principal: Principal,
  id: string,
  date: string,
  input: { kind: 'holiday' | 'workday'; note?: string | null },
): Promise<CalendarDayView> {
  dateOrThrow(date);
  await calendarRowOrThrow(deps, id);
  const now = deps.clock.now().toISOString();
  const day = { calendar_id: id, date, kind: input.kind, note: input.note?.trim() || null };
  await deps.db.transaction().execute(async (trx) => {
    const previous = await findCalendarDay(trx, id, date);
    await upsertCalendarDay(trx, day);
    await updateCalendarRow(trx, id, { updated_at: now });
    await writeAudit(trx, {
      at: now,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: 'calendar.day_set',
      targetType: 'calendar',
      targetId: id,
      details: { date, kind: day.kind, note: day.note, previous: previous ? { kind: previous.kind, note: previous.note } : null },
    });
  });
  invalidateCalendarCache(deps);
  return presentCalendarDay(day);
}

/** Returns a date to the weekly pattern. 404 when the date was not marked. */
export async function removeCalendarDay(deps: CalendarDeps, principal: Principal, id: string, date: string): Promise<void> {
  dateOrThrow(date);
  await calendarRowOrThrow(deps, id);
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    const previous = await findCalendarDay(trx, id, date);
    if (!previous || !(await deleteCalendarDay(trx, id, date))) {
      throw new AppError('NOT_FOUND', `${date} is not marked in this calendar`, { id, date });
    }
    await updateCalendarRow(trx, id, { updated_at: now });
    await writeAudit(trx, {
      at: now,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: 'calendar.day_remove',
      targetType: 'calendar',
      targetId: id,
      details: { date, previous: { kind: previous.kind, note: previous.note } },
    });
  });
  invalidateCalendarCache(deps);
}

/** The due and warning instants of a limit on this calendar, to check the arithmetic. */
export async function checkDeadline(deps: CalendarDeps, id: string, q: DeadlineQuery): Promise<DeadlineView> {
  await calendarRowOrThrow(deps, id);
  const cal = await loadCalendar(deps, id);
  const start = new Date(q.start);
  const warnShare = q.warnShare ?? DEFAULT_WARN_SHARE;
  let d;
  try {
    d = computeDeadline({ kind: q.kind, minutes: q.minutes, start, cal, warnShare });
  } catch (err) {
    if (err instanceof RangeError) throw new AppError('SEMANTIC_ERROR', err.message);
    throw err;
  }
  return {
    calendarId: id,
    kind: q.kind,
    minutes: q.minutes,
    warnShare,
    start: start.toISOString(),
    dueAt: d.dueAt!.toISOString(),
    warnAt: d.warnAt!.toISOString(),
  };
}
