import type { Transaction } from 'kysely';
import { rawQuery } from '../../db/raw-sql.ts';
import type { Database } from '../../db/schema.ts';

const SHANGHAI_OFFSET_MS = 8 * 3600_000; // China has no daylight saving time

/** The Asia/Shanghai calendar day of an instant, as YYYYMMDD (event codes are per local day). */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

/** `YYYYMMDD` + 5-digit daily sequence, e.g. 2026112800042. */
export function formatEventCode(day: string, seq: number): string {
  return `${day}${String(seq).padStart(5, '0')}`;
}

/**
 * Takes the next code of the day. One upsert…returning: atomic on both engines, and on
 * PostgreSQL the counter row stays locked until the transaction ends, so codes never repeat
 * and a rolled-back creation gives its number back.
 */
export async function nextEventCode(trx: Transaction<Database>, at: Date): Promise<string> {
  const day = shanghaiDay(at);
  // Raw text: every report runs it, and building it with the query builder cost more than running it.
  const [row] = await rawQuery<{ last_seq: number }>(trx, NEXT_CODE_SQL, [day]);
  return formatEventCode(day, Number(row!.last_seq));
}

const NEXT_CODE_SQL =
  'insert into "event_code_counters" ("day", "last_seq") values (?, 1) ' +
  'on conflict ("day") do update set "last_seq" = "event_code_counters"."last_seq" + 1 returning "last_seq"';
