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
  /** For a multi-row insert: its rows, which SQLite runs one by one through a single-row statement. */
  rows?: { table: string; rows: readonly object[] };
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

/** What rawQuery needs of a better-sqlite3 connection (database.ts registers its statement-caching one). */
export interface SqliteHandle {
  prepare(text: string): { reader: boolean; all(params: unknown[]): unknown[]; run(params: unknown[]): { changes: number } };
}

/** By the Kysely instance's adapter, which every transaction made from it shares. */
const sqliteHandles = new WeakMap<object, SqliteHandle>();

export function registerSqliteHandle(db: Kysely<any>, handle: SqliteHandle): void {
  sqliteHandles.set(db.getExecutor().adapter, handle);
}

/** The SQLite connection when `db` is a transaction on one (which holds the connection for itself), else null. */
export function sqliteConnectionOf(db: Kysely<any>): SqliteHandle | null {
  return db.isTransaction ? (sqliteHandles.get(db.getExecutor().adapter) ?? null) : null;
}

/**
 * Runs one statement. Inside a transaction on SQLite it goes straight to the connection, which
 * the transaction holds for itself (Kysely's driver does the same calls, through a chain of
 * promises that costs more than a small insert).
 */
export async function rawQuery<R = Record<string, unknown>>(db: Kysely<any>, text: string, params: readonly unknown[]): Promise<R[]> {
  const sqlite = sqliteConnectionOf(db);
  if (sqlite) {
    const stmt = sqlite.prepare(text);
    if (stmt.reader) return stmt.all(params as unknown[]) as R[];
    stmt.run(params as unknown[]);
    return [];
  }
  const result = await db.executeQuery(CompiledQuery.raw(isPostgres(db) ? pgText(text) : text, params as unknown[]));
  return result.rows as R[];
}

const insertTexts = new Map<string, string>();

/** The text of an insert of `count` rows into `columns` (cached). */
function insertText(table: string, columns: readonly string[], count: number): string {
  const key = `${table}|${columns.join(',')}|${count}`;
  let text = insertTexts.get(key);
  if (!text) {
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${Array.from({ length: count }, () => tuple).join(', ')}`;
    if (insertTexts.size > 1000) insertTexts.clear();
    insertTexts.set(key, text);
  }
  return text;
}

/** A multi-row insert of rows shaped alike (the columns of the first). */
export function insertStatement(table: string, rows: readonly object[]): Statement {
  const columns = Object.keys(rows[0]);
  const text = insertText(table, columns, rows.length);
  const params: unknown[] = [];
  for (const row of rows) for (const c of columns) params.push((row as Record<string, unknown>)[c]);
  return { text, params, rows: { table, rows } };
}

/**
 * Inserts rows one by one through a prepared single-row statement (SQLite, inside a
 * transaction): a multi-row text differs with every row count, and preparing a long one costs
 * more than running it. Answers, per row, whether it was inserted (false: a conflict skipped it).
 */
export function runInsert(sqlite: SqliteHandle, table: string, rows: readonly object[], conflict = ''): boolean[] {
  if (!rows.length) return [];
  const columns = Object.keys(rows[0]);
  const stmt = sqlite.prepare(insertText(table, columns, 1) + conflict);
  return rows.map((row) => stmt.run(columns.map((c) => (row as Record<string, unknown>)[c])).changes > 0);
}

/** `?, ?, …` for an IN list. */
export function marks(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** Values bound in one IN list at most: a longer list is asked in parts (rawQueryIn). */
export const IN_LIST_PART = 500;

/**
 * rawQuery of `text(marks)` for each part of `values` (IN_LIST_PART at most), `marks` being the
 * part's `?, ?, …`: the rows of every part, in order.
 */
export async function rawQueryIn<R = Record<string, unknown>>(db: Kysely<any>, text: (marks: string) => string, values: readonly unknown[]): Promise<R[]> {
  const rows: R[] = [];
  for (let i = 0; i < values.length; i += IN_LIST_PART) {
    const part = values.slice(i, i + IN_LIST_PART);
    rows.push(...(await rawQuery<R>(db, text(marks(part.length)), part)));
  }
  return rows;
}

/**
 * Runs statements in order. On PostgreSQL several data-changing statements go as one (each a
 * WITH part of the last): one round trip instead of many. They then share one snapshot and see
 * none of each other's rows, so callers only fold statements that touch different rows; foreign
 * keys are checked at the end of the statement, when every part has run.
 */
export async function runStatements(db: Kysely<any>, statements: readonly Statement[]): Promise<void> {
  if (!statements.length) return;
  const sqlite = sqliteConnectionOf(db);
  if (sqlite) {
    for (const s of statements) {
      if (s.rows) runInsert(sqlite, s.rows.table, s.rows.rows);
      else sqlite.prepare(s.text).run(s.params);
    }
    return;
  }
  if (statements.length === 1 || !isPostgres(db)) {
    for (const s of statements) await rawQuery(db, s.text, s.params);
    return;
  }
  const last = statements[statements.length - 1];
  const text = `with ${statements
    .slice(0, -1)
    .map((s, i) => `w${i} as (${s.text})`)
    .join(', ')} ${last.text}`;
  await rawQuery(
    db,
    text,
    statements.flatMap((s) => s.params),
  );
}
