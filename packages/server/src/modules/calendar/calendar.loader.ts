import type { Db } from '../../db/database.ts';
import { BUS_TOPICS, type Bus } from '../../lib/bus.ts';
import type { CalendarsTable } from '../../db/schema.ts';
import { type Calendar, createCalendar } from '../../engine/time/calendar.ts';
import { defaultChinaCalendar } from '../../engine/time/china-calendar.ts';
import { AppError } from '../../errors.ts';
import { parseWeeklyWorkingDays, parseWorkingPeriods } from './calendar.presenter.ts';
import { findCalendarDays, findCalendarRow, findDefaultCalendarRow } from './calendar.repository.ts';

/*
 * Calendars are read on every deadline computation and edited a few times a year: they are
 * kept in memory by the runtime (CalendarCache, one per node) and dropped on every node when
 * one of them edits (the bus's `{ cache: 'calendar' }`). The cache holds promises, so
 * concurrent first loads share one query; an edit drops the entry, so a load that was in flight
 * during the edit is not kept.
 */
const DEFAULT_KEY = '';

export class CalendarCache {
  private readonly entries = new Map<string, Promise<Calendar>>();

  get(db: Db, id: string | undefined): Promise<Calendar> {
    const key = id ?? DEFAULT_KEY;
    let entry = this.entries.get(key);
    if (!entry) {
      const loading = readCalendar(db, id);
      entry = loading;
      this.entries.set(key, loading);
      // A failed load (unknown id, database down) is not remembered.
      loading.catch(() => {
        if (this.entries.get(key) === loading) this.entries.delete(key);
      });
    }
    return entry;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** What loadCalendar reads through: the database and this node's cache. */
export interface CalendarSource {
  db: Db;
  caches: { calendar: CalendarCache };
}

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
 * Cached in memory; inside a transaction (`source.db` is one) it is read afresh.
 * Throws CALENDAR_NOT_FOUND for an unknown id.
 */
export async function loadCalendar(source: CalendarSource, id?: string): Promise<Calendar> {
  if (source.db.isTransaction) return readCalendar(source.db, id);
  return source.caches.calendar.get(source.db, id);
}

/**
 * Drops cached calendars after an edit committed (all of them: the default may be any id), on
 * every node. Without a bus (seeding before the runtime exists) there is nothing to drop.
 */
export function invalidateCalendarCache(deps: { bus: Bus } | Db): void {
  if ('bus' in deps && deps.bus) deps.bus.publish(BUS_TOPICS.cache, { cache: 'calendar' });
}
