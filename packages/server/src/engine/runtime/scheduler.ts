import type { Transaction } from 'kysely';
import { Histogram } from 'prom-client';
import type { Database } from '../../db/schema.ts';
import type { AppDeps } from '../../deps.ts';
import { loadCalendar } from '../../modules/calendar/calendar.loader.ts';
import { findDueTimers, fireTimer, runWebhookTimer } from './timers.ts';

export type SchedulerDeps = Pick<AppDeps, 'db' | 'clock' | 'ids' | 'territory' | 'logger' | 'dialect' | 'writes' | 'config' | 'metrics'>;

const BATCH = 500;

/** Lateness of fired timers (firing time − due time), for /metrics and the benchmark. */
function latenessHistogram(deps: Pick<AppDeps, 'metrics'>): Histogram {
  const existing = deps.metrics.getSingleMetric('liandong_timer_lateness_seconds');
  if (existing) return existing as Histogram;
  return new Histogram({
    name: 'liandong_timer_lateness_seconds',
    help: 'How late process timers fired after they fell due',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 30, 300],
    registers: [deps.metrics],
  });
}

/**
 * Fires every timer due now, in batches; answers how many fired. Each timer fires in a step of
 * its own (on SQLite the write batcher commits many steps together), so one broken instance
 * never holds up the others. Exactly once: see fireTimer.
 */
export async function fireDueTimers(deps: SchedulerDeps, opts: { onFired?: (latenessMs: number) => void } = {}): Promise<number> {
  const histogram = latenessHistogram(deps);
  const cal = await loadCalendar(deps.db);
  let total = 0;
  for (;;) {
    const now = deps.clock.now();
    const due = await findDueTimers(deps.db, now.toISOString(), BATCH);
    if (!due.length) return total;
    const results = await Promise.all(
      due.map(async (t) => {
        if (t.kind === 'action') return runWebhookTimer(deps, t.id).catch((err) => (deps.logger.error({ err, timerId: t.id }, 'webhook action failed'), false));
        try {
          const r = await deps.writes.transaction((trx: Transaction<any>) => fireTimer(trx as Transaction<Database>, deps, t.id, cal));
          for (const f of r.afterCommit) f();
          if (r.fired) {
            const lateMs = deps.clock.now().getTime() - Date.parse(t.due_at);
            histogram.observe(lateMs / 1000);
            opts.onFired?.(lateMs);
          }
          return r.fired;
        } catch (err) {
          deps.logger.error({ err, timerId: t.id }, 'timer failed; it stays due for the next round');
          return false;
        }
      }),
    );
    const fired = results.filter(Boolean).length;
    total += fired;
    // Nothing could be fired (all failing or held by another node): try again next tick.
    if (fired === 0 || due.length < BATCH) return total;
  }
}

/**
 * For `serve`: fires timers that fell due while the server was down, then checks every `pollMs`.
 * Several nodes may run it at once against PostgreSQL.
 */
export function startScheduler(deps: SchedulerDeps, pollMs = 200): { stop(): Promise<void>; kick(): void } {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = fireDueTimers(deps)
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
      await running;
    },
  };
}
