import type { Kysely } from 'kysely';
import { insertStatement, rawQuery, runInsert, sqliteConnectionOf } from './raw-sql.ts';

/**
 * A multi-row INSERT for the hot write paths (event creation and its notifications), without
 * Kysely's query builder: building and compiling a 30-column insert costs more than SQLite takes
 * to run it. Inside a SQLite transaction the rows go one by one through one cached single-row
 * statement (runInsert); elsewhere the SQL text is made once per (table, columns, row count) and
 * reused. Values are bound parameters, as with the builder. Column names come from code, never
 * from input.
 */
export async function insertRows<Row extends object>(
  db: Kysely<any>,
  table: string,
  rows: readonly Row[],
  opts: { onConflictDoNothing?: string; returning?: keyof Row & string } = {},
): Promise<Array<Record<string, unknown>>> {
  if (rows.length === 0) return [];
  const conflict = opts.onConflictDoNothing ? ` on conflict ("${opts.onConflictDoNothing}") do nothing` : '';
  const sqlite = sqliteConnectionOf(db);
  if (sqlite) {
    const inserted = runInsert(sqlite, table, rows, conflict);
    return opts.returning ? rows.filter((_, i) => inserted[i]).map((r) => ({ [opts.returning!]: r[opts.returning!] })) : [];
  }
  const s = insertStatement(table, rows);
  const text = s.text + conflict + (opts.returning ? ` returning "${opts.returning}"` : '');
  return rawQuery<Record<string, unknown>>(db, text, s.params);
}
