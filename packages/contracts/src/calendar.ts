import { z } from 'zod';

/*
 * Working calendars (工作日历): GET/PUT /calendars…, one definition for the server's routes and
 * the web app. Times of day are HH:MM in the calendar's offset; weekdays are 1 (Monday) … 7.
 */

const Id = z.string().min(1).max(64);
/** A calendar date, YYYY-MM-DD. */
export const CalendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

export const CALENDAR_DAY_KINDS = ['holiday', 'workday'] as const;
/** A holiday, or an adjusted working day (调休) on what would be a day off. */
export const CalendarDayKind = z.enum(CALENDAR_DAY_KINDS);
export type CalendarDayKind = z.infer<typeof CalendarDayKind>;

export const WorkingPeriod = z.object({ start: z.string(), end: z.string() });
export type WorkingPeriod = z.infer<typeof WorkingPeriod>;

/** A calendar as the API shows it. */
export const CalendarView = z.object({
  id: z.string(),
  name: z.string(),
  tzOffsetMinutes: z.number(),
  workingPeriods: z.array(WorkingPeriod),
  weeklyWorkingDays: z.array(z.number()),
  /** Working minutes in one working day: what "1 working day" means in minutes for this calendar. */
  workingMinutesPerDay: z.number(),
  isDefault: z.boolean(),
  updatedAt: z.string(),
});
export type CalendarView = z.infer<typeof CalendarView>;

/** A calendar as listed: with the years (this one, or the next from 60 days before it) that have no holidays — every weekday of them counts as working. */
export const ListedCalendarView = CalendarView.extend({ missingHolidayYears: z.array(z.number()) });
export type ListedCalendarView = z.infer<typeof ListedCalendarView>;

/** GET /calendars: the default one first. */
export const CalendarList = z.object({ items: z.array(ListedCalendarView) });
export type CalendarList = z.infer<typeof CalendarList>;

export const CalendarDay = z.object({ date: z.string(), kind: CalendarDayKind, note: z.string().nullable() });
export type CalendarDay = z.infer<typeof CalendarDay>;

export const CalendarParams = z.object({ id: Id });
export const CalendarDayParams = z.object({ id: Id, date: CalendarDate });

/** GET /calendars/:id?from=&to= (default: this year and the next). */
export const CalendarDaysQuery = z.object({ from: CalendarDate.optional(), to: CalendarDate.optional() });
export type CalendarDaysQuery = z.infer<typeof CalendarDaysQuery>;

/** GET /calendars/:id: the calendar with its marked days in [from, to]. */
export const CalendarDetail = ListedCalendarView.extend({ from: z.string(), to: z.string(), days: z.array(CalendarDay) });
export type CalendarDetail = z.infer<typeof CalendarDetail>;

// Times are checked by the calendar validation, which lists every problem at once.
const PeriodInput = z.object({ start: z.string().max(5), end: z.string().max(5) }).strict();

/** PUT /calendars/:id (admin): working periods (HH:MM, not overlapping), working weekdays, offset or name. */
export const UpdateCalendarRequest = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    tzOffsetMinutes: z.number().int().optional(),
    workingPeriods: z.array(PeriodInput).max(12).optional(),
    weeklyWorkingDays: z.array(z.number().int()).max(7).optional(),
  })
  .strict();
export type UpdateCalendarRequest = z.infer<typeof UpdateCalendarRequest>;

/** PUT /calendars/:id/days/:date (admin). */
export const SetCalendarDayRequest = z.object({ kind: CalendarDayKind, note: z.string().max(100).nullable().optional() }).strict();
export type SetCalendarDayRequest = z.infer<typeof SetCalendarDayRequest>;

export const DEADLINE_KINDS = ['working', 'natural'] as const;

/** GET /calendars/:id/deadline: a limit of `minutes` working (or natural) minutes from `start`. */
export const DeadlineQuery = z.object({
  start: z.string().datetime({ offset: true }),
  minutes: z.coerce.number().int().min(0).max(1_000_000),
  kind: z.enum(DEADLINE_KINDS).default('working'),
  warnShare: z.coerce.number().min(0).max(1).optional(),
});
export type DeadlineQuery = z.infer<typeof DeadlineQuery>;

/** When the limit is due, and when its warning lights. */
export const DeadlineView = z.object({
  calendarId: z.string(),
  kind: z.enum(DEADLINE_KINDS),
  minutes: z.number(),
  warnShare: z.number(),
  start: z.string(),
  dueAt: z.string(),
  warnAt: z.string(),
});
export type DeadlineView = z.infer<typeof DeadlineView>;
