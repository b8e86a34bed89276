import { describe, expect, it } from 'vitest';
import { backoffDelayMs, nextRateSlot, parseQuietHours, quietHoursEnd, scheduleSms, type SchedulePolicy } from './schedule.policy.ts';

const SH = 480; // Asia/Shanghai, UTC+8
/** A Beijing wall-clock time as epoch ms. */
const bj = (local: string) => Date.parse(`${local}+08:00`);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const H = 3_600_000;
const M = 60_000;

describe('parseQuietHours', () => {
  it('reads a period across midnight, a daytime one, and "off"', () => {
    expect(parseQuietHours('22:00-07:00')).toEqual({ startMinute: 1320, endMinute: 420 });
    expect(parseQuietHours(' 12:30 - 14:00 ')).toEqual({ startMinute: 750, endMinute: 840 });
    expect(parseQuietHours('off')).toBeNull();
    expect(parseQuietHours('')).toBeNull();
  });

  it('rejects nonsense with a message naming the expected shape', () => {
    for (const bad of ['22-07', '24:00-07:00', '22:60-07:00', 'night', '07:00-07:00']) {
      expect(() => parseQuietHours(bad), bad).toThrow(/22:00-07:00|same time/);
    }
  });
});

describe('quietHoursEnd (22:00–07:00 Beijing)', () => {
  const q = parseQuietHours('22:00-07:00');
  const cases: Array<[string, string | null]> = [
    ['2026-11-28T21:59:59', null],
    ['2026-11-28T22:00:00', '2026-11-29T07:00:00'],
    ['2026-11-28T23:30:00', '2026-11-29T07:00:00'],
    ['2026-11-29T00:00:00', '2026-11-29T07:00:00'],
    ['2026-11-29T06:59:59', '2026-11-29T07:00:00'],
    ['2026-11-29T07:00:00', null],
    ['2026-11-29T12:00:00', null],
    // Month and year ends roll over like any other night.
    ['2026-11-30T23:00:00', '2026-12-01T07:00:00'],
    ['2026-12-31T22:15:00', '2027-01-01T07:00:00'],
    ['2028-02-28T22:00:00', '2028-02-29T07:00:00'],
  ];
  it.each(cases)('at %s (Beijing) → %s', (at, end) => {
    expect(iso(quietHoursEnd(bj(at), q, SH))).toBe(end === null ? null : new Date(bj(end)).toISOString());
  });

  it('works from UTC: 15:00Z is 23:00 in Beijing', () => {
    expect(iso(quietHoursEnd(Date.parse('2026-11-28T15:00:00Z'), q, SH))).toBe('2026-11-28T23:00:00.000Z');
  });

  it('handles a daytime period and no period at all', () => {
    const noon = parseQuietHours('12:00-14:00');
    expect(iso(quietHoursEnd(bj('2026-11-28T13:00:00'), noon, SH))).toBe(new Date(bj('2026-11-28T14:00:00')).toISOString());
    expect(quietHoursEnd(bj('2026-11-28T11:59:00'), noon, SH)).toBeNull();
    expect(quietHoursEnd(bj('2026-11-28T14:00:00'), noon, SH)).toBeNull();
    expect(quietHoursEnd(bj('2026-11-28T23:00:00'), null, SH)).toBeNull();
  });
});

describe('nextRateSlot (3 per sliding hour)', () => {
  const t0 = bj('2026-11-28T10:00:00');
  it('lets a message through while the hour has room', () => {
    expect(nextRateSlot(t0, [], 3)).toBe(t0);
    expect(nextRateSlot(t0, [t0 - 30 * M, t0 - 10 * M], 3)).toBe(t0);
  });

  it('defers to when the oldest message of the hour leaves the window', () => {
    expect(nextRateSlot(t0, [t0 - 50 * M, t0 - 20 * M, t0 - 5 * M], 3)).toBe(t0 + 10 * M);
  });

  it('counts messages already deferred into the future', () => {
    // Three scheduled at 10:10, 10:20, 10:30: the next may go at 11:10, not now.
    const future = [t0 + 10 * M, t0 + 20 * M, t0 + 30 * M];
    expect(nextRateSlot(t0, future, 3)).toBe(t0 + 70 * M);
  });

  it('fits between two bursts when a whole hour is free there', () => {
    const s = [t0 - 59 * M, t0 - 58 * M, t0 - 57 * M, t0 + 3 * H, t0 + 3 * H, t0 + 3 * H];
    expect(nextRateSlot(t0, s, 3)).toBe(t0 + 1 * M);
  });

  it('0 means no limit', () => {
    expect(nextRateSlot(t0, [t0, t0, t0, t0], 0)).toBe(t0);
  });

  it('never schedules more than the limit in any hour (repeated use)', () => {
    const s: number[] = [];
    for (let i = 0; i < 20; i++) s.push(nextRateSlot(t0, s, 3));
    s.sort((a, b) => a - b);
    for (const u of s) expect(s.filter((x) => x > u - H && x <= u).length).toBeLessThanOrEqual(3);
    expect(s[19]).toBe(t0 + 6 * H);
  });
});

describe('scheduleSms', () => {
  const policy: SchedulePolicy = { quiet: parseQuietHours('22:00-07:00'), utcOffsetMinutes: SH, ratePerHour: 2 };

  it('urgent goes now, even at 3 a.m. over the limit', () => {
    const at = bj('2026-11-29T03:00:00');
    expect(scheduleSms(at, true, [at, at, at], policy)).toBe(at);
  });

  it('non-urgent at night waits for 07:00', () => {
    expect(iso(scheduleSms(bj('2026-11-28T23:10:00'), false, [], policy))).toBe(new Date(bj('2026-11-29T07:00:00')).toISOString());
  });

  it('a rate-limit deferral landing in quiet hours moves on to the morning', () => {
    const at = bj('2026-11-28T21:30:00');
    expect(iso(scheduleSms(at, false, [at - 10 * M, at - 5 * M], policy))).toBe(new Date(bj('2026-11-29T07:00:00')).toISOString());
  });

  it('a morning crowded by earlier deferrals spreads over the following hours', () => {
    const seven = bj('2026-11-29T07:00:00');
    expect(scheduleSms(bj('2026-11-28T23:00:00'), false, [seven, seven], policy)).toBe(seven + H);
  });
});

describe('backoffDelayMs', () => {
  it('doubles from 2 s with jitter between half and the full step', () => {
    expect(backoffDelayMs(1, () => 0)).toBe(1_000);
    expect(backoffDelayMs(1, () => 0.999999)).toBe(2_000);
    expect(backoffDelayMs(2, () => 0)).toBe(2_000);
    expect(backoffDelayMs(4, () => 0.5)).toBe(12_000);
  });

  it('is capped at 10 minutes', () => {
    expect(backoffDelayMs(30, () => 0.999999)).toBe(600_000);
    expect(backoffDelayMs(30, () => 0)).toBe(300_000);
  });
});
