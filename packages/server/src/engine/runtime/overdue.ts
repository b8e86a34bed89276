import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database, EventsTable, TasksTable } from '../../db/schema.ts';

/*
 * What "overdue" (超期, the red light) means — the one definition behind every overdue figure:
 * the plaza's `?overdue=` filter and its red tags, the inbox's "overdue" tab (`GET /tasks?due=overdue`),
 * and the `overdue` field of events and tasks in the API. Each rule is written twice, once for
 * rows in memory and once as a SQL predicate, side by side here; overdue.test.ts checks that the
 * two select the same rows on both databases. Both compare with the injected clock's now, never
 * with a flag that a timer may not have set yet.
 *
 * - An event is overdue while it is open and its deadline (`due_at`, the handling limit) has
 *   come: `is_open = 1 and due_at <= now`. A closed event is not (how it closed — 超期结案 — is its
 *   closing kind). The stored `events.overdue` flag is history ("a step ran over"), which the
 *   processes' closing decision reads; it is not the red light.
 * - A task is overdue while it is open or claimed and its due instant has come (a shelved task's
 *   clock stands still); a finished task is overdue when it was finished at or after its due
 *   instant, or its due timer marked it.
 */

const OPEN_WORK = ['open', 'claimed'] as const;
const FINISHED = ['completed', 'returned', 'cancelled'] as const;

export function isEventOverdue(e: Pick<EventsTable, 'is_open' | 'due_at'>, now: Date): boolean {
  return Number(e.is_open) === 1 && e.due_at !== null && e.due_at <= now.toISOString();
}

export function eventOverdueWhere(eb: ExpressionBuilder<Database, 'events'>, now: Date): Expression<SqlBool> {
  return eb.and([eb('events.is_open', '=', 1), eb('events.due_at', 'is not', null), eb('events.due_at', '<=', now.toISOString())]);
}

/** The complement, for `?overdue=false` (due_at may be null, which `not (…)` would lose in SQL). */
export function eventNotOverdueWhere(eb: ExpressionBuilder<Database, 'events'>, now: Date): Expression<SqlBool> {
  return eb.or([eb('events.is_open', '<>', 1), eb('events.due_at', 'is', null), eb('events.due_at', '>', now.toISOString())]);
}

export function isTaskOverdue(t: Pick<TasksTable, 'status' | 'due_at' | 'overdue' | 'completed_at'>, now: Date): boolean {
  if (t.due_at === null) return false;
  if ((OPEN_WORK as readonly string[]).includes(t.status)) return t.due_at <= now.toISOString();
  if ((FINISHED as readonly string[]).includes(t.status)) return Number(t.overdue) === 1 || (t.completed_at !== null && t.completed_at >= t.due_at);
  return false;
}

export function taskOverdueWhere(eb: ExpressionBuilder<Database, 'tasks'>, now: Date): Expression<SqlBool> {
  return eb.and([
    eb('tasks.due_at', 'is not', null),
    eb.or([
      eb.and([eb('tasks.status', 'in', [...OPEN_WORK]), eb('tasks.due_at', '<=', now.toISOString())]),
      eb.and([eb('tasks.status', 'in', [...FINISHED]), eb.or([eb('tasks.overdue', '=', 1), eb('tasks.completed_at', '>=', eb.ref('tasks.due_at'))])]),
    ]),
  ]);
}
