import { CompiledQuery, PostgresAdapter, type Kysely } from 'kysely';

/**
 * Hot statements without Kysely's builder: building and compiling a query costs
 * more than SQLite takes to run it, and a process start or a timer runs a dozen. SQL is written
 * once with `?` placeholders (never a `?` inside the text otherwise) and turned into `$1…` for
 * PostgreSQL, cached per text. Identifiers come from code, never from input.
 */
export interface Statement {
  text: string;
  params: unknown[];
}

const pgTexts = new Map<string, string>();

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

function pgText(text: string): string {
  let t = pgTexts.get(text);
  if (t === undefined) {
    let n = 0;
    t = text.replace(/\?/g, () => `$${++n}`);
    if (pgTexts.size > 2000) pgTexts.clear();
    pgTexts.set(text, t);
  }
  return t;
}

export async function rawQuery<R = Record<string, unknown>>(db: Kysely<any>, text: string, params: readonly unknown[]): Promise<R[]> {
  const result = await db.executeQuery(CompiledQuery.raw(isPostgres(db) ? pgText(text) : text, params as unknown[]));
  return result.rows as R[];
}

const insertTexts = new Map<string, string>();

/** A multi-row insert of rows shaped alike (the columns of the first). */
export function insertStatement(table: string, rows: readonly object[]): Statement {
  const columns = Object.keys(rows[0]);
  const key = `${table}|${columns.join(',')}|${rows.length}`;
  let text = insertTexts.get(key);
  if (!text) {
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${Array.from({ length: rows.length }, () => tuple).join(', ')}`;
    if (insertTexts.size > 1000) insertTexts.clear();
    insertTexts.set(key, text);
  }
  const params: unknown[] = [];
  for (const row of rows) for (const c of columns) params.push((row as Record<string, unknown>)[c]);
  return { text, params };
}

/** `?, ?, …` for an IN list. */
export function marks(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/**
 * Runs statements in order. On PostgreSQL several data-changing statements go as one (each a
 * WITH part of the last): one round trip instead of many. They then share one snapshot and see
 * none of each other's rows, so callers only fold statements that touch different rows; foreign
 * keys are checked at the end of the statement, when every part has run.
 */
export async function runStatements(db: Kysely<any>, statements: readonly Statement[]): Promise<void> {
  if (!statements.length) return;
  if (statements.length === 1 || !isPostgres(db)) {
    for (const s of statements) await rawQuery(db, s.text, s.params);
    return;
  }
  const last = statements[statements.length - 1];
  const text = `with ${statements
    .slice(0, -1)
    .map((s, i) => `w${i} as (${s.text})`)
    .join(', ')} ${last.text}`;
  await rawQuery(db, text, statements.flatMap((s) => s.params));
}
