import { type Calendar, DAY_MS, MINUTE_MS, isWorkingDayIndex, localDayIndex, localDayStartMs } from './calendar.ts';

/*
 * Working-time arithmetic in whole milliseconds. A day is walked period by period only where
 * the walk starts or ends; every day in between is taken whole (its working milliseconds at
 * once), so a limit of 20 working days costs about 30 steps, not 9,000 minutes.
 */

/** Beyond this a calendar is taken to have no working time left (no weekly working days, say). */
const MAX_SCAN_DAYS = 366 * 100;

function noWorkingTime(): never {
  throw new RangeError(`The calendar has no working time within ${MAX_SCAN_DAYS} days`);
}

function toMs(minutes: number, what: string): number {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`${what} must be a finite number ≥ 0, got ${minutes}`);
  return Math.round(minutes * MINUTE_MS);
}

function instantMs(d: Date, what: string): number {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`${what} is not a valid date`);
  return ms;
}

/**
 * The instant when `ms` working milliseconds have elapsed from `startMs`. Work begins at the
 * next working period when the start is outside one. The result is inside a working period or
 * exactly at the end of one (a limit used up at 17:30 is due at 17:30, not the next morning).
 * Zero needs no time: the start itself.
 */
export function addWorkingMs(cal: Calendar, startMs: number, ms: number): number {
  if (ms === 0) return startMs;
  let remaining = ms;
  const firstDay = localDayIndex(cal, startMs);
  for (let day = firstDay; day - firstDay <= MAX_SCAN_DAYS; day++) {
    if (!isWorkingDayIndex(cal, day)) continue;
    const dayStart = localDayStartMs(cal, day);
    // A whole day strictly short of the remainder: skip it at once. Equal is not skipped, so
    // the walk below ends at that day's last period end.
    if (startMs <= dayStart && remaining > cal.dayWorkMs) {
      remaining -= cal.dayWorkMs;
      continue;
    }
    for (const p of cal.periods) {
      const periodEnd = dayStart + p.end * MINUTE_MS;
      if (periodEnd <= startMs) continue;
      const from = Math.max(startMs, dayStart + p.start * MINUTE_MS);
      const available = periodEnd - from;
      if (remaining <= available) return from + remaining;
      remaining -= available;
    }
  }
  return noWorkingTime();
}

/** Working milliseconds in [aMs, bMs); negative when b is before a. */
export function workingMsBetween(cal: Calendar, aMs: number, bMs: number): number {
  if (bMs < aMs) return -workingMsBetween(cal, bMs, aMs);
  let total = 0;
  const lastDay = localDayIndex(cal, bMs);
  for (let day = localDayIndex(cal, aMs); day <= lastDay; day++) {
    if (!isWorkingDayIndex(cal, day)) continue;
    const dayStart = localDayStartMs(cal, day);
    if (dayStart >= aMs && dayStart + DAY_MS <= bMs) {
      total += cal.dayWorkMs;
      continue;
    }
    for (const p of cal.periods) {
      const overlap = Math.min(dayStart + p.end * MINUTE_MS, bMs) - Math.max(dayStart + p.start * MINUTE_MS, aMs);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}

/** The earliest instant at or after `ms` inside a working period ([start, end): an end is not working time). */
export function nextWorkingMs(cal: Calendar, ms: number): number {
  const firstDay = localDayIndex(cal, ms);
  for (let day = firstDay; day - firstDay <= MAX_SCAN_DAYS; day++) {
    if (!isWorkingDayIndex(cal, day)) continue;
    const dayStart = localDayStartMs(cal, day);
    for (const p of cal.periods) {
      if (dayStart + p.end * MINUTE_MS > ms) return Math.max(ms, dayStart + p.start * MINUTE_MS);
    }
  }
  return noWorkingTime();
}

/** Whether the instant is working time: a working day, inside one of its periods [start, end). */
export function isWorkingTime(cal: Calendar, at: Date): boolean {
  const ms = instantMs(at, 'at');
  const day = localDayIndex(cal, ms);
  if (!isWorkingDayIndex(cal, day)) return false;
  const minuteMs = ms - localDayStartMs(cal, day);
  return cal.periods.some((p) => minuteMs >= p.start * MINUTE_MS && minuteMs < p.end * MINUTE_MS);
}

/**
 * The instant when `minutes` working minutes have elapsed from `start` (工作时). A start outside
 * working time begins at the next working period; the result is inside a period or at its end.
 * Fractions of a minute are kept to the millisecond.
 */
export function addWorkingMinutes(cal: Calendar, start: Date, minutes: number): Date {
  return new Date(addWorkingMs(cal, instantMs(start, 'start'), toMs(minutes, 'minutes')));
}

/** Working minutes in [a, b) (fractional when the instants are not on whole minutes); negative when b is before a. */
export function workingMinutesBetween(cal: Calendar, a: Date, b: Date): number {
  return workingMsBetween(cal, instantMs(a, 'a'), instantMs(b, 'b')) / MINUTE_MS;
}

/** The earliest instant at or after `t` that is working time. */
export function nextWorkingInstant(cal: Calendar, t: Date): Date {
  return new Date(nextWorkingMs(cal, instantMs(t, 't')));
}

/** Natural time (自然时): the clock on the wall, nights and holidays included. */
export function addNaturalMinutes(start: Date, minutes: number): Date {
  return new Date(instantMs(start, 'start') + toMs(minutes, 'minutes'));
}
