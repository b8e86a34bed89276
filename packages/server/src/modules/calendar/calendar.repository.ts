import type { Kysely } from 'kysely';
import type { CalendarDaysTable, CalendarsTable, Database } from '../../db/schema.ts';

type Executor = Kysely<Database>;

/** Rows per insert: well under SQLite's bound-parameter limit. */
const DAYS_PER_INSERT = 200;

export async function findCalendars(db: Executor): Promise<CalendarsTable[]> {
  return db.selectFrom('calendars').selectAll().orderBy('is_default', 'desc').orderBy('name').orderBy('id').execute();
}

export async function findCalendarRow(db: Executor, id: string): Promise<CalendarsTable | undefined> {
  return db.selectFrom('calendars').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findDefaultCalendarRow(db: Executor): Promise<CalendarsTable | undefined> {
  return db.selectFrom('calendars').selectAll().where('is_default', '=', 1).executeTakeFirst();
}

/** Days of a calendar, by date; within [from, to] when given (dates 'YYYY-MM-DD' sort as text). */
export async function findCalendarDays(db: Executor, calendarId: string, from?: string, to?: string): Promise<CalendarDaysTable[]> {
  let q = db.selectFrom('calendar_days').selectAll().where('calendar_id', '=', calendarId);
  if (from) q = q.where('date', '>=', from);
  if (to) q = q.where('date', '<=', to);
  return q.orderBy('date').execute();
}

export async function findCalendarDay(db: Executor, calendarId: string, date: string): Promise<CalendarDaysTable | undefined> {
  return db.selectFrom('calendar_days').selectAll().where('calendar_id', '=', calendarId).where('date', '=', date).executeTakeFirst();
}

/** Inserts unless it would be a second default; true when inserted. */
export async function insertCalendarUnlessConflict(db: Executor, row: CalendarsTable): Promise<boolean> {
  const res = await db
    .insertInto('calendars')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function insertCalendarDays(db: Executor, days: CalendarDaysTable[]): Promise<void> {
  for (let i = 0; i < days.length; i += DAYS_PER_INSERT) {
    await db
      .insertInto('calendar_days')
      .values(days.slice(i, i + DAYS_PER_INSERT))
      .execute();
  }
}

export async function updateCalendarRow(
  db: Executor,
  id: string,
  patch: Partial<Pick<CalendarsTable, 'name' | 'tz_offset_minutes' | 'working_periods' | 'weekly_working_days'>> & { updated_at: string },
): Promise<void> {
  await db.updateTable('calendars').set(patch).where('id', '=', id).execute();
}

export async function upsertCalendarDay(db: Executor, day: CalendarDaysTable): Promise<void> {
  await db
    .insertInto('calendar_days')
    .values(day)
    .onConflict((oc) => oc.columns(['calendar_id', 'date']).doUpdateSet({ kind: day.kind, note: day.note }))
    .execute();
}

export async function deleteCalendarDay(db: Executor, calendarId: string, date: string): Promise<boolean> {
  const res = await db.deleteFrom('calendar_days').where('calendar_id', '=', calendarId).where('date', '=', date).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}
