import type { TasksTable } from '../../db/schema.ts';
import type { Calendar } from '../time/calendar.ts';
import { computeDeadline, slaStateAt, type SlaState, type TimeKind } from '../time/deadline.ts';
import { addWorkingMs, workingMsBetween } from '../time/working-time.ts';
import { isTaskOverdue } from './overdue.ts';

/** Due and warning instants of a task started at `start` with a limit of working or natural time. */
export function taskDeadline(cal: Calendar, start: Date, limit: { minutes: number; kind: TimeKind }, warnShare: number): { dueAt: Date; warnAt: Date } {
  const d = computeDeadline({ kind: limit.kind, minutes: limit.minutes, start, cal, warnShare });
  return { dueAt: d.dueAt!, warnAt: d.warnAt! };
}

/** `instant` moved later by `minutes` of the limit's kind of time (an approved extension). */
export function extendInstant(cal: Calendar, kind: TimeKind, instant: Date, minutes: number): Date {
  const ms = minutes * 60_000;
  return new Date(kind === 'natural' ? instant.getTime() + ms : addWorkingMs(cal, instant.getTime(), ms));
}

/**
 * `instant` moved later by the time the clock stood still from `from` to `to` (shelving), measured
 * in the limit's kind of time: the time left to the deadline is what it was when the task was shelved.
 */
export function shiftByPause(cal: Calendar, kind: TimeKind, instant: Date, from: Date, to: Date): Date {
  if (kind === 'natural') return new Date(instant.getTime() + Math.max(0, to.getTime() - from.getTime()));
  return new Date(addWorkingMs(cal, instant.getTime(), workingMsBetween(cal, from.getTime(), to.getTime())));
}

/** The traffic light of a task at `now` (only open work has one that moves). */
export function taskSlaState(task: Pick<TasksTable, 'status' | 'due_at' | 'warn_at' | 'overdue' | 'completed_at'>, now: Date): SlaState {
  if (task.status === 'shelved') return 'paused';
  // Red is the one definition of overdue.ts; the rest is the light before it.
  if (isTaskOverdue(task, now)) return 'overdue';
  if (!task.due_at || task.completed_at) return 'on_time';
  return slaStateAt({ dueAt: new Date(task.due_at), warnAt: task.warn_at ? new Date(task.warn_at) : null }, now);
}
