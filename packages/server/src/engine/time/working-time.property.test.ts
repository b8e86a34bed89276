import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Calendar, createCalendar, formatTimeOfDay } from './calendar.ts';
import { defaultChinaCalendar } from './china-calendar.ts';
import { computeDeadline, warnAt } from './deadline.ts';
import { addNaturalMinutes, addWorkingMinutes, isWorkingTime, nextWorkingInstant, workingMinutesBetween } from './working-time.ts';

const FROM = Date.parse('2024-12-01T00:00:00Z');
const TO = Date.parse('2027-01-31T00:00:00Z');

/** Instants over two years, on whole minutes or anywhere to the millisecond. */
const instant = fc.oneof(
  fc.integer({ min: FROM / 60_000, max: TO / 60_000 }).map((m) => new Date(m * 60_000)),
  fc.integer({ min: FROM, max: TO }).map((ms) => new Date(ms)),
);
/** Limits from a minute to about 40 working days. */
const minutes = fc.integer({ min: 0, max: 40 * 450 });

const date2026 = fc.integer({ min: 0, max: 364 }).map((d) => new Date(Date.parse('2026-01-01T00:00:00Z') + d * 86_400_000).toISOString().slice(0, 10));

/** Arbitrary calendars: 1–4 periods from distinct boundaries, any non-empty week, random days off and on. */
const calendar: fc.Arbitrary<Calendar> = fc
  .record({
    bounds: fc.uniqueArray(fc.integer({ min: 0, max: 1440 }), { minLength: 2, maxLength: 8 }).filter((b) => b.length % 2 === 0),
    week: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
    holidays: fc.uniqueArray(date2026, { maxLength: 40 }),
    workdays: fc.uniqueArray(date2026, { maxLength: 10 }),
    tz: fc.constantFrom(480, 0, -300, 345),
  })
  .map(({ bounds, week, holidays, workdays, tz }) => {
    const sorted = [...bounds].sort((a, b) => a - b);
    const workingPeriods = [];
    for (let i = 0; i < sorted.length; i += 2) workingPeriods.push({ start: formatTimeOfDay(sorted[i]!), end: formatTimeOfDay(sorted[i + 1]!) });
    return createCalendar({ tzOffsetMinutes: tz, workingPeriods, weeklyWorkingDays: week, holidays, workdays });
  })
  // At least an hour of work a week, so 40 working days fit in the arithmetic's 100-year horizon.
  .filter((cal) => cal.dayWorkMs * cal.weeklyWorkingDays.size >= 3_600_000);

const china = defaultChinaCalendar();
const anyCalendar = fc.oneof(fc.constant(china), calendar);

describe('working-time properties', () => {
  it('the working minutes between a start and start + m working minutes are exactly m', () => {
    fc.assert(
      fc.property(anyCalendar, instant, minutes, (cal, a, m) => {
        expect(workingMinutesBetween(cal, a, addWorkingMinutes(cal, a, m))).toBe(m);
      }),
      { numRuns: 500 },
    );
  });

  it('the due instant is the earliest: one millisecond before it, less than m has elapsed', () => {
    fc.assert(
      fc.property(
        anyCalendar,
        instant,
        minutes.filter((m) => m > 0),
        (cal, a, m) => {
          const due = addWorkingMinutes(cal, a, m);
          expect(workingMinutesBetween(cal, a, new Date(due.getTime() - 1))).toBeLessThan(m);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is monotonic in the limit and in the start', () => {
    fc.assert(
      fc.property(anyCalendar, instant, instant, minutes, minutes, (cal, a1, a2, m1, m2) => {
        const [a, b] = a1 <= a2 ? [a1, a2] : [a2, a1];
        const [lo, hi] = m1 <= m2 ? [m1, m2] : [m2, m1];
        expect(addWorkingMinutes(cal, a, lo).getTime()).toBeLessThanOrEqual(addWorkingMinutes(cal, a, hi).getTime());
        expect(addWorkingMinutes(cal, a, lo).getTime()).toBeLessThanOrEqual(addWorkingMinutes(cal, b, lo).getTime());
        expect(workingMinutesBetween(cal, a, b)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it('always lands inside a working period or exactly at its end', () => {
    fc.assert(
      fc.property(
        anyCalendar,
        instant,
        minutes.filter((m) => m > 0),
        (cal, a, m) => {
          const due = addWorkingMinutes(cal, a, m);
          // The millisecond before the due instant was worked; the due instant itself may be a period's end.
          expect(isWorkingTime(cal, new Date(due.getTime() - 1))).toBe(true);
          expect(due.getTime()).toBeGreaterThan(a.getTime());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is additive: m1 then m2 working minutes is m1 + m2', () => {
    fc.assert(
      fc.property(anyCalendar, instant, minutes, minutes, (cal, a, m1, m2) => {
        const stepwise = addWorkingMinutes(cal, addWorkingMinutes(cal, a, m1), m2);
        const direct = addWorkingMinutes(cal, a, m1 + m2);
        if (m2 > 0) expect(stepwise.getTime()).toBe(direct.getTime());
        expect(workingMinutesBetween(cal, a, stepwise)).toBe(m1 + m2);
      }),
      { numRuns: 300 },
    );
  });

  it('nextWorkingInstant is working time, and no working time lies before it', () => {
    fc.assert(
      fc.property(anyCalendar, instant, (cal, t) => {
        const next = nextWorkingInstant(cal, t);
        expect(isWorkingTime(cal, next)).toBe(true);
        expect(workingMinutesBetween(cal, t, next)).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with natural time on a calendar working 24 hours every day', () => {
    const always = createCalendar({ tzOffsetMinutes: 480, workingPeriods: [{ start: '00:00', end: '24:00' }], weeklyWorkingDays: [1, 2, 3, 4, 5, 6, 7] });
    fc.assert(
      fc.property(instant, instant, minutes, (a, b, m) => {
        expect(addWorkingMinutes(always, a, m).getTime()).toBe(addNaturalMinutes(a, m).getTime());
        expect(workingMinutesBetween(always, a, b)).toBe((b.getTime() - a.getTime()) / 60_000);
      }),
      { numRuns: 300 },
    );
  });
});

describe('deadline properties', () => {
  const pause = fc
    .record({ start: instant, lengthMin: fc.integer({ min: 0, max: 20 * 1440 }) })
    .map(({ start, lengthMin }) => ({ from: start, to: new Date(start.getTime() + lengthMin * 60_000) }));

  it('without pauses, the deadline is start + the limit and its extensions', () => {
    fc.assert(
      fc.property(anyCalendar, instant, minutes, fc.integer({ min: 0, max: 2000 }), (cal, start, m, extra) => {
        const d = computeDeadline({ kind: 'working', minutes: m, extraMinutes: extra, start, cal });
        expect(d.dueAt!.getTime()).toBe(addWorkingMinutes(cal, start, m + extra).getTime());
        expect(computeDeadline({ kind: 'natural', minutes: m, start }).dueAt!.getTime()).toBe(start.getTime() + m * 60_000);
      }),
      { numRuns: 200 },
    );
  });

  it('paused time does not count: working time from start to due, less the pauses inside, is the limit', () => {
    fc.assert(
      fc.property(anyCalendar, instant, minutes, fc.array(pause, { maxLength: 4 }), (cal, start, m, pauses) => {
        const { dueAt } = computeDeadline({ kind: 'working', minutes: m, start, cal, pausedIntervals: pauses });
        const due = dueAt!;
        expect(due.getTime()).toBeGreaterThanOrEqual(addWorkingMinutes(cal, start, m).getTime());
        // Merge the pauses clipped to [start, due] and subtract the working time they hold.
        const clipped = pauses
          .map((p) => [Math.max(p.from.getTime(), start.getTime()), Math.min(p.to.getTime(), due.getTime())] as const)
          .filter(([f, t]) => t > f)
          .sort((x, y) => x[0] - y[0]);
        const merged: Array<[number, number]> = [];
        for (const [f, t] of clipped) {
          const last = merged[merged.length - 1];
          if (last && f <= last[1]) last[1] = Math.max(last[1], t);
          else merged.push([f, t]);
        }
        const paused = merged.reduce((s, [f, t]) => s + workingMinutesBetween(cal, new Date(f), new Date(t)), 0);
        expect(workingMinutesBetween(cal, start, due) - paused).toBeCloseTo(m, 6);
      }),
      { numRuns: 300 },
    );
  });

  it('the warning lies between start and due, later for a larger share', () => {
    fc.assert(
      fc.property(
        anyCalendar,
        instant,
        minutes,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (cal, start, m, s1, s2) => {
          const due = addWorkingMinutes(cal, start, m);
          const [lo, hi] = s1 <= s2 ? [s1, s2] : [s2, s1];
          const w1 = warnAt(start, due, lo, cal).getTime();
          const w2 = warnAt(start, due, hi, cal).getTime();
          expect(start.getTime()).toBeLessThanOrEqual(w1);
          expect(w1).toBeLessThanOrEqual(w2);
          expect(w2).toBeLessThanOrEqual(due.getTime());
          expect(warnAt(start, due, 1, cal).getTime()).toBe(due.getTime());
        },
      ),
      { numRuns: 300 },
    );
  });
});
