import type { Kysely, Transaction } from 'kysely';
import type { Database, EventsTable } from '../../db/schema.ts';
import { marks, rawQuery } from '../../db/raw-sql.ts';
import {
  BatchPacer,
  backgroundBatchSize,
  createBackgroundDrainer,
  eventLoopLoad,
  yieldsToRequests,
  type BackgroundDrainer,
  type BatchOutcome,
} from '../../db/write-path.ts';
import type { Calendar } from '../../engine/time/calendar.ts';
import { notifyOnEventsCreated, type LinkageDeps } from './linkage.ts';
import type { AppDeps } from '../../deps.ts';
import { startInstances } from '../../engine/runtime/start.ts';
import { findCategoryRowCached } from '../catalog/catalog.repository.ts';
import { wakeDispatcher } from './dispatcher.ts';
import { loadCalendar } from '../calendar/calendar.loader.ts';

/**
 * Linkage off the request path. Creating an event writes a `linkage_queue` row in its own
 * transaction (so the intent is as durable as the event); right after the commit the queue is
 * worked off here in batches: one transaction notifies the on-duty staff of many events at once.
 * The request answers without waiting for the fan-out to several people per event, which is what
 * keeps event creation fast; the notifications follow within milliseconds. A crash in between
 * leaves the queue rows, worked off at the next start. How the batches are sized and paced
 * against intake is the write path's (db/write-path.ts); this module only says what a batch does.
 */
export type LinkageWorkerDeps = LinkageDeps & Pick<AppDeps, 'writes' | 'dialect' | 'engineHost'>;

const BATCH = 200;

/** How many events the next linkage transaction takes (the write path's background sizing). */
export const linkageBatchSize = (sinceLastRequestMs: number, behindMs = 0): number => backgroundBatchSize(sinceLastRequestMs, behindMs);
/** Whether linkage waits before its next batch (write-path.ts). */
export { BatchPacer, eventLoopLoad, yieldsToRequests };

/**
 * The oldest queued events with their queue rows (SQLite; without Kysely's builder, and the
 * queue's rows taken first: the join ordered by the queue was slower).
 */
const QUEUED_SQLITE =
  'select "events".*, "q"."process_key" as "queued_process_key", "q"."vars" as "queued_vars" from (select * from "linkage_queue" order by "event_id" limit ?) as "q" ' +
  'inner join "events" on "events"."id" = "q"."event_id" order by "q"."event_id"';

/**
 * Works off up to `limit` queued events in the given background transaction (it holds nothing
 * else: the calendar was read before it). Answers how many it linked, what to publish after the
 * commit, and how long the oldest of them had waited.
 */
export async function linkageBatch(trx: Transaction<Database>, deps: LinkageWorkerDeps, limit: number, cal: Calendar): Promise<BatchOutcome> {
  const afterCommit: Array<() => void> = [];
  type Queued = EventsTable & { queued_process_key: string | null; queued_vars: string | null };
  let events: Queued[];
  if (deps.dialect === 'postgres') {
    // Several nodes may drain at once on PostgreSQL: each takes rows the others have not locked.
    events = (await trx
      .selectFrom('linkage_queue as q')
      .innerJoin('events', 'events.id', 'q.event_id')
      .selectAll('events')
      .select(['q.process_key as queued_process_key', 'q.vars as queued_vars'])
      .orderBy('q.event_id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute()) as Queued[];
  } else events = await rawQuery<Queued>(trx, QUEUED_SQLITE, [limit]);
  if (!events.length) return { count: 0 };
  const ids = events.map((e) => e.id);
  const units = await rawQuery<{ event_id: string; org_unit_id: string; role: string }>(
    trx,
    `select "event_id", "org_unit_id", "role" from "event_units" where "event_id" in (${marks(ids.length)})`,
    ids,
  );
  // Category names from the node's catalogue cache (the intake read the same rows a moment ago).
  const names = new Map<string, string>();
  for (const code of new Set(events.map((e) => e.category_code))) {
    const row = await findCategoryRowCached({ db: trx, caches: deps.caches }, code);
    if (row) names.set(code, row.name_zh);
  }
  // The lead first, then the co-handling units in the order routing chose them (its timeline entry).
  const routed = await rawQuery<{ event_id: string; data: string }>(
    trx,
    `select "event_id", "data" from "event_timeline" where "event_id" in (${marks(ids.length)}) and "kind" = 'routed'`,
    ids,
  );
  const coOrder = new Map(routed.map((r) => [r.event_id, (JSON.parse(r.data).coHandlingUnitIds ?? []) as string[]]));
  const rank = (eventId: string, u: { org_unit_id: string; role: string }) => (u.role === 'lead' ? -1 : (coOrder.get(eventId) ?? []).indexOf(u.org_unit_id));
  const unitsOf = new Map<string, typeof units>();
  for (const u of units) {
    const list = unitsOf.get(u.event_id);
    if (list) list.push(u);
    else unitsOf.set(u.event_id, [u]);
  }
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
  // Urgent events' SMS go out at once, not at the dispatcher's next poll.
  if (results.some((r) => r.sms > 0)) afterCommit.push(() => wakeDispatcher(deps));
  // Each new event's process starts in the same transaction: its first tasks exist exactly when its
  // linkage does. Whoever the linkage just told of the event is not told again of those tasks.
  // The process starts with the variables the report was submitted with (modules/intake).
  const starts = events.map(({ queued_process_key, queued_vars, ...event }, n) => ({
    event,
    opts: {
      processKey: queued_process_key ?? undefined,
      vars: queued_vars ? (JSON.parse(queued_vars) as Record<string, unknown>) : undefined,
      alreadyTold: results[n]!.toldUserIds,
    },
  }));
  afterCommit.push(...(await startInstances(trx, deps, starts, cal)).afterCommit);
  await rawQuery(trx, `delete from "linkage_queue" where "event_id" in (${marks(ids.length)})`, ids);
  const oldest = events.reduce((m, e) => (e.created_at < m ? e.created_at : m), events[0]!.created_at);
  return { count: events.length, afterCommit, behindMs: Math.max(0, deps.clock.now().getTime() - Date.parse(oldest)) };
}

/** Works off up to `limit` queued events in one background transaction; answers how many it linked. */
export async function drainLinkageBatch(deps: LinkageWorkerDeps, limit = BATCH): Promise<number> {
  // Read before the transaction: inside it a read through the root handle fails (transaction-guard.ts).
  const cal = await loadCalendar(deps);
  const outcome = await deps.writes.transaction((trx) => linkageBatch(trx, deps, limit, cal), { background: true });
  for (const publish of outcome.afterCommit ?? []) publish();
  return outcome.count;
}

const drainers = new WeakMap<Kysely<Database>, BackgroundDrainer>();

/**
 * The single-flight drainer of a database (the write path's background drainer): `kick()` after
 * a commit that queued linkage; kicks while a drain runs make it go round again, so nothing
 * queued is left behind. Pacing against intake is the write path's (write-path.ts).
 */
export function linkageDrainerOf(deps: LinkageWorkerDeps): BackgroundDrainer {
  let d = drainers.get(deps.db);
  if (d) return d;
  d = createBackgroundDrainer(deps.writes, {
    prepare: () => loadCalendar(deps),
    batch: (trx, limit, cal) => linkageBatch(trx, deps, limit, cal),
    onError: (err) => deps.logger.error({ err }, 'linkage failed; the queue is kept for the next round'),
  });
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
