import type { Db } from '../../db/database.ts';
import {
  CHINA_TZ_OFFSET_MINUTES,
  DEFAULT_WEEKLY_WORKING_DAYS,
  DEFAULT_WORKING_PERIODS,
} from '../../engine/time/calendar.ts';
import { seedChinaCalendar } from '../../engine/time/china-calendar.ts';
import { defaultIds, type Ids } from '../../lib/ids.ts';
import { invalidateCalendarCache } from './calendar.loader.ts';
import { findDefaultCalendarRow, insertCalendarDays, insertCalendarUnlessConflict } from './calendar.repository.ts';

export const DEFAULT_CALENDAR_NAME = '中国法定工作日历';

/**
 * Makes sure the default calendar exists — UTC+8, Monday to Friday, 08:30–12:00 and
 * 13:30–17:30, with China's holidays and adjusted working days for every year `chinese-days`
 * covers — and returns its id. Idempotent and safe to race: a second seeding conflicts on the
 * one-default index and adds nothing. Pass the root database, not a transaction.
 */
export async function ensureDefaultCalendar(db: Db, now: Date, ids: Ids = defaultIds): Promise<string> {
  const existing = await findDefaultCalendarRow(db);
  if (existing) return existing.id;
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
    if (isNew) await insertCalendarDays(trx, seedChinaCalendar().days.map((d) => ({ calendar_id: id, date: d.date, kind: d.kind, note: d.note })));
    return isNew;
  });
  if (inserted) invalidateCalendarCache(db);
  const row = await findDefaultCalendarRow(db);
  if (!row) throw new Error('The default calendar vanished right after seeding');
  return row.id;
}
