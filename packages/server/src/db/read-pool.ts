import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { isCompilable, type Compilable, type CompiledQuery } from 'kysely';
import type { Db, Dialect } from './database.ts';

/**
 * Heavy reads — large plaza filters, exports, statistics — through one port, so that a service
 * need not know where they run: `deps.reads.query(query)`.
 *
 * On a SQLite file they run on read-only connections in worker threads (a small pool), never on
 * the one writing connection, whose thread would otherwise stand still for as long as the
 * statement runs (better-sqlite3 is synchronous) while intake waits. The main thread only
 * compiles the query and sends its SQL and parameters; a worker answers the rows. Each worker
 * reads the latest committed state when its statement starts (WAL), so a read after an answered
 * write sees it; reads inside a unit of work must keep to the unit's transaction instead.
 *
 * On `:memory:` SQLite (tests; another connection would see another database) and on PostgreSQL
 * (a pool of connections already, served by other processes) the same call runs on `deps.db`.
 * Light reads (one index range, a short page) stay on `deps.db` everywhere: handing them to a
 * thread costs more than running them.
 */
export interface Reads {
  /** The rows of a read query, built with `deps.db` (or already compiled from it). */
  query<R>(query: Compilable<R> | CompiledQuery<R>): Promise<R[]>;
  /** `pool`: worker threads with read-only connections; `connection`: the normal connection. */
  readonly mode: 'pool' | 'connection';
  close(): Promise<void>;
}

export interface ReadPool extends Reads {
  readonly mode: 'pool';
  /** At most this many threads, each running one statement at a time. */
  readonly size: number;
  /**
   * Threads, those with their connection open, those running a query, queries waiting, queries
   * answered, threads replaced; queries that first waited for the log to start over, and how long
   * they waited in all (ms).
   */
  stats(): { workers: number; ready: number; busy: number; queued: number; served: number; replaced: number; logWaits: number; logWaitMs: number };
  /** The live worker threads (diagnostics and tests). */
  workers(): readonly Worker[];
  /**
   * The ready threads as the kernel sees them (Linux, from /proc/thread-self/stat, read by each
   * thread once it has lowered its priority): thread id, nice value and scheduling policy
   * (`idle`: SCHED_IDLE, `normal`: SCHED_OTHER); null elsewhere.
   */
  threads(): ReaderThread[];
}

/**
 * Threads for heavy reads on a machine with `cores` cores: one core is left to the serving
 * thread, which takes intake and commits every write (1 on a 2-core machine, never fewer than 1).
 * A second reader there would only take turns on the serving thread's core, and its scans would
 * share that core's caches with it.
 */
export const defaultReadPoolSize = (cores: number = availableParallelism()): number => Math.max(1, Math.floor(cores) - 1);

export interface ReaderThread {
  tid: number | null;
  nice: number | null;
  policy: 'normal' | 'batch' | 'idle' | null;
}

const POLICIES: Record<number, ReaderThread['policy']> = { 0: 'normal', 3: 'batch', 5: 'idle' };

/** The niceness of the readers on Linux: the lowest priority a thread can set for itself. */
export const READER_NICE = 19;

const compiled = <R>(q: Compilable<R> | CompiledQuery<R>): CompiledQuery<R> => (isCompilable(q) ? q.compile() : q);

/** Heavy reads of this database: a worker pool on a SQLite file, the normal connection otherwise. */
export function createReads(database: { db: Db; dialect: Dialect; file?: string | null; walRestartFrames?: number }, opts: ReadPoolOptions = {}): Reads {
  if (database.dialect === 'sqlite' && database.file && database.file !== ':memory:')
    return createReadPool(database.file, { walRestartFrames: database.walRestartFrames, ...opts });
  return connectionReads(database.db);
}

/** Reads on the normal connection (PostgreSQL's pool, or SQLite in memory). */
export function connectionReads(db: Db): Reads {
  return {
    mode: 'connection',
    query: async <R>(q: Compilable<R> | CompiledQuery<R>) => (await db.executeQuery(compiled(q))).rows,
    close: async () => {},
  };
}

interface Job {
  sql: string;
  parameters: readonly unknown[];
  resolve(rows: unknown[]): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  ready: boolean;
  /** The thread as it read itself once ready (Linux). */
  thread: ReaderThread;
  /** Why the thread stopped, when it reported an error first. */
  failure: Error | null;
  run(job: Job): void;
}

type Reply =
  | { ready: true; tid: number | null; nice: number | null; policy: number | null }
  | { id: number; rows: unknown[]; waitedMs: number }
  | { id: number; error: { message: string; code?: string } };

export interface ReadPoolOptions {
  /** Threads at most (default: `defaultReadPoolSize()`, the cores but one). */
  size?: number;
  /** Niceness of each thread on Linux (default 19, `READER_NICE`). */
  nice?: number;
  /** On Linux, also the idle scheduling policy (SCHED_IDLE) for each thread (default true). */
  idle?: boolean;
  /**
   * The writer's restart point for the log (`DatabaseHandle.walRestartFrames`): a statement starts
   * only once a log longer than that has started over (at most 1 s later). 0: never waits.
   */
  walRestartFrames?: number;
  /** Page cache of each connection, KiB (default 8 MiB: the writer's commits empty it anyway). */
  cacheKiB?: number;
  /**
   * Bytes of the file each connection reads through a memory map (default 0: none). A reader
   * thread faulting a scan of the file in through a map slowed the serving thread of the same
   * process twice as much as one reading it (see read-pool.worker.cjs).
   */
  mmapBytes?: number;
}

/**
 * `size` threads (the cores but one: 1 on a 2-core machine), started on first use, each running
 * one statement at a time; queries beyond that wait in order. A thread that dies fails the query
 * it was running (the caller gets an error, not a hang) and is replaced. On Linux the threads run
 * at nice 19, the lowest priority a thread can give itself, so that a long read takes only the
 * time the serving thread leaves (when that thread wakes, the scheduler hands it the core at once).
 * They read the file with a small page cache and no memory map (`mmapBytes`). `close()` ends every thread.
 */
export function createReadPool(file: string, opts: ReadPoolOptions = {}): ReadPool {
  const size = Math.max(1, opts.size ?? defaultReadPoolSize());
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let closed = false;
  let nextId = 1;
  let served = 0;
  let replaced = 0;
  let logWaits = 0;
  let logWaitMs = 0;
  const exits = new Set<Promise<void>>();

  const spawn = (): Slot => {
    const worker = new Worker(new URL('./read-pool.worker.cjs', import.meta.url), {
      workerData: {
        file,
        nice: opts.nice ?? READER_NICE,
        idle: opts.idle ?? true,
        cacheKiB: opts.cacheKiB ?? 8192,
        mmapBytes: opts.mmapBytes ?? 0,
        walRestartFrames: opts.walRestartFrames ?? 0,
      },
    });
    let jobId = 0;
    const slot: Slot = {
      worker,
      job: null,
      ready: false,
      thread: { tid: null, nice: null, policy: null },
      failure: null,
      run: (job) => {
        slot.job = job;
        jobId = nextId++;
        // A query under way keeps the process alive; an idle pool does not.
        worker.ref();
        worker.postMessage({ id: jobId, sql: job.sql, parameters: job.parameters });
      },
    };
    worker.on('message', (msg: Reply) => {
      if ('ready' in msg) {
        slot.ready = true;
        slot.thread = { tid: msg.tid, nice: msg.nice, policy: msg.policy === null ? null : (POLICIES[msg.policy] ?? null) };
        return;
      }
      const job = slot.job;
      if (!job || msg.id !== jobId) return;
      slot.job = null;
      worker.unref();
      served++;
      if ('waitedMs' in msg && msg.waitedMs > 0) {
        logWaits++;
        logWaitMs += msg.waitedMs;
      }
      if ('error' in msg) job.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
      else job.resolve(msg.rows);
      dispatch();
    });
    worker.on('error', (err) => {
      slot.failure = err;
    });
    const exited = new Promise<void>((resolve) => {
      worker.once('exit', (code) => {
        exits.delete(exited);
        slots.splice(slots.indexOf(slot), 1);
        const why = new Error(`A read worker stopped (exit code ${code}${slot.failure ? `: ${slot.failure.message}` : ''})`);
        slot.job?.reject(why);
        slot.job = null;
        resolve();
        if (closed) return;
        if (slot.failure && !slot.ready) {
          // It could not even open the file: the queries waiting would fail the same way.
          for (const job of queue.splice(0)) job.reject(why);
          return;
        }
        replaced++;
        slots.push(spawn());
        dispatch();
      });
    });
    exits.add(exited);
    worker.unref();
    return slot;
  };

  const dispatch = () => {
    while (queue.length) {
      let slot = slots.find((s) => s.job === null);
      if (!slot) {
        if (slots.length >= size) return;
        slot = spawn();
        slots.push(slot);
      }
      slot.run(queue.shift()!);
    }
  };

  return {
    mode: 'pool',
    size,
    query: <R>(q: Compilable<R> | CompiledQuery<R>) =>
      new Promise<R[]>((resolve, reject) => {
        if (closed) return reject(new Error('The read pool is closed'));
        const { sql, parameters } = compiled(q);
        queue.push({ sql, parameters, resolve: resolve as (rows: unknown[]) => void, reject });
        dispatch();
      }),
    stats: () => ({
      workers: slots.length,
      ready: slots.filter((s) => s.ready).length,
      busy: slots.filter((s) => s.job).length,
      queued: queue.length,
      served,
      replaced,
      logWaits,
      logWaitMs,
    }),
    workers: () => slots.map((s) => s.worker),
    threads: () => slots.filter((s) => s.ready).map((s) => ({ ...s.thread })),
    close: async () => {
      closed = true;
      const why = new Error('The read pool is closed');
      for (const job of queue.splice(0)) job.reject(why);
      const waiting = [...exits];
      await Promise.all(slots.map((s) => s.worker.terminate()));
      await Promise.all(waiting);
    },
  };
}
