/**
 * When an SMS may go: quiet hours and the per-recipient rate limit, as pure functions of time.
 * Urgent notifications ignore both. Times are epoch milliseconds; local time is a fixed UTC
 * offset (China keeps one zone, Asia/Shanghai = UTC+8, without daylight saving).
 */

// Parsed where the configuration is read too (config.ts), which imports no module.
import type { QuietHours } from '../../lib/quiet-hours.ts';
export { parseQuietHours, type QuietHours } from '../../lib/quiet-hours.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The end of the quiet period `at` falls in, or null when `at` is outside quiet hours. */
export function quietHoursEnd(at: number, quiet: QuietHours | null, utcOffsetMinutes: number): number | null {
  if (!quiet) return null;
  const offset = utcOffsetMinutes * MINUTE;
  const local = at + offset;
  const localMidnight = Math.floor(local / DAY) * DAY;
  const msOfDay = local - localMidnight;
  const start = quiet.startMinute * MINUTE;
  const end = quiet.endMinute * MINUTE;
  let endLocal: number | null = null;
  if (start < end) {
    if (msOfDay >= start && msOfDay < end) endLocal = localMidnight + end;
  } else if (msOfDay >= start) {
    endLocal = localMidnight + DAY + end;
  } else if (msOfDay < end) {
    endLocal = localMidnight + end;
  }
  return endLocal === null ? null : endLocal - offset;
}

/**
 * The earliest time ≥ `from` at which one more SMS to a number keeps every sliding hour
 * (u − 1 h, u] at or under `perHour`, given the times already scheduled for that number
 * (past and future). `perHour` ≤ 0 means no limit.
 */
export function nextRateSlot(from: number, scheduled: readonly number[], perHour: number): number {
  if (perHour <= 0 || scheduled.length < perHour) return from;
  const sorted = [...scheduled].sort((a, b) => a - b);
  const countIn = (u: number) => sorted.filter((s) => s > u - HOUR && s <= u).length;
  // Windows holding a new time t end at t or at a scheduled time in [t, t + 1 h); a window's
  // count only drops when an old time leaves it, so the only candidates are `from` and s + 1 h.
  const candidates = [from, ...sorted.map((s) => s + HOUR).filter((c) => c > from)].sort((a, b) => a - b);
  for (const t of candidates) {
    const ends = [t, ...sorted.filter((s) => s >= t && s < t + HOUR)];
    if (ends.every((u) => countIn(u) < perHour)) return t;
  }
  // Unreachable: after the last scheduled time + 1 h no window holds anything.
  return sorted[sorted.length - 1]! + HOUR;
}

export interface SchedulePolicy {
  quiet: QuietHours | null;
  utcOffsetMinutes: number;
  ratePerHour: number;
}

/**
 * When a new SMS should first be attempted. Urgent: now. Otherwise the first time outside quiet
 * hours where the recipient's rate limit allows one more.
 */
export function scheduleSms(now: number, urgent: boolean, scheduled: readonly number[], policy: SchedulePolicy): number {
  if (urgent) return now;
  let t = now;
  // Each step moves forward to a finite set of candidate times, so this settles quickly.
  for (let i = 0; i < 1000; i++) {
    const afterQuiet = quietHoursEnd(t, policy.quiet, policy.utcOffsetMinutes) ?? t;
    const slot = nextRateSlot(afterQuiet, scheduled, policy.ratePerHour);
    if (slot === t) return t;
    t = slot;
  }
  return t;
}

/**
 * Delay before the next attempt after `failures` failed attempts: exponential from `baseMs`,
 * capped, with equal jitter (half fixed, half random) so a burst of failures spreads out
 * without ever retrying at once.
 */
export function backoffDelayMs(failures: number, random: () => number, opts: { baseMs?: number; capMs?: number } = {}): number {
  const base = opts.baseMs ?? 2_000;
  const cap = opts.capMs ?? 10 * MINUTE;
  const exp = Math.min(cap, base * 2 ** Math.max(0, failures - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
