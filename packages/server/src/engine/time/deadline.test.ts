import { describe, expect, it } from 'vitest';
import { defaultChinaCalendar } from './china-calendar.ts';
import { computeDeadline, slaStateAt, warnAt } from './deadline.ts';

const bj = (s: string) => new Date(`${s.replace(' ', 'T')}+08:00`);
const local = (d: Date | null) =>
  d
    ? new Date(d.getTime() + 8 * 3_600_000)
        .toISOString()
        .replace('T', ' ')
        .replace(/:00\.000Z$/, '')
    : null;
const cal = defaultChinaCalendar();

describe('computeDeadline', () => {
  it('puts a 4-working-hour limit and its 80% warning in working time', () => {
    const d = computeDeadline({ kind: 'working', minutes: 240, start: bj('2026-11-30 10:00'), cal });
    // 10:00–12:00 is 120 minutes, the rest after lunch.
    expect(local(d.dueAt)).toBe('2026-11-30 15:30');
    // 80% of 240 = 192 minutes: 120 before lunch, 72 after.
    expect(local(d.warnAt)).toBe('2026-11-30 14:42');
    expect(d).toMatchObject({ limitMinutes: 240, kind: 'working' });
  });

  it('runs natural-time limits (emergencies) through nights and holidays', () => {
    const d = computeDeadline({ kind: 'natural', minutes: 30, start: bj('2026-10-01 23:50'), warnShare: 0.5 });
    expect(local(d.dueAt)).toBe('2026-10-02 00:20');
    expect(local(d.warnAt)).toBe('2026-10-02 00:05');
  });

  it('adds approved extensions in the same kind of time', () => {
    const d = computeDeadline({ kind: 'working', minutes: 60, extraMinutes: 450, start: bj('2026-11-27 16:00'), cal });
    // 90 minutes on Friday, then 420 of Monday's 450.
    expect(local(d.dueAt)).toBe('2026-11-30 17:00');
    expect(d.limitMinutes).toBe(510);
  });

  it('stops the clock while shelved and moves the deadline by the working time paused', () => {
    // Shelved on Monday 10:00 until Tuesday 10:00: a working day of the limit was paused.
    const d = computeDeadline({
      kind: 'working',
      minutes: 240,
      start: bj('2026-11-30 09:00'),
      cal,
      pausedIntervals: [{ from: bj('2026-11-30 10:00'), to: bj('2026-12-01 10:00') }],
    });
    // 60 minutes before the pause; 180 after Tuesday 10:00: 120 to noon, 60 after lunch.
    expect(local(d.dueAt)).toBe('2026-12-01 14:30');
  });

  it('ignores a pause after the limit ran out, and pauses outside working time', () => {
    const late = computeDeadline({
      kind: 'working',
      minutes: 60,
      start: bj('2026-11-30 09:00'),
      cal,
      pausedIntervals: [{ from: bj('2026-11-30 10:00'), to: bj('2026-11-30 16:00') }],
    });
    expect(local(late.dueAt)).toBe('2026-11-30 10:00');
    const night = computeDeadline({
      kind: 'working',
      minutes: 60,
      start: bj('2026-11-27 17:00'),
      cal,
      pausedIntervals: [{ from: bj('2026-11-28 09:00'), to: bj('2026-11-29 20:00') }],
    });
    expect(local(night.dueAt)).toBe('2026-11-30 09:00');
  });

  it('counts a natural-time pause minute for minute, overlapping pauses once', () => {
    const d = computeDeadline({
      kind: 'natural',
      minutes: 60,
      start: bj('2026-11-30 09:00'),
      pausedIntervals: [
        { from: bj('2026-11-30 09:10'), to: bj('2026-11-30 09:40') },
        { from: bj('2026-11-30 09:30'), to: bj('2026-11-30 09:50') },
        { from: bj('2026-11-30 08:00'), to: bj('2026-11-30 09:05') }, // begun before the start: 5 minutes count
      ],
    });
    expect(local(d.dueAt)).toBe('2026-11-30 10:45');
  });

  it('has no due instant while a pause is open, but keeps a warning that already passed', () => {
    const open = computeDeadline({
      kind: 'working',
      minutes: 100,
      start: bj('2026-11-30 09:00'),
      cal,
      pausedIntervals: [{ from: bj('2026-11-30 10:30'), to: null }],
    });
    expect(open.dueAt).toBeNull();
    expect(local(open.warnAt)).toBe('2026-11-30 10:20');
    expect(slaStateAt(open, bj('2026-11-30 11:00'))).toBe('paused');
  });

  it('refuses nonsense', () => {
    const start = bj('2026-11-30 09:00');
    expect(() => computeDeadline({ kind: 'working', minutes: 60, start })).toThrow(/calendar/);
    expect(() => computeDeadline({ kind: 'natural', minutes: -1, start })).toThrow(RangeError);
    expect(() => computeDeadline({ kind: 'natural', minutes: 60, start, warnShare: 1.5 })).toThrow(RangeError);
    expect(() =>
      computeDeadline({ kind: 'natural', minutes: 60, start, pausedIntervals: [{ from: bj('2026-11-30 10:00'), to: bj('2026-11-30 09:30') }] }),
    ).toThrow(/ends before/);
    expect(() => computeDeadline({ kind: 'natural', minutes: 60, start: new Date('x') })).toThrow(RangeError);
  });
});

describe('warnAt', () => {
  it('measures the share in working time with a calendar, natural time without', () => {
    const start = bj('2026-11-27 16:30');
    const due = bj('2026-11-30 09:30'); // 120 working minutes over a weekend
    // Half of the 120 working minutes is used up at Friday's close, not in the weekend.
    expect(local(warnAt(start, due, 0.5, cal))).toBe('2026-11-27 17:30');
    expect(local(warnAt(start, due, 0.75, cal))).toBe('2026-11-30 09:00');
    expect(local(warnAt(start, due, 0.5))).toBe('2026-11-29 01:00');
    expect(local(warnAt(start, due, 0))).toBe('2026-11-27 16:30');
    expect(local(warnAt(due, start, 0.8, cal))).toBe('2026-11-30 09:30');
  });
});

describe('slaStateAt', () => {
  const d = { dueAt: bj('2026-11-30 12:00'), warnAt: bj('2026-11-30 11:00') };
  it.each([
    ['2026-11-30 10:59', 'on_time'],
    ['2026-11-30 11:00', 'warning'],
    ['2026-11-30 12:00', 'overdue'],
  ])('at %s the light is %s', (now, state) => {
    expect(slaStateAt(d, bj(now))).toBe(state);
  });
});
