import type { Transaction } from 'kysely';
import type { Database, EventsTable } from '../db/schema.ts';
import type { AppDeps } from '../deps.ts';
import { startInstance } from '../engine/runtime/start.ts';
import { loadCalendar } from '../modules/calendar/calendar.loader.ts';
import type { DemoProgress } from './demo.ts';

const BATCH = 200;

/**
 * The seeded history has no processes of its own (it was written, not lived). Every open demo
 * event gets its category's process, started at the step that matches where the event stands,
 * so the task inboxes and the SLA lights show real work. Idempotent: events that have a process
 * are left alone, so an interrupted run picks up where it stopped; so are events still queued for
 * linkage, which starts theirs. Should both meet anyway, the second start does nothing
 * (startInstance: one main process per event).
 */
export async function startDemoProcesses(deps: AppDeps, progress: DemoProgress = () => {}): Promise<number> {
  const cal = await loadCalendar(deps);
  const todo = await deps.db
    .selectFrom('events as e')
    .leftJoin('process_instances as i', 'i.event_id', 'e.id')
    .select('e.id')
    .where('e.is_open', '=', 1)
    .where('i.id', 'is', null)
    // An event still queued for linkage gets its process there, with its linkage (notifications
    // told once): the demo does not race the linkage worker for it (issue 11).
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('linkage_queue as q').select('q.event_id').whereRef('q.event_id', '=', 'e.id'))))
    .orderBy('e.id')
    .execute();
  progress('processes', 0, todo.length);
  let done = 0;
  for (let at = 0; at < todo.length; at += BATCH) {
    const ids = todo.slice(at, at + BATCH).map((r) => r.id);
    await deps.db.transaction().execute(async (trx: Transaction<Database>) => {
      const events = (await trx.selectFrom('events').selectAll().where('id', 'in', ids).execute()) as EventsTable[];
      for (const event of events) await startInstance(trx, deps, event, cal, { resumeAtStatus: true });
    });
    done += ids.length;
    progress('processes', done, todo.length);
  }
  return done;
}
