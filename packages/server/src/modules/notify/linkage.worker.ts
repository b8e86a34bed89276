import type { EventLoopUtilization } from 'node:perf_hooks';
import type { Kysely, Transaction } from 'kysely';
import type { Database, EventsTable } from '../../db/schema.ts';
import { notifyOnEventsCreated, type LinkageDeps } from './linkage.ts';
import type { AppDeps } from '../../deps.ts';
import { startInstance } from '../../engine/runtime/runner.ts';
import { loadCalendar } from '../calendar/calendar.loader.ts';

/**
 * Linkage off the request path. Creating an event writes a `linkage_queue` row in its own
 * transaction (so the intent is as durable as the event); right after the commit the queue is
 * worked off here in batches: one transaction notifies the on-duty staff of many events at once.
 * The request answers without waiting for the fan-out to several people per event, which is what
 * keeps event creation fast; the notifications follow within milliseconds. A crash in between
 * leaves the queue rows, worked off at the next start.
 */
export type LinkageWorkerDeps = LinkageDeps & Pick<AppDeps, 'writes' | 'dialect'>;

const BATCH = 200;
/**
 * Events per background transaction while requests come in. Requests that arrive while one
 * runs wait for it (write-batcher.ts): its size bounds their latency. 4 events take about 3 ms.
 * Larger batches link more per second of the thread (they share pages in their commit), but
 * at 1,000 events/s p99 was 27–33 ms with 8 against 35–40 ms with 16 (28 November 2026), and
 * 14–21 ms with 4 against 15–36 ms with 8 (ten alternating runs each, 29 November 2026, with
 * linkage yielding above SATURATED). At that rate the queue grows during a run and is worked
 * off within seconds after it (IDLE_BATCH; bench/RESULTS.md).
 */
const LIVE_BATCH = 4;
/**
 * Events per background transaction once no request has come for IDLE_MS: working off a
 * backlog after a burst, when nobody waits on the thread. Per event a batch of 32 costs about
 * two thirds of what batches of 8 cost and half of what batches of 4 cost (its commit shares
 * more pages): after a 1,000/s run the queue emptied at ~1,650 events/s instead of ~1,100.
 * A request that does arrive meanwhile waits for one such batch (~15 ms).
 */
const IDLE_BATCH = 32;
const IDLE_MS = 100;

/** How many events the next linkage transaction takes, given how long ago a request came. */
export function linkageBatchSize(sinceLastRequestMs: number): number {
  return sinceLastRequestMs >= IDLE_MS ? IDLE_BATCH : LIVE_BATCH;
}

/**
 * Whether linkage waits before its next batch: only while requests come in and the thread is
 * saturated. Without requests the thread is linkage's, and its own load is no reason to wait.
 */
export function yieldsToRequests(sinceLastRequestMs: number, pacer: Pick<BatchPacer, 'shouldPause'>): boolean {
  return sinceLastRequestMs < IDLE_MS && pacer.shouldPause();
}
/**
 * Intake comes first. A report, alarm or reading is accepted and stored at once; its linkage
 * (notifying the on-duty staff, starting its process) follows from the queue. While the main
 * thread has time to spare, linkage takes all it needs and follows within milliseconds. When
 * the thread is saturated (a flood beyond what the machine can both take in and notify),
 * linkage keeps at least this share of it and works the queue off in order; the rest goes to
 * taking in reports, so that none is refused or times out.
 */
const MIN_SHARE = 0.2;
/**
 * Above this event-loop utilisation the thread counts as saturated. Requests queue behind
 * whatever runs, and the queue grows steeply as the thread nears full use: at 1,000 events/s
 * (alternating runs, 29 November 2026) linkage taking the thread up to 0.9 put p50 at 6–7 ms
 * and p99 at 20–30 ms; up to 0.75, p50 at 3 ms and p99 at 17–24 ms, with linkage falling
 * further behind during the run (about 400 events/s linked instead of 550–850) and catching up
 * after it.
 */
const SATURATED = 0.75;
const PAUSE_STEP_MS = 2;

/**
 * Paces background batches (pure, with an injected clock and load, so that it is tested
 * without sleeping): no pause while the thread has time to spare; while it is saturated, a
 * pause whenever the batches' share of the last `windowMs` is above `minShare`.
 */
export class BatchPacer {
  private spans: Array<{ start: number; end: number }> = [];
  constructor(
    private readonly opts: { minShare: number; saturated: number; windowMs: number },
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

  /** Whether the next batch should wait (ask again in a moment). */
  shouldPause(): boolean {
    return this.share() > this.opts.minShare && this.load() > this.opts.saturated;
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

/** Works off up to `limit` queued events in one transaction; answers how many it linked. */
export async function drainLinkageBatch(deps: LinkageWorkerDeps, limit = BATCH): Promise<number> {
  const afterCommit: Array<() => void> = [];
  // Read before the transaction: on SQLite a read through the root handle inside it would wait for it.
  const cal = await loadCalendar(deps);
  const linked = await deps.writes.transaction(async (t: Transaction<any>) => {
    const trx = t as Transaction<Database>;
    let query = trx
      .selectFrom('linkage_queue as q')
      .innerJoin('events', 'events.id', 'q.event_id')
      .selectAll('events')
      .select('q.process_key as queued_process_key')
      .orderBy('q.event_id')
      .limit(limit);
    // Several nodes may drain at once on PostgreSQL: each takes rows the others have not locked.
    if (deps.dialect === 'postgres') query = query.forUpdate().skipLocked();
    const events = (await query.execute()) as Array<EventsTable & { queued_process_key: string | null }>;
    if (!events.length) return 0;
    const ids = events.map((e) => e.id);
    const units = await trx.selectFrom('event_units').select(['event_id', 'org_unit_id', 'role']).where('event_id', 'in', ids).execute();
    const codes = [...new Set(events.map((e) => e.category_code))];
    const names = new Map(
      (await trx.selectFrom('categories').select(['code', 'name_zh']).where('code', 'in', codes).execute()).map((c) => [c.code, c.name_zh]),
    );
    // The lead first, then the co-handling units in the order routing chose them (its timeline entry).
    const routed = await trx.selectFrom('event_timeline').select(['event_id', 'data']).where('event_id', 'in', ids).where('kind', '=', 'routed').execute();
    const coOrder = new Map(routed.map((r) => [r.event_id, (JSON.parse(r.data).coHandlingUnitIds ?? []) as string[]]));
    const rank = (eventId: string, u: { org_unit_id: string; role: string }) =>
      u.role === 'lead' ? -1 : (coOrder.get(eventId) ?? []).indexOf(u.org_unit_id);
    const unitsOf = new Map<string, typeof units>();
    for (const u of units) unitsOf.set(u.event_id, [...(unitsOf.get(u.event_id) ?? []), u]);
    const results = await notifyOnEventsCreated(
      trx,
      deps,
      events.map((event) => ({
        event,
        units: (unitsOf.get(event.id) ?? []).sort((a, b) => rank(event.id, a) - rank(event.id, b)),
        categoryName: names.get(event.category_code) ?? event.category_code,
        reporterUserId: event.reporter_user_id,
      })),
    );
    for (const result of results) afterCommit.push(result.afterCommit);
    // Each new event's process starts in the same transaction: its first tasks exist exactly when its
    // linkage does. Whoever the linkage just told of the event is not told again of those tasks.
    for (const [n, { queued_process_key, ...event }] of events.entries()) {
      const opts = { processKey: queued_process_key ?? undefined, alreadyTold: results[n]!.toldUserIds };
      afterCommit.push(...(await startInstance(trx, deps, event, cal, opts)).afterCommit);
    }
    await trx.deleteFrom('linkage_queue').where('event_id', 'in', ids).execute();
    return events.length;
  }, { background: true });
  for (const publish of afterCommit) publish();
  return linked;
}

interface Drainer {
  kick(): void;
  /** Resolves once nothing is queued or being worked off (tests wait on it). */
  idle(): Promise<void>;
}

const drainers = new WeakMap<Kysely<Database>, Drainer>();

/**
 * The single-flight drainer of a database: `kick()` after a commit that queued linkage; kicks
 * while a drain runs make it go round again, so nothing queued is left behind. Between batches
 * it lets arrived requests in and, while the thread is saturated, keeps to its share (BatchPacer).
 */
export function linkageDrainerOf(deps: LinkageWorkerDeps): Drainer {
  let d = drainers.get(deps.db);
  if (d) return d;
  let running: Promise<void> | null = null;
  let again = false;
  const pacer = new BatchPacer({ minShare: MIN_SHARE, saturated: SATURATED, windowMs: 250 }, eventLoopLoad(250));
  const run = async () => {
    for (;;) {
      again = false;
      let full = false;
      try {
        const size = linkageBatchSize(deps.writes.sinceLastRequest());
        full = (await pacer.time(() => drainLinkageBatch(deps, size))) === size;
      } catch (err) {
        deps.logger.error({ err }, 'linkage failed; the queue is kept for the next round');
      }
      if (!full && !again) break;
      // Let the requests that arrived meanwhile in; when the thread is saturated, give way to them.
      await new Promise((resolve) => setImmediate(resolve));
      while (yieldsToRequests(deps.writes.sinceLastRequest(), pacer)) await new Promise((resolve) => setTimeout(resolve, PAUSE_STEP_MS));
    }
    running = null;
  };
  d = {
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
  drainers.set(deps.db, d);
  return d;
}

/** For `serve`: works off what a previous run left queued, then checks now and then. */
export function startLinkageWorker(deps: LinkageWorkerDeps, pollMs = 2000): { stop(): Promise<void> } {
  const drainer = linkageDrainerOf(deps);
  drainer.kick();
  const timer = setInterval(() => drainer.kick(), pollMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await drainer.idle();
    },
  };
}
