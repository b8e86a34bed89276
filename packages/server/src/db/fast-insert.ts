import { CompiledQuery, PostgresAdapter, type Kysely } from 'kysely';

/**
 * A multi-row INSERT for the hot write paths (event creation and its notifications), without
 * Kysely's query builder: building and compiling a 30-column insert costs more than SQLite takes
 * to run it. The SQL text is made once per (table, columns, row count, options) and reused; values
 * are bound parameters, as with the builder. Column names come from code, never from input.
 */
const texts = new Map<string, string>();

export async function insertRows<Row extends object>(
  db: Kysely<any>,
  table: string,
  rows: readonly Row[],
  opts: { onConflictDoNothing?: string; returning?: keyof Row & string } = {},
): Promise<Array<Record<string, unknown>>> {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]);
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const key = `${postgres ? 'pg' : 'sqlite'}|${table}|${columns.join(',')}|${rows.length}|${opts.onConflictDoNothing ?? ''}|${opts.returning ?? ''}`;
  let text = texts.get(key);
  if (!text) {
    let n = 0;
    const tuple = () => `(${columns.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`;
    text =
      `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${rows.map(tuple).join(', ')}` +
      (opts.onConflictDoNothing ? ` on conflict ("${opts.onConflictDoNothing}") do nothing` : '') +
      (opts.returning ? ` returning "${opts.returning}"` : '');
    if (texts.size > 500) texts.clear();
    texts.set(key, text);
  }
  const params: unknown[] = [];
  for (const row of rows) for (const c of columns) params.push((row as Record<string, unknown>)[c]);
  const result = await db.executeQuery(CompiledQuery.raw(text, params));
  return result.rows as Array<Record<string, unknown>>;
}
