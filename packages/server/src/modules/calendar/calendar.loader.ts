import type { Db } from '../../db/database.ts';
import type { CalendarsTable } from '../../db/schema.ts';
import { type Calendar, createCalendar } from '../../engine/time/calendar.ts';
import { defaultChinaCalendar } from '../../engine/time/china-calendar.ts';
import { AppError } from '../../errors.ts';
import { parseWeeklyWorkingDays, parseWorkingPeriods } from './calendar.presenter.ts';
import { findCalendarDays, findCalendarRow, findDefaultCalendarRow } from './calendar.repository.ts';

/*
 * Calendars are read on every deadline computation and edited a few times a year: they are
 * kept in memory per database and dropped when edited through this module. The cache holds
 * promises, so concurrent first loads share one query; an edit drops the entry, so a load that
 * was in flight during the edit is not kept.
 */
const DEFAULT_KEY = '';
const caches = new WeakMap<Db, Map<string, Promise<Calendar>>>();

/** Built from a stored row and its days. */
export async function buildCalendarFromRow(db: Db, row: CalendarsTable): Promise<Calendar> {
  const days = await findCalendarDays(db, row.id);
  return createCalendar({
    tzOffsetMinutes: row.tz_offset_minutes,
    workingPeriods: parseWorkingPeriods(row),
    weeklyWorkingDays: parseWeeklyWorkingDays(row),
    holidays: days.filter((d) => d.kind === 'holiday').map((d) => d.date),
    workdays: days.filter((d) => d.kind === 'workday').map((d) => d.date),
  });
}

async function readCalendar(db: Db, id: string | undefined): Promise<Calendar> {
  const row = id === undefined ? await findDefaultCalendarRow(db) : await findCalendarRow(db, id);
  if (row) return buildCalendarFromRow(db, row);
  if (id !== undefined) throw new AppError('CALENDAR_NOT_FOUND', `No calendar ${id}`, { id });
  // Not seeded yet: the default calendar as it will be seeded (ensureDefaultCalendar), so limits
  // computed before the first seeding agree with those computed after.
  return defaultChinaCalendar();
}

/**
 * The working calendar for the arithmetic of engine/time: the given one, or the default one.
 * Cached in memory; pass the root database (inside a transaction it is read afresh).
 * Throws CALENDAR_NOT_FOUND for an unknown id.
 */
export async function loadCalendar(db: Db, id?: string): Promise<Calendar> {
  if (db.isTransaction) return readCalendar(db, id);
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const key = id ?? DEFAULT_KEY;
  let entry = cache.get(key);
  if (!entry) {
    entry = readCalendar(db, id);
    cache.set(key, entry);
    // A failed load (unknown id, database down) is not remembered.
    entry.catch(() => {
      if (cache.get(key) === entry) cache.delete(key);
    });
  }
  return entry;
}

/** Drops cached calendars of a database after an edit (all of them: the default may be any id). */
export function invalidateCalendarCache(db: Db): void {
  caches.get(db)?.clear();
}
