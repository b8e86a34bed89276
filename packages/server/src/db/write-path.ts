import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from './database.ts';
import type { Database } from './schema.ts';
import { runUnit } from './transaction-guard.ts';

/**
 * SQLite's write path, in one place below the modules: group commit of requests, background
 * units that requests go ahead of, the grouping of small background writes finishing together,
 * and the paced drainer of background queues (linkage). Business modules only hand in units of
 * work; each unit is given the transaction and nothing else, and a query through the top-level
 * `deps.db` from inside one fails at once (transaction-guard.ts).
 *
 * PostgreSQL commits concurrently and groups commits itself: there each unit is a transaction
 * of its own, background or not, and several nodes may write at once.
 */

/** A unit of work: it gets the transaction, typed with the schema. */
export type WriteUnit<T> = (trx: Transaction<Database>) => Promise<T>;

export interface WritePath {
  /**
   * Runs a unit of work in a transaction of its own — or, on SQLite, in a shared one.
   * `background`: work nobody is waiting on (linkage, the SMS dispatcher's bookkeeping). On
   * SQLite it runs in a transaction of its own, when no other unit of work is queued (or after it
   * has waited behind BACKGROUND_PATIENCE batches), so that requests never wait for it longer
   * than one such transaction.
   */
  transaction<T>(work: WriteUnit<T>, opts?: { background?: boolean }): Promise<T>;
  /**
   * Milliseconds since a unit of work other than background work was last queued (Infinity:
   * none yet). Background work reads it to size and pace itself.
   */
  sinceLastRequest(): number;
}

/** Batches of requests that may go ahead of queued background work before it gets its turn. */
export const BACKGROUND_PATIENCE = 4;

interface Job {
  work: WriteUnit<unknown>;
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
 */
export function createWritePath(db: Kysely<Database>, dialect: Dialect, opts: { maxBatch?: number; now?: () => number } = {}): WritePath {
  const now = opts.now ?? (() => performance.now());
  let lastRequestAt = -Infinity;
  const run: WritePath['transaction'] =
    dialect === 'postgres' ? (work) => db.transaction().execute((trx) => runUnit(db, () => work(trx))) : groupCommit(db, opts.maxBatch ?? 256);
  return {
    sinceLastRequest: () => now() - lastRequestAt,
    transaction(work, o = {}) {
      if (!o.background) lastRequestAt = now();
      return run(work, o);
    },
  };
}

function groupCommit(db: Kysely<Database>, maxBatch: number): WritePath['transaction'] {
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
          const value = await runUnit(db, () => job.work(sp as unknown as Transaction<Database>));
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
      await trx
        .rollback()
        .execute()
        .catch(() => {});
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

  return <T>(work: WriteUnit<T>, opts: { background?: boolean } = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      (opts.background ? background : queue).push({ work, resolve: resolve as (v: unknown) => void, reject });
      // Let the requests already parsed in this turn of the event loop join the batch. (Waiting
      // longer for company would idle the thread, which background pacing reads as time to spare.)
      if (!running) {
        running = true;
        setImmediate(() => void drain());
      }
    });
}

/**
 * Background units handed in during one turn of the event loop, run as one background unit.
 * An SMS outcome is two small updates; a transaction (or, on SQLite, a savepoint in the group
 * commit) for each of the dozens a dispatcher pass finishes at once costs more than the updates
 * do. Every caller is answered after the commit; if the transaction fails, every unit in it fails.
 */
export function groupedBackgroundWrites(writes: Pick<WritePath, 'transaction'>): <T>(work: WriteUnit<T>) => Promise<T> {
  type Unit = { work: WriteUnit<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };
  let open: Unit[] | null = null;
  return <T>(work: WriteUnit<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const unit = { work, resolve: resolve as (v: unknown) => void, reject };
      if (open) {
        open.push(unit);
        return;
      }
      const group = (open = [unit]);
      setImmediate(() => {
        open = null;
        writes
          .transaction(async (trx) => {
            const values: unknown[] = [];
            for (const u of group) values.push(await u.work(trx));
            return values;
          }, BACKGROUND)
          .then(
            (values) => group.forEach((u, i) => u.resolve(values[i])),
            (err: unknown) => group.forEach((u) => u.reject(err)),
          );
      });
    });
}

export const BACKGROUND = { background: true } as const;

// ---------------------------------------------------------------------------------------------
// Pacing of background batches against intake.

/**
 * Units per background transaction while requests come in. Requests that arrive while one
 * runs wait for it: its size bounds their latency. 4 events of linkage take about 3 ms.
 * Larger batches link more per second of the thread (they share pages in their commit), but
 * at 1,000 events/s p99 was 27–33 ms with 8 against 35–40 ms with 16 (28 November 2026), and
 * 14–21 ms with 4 against 15–36 ms with 8 (ten alternating runs each, 29 November 2026).
 */
export const LIVE_BATCH = 4;
/**
 * Units per background transaction while requests come in but the queue has fallen behind by
 * more than BEHIND_MS: a backlog that batches of 4 would not work off (at 1,000 events/s they
 * cost twice per event what batches of 32 cost) is worked off in larger ones, which cost the
 * requests a few milliseconds each.
 */
export const BEHIND_BATCH = 16;
/** Units per background transaction once no request has come for IDLE_MS (nobody waits). */
export const IDLE_BATCH = 32;
export const IDLE_MS = 100;
/** A queue whose oldest unit waits longer than this is behind. */
export const BEHIND_MS = 250;
/**
 * Units per background transaction while requests come in and the queue is further behind than
 * FAR_BEHIND_MS: a linked event costs about a third less in batches of 32 than of 16 (most of a
 * commit is index pages that every batch touches: ~100 pages written per commit, 7 December
 * 2026), which is what lets linkage catch up while reports keep coming; a request waits behind
 * one such batch (~15–25 ms) instead of ~8–12 ms.
 */
export const FAR_BEHIND_BATCH = 32;
export const FAR_BEHIND_MS = 1000;

/**
 * How many units the next background transaction takes, given how long ago a request came
 * and how far the queue is behind (ms the oldest unit taken by the last batch had waited).
 */
export function backgroundBatchSize(sinceLastRequestMs: number, behindMs = 0): number {
  if (sinceLastRequestMs >= IDLE_MS) return IDLE_BATCH;
  if (behindMs > FAR_BEHIND_MS) return FAR_BEHIND_BATCH;
  return behindMs > BEHIND_MS ? BEHIND_BATCH : LIVE_BATCH;
}

/**
 * Whether background work waits before its next batch: only while requests come in and the
 * thread is saturated. Without requests the thread is the background's.
 */
export function yieldsToRequests(sinceLastRequestMs: number, pacer: Pick<BatchPacer, 'shouldPause'>, behindMs = 0): boolean {
  return sinceLastRequestMs < IDLE_MS && pacer.shouldPause(behindMs);
}

/**
 * Intake comes first. A report is accepted and stored at once; its linkage follows from the
 * queue. While the thread has time to spare, background work takes all it needs. When the
 * thread is saturated, it keeps at least `minShare` of it — more as it falls behind, up to
 * `maxShare` once the oldest queued unit waits `behindFullMs` — and the rest goes to taking
 * reports in, so that none is refused or times out, and none waits seconds for its linkage.
 */
export const MIN_SHARE = 0.2;
/**
 * The share linkage may take once its oldest queued event has waited BEHIND_FULL_MS, even
 * while reports come in. Chosen from alternating runs of `npm run bench -- linkage` at
 * 1,000 reports/s (20 s each, 7 December 2026; p99 from the 201 to the SSE message / intake p99):
 * 0.6 with batches of 16 when far behind (as before): 10.8–12.8 s / 79–81 ms; 0.8 with 32:
 * 1.5–4.4 s / 64–130 ms; 0.9 with 32: 3.1 s / 107 ms; 0.8 with 64: 1.4 s / 360 ms; 0.9 with
 * 64: intake p50 569 ms (requests and the SMS dispatcher starved). 0.8 and 32 link fastest
 * that intake still answers within about a tenth of a second; more only moves the wait from
 * linkage to the reports. One thread cannot hold 1,000/s with every SMS and live message in
 * any case (RESULTS.md, linkage): this bounds how far it falls behind.
 */
export const MAX_SHARE = 0.8;
export const BEHIND_FULL_MS = 1000;
/**
 * Above this event-loop utilisation the thread counts as saturated: requests queue behind
 * whatever runs, and the queue grows steeply as the thread nears full use.
 */
export const SATURATED = 0.75;
const PAUSE_STEP_MS = 2;

/**
 * Paces background batches (pure, with an injected clock and load, so that it is tested
 * without sleeping): no pause while the thread has time to spare; while it is saturated, a
 * pause whenever the batches' share of the last `windowMs` is above the share they are due.
 */
export class BatchPacer {
  private spans: Array<{ start: number; end: number }> = [];
  constructor(
    private readonly opts: { minShare: number; saturated: number; windowMs: number; maxShare?: number; behindFullMs?: number },
    /** Utilisation of the thread over about the last window, 0..1. */
    private readonly load: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Wraps one batch, recording how long it took. */
  async time<T>(batch: () => Promise<T>): Promise<T> {
    const start = this.now();
    try {
      return await batch();
    } finally {
      this.spans.push({ start, end: this.now() });
    }
  }

  /** The batches' share of the last window, 0..1. */
  share(): number {
    const now = this.now();
    const from = now - this.opts.windowMs;
    this.spans = this.spans.filter((s) => s.end > from);
    let busy = 0;
    for (const s of this.spans) busy += Math.min(s.end, now) - Math.max(s.start, from);
    return busy / this.opts.windowMs;
  }

  /** The share background work is due while the thread is saturated, given how far it is behind. */
  dueShare(behindMs = 0): number {
    const { minShare, maxShare = minShare, behindFullMs = Infinity } = this.opts;
    const f = Math.min(1, Math.max(0, behindMs / behindFullMs));
    return minShare + (maxShare - minShare) * f;
  }

  /** Whether the next batch should wait (ask again in a moment). */
  shouldPause(behindMs = 0): boolean {
    return this.share() > this.dueShare(behindMs) && this.load() > this.opts.saturated;
  }
}

/** Event-loop utilisation of this thread over about the last `windowMs`. */
export function eventLoopLoad(windowMs: number): () => number {
  const marks: Array<{ at: number; elu: EventLoopUtilization }> = [];
  return () => {
    const at = performance.now();
    const elu = performance.eventLoopUtilization();
    marks.push({ at, elu });
    while (marks.length > 2 && at - marks[1]!.at >= windowMs) marks.shift();
    return marks.length > 1 ? performance.eventLoopUtilization(elu, marks[0]!.elu).utilization : 0;
  };
}

/** What one background batch did. */
export interface BatchOutcome {
  /** Units taken from the queue (a batch that took `limit` means more may be waiting). */
  count: number;
  /** Run after the commit, in order (live updates: a client must not hear of rows it cannot read yet). */
  afterCommit?: ReadonlyArray<() => void>;
  /** How long the oldest unit taken had waited, in ms (sizes and paces the next batches). */
  behindMs?: number;
}

export interface BackgroundDrainer {
  /** After a commit that queued work: drain now. Kicks while a drain runs make it go round again. */
  kick(): void;
  /** Resolves once nothing is queued or being worked off (tests wait on it). */
  idle(): Promise<void>;
}

/**
 * A single-flight drainer of a background queue: each round runs `batch` — given only the
 * transaction and how many units to take — in a background transaction, then its afterCommit
 * hooks. `prepare` runs before each transaction, outside it (reads through the top-level
 * handle, which inside the transaction would fail). Between batches it lets arrived requests
 * in and, while the thread is saturated, keeps to its due share (BatchPacer).
 */
export function createBackgroundDrainer<C>(
  writes: WritePath,
  job: {
    prepare: () => Promise<C>;
    batch: (trx: Transaction<Database>, limit: number, context: C) => Promise<BatchOutcome>;
    onError: (err: unknown) => void;
  },
): BackgroundDrainer {
  let running: Promise<void> | null = null;
  let again = false;
  let behind = 0;
  const pacer = new BatchPacer(
    { minShare: MIN_SHARE, maxShare: MAX_SHARE, behindFullMs: BEHIND_FULL_MS, saturated: SATURATED, windowMs: 250 },
    eventLoopLoad(250),
  );
  const round = async (size: number): Promise<number> => {
    const context = await job.prepare();
    const outcome = await writes.transaction((trx) => job.batch(trx, size, context), BACKGROUND);
    behind = outcome.behindMs ?? 0;
    for (const hook of outcome.afterCommit ?? []) hook();
    return outcome.count;
  };
  const run = async () => {
    for (;;) {
      again = false;
      let full = false;
      try {
        const size = backgroundBatchSize(writes.sinceLastRequest(), behind);
        full = (await pacer.time(() => round(size))) === size;
      } catch (err) {
        job.onError(err);
      }
      if (!full) behind = 0;
      if (!full && !again) break;
      // Let the requests that arrived meanwhile in; when the thread is saturated, give way to them.
      await new Promise((resolve) => setImmediate(resolve));
      while (yieldsToRequests(writes.sinceLastRequest(), pacer, behind)) await new Promise((resolve) => setTimeout(resolve, PAUSE_STEP_MS));
    }
    running = null;
  };
  return {
    kick() {
      if (running) {
        again = true;
        return;
      }
      running = new Promise<void>((resolve) => setImmediate(() => void run().then(resolve)));
    },
    async idle() {
      while (running) await running;
    },
  };
}
