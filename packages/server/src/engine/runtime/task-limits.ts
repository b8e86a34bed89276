import { processTransitions, type ProcessDefinition, type TaskNode, type TaskTimeLimit } from '@liandong/contracts';
import type { Calendar } from '../time/calendar.ts';
import { warnAt, type TimeKind } from '../time/deadline.ts';
import { taskDeadline } from './sla.ts';

/*
 * Time limits of a task, and how they agree with the event's deadline.
 *
 * - A step's limit is `timeLimitByUrgency[event.urgency]` when the definition gives one, else
 *   `timeLimit`. `{from: 'category'}` is the category's handling limit (处置时限), counted in the
 *   category's kind of time unless the step names another `kind`.
 * - The event's deadline (`events.due_at`) is the handling limit. A category limit in natural time
 *   (emergencies) runs from the report: the event is due that long after it was filed, and that
 *   is the whole response — the handling step is due at the event's deadline (not a fresh span
 *   from dispatch) and does not move it. A working-time category limit runs from the handling
 *   step's start, which sets the event's deadline (again on re-dispatch).
 * - Response steps — those reachable from the start without passing a handling step (accept,
 *   dispatch, confirm…) — are part of the same limit: while the event's deadline lies ahead, none
 *   of them is due after it (its own limit is cut to the deadline, the warning recomputed at the
 *   step's share). Steps after the handling (verification) have limits of their own, and a task
 *   created after the event's deadline has passed gets its own limit: the event is overdue
 *   already, the step is not born overdue.
 */

export interface ResolvedLimit {
  minutes: number;
  kind: TimeKind;
  /** The category's handling limit (the step is a handling step). */
  fromCategory: boolean;
}

export interface CategoryLimit {
  timeLimitMinutes: number | null;
  timeLimitKind: string;
}

const kindOf = (k: string): TimeKind => (k === 'natural' ? 'natural' : 'working');

/** The step's limit for an event of `urgency`, or null when it has none. */
export function resolveTaskLimit(node: TaskNode, urgency: string, category: CategoryLimit): ResolvedLimit | null {
  const byUrgency = node.timeLimitByUrgency as Partial<Record<string, TaskTimeLimit>> | undefined;
  const limit = byUrgency?.[urgency] ?? node.timeLimit;
  if (!limit) return null;
  if ('from' in limit) {
    if (!category.timeLimitMinutes) return null;
    return { minutes: category.timeLimitMinutes, kind: limit.kind ?? kindOf(category.timeLimitKind), fromCategory: true };
  }
  return { minutes: limit.minutes, kind: limit.kind, fromCategory: false };
}

/** A step whose limit is the category's (for some urgency). */
export function isHandlingStep(node: TaskNode): boolean {
  const limits = [node.timeLimit, ...Object.values(node.timeLimitByUrgency ?? {})];
  return limits.some((l) => !!l && 'from' in l);
}

const responseCache = new WeakMap<ProcessDefinition, ReadonlySet<string>>();

/** Ids of the response steps: nodes reachable from the start without passing a handling step. */
export function responseSteps(def: ProcessDefinition): ReadonlySet<string> {
  const hit = responseCache.get(def);
  if (hit) return hit;
  const nodes = new Map(def.nodes.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const queue = [def.start];
  while (queue.length) {
    const id = queue.pop()!;
    const node = nodes.get(id);
    if (!node || seen.has(id)) continue;
    if (node.kind === 'task' && isHandlingStep(node)) continue;
    seen.add(id);
    for (const t of processTransitions(node)) queue.push(t.to);
  }
  responseCache.set(def, seen);
  return seen;
}

export interface TaskDeadlinePlan {
  limit: ResolvedLimit | null;
  dueAt: Date | null;
  warnAt: Date | null;
  /** The task's due becomes the event's deadline (a working-time handling limit). */
  setsEventDeadline: boolean;
}

/** Due and warning instants of a new task of `node`, by the rules above. */
export function planTaskDeadline(input: {
  def: ProcessDefinition;
  node: TaskNode;
  urgency: string;
  category: CategoryLimit;
  cal: Calendar;
  now: Date;
  warnShare: number;
  /** The event's deadline as it stands (ISO), if it has one. */
  eventDueAt: string | null;
}): TaskDeadlinePlan {
  const { node, now, cal, warnShare } = input;
  const limit = resolveTaskLimit(node, input.urgency, input.category);
  if (!limit) return { limit: null, dueAt: null, warnAt: null, setsEventDeadline: false };
  const own = taskDeadline(cal, now, limit, warnShare);
  const fromReport = !!input.category.timeLimitMinutes && kindOf(input.category.timeLimitKind) === 'natural';
  const eventDue = input.eventDueAt ? new Date(input.eventDueAt) : null;
  const sameLimit = limit.fromCategory ? fromReport : responseSteps(input.def).has(node.id);
  if (sameLimit && eventDue && eventDue.getTime() > now.getTime() && own.dueAt.getTime() > eventDue.getTime()) {
    return { limit, dueAt: eventDue, warnAt: warnAt(now, eventDue, warnShare, limit.kind === 'working' ? cal : undefined), setsEventDeadline: false };
  }
  return { limit, dueAt: own.dueAt, warnAt: own.warnAt, setsEventDeadline: limit.fromCategory && !fromReport };
}
