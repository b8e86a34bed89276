import type { Db } from '../../db/database.ts';
import { CHINA_TZ_OFFSET_MINUTES, DEFAULT_WEEKLY_WORKING_DAYS, DEFAULT_WORKING_PERIODS } from '../../engine/time/calendar.ts';
import { chinaCalendarYears, seedChinaCalendar } from '../../engine/time/china-calendar.ts';
import type { Bus } from '../../lib/bus.ts';
import { defaultIds, type Ids } from '../../lib/ids.ts';
import { invalidateCalendarCache } from './calendar.loader.ts';
import { findDefaultCalendarRow, insertCalendarDays, insertCalendarUnlessConflict } from './calendar.repository.ts';

export const DEFAULT_CALENDAR_NAME = '中国法定工作日历';

const toppedUp = new WeakSet<object>();

/** The database, with the node's bus when there is one (a change then drops every node's cached calendars). */
type SeedTarget = Db | { db: Db; bus: Bus };
const dbOf = (t: SeedTarget): Db => ('bus' in t && 'db' in t ? t.db : (t as Db));

/**
 * Adds to a calendar the years `chinese-days` covers after the last year the calendar marks any
 * day in — what a newer package brings to an installation seeded with an older one (done once per
 * start by ensureDefaultCalendar). Earlier years are left as the administrators made them.
 * Answers the years added.
 */
export async function addNewChinaYears(target: SeedTarget, calendarId: string): Promise<number[]> {
  const db = dbOf(target);
  const last = await db
    .selectFrom('calendar_days')
    .select((eb) => eb.fn.max('date').as('last'))
    .where('calendar_id', '=', calendarId)
    .executeTakeFirst();
  const lastYear = last?.last ? Number(String(last.last).slice(0, 4)) : 0;
  const seed = seedChinaCalendar(chinaCalendarYears().filter((y) => y > lastYear));
  if (!seed.days.length) return [];
  // Another node starting at the same moment may add them too: a date already there is kept.
  const rows = seed.days.map((d) => ({ calendar_id: calendarId, date: d.date, kind: d.kind, note: d.note }));
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 200) {
      await trx
        .insertInto('calendar_days')
        .values(rows.slice(i, i + 200))
        .onConflict((oc) => oc.columns(['calendar_id', 'date']).doNothing())
        .execute();
    }
  });
  invalidateCalendarCache(target);
  return seed.years;
}

/**
 * Makes sure the default calendar exists — UTC+8, Monday to Friday, 08:30–12:00 and
 * 13:30–17:30, with China's holidays and adjusted working days for every year `chinese-days`
 * covers — and returns its id. Idempotent and safe to race: a second seeding conflicts on the
 * one-default index and adds nothing. Pass the root database, not a transaction.
 */
export async function ensureDefaultCalendar(target: SeedTarget, now: Date, ids: Ids = defaultIds): Promise<string> {
  const db = dbOf(target);
  const existing = await findDefaultCalendarRow(db);
  if (existing) {
    if (!toppedUp.has(db)) {
      toppedUp.add(db);
      await addNewChinaYears(target, existing.id);
    }
    return existing.id;
  }
  const at = now.toISOString();
  const id = ids.id();
  const inserted = await db.transaction().execute(async (trx) => {
    const isNew = await insertCalendarUnlessConflict(trx, {
      id,
      name: DEFAULT_CALENDAR_NAME,
      tz_offset_minutes: CHINA_TZ_OFFSET_MINUTES,
      working_periods: JSON.stringify(DEFAULT_WORKING_PERIODS),
      weekly_working_days: JSON.stringify(DEFAULT_WEEKLY_WORKING_DAYS),
      is_default: 1,
      created_at: at,
      updated_at: at,
    });
    if (isNew)
      await insertCalendarDays(
        trx,
        seedChinaCalendar().days.map((d) => ({ calendar_id: id, date: d.date, kind: d.kind, note: d.note })),
      );
    return isNew;
  });
  if (inserted) invalidateCalendarCache(target);
  const row = await findDefaultCalendarRow(db);
  if (!row) throw new Error('The default calendar vanished right after seeding');
  return row.id;
}
