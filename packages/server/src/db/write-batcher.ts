import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from './database.ts';
import { runUnit } from './transaction-guard.ts';

/** Runs a unit of work in a transaction of its own — or, on SQLite, in a shared one. */
export interface WriteBatcher {
  /**
   * `background`: work nobody is waiting on (linkage, the SMS dispatcher's bookkeeping). On
   * SQLite it runs in a transaction of its own, when no other unit of work is queued (or after it
   * has waited behind BACKGROUND_PATIENCE batches), so that requests never wait for it longer
   * than one such transaction. PostgreSQL runs writers side by side and ignores it.
   */
  transaction<T>(work: (trx: Transaction<any>) => Promise<T>, opts?: { background?: boolean }): Promise<T>;
  /**
   * Milliseconds since a unit of work other than background work was last queued (Infinity:
   * none yet). Background work reads it to size and pace itself: small transactions, giving way
   * when the thread is saturated, while requests come in; larger ones, at full speed, when none
   * waits.
   */
  sinceLastRequest(): number;
}

/** Batches of requests that may go ahead of queued background work before it gets its turn. */
export const BACKGROUND_PATIENCE = 4;

interface Job {
  work: (trx: Transaction<any>) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for SQLite. A SQLite commit costs far more than the writes it carries (every
 * dirty page goes to the WAL; an event touches ~25 pages), and SQLite has one writer anyway. So
 * units of work that arrive while a batch is running are queued and run in the next batch: one
 * transaction, each unit inside its own SAVEPOINT. A unit that throws is rolled back to its
 * savepoint alone; the others commit. Every caller is answered only after the commit, so a
 * response never reports a write that a crash could lose.
 *
 * PostgreSQL commits concurrently (and groups commits itself): there each unit gets its own
 * transaction, and several nodes may write at once.
 *
 * On both, a unit of work must use the handle it is given: a query through the top-level `db`
 * from inside it throws at once (transaction-guard.ts), where on SQLite it would wait forever
 * for the connection the batch holds.
 */
export function createWriteBatcher<DB>(
  db: Kysely<DB>,
  dialect: Dialect,
  opts: { maxBatch?: number; now?: () => number } = {},
): WriteBatcher {
  const now = opts.now ?? (() => performance.now());
  let lastRequestAt = -Infinity;
  const run: WriteBatcher['transaction'] =
    dialect === 'postgres'
      ? (work) => db.transaction().execute((trx) => runUnit(db, () => (work as (trx: Transaction<DB>) => Promise<never>)(trx)))
      : groupCommit(db, opts.maxBatch ?? 256);
  return {
    sinceLastRequest: () => now() - lastRequestAt,
    transaction(work, o = {}) {
      if (!o.background) lastRequestAt = now();
      return run(work, o);
    },
  };
}

/** SQLite's group commit (see createWriteBatcher). */
function groupCommit<DB>(db: Kysely<DB>, maxBatch: number): WriteBatcher['transaction'] {
  let queue: Job[] = [];
  let background: Job[] = [];
  let running = false;
  /** Batches of requests run since the background queue last had its turn. */
  let skipped = 0;

  const runBatch = async (jobs: Job[]) => {
    const settled: Array<() => void> = [];
    let trx;
    try {
      trx = await db.startTransaction().execute();
    } catch (err) {
      for (const j of jobs) j.reject(err);
      return;
    }
    try {
      for (const [i, job] of jobs.entries()) {
        const name = `unit_${i}`;
        const sp = await trx.savepoint(name).execute();
        try {
          const value = await runUnit(db, () => job.work(sp as unknown as Transaction<any>));
          await sp.releaseSavepoint(name).execute();
          settled.push(() => job.resolve(value));
        } catch (err) {
          await sp.rollbackToSavepoint(name).execute();
          await sp.releaseSavepoint(name).execute();
          settled.push(() => job.reject(err));
        }
      }
      await trx.commit().execute();
    } catch (err) {
      // The batch itself failed (the commit, or a savepoint command): nothing of it was written.
      await trx.rollback().execute().catch(() => {});
      for (const j of jobs) j.reject(err);
      return;
    }
    for (const s of settled) s();
  };

  const drain = async () => {
    running = true;
    try {
      while (queue.length || background.length) {
        // Requests first; background work when none is queued, or when its patience is spent.
        const turn = background.length > 0 && (queue.length === 0 || skipped >= BACKGROUND_PATIENCE);
        const from = turn ? background : queue;
        skipped = turn || !background.length ? 0 : skipped + 1;
        const jobs = from.slice(0, maxBatch);
        if (from === queue) queue = queue.slice(jobs.length);
        else background = background.slice(jobs.length);
        await runBatch(jobs);
      }
    } finally {
      running = false;
    }
  };

  return <T>(work: (trx: Transaction<any>) => Promise<T>, opts: { background?: boolean } = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      (opts.background ? background : queue).push({ work, resolve: resolve as (v: unknown) => void, reject });
      // Let the requests already parsed in this turn of the event loop join the batch. (Waiting
      // longer for company would idle the thread, which linkage's pacing reads as time to spare.)
      if (!running) {
        running = true;
        setImmediate(() => void drain());
      }
    });
}
