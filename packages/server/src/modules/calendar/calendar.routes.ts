import { z } from 'zod';
import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';
import { authenticate, principalOf } from '../auth/guards.ts';
import { checkDeadline, getCalendar, listCalendars, removeCalendarDay, setCalendarDay, updateCalendar } from './calendar.service.ts';

const Id = z.string().min(1).max(64);
const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
// Times are checked by the calendar validation, which lists every problem at once.
const Period = z.object({ start: z.string().max(5), end: z.string().max(5) }).strict();
const Calendar = z.object({
  id: z.string(),
  name: z.string(),
  tzOffsetMinutes: z.number(),
  workingPeriods: z.array(z.object({ start: z.string(), end: z.string() })),
  weeklyWorkingDays: z.array(z.number()),
  workingMinutesPerDay: z.number(),
  isDefault: z.boolean(),
  updatedAt: z.string(),
});
/** The years (this one, or the next from 60 days before it) that have no holidays: every weekday of them counts as working. */
const ListedCalendar = Calendar.extend({ missingHolidayYears: z.array(z.number()) });
const Day = z.object({ date: z.string(), kind: z.enum(['holiday', 'workday']), note: z.string().nullable() });

/** Working calendars (工作日历): everyone signed in reads them, administrators edit them. */
export function registerCalendarRoutes(app: Api, deps: AppDeps): void {
  app.get(
    '/calendars',
    { schema: { tags: ['calendars'], summary: 'Working calendars (the default one first)', response: { 200: z.object({ items: z.array(ListedCalendar) }) } }, preHandler: authenticate() },
    async () => listCalendars(deps),
  );

  app.get(
    '/calendars/:id',
    {
      schema: {
        tags: ['calendars'],
        summary: 'A calendar with its holidays and adjusted working days in [from, to] (default: this year and the next)',
        params: z.object({ id: Id }),
        querystring: z.object({ from: DateText.optional(), to: DateText.optional() }),
        response: { 200: ListedCalendar.extend({ from: z.string(), to: z.string(), days: z.array(Day) }) },
      },
      preHandler: authenticate(),
    },
    async (req) => getCalendar(deps, req.params.id, req.query),
  );

  app.put(
    '/calendars/:id',
    {
      schema: {
        tags: ['calendars'],
        summary: 'Changes working periods (HH:MM, not overlapping), working weekdays (1 = Monday), offset or name (admin)',
        params: z.object({ id: Id }),
        body: z
          .object({
            name: z.string().trim().min(1).max(100).optional(),
            tzOffsetMinutes: z.number().int().optional(),
            workingPeriods: z.array(Period).max(12).optional(),
            weeklyWorkingDays: z.array(z.number().int()).max(7).optional(),
          })
          .strict(),
        response: { 200: Calendar },
      },
      preHandler: authenticate({ roles: ['admin'] }),
    },
    async (req) => updateCalendar(deps, principalOf(req), req.params.id, req.body),
  );

  app.put(
    '/calendars/:id/days/:date',
    {
      schema: {
        tags: ['calendars'],
        summary: 'Marks a date a holiday or an adjusted working day (调休) (admin)',
        params: z.object({ id: Id, date: DateText }),
        body: z.object({ kind: z.enum(['holiday', 'workday']), note: z.string().max(100).nullable().optional() }).strict(),
        response: { 200: Day },
      },
      preHandler: authenticate({ roles: ['admin'] }),
    },
    async (req) => setCalendarDay(deps, principalOf(req), req.params.id, req.params.date, req.body),
  );

  app.delete(
    '/calendars/:id/days/:date',
    {
      schema: { tags: ['calendars'], summary: 'Returns a date to the weekly pattern (admin)', params: z.object({ id: Id, date: DateText }) },
      preHandler: authenticate({ roles: ['admin'] }),
    },
    async (req, reply) => {
      await removeCalendarDay(deps, principalOf(req), req.params.id, req.params.date);
      return reply.code(204).send();
    },
  );

  app.get(
    '/calendars/:id/deadline',
    {
      schema: {
        tags: ['calendars'],
        summary: 'When a limit of `minutes` working (or natural) minutes from `start` is due, and when its warning lights',
        params: z.object({ id: Id }),
        querystring: z.object({
          start: z.string().datetime({ offset: true }),
          minutes: z.coerce.number().int().min(0).max(1_000_000),
          kind: z.enum(['working', 'natural']).default('working'),
          warnShare: z.coerce.number().min(0).max(1).optional(),
        }),
        response: {
          200: z.object({
            calendarId: z.string(),
            kind: z.enum(['working', 'natural']),
            minutes: z.number(),
            warnShare: z.number(),
            start: z.string(),
            dueAt: z.string(),
            warnAt: z.string(),
          }),
        },
      },
      preHandler: authenticate(),
    },
    async (req) => checkDeadline(deps, req.params.id, req.query),
  );
}
