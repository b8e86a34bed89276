import { type Calendar, MINUTE_MS } from './calendar.ts';
import { addWorkingMs, workingMsBetween } from './working-time.ts';

/** Working time (工作时) runs on the calendar; natural time (自然时) runs on the wall clock. */
export type TimeKind = 'working' | 'natural';

/** An interval the clock stood still (shelved, 挂起): [from, to); `to` null while still paused. */
export interface PausedInterval {
  from: Date;
  to: Date | null;
}

export interface DeadlineInput {
  kind: TimeKind;
  /** The limit in minutes of that kind of time. */
  minutes: number;
  start: Date;
  /** Needed for working time; ignored for natural time. */
  cal?: Calendar;
  pausedIntervals?: readonly PausedInterval[];
  /** Approved extensions (延期), in minutes of the same kind, added to the limit. */
  extraMinutes?: number;
  /** Share of the (extended) limit at which the warning (黄灯) lights; default 0.8. */
  warnShare?: number;
}

export interface Deadline {
  /** When the limit is used up; null while the clock is paused by an open interval. */
  dueAt: Date | null;
  /** When `warnShare` of the limit is used up; null while paused (unless it already passed). */
  warnAt: Date | null;
  /** The limit including extensions, in minutes of `kind`. */
  limitMinutes: number;
  kind: TimeKind;
}

export type SlaState = 'on_time' | 'warning' | 'overdue' | 'paused';

export const DEFAULT_WARN_SHARE = 0.8;

interface Clockwork {
  advance(fromMs: number, ms: number): number;
  measure(aMs: number, bMs: number): number;
}

function clockworkOf(kind: TimeKind, cal: Calendar | undefined): Clockwork {
  if (kind === 'natural') return { advance: (from, ms) => from + ms, measure: (a, b) => b - a };
  if (!cal) throw new RangeError('A working-time limit needs a calendar');
  return { advance: (from, ms) => addWorkingMs(cal, from, ms), measure: (a, b) => workingMsBetween(cal, a, b) };
}

/** Pauses from `startMs` on, sorted, overlapping ones merged; an open pause ends at +∞. */
function normalizePauses(startMs: number, pauses: readonly PausedInterval[]): Array<[number, number]> {
  const list = pauses
    .map(({ from, to }): [number, number] => {
      const fromMs = from.getTime();
      const toMs = to ? to.getTime() : Infinity;
      if (!Number.isFinite(fromMs) || Number.isNaN(toMs)) throw new RangeError('A paused interval has an invalid date');
      if (toMs < fromMs) throw new RangeError('A paused interval ends before it starts');
      return [Math.max(fromMs, startMs), toMs];
    })
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const p of list) {
    const last = merged[merged.length - 1];
    if (last && p[0] <= last[1]) last[1] = Math.max(last[1], p[1]);
    else merged.push([p[0], p[1]]);
  }
  return merged;
}

/** The instant `ms` of clock time has run from `startMs`, the clock standing still during pauses; null if a pause never ends first. */
function elapse(clock: Clockwork, startMs: number, ms: number, pauses: Array<[number, number]>): number | null {
  let t = startMs;
  let remaining = ms;
  for (const [from, to] of pauses) {
    if (to <= t) continue;
    if (from > t) {
      const end = clock.advance(t, remaining);
      // Used up before (or exactly when) the pause begins: the pause does not matter.
      if (end <= from) return end;
      remaining -= clock.measure(t, from);
    }
    if (to === Infinity) return null;
    t = to;
  }
  return clock.advance(t, remaining);
}

/**
 * Due and warning instants of a limit: `minutes` (+ `extraMinutes`) of working or natural time
 * from `start`, not counting paused intervals. The warning lights when `warnShare` of the limit
 * has run, measured in the same kind of time.
 */
export function computeDeadline(input: DeadlineInput): Deadline {
  const { kind, start } = input;
  const startMs = start.getTime();
  if (!Number.isFinite(startMs)) throw new RangeError('start is not a valid date');
  const extra = input.extraMinutes ?? 0;
  const limitMinutes = input.minutes + extra;
  if (!Number.isFinite(input.minutes) || input.minutes < 0) throw new RangeError(`minutes must be ≥ 0, got ${input.minutes}`);
  if (!Number.isFinite(extra) || limitMinutes < 0) throw new RangeError(`extraMinutes must not make the limit negative, got ${extra}`);
  const share = input.warnShare ?? DEFAULT_WARN_SHARE;
  if (!(share >= 0 && share <= 1)) throw new RangeError(`warnShare must be within [0, 1], got ${share}`);

  const clock = clockworkOf(kind, input.cal);
  const pauses = normalizePauses(startMs, input.pausedIntervals ?? []);
  const limitMs = Math.round(limitMinutes * MINUTE_MS);
  const due = elapse(clock, startMs, limitMs, pauses);
  const warn = elapse(clock, startMs, Math.round(limitMs * share), pauses);
  return { dueAt: due === null ? null : new Date(due), warnAt: warn === null ? null : new Date(warn), limitMinutes, kind };
}

/**
 * The warning instant (黄灯) at `share` of the limit from `start` to `due`, measured in working
 * time when a calendar is given and in natural time otherwise — the kind the limit is written in.
 */
export function warnAt(start: Date, due: Date, share: number, cal?: Calendar): Date {
  if (!(share >= 0 && share <= 1)) throw new RangeError(`share must be within [0, 1], got ${share}`);
  const clock = clockworkOf(cal ? 'working' : 'natural', cal);
  const startMs = start.getTime();
  const span = clock.measure(startMs, due.getTime());
  if (span <= 0) return new Date(startMs);
  return new Date(clock.advance(startMs, Math.round(span * share)));
}

/** The traffic light of a limit at `now`: paused while an interval is open, else by the instants. */
export function slaStateAt(deadline: Pick<Deadline, 'dueAt' | 'warnAt'>, now: Date): SlaState {
  if (deadline.dueAt === null) return 'paused';
  const t = now.getTime();
  if (t >= deadline.dueAt.getTime()) return 'overdue';
  if (deadline.warnAt && t >= deadline.warnAt.getTime()) return 'warning';
  return 'on_time';
}
