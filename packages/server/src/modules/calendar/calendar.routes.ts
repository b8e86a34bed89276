import {
  CalendarDaysQuery,
  CalendarDayParams,
  CalendarDay,
  CalendarDetail,
  CalendarList,
  CalendarParams,
  CalendarView,
  DeadlineQuery,
  DeadlineView,
  SetCalendarDayRequest,
  UpdateCalendarRequest,
} from '@liandong/contracts';
import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';
import { authenticate, principalOf } from '../auth/guards.ts';
import { checkDeadline, getCalendar, listCalendars, removeCalendarDay, setCalendarDay, updateCalendar } from './calendar.service.ts';

// Request and response shapes are the contract's (packages/contracts/src/calendar.ts), shared with the web app.

/** Working calendars (工作日历): everyone signed in reads them, administrators edit them. */
export function registerCalendarRoutes(app: Api, deps: AppDeps): void {
  app.get(
    '/calendars',
    { schema: { tags: ['calendars'], summary: 'Working calendars (the default one first)', response: { 200: CalendarList } }, preHandler: authenticate() },
    async () => listCalendars(deps),
  );

  app.get(
    '/calendars/:id',
    {
      schema: {
        tags: ['calendars'],
        summary: 'A calendar with its holidays and adjusted working days in [from, to] (default: this year and the next)',
        params: CalendarParams,
        querystring: CalendarDaysQuery,
        response: { 200: CalendarDetail },
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
        params: CalendarParams,
        body: UpdateCalendarRequest,
        response: { 200: CalendarView },
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
        params: CalendarDayParams,
        body: SetCalendarDayRequest,
        response: { 200: CalendarDay },
      },
      preHandler: authenticate({ roles: ['admin'] }),
    },
    async (req) => setCalendarDay(deps, principalOf(req), req.params.id, req.params.date, req.body),
  );

  app.delete(
    '/calendars/:id/days/:date',
    {
      schema: { tags: ['calendars'], summary: 'Returns a date to the weekly pattern (admin)', params: CalendarDayParams },
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
        params: CalendarParams,
        querystring: DeadlineQuery,
        response: { 200: DeadlineView },
      },
      preHandler: authenticate(),
    },
    async (req) => checkDeadline(deps, req.params.id, req.query),
  );
}
