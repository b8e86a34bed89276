import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { migrations } from './migrations/index.ts';
import { registerSqliteHandle } from './raw-sql.ts';
import { guardedDialect } from './transaction-guard.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  dialect: Dialect;
  /** Describes the target without credentials, for logs. */
  describe: string;
  /** SQLite: the database file (`:memory:` in memory), which the read pool opens read-only (read-pool.ts). */
  file?: string;
  /** SQLite on a file: frames after which the log is brought back to its start, which the read pool lets happen (read-pool.ts). */
  walRestartFrames?: number;
  close(): Promise<void>;
}

// PostgreSQL answers COUNT(*) and bigint columns as strings; our values fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** Opens the database named by `url`: a SQLite file, `:memory:`, or `postgres://…`. */
export function openDatabase(
  url: string,
  opts: {
    poolSize?: number;
    /** SQLite: write-ahead log frames after which the log is brought back to its start (see checkpointer.worker.cjs). */
    walRestartFrames?: number;
  } = {},
): DatabaseHandle {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 });
    // A broken idle connection must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: guardedDialect(new PostgresDialect({ pool })) });
    const u = new URL(url);
    return { db, dialect: 'postgres', describe: `postgres://${u.host}${u.pathname}`, close: () => db.destroy() };
  }
  if (url !== ':memory:') mkdirSync(dirname(url), { recursive: true });
  const sqlite = new SQLite(url);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // A county's store grows to gigabytes; index pages of recent events must stay in memory.
  sqlite.pragma('cache_size = -131072'); // 128 MiB
  sqlite.pragma('temp_store = memory');
  const walRestartFrames = opts.walRestartFrames ?? 160_000;
  const checkpointer = url === ':memory:' ? null : startCheckpointer(sqlite, url, walRestartFrames);
  const cached = withStatementCache(sqlite);
  const db = new Kysely<Database>({ dialect: guardedDialect(new SqliteDialect({ database: cached })) });
  registerSqliteHandle(db, cached);
  return {
    db,
    dialect: 'sqlite',
    describe: url === ':memory:' ? 'sqlite::memory:' : `sqlite:${url}`,
    file: url,
    walRestartFrames,
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

/**
 * Checkpoints (copying the write-ahead log into the database file) cost as much as the writes
 * themselves; done automatically they run inside a committing request, for tens of
 * milliseconds. Here they run on a worker thread with its own connection, on the machine's
 * other core (wal_autocheckpoint = 0 here) — unless the worker fails, when SQLite's own
 * automatic checkpoints take over again. When the worker has copied a long log to its end, this
 * connection runs one checkpoint of the frames committed since (a few milliseconds, mostly its
 * flushes) between two transactions, so that the log starts over (see checkpointer.worker.cjs).
 */
function startCheckpointer(sqlite: SQLite.Database, file: string, longLog: number): { stop(): Promise<void> } {
  sqlite.pragma('wal_autocheckpoint = 0');
  // The first commit after the log restarts cuts the file down to this size, for as long as
  // freeing the rest takes (14 ms for 50 MB here): the file is left at the size the long log
  // reaches under steady load (~650 MB), and cut only after bursts beyond that.
  sqlite.pragma('journal_size_limit = 1073741824');
  const worker = new Worker(new URL('./checkpointer.worker.cjs', import.meta.url), { workerData: { file, intervalMs: 200, longLog } });
  worker.unref();
  worker.on('error', () => {
    if (!sqlite.open) return;
    sqlite.pragma('wal_autocheckpoint = 1000');
    sqlite.pragma('journal_size_limit = 67108864');
  });
  const catchUp = (tries: number) => {
    if (!sqlite.open) return;
    if (sqlite.inTransaction) {
      if (tries < 50) setTimeout(() => catchUp(tries + 1), 1).unref();
      return;
    }
    try {
      sqlite.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy: the worker asks again.
    }
  };
  worker.on('message', (msg) => {
    if (msg === 'catch-up') catchUp(0);
  });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => resolve();
        worker.on('message', (msg) => msg === 'stopped' && void worker.terminate().then(done, done));
        worker.once('exit', done);
        worker.postMessage('stop');
      }),
  };
}

/**
 * Kysely's SQLite driver prepares every query anew; compiling the SQL costs more than running a
 * small insert. Queries are built from a fixed set of shapes, so prepared statements are kept
 * by SQL text (bounded, least recently used first out). Safe because the driver only calls
 * `all`/`run`, which finish before the next query on the single connection starts.
 */
function withStatementCache(sqlite: SQLite.Database, max = 1000): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') {
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      }
      return (sql: string) => {
        let stmt = cache.get(sql);
        if (stmt) {
          cache.delete(sql);
        } else {
          stmt = prepare(sql);
          if (cache.size >= max) cache.delete(cache.keys().next().value!);
        }
        cache.set(sql, stmt);
        return stmt;
      };
    },
  });
}

export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}

/** True when every known migration has been applied (for /readyz). */
export async function isMigrated(db: Kysely<any>): Promise<boolean> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const all = await migrator.getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}

export async function ping(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Booleans are stored as 0/1 on both engines. */
export const toDbBool = (b: boolean) => (b ? 1 : 0);
export const fromDbBool = (v: number | boolean | null | undefined) => v === 1 || v === true;
