import { Histogram, type Registry } from 'prom-client';
import type { WriteBatcher } from '../../db/write-batcher.ts';
import { rawQuery } from '../../db/raw-sql.ts';
import type { EngineDeps } from './step-context.ts';
import { findDueTimers, fireTimers, runWebhookTimer, type FiredTimer, type SharedFacts } from './timers.ts';

/** The engine's deps with group-commit transactions and the metrics registry (AppDeps is one). */
export type SchedulerDeps = EngineDeps & { writes: WriteBatcher; metrics: Registry };

const BATCH = 500;

/** Lateness of fired timers (firing time − due time), for /metrics and the benchmark. */
function latenessHistogram(deps: Pick<SchedulerDeps, 'metrics'>): Histogram {
  const existing = deps.metrics.getSingleMetric('liandong_timer_lateness_seconds');
  if (existing) return existing as Histogram;
  return new Histogram({
    name: 'liandong_timer_lateness_seconds',
    help: 'How late process timers fired after they fell due',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 30, 300],
    registers: [deps.metrics],
  });
}

/** Timers fired in one transaction: fewer commits and reads, yet a broken one holds up few others. */
const CHUNK = 25;

/**
 * Fires every timer due now, in rounds of up to BATCH; answers how many fired. A round's timers
 * fire in chunks, each chunk one transaction (on SQLite the write batcher commits many together)
 * that locks its timers and deletes each with everything it causes: exactly once (see
 * fireTimers). A chunk that fails is retried one timer per transaction, so one broken instance
 * never holds up the others; the broken one stays due for the next round.
 */
export async function fireDueTimers(deps: SchedulerDeps, opts: { onFired?: (latenessMs: number) => void } = {}): Promise<number> {
  const histogram = latenessHistogram(deps);
  const cal = await deps.engineHost.calendar();
  const shared: SharedFacts = new Map();
  let total = 0;
  const observe = (r: FiredTimer) => {
    for (const f of r.afterCommit) f();
    if (!r.fired || !r.dueAt) return;
    const lateMs = deps.clock.now().getTime() - Date.parse(r.dueAt);
    histogram.observe(lateMs / 1000);
    opts.onFired?.(lateMs);
  };
  const fire = (ids: string[]) => deps.writes.transaction((trx) => fireTimers(trx, deps, ids, cal, shared));
  const one = async (id: string): Promise<number> => {
    try {
      const [r] = await fire([id]);
      if (!r) return 0;
      observe(r);
      return r.fired ? 1 : 0;
    } catch (err) {
      deps.logger.error({ err, timerId: id }, 'timer failed; it stays due for the next round');
      return 0;
    }
  };
  for (;;) {
    const now = deps.clock.now();
    const due = await findDueTimers(deps.db, now.toISOString(), BATCH);
    if (!due.length) return total;
    const steps = due.filter((t) => t.kind !== 'action').map((t) => t.id);
    const chunks: string[][] = [];
    for (let i = 0; i < steps.length; i += CHUNK) chunks.push(steps.slice(i, i + CHUNK));
    const results = await Promise.all([
      ...due
        .filter((t) => t.kind === 'action')
        .map((t) => runWebhookTimer(deps, t.id).then(Number, (err) => (deps.logger.error({ err, timerId: t.id }, 'webhook action failed'), 0))),
      ...chunks.map(async (ids) => {
        let fired: FiredTimer[];
        try {
          fired = await fire(ids);
        } catch {
          // Someone in the chunk is broken (or two nodes collided): each on its own, so the rest still fire.
          let n = 0;
          for (const id of ids) n += await one(id);
          return n;
        }
        for (const r of fired) observe(r);
        return fired.filter((r) => r.fired).length;
      }),
    ]);
    const fired = results.reduce((a, b) => a + b, 0);
    total += fired;
    // Nothing could be fired (all failing or held by another node): try again next tick.
    if (fired === 0 || due.length < BATCH) return total;
  }
}

/** When the next timer after `afterIso` falls due (ISO), or null: lets the scheduler wake right then instead of at its next poll. */
export async function nextDueAt(db: SchedulerDeps['db'], afterIso: string): Promise<string | null> {
  const [row] = await rawQuery<{ due_at: string | null }>(db, 'select min("due_at") as "due_at" from "process_timers" where "due_at" > ?', [afterIso]);
  return row?.due_at ?? null;
}

/**
 * For `serve`: fires timers that fell due while the server was down, then checks every `pollMs`.
 * Several nodes may run it at once against PostgreSQL.
 */
export function startScheduler(deps: SchedulerDeps, pollMs = 200): { stop(): Promise<void>; kick(): void } {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  let wake: NodeJS.Timeout | null = null;
  const tick = () => {
    if (running || stopped) return;
    running = (async () => {
      await fireDueTimers(deps);
      // A timer falling due before the next poll: wake exactly then (timers fire late by the poll otherwise).
      // Only future ones: one already due but failing waits for the poll, never a busy loop.
      const now = deps.clock.now();
      const next = await nextDueAt(deps.db, now.toISOString());
      const ms = next ? Date.parse(next) - now.getTime() : Infinity;
      if (ms < pollMs && !stopped) {
        if (wake) clearTimeout(wake);
        wake = setTimeout(
          () => {
            wake = null;
            tick();
          },
          Math.max(0, ms) + 1,
        );
        wake.unref();
      }
    })()
      .catch((err) => deps.logger.error({ err }, 'scheduler round failed'))
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, pollMs);
  timer.unref();
  return {
    kick: tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (wake) clearTimeout(wake);
      await running;
    },
  };
}
