import { describe, expect, it } from 'vitest';
import { createCalendar, isWorkingDay, validateCalendarSpec } from './calendar.ts';
import { defaultChinaCalendar } from './china-calendar.ts';
import { addNaturalMinutes, addWorkingMinutes, isWorkingTime, nextWorkingInstant, workingMinutesBetween } from './working-time.ts';

/** A local Beijing time 'YYYY-MM-DD HH:MM[:SS.mmm]' as an instant. */
const bj = (s: string) => new Date(`${s.replace(' ', 'T')}+08:00`);
/** An instant shown as local Beijing time, for readable failures. */
const local = (d: Date) =>
  new Date(d.getTime() + 8 * 3_600_000)
    .toISOString()
    .replace('T', ' ')
    .replace(/:00\.000Z$/, '')
    .replace(/Z$/, '');

const cal = defaultChinaCalendar();

describe('addWorkingMinutes on the China calendar (08:30–12:00, 13:30–17:30, Mon–Fri)', () => {
  it.each([
    // [start (Beijing), working minutes, due (Beijing)]
    ['2026-11-27 17:00', 60, '2026-11-30 09:00'], // Friday evening → Monday morning
    ['2026-11-27 16:30', 60, '2026-11-27 17:30'], // used up exactly at the end of the day: due then, not Monday
    ['2026-11-30 11:30', 60, '2026-11-30 14:00'], // across the lunch break
    ['2026-11-30 11:00', 60, '2026-11-30 12:00'], // ends exactly at the lunch break
    ['2026-11-30 12:00', 1, '2026-11-30 13:31'], // starting at exactly 12:00
    ['2026-11-30 12:45', 30, '2026-11-30 14:00'], // starting during lunch
    ['2026-11-30 07:00', 60, '2026-11-30 09:30'], // before 08:30
    ['2026-11-30 08:30', 450, '2026-11-30 17:30'], // one whole working day
    ['2026-11-30 08:30', 451, '2026-12-01 08:31'],
    ['2026-11-30 17:30', 1, '2026-12-01 08:31'], // at the end of the day
    ['2026-11-30 23:59', 1, '2026-12-01 08:31'], // local night (UTC afternoon)
    ['2026-11-28 10:00', 30, '2026-11-30 09:00'], // on a Saturday
    ['2026-11-30 08:30', 240, '2026-11-30 14:00'], // a 4-working-hour limit (exposed garbage)
    ['2026-11-30 08:30', 20 * 450, '2026-12-25 17:30'], // 20 working days (illegal building)
    ['2026-11-30 10:00', 0, '2026-11-30 10:00'],
    ['2026-11-28 10:00', 0, '2026-11-28 10:00'], // zero needs no time, even off work
  ])('%s + %i working minutes → %s', (start, minutes, due) => {
    expect(local(addWorkingMinutes(cal, bj(start), minutes))).toBe(due);
  });

  it.each([
    ['2026-09-18 17:00', 60, '2026-09-20 09:00', 'Friday → the adjusted working Sunday before National Day (调休)'],
    ['2026-09-24 17:00', 60, '2026-09-28 09:00', 'over the Mid-autumn Friday and the weekend'],
    ['2026-09-30 17:00', 60, '2026-10-08 09:00', 'over the National Day week'],
    ['2026-09-30 08:30', 900, '2026-10-08 17:30', 'two working days around National Day'],
    ['2026-10-09 17:00', 60, '2026-10-10 09:00', 'onto the adjusted working Saturday after National Day'],
    ['2026-02-13 17:00', 60, '2026-02-14 09:00', 'onto the adjusted working Saturday before the Spring Festival'],
    ['2026-02-14 17:00', 60, '2026-02-24 09:00', 'over the Spring Festival'],
    ['2025-09-26 17:00', 60, '2025-09-28 09:00', '2025: onto the adjusted working Sunday 28 September'],
    ['2025-09-30 17:00', 60, '2025-10-09 09:00', '2025: over National Day and Mid-autumn (1–8 October)'],
    // Beyond the package's years: Friday 1 January 2027 is a working day until an administrator marks it.
    ['2026-12-31 17:00', 60, '2027-01-01 09:00', '2027 is not announced in the package yet'],
  ])('%s + %i → %s (%s)', (start, minutes, due) => {
    expect(local(addWorkingMinutes(cal, bj(start), minutes))).toBe(due);
  });

  it('keeps seconds and milliseconds of the start', () => {
    expect(addWorkingMinutes(cal, bj('2026-11-30 10:00:00.123'), 1).toISOString()).toBe(bj('2026-11-30 10:01:00.123').toISOString());
    expect(addWorkingMinutes(cal, bj('2026-11-30 11:59:30.500'), 1).toISOString()).toBe(bj('2026-11-30 13:30:30.500').toISOString());
    expect(addWorkingMinutes(cal, bj('2026-11-30 10:00'), 0.5).toISOString()).toBe(bj('2026-11-30 10:00:30.000').toISOString());
  });

  it('handles limits of years without walking minute by minute', () => {
    const due = addWorkingMinutes(cal, bj('2015-01-05 08:30'), 250 * 10 * 450);
    expect(workingMinutesBetween(cal, bj('2015-01-05 08:30'), due)).toBe(250 * 10 * 450);
    expect(due.getUTCFullYear()).toBe(2025);
  });

  it('refuses negative or non-finite minutes and invalid dates', () => {
    expect(() => addWorkingMinutes(cal, bj('2026-11-30 10:00'), -1)).toThrow(RangeError);
    expect(() => addWorkingMinutes(cal, bj('2026-11-30 10:00'), Number.NaN)).toThrow(RangeError);
    expect(() => addWorkingMinutes(cal, new Date('nope'), 1)).toThrow(RangeError);
  });

  it('says so when a calendar has no working time at all, instead of looping forever', () => {
    const never = createCalendar({ tzOffsetMinutes: 480, workingPeriods: [{ start: '08:30', end: '12:00' }], weeklyWorkingDays: [] });
    expect(() => addWorkingMinutes(never, bj('2026-11-30 10:00'), 1)).toThrow(/no working time/);
    expect(() => nextWorkingInstant(never, bj('2026-11-30 10:00'))).toThrow(/no working time/);
  });
});

describe('workingMinutesBetween', () => {
  it.each([
    ['2026-11-27 17:00', '2026-11-30 09:00', 60],
    ['2026-11-30 09:00', '2026-11-27 17:00', -60],
    ['2026-11-30 10:00', '2026-11-30 10:00', 0],
    ['2026-11-30 11:30', '2026-11-30 14:00', 60],
    ['2026-11-30 12:10', '2026-11-30 13:20', 0],
    ['2026-11-30 00:00', '2026-12-07 00:00', 5 * 450],
    ['2026-09-30 08:30', '2026-10-09 08:30', 900], // the National Day week counts nothing
    ['2026-09-19 00:00', '2026-09-21 00:00', 450], // the weekend holds one adjusted working Sunday
    ['2026-11-30 10:00:30', '2026-11-30 10:01:00', 0.5],
  ])('%s → %s = %d working minutes', (a, b, minutes) => {
    expect(workingMinutesBetween(cal, bj(a), bj(b))).toBe(minutes);
  });
});

describe('nextWorkingInstant and isWorkingTime', () => {
  it.each([
    ['2026-11-30 10:00', '2026-11-30 10:00'],
    ['2026-11-30 08:30', '2026-11-30 08:30'],
    ['2026-11-30 12:00', '2026-11-30 13:30'], // an end is not working time
    ['2026-11-30 12:30', '2026-11-30 13:30'],
    ['2026-11-30 17:30', '2026-12-01 08:30'],
    ['2026-11-28 09:00', '2026-11-30 08:30'],
    ['2026-10-01 09:00', '2026-10-08 08:30'],
    ['2026-09-19 23:00', '2026-09-20 08:30'],
  ])('after %s work resumes at %s', (t, next) => {
    expect(local(nextWorkingInstant(cal, bj(t)))).toBe(next);
  });

  it('tells working time from breaks, nights, weekends and holidays', () => {
    expect(isWorkingTime(cal, bj('2026-11-30 08:30'))).toBe(true);
    expect(isWorkingTime(cal, bj('2026-11-30 11:59:59.999'))).toBe(true);
    expect(isWorkingTime(cal, bj('2026-11-30 12:00'))).toBe(false);
    expect(isWorkingTime(cal, bj('2026-11-30 08:29:59.999'))).toBe(false);
    expect(isWorkingTime(cal, bj('2026-11-28 10:00'))).toBe(false);
    expect(isWorkingTime(cal, bj('2026-10-01 10:00'))).toBe(false);
    expect(isWorkingTime(cal, bj('2026-09-20 10:00'))).toBe(true);
  });
});

describe('isWorkingDay', () => {
  it('follows holidays, adjusted working days and the week', () => {
    expect(isWorkingDay(cal, '2026-10-01')).toBe(false); // National Day
    expect(isWorkingDay(cal, '2026-10-02')).toBe(false);
    expect(isWorkingDay(cal, '2026-09-20')).toBe(true); // Sunday, 调休
    expect(isWorkingDay(cal, '2026-09-19')).toBe(false); // an ordinary Saturday
    expect(isWorkingDay(cal, '2026-11-30')).toBe(true); // an ordinary Monday
    expect(isWorkingDay(cal, '2026-11-29')).toBe(false);
  });

  it('reads an instant in the calendar time zone, not UTC', () => {
    // 00:30 on 1 October in Beijing is still 30 September in UTC.
    expect(isWorkingDay(cal, new Date('2026-09-30T16:30:00Z'))).toBe(false);
    expect(isWorkingDay(cal, new Date('2026-09-30T15:30:00Z'))).toBe(true);
  });

  it('refuses a malformed date', () => {
    expect(() => isWorkingDay(cal, '2026-02-30')).toThrow(RangeError);
    expect(() => isWorkingDay(cal, '20261001')).toThrow(RangeError);
  });
});

describe('calendar specs', () => {
  const spec = (workingPeriods: Array<{ start: string; end: string }>, weeklyWorkingDays = [1, 2, 3, 4, 5]) => ({
    tzOffsetMinutes: 480,
    workingPeriods,
    weeklyWorkingDays,
  });

  it('lists every problem: overlaps, backwards or malformed times, bad weekdays and dates', () => {
    const problems = validateCalendarSpec({
      ...spec(
        [
          { start: '08:30', end: '12:00' },
          { start: '11:00', end: '13:00' },
          { start: '18:00', end: '17:00' },
          { start: '8:30', end: '24:30' },
        ],
        [1, 1, 0, 8],
      ),
      tzOffsetMinutes: 900,
      holidays: ['2026-02-30'],
    });
    expect(problems.map((p) => p.path).sort()).toEqual([
      'holidays.0',
      'tzOffsetMinutes',
      'weeklyWorkingDays.1',
      'weeklyWorkingDays.2',
      'weeklyWorkingDays.3',
      'workingPeriods.1',
      'workingPeriods.2',
      'workingPeriods.3.end',
      'workingPeriods.3.start',
    ]);
    expect(problems.find((p) => p.path === 'workingPeriods.1')?.message).toBe('11:00–13:00 overlaps 08:30–12:00');
    expect(validateCalendarSpec(spec([]))).toEqual([{ path: 'workingPeriods', message: 'at least one working period is needed' }]);
  });

  it('accepts touching periods, several periods and a period to midnight', () => {
    expect(
      validateCalendarSpec(
        spec([
          { start: '00:00', end: '06:00' },
          { start: '06:00', end: '12:00' },
          { start: '20:00', end: '24:00' },
        ]),
      ),
    ).toEqual([]);
    const c = createCalendar(
      spec([
        { start: '13:00', end: '14:00' },
        { start: '09:00', end: '12:00' },
        { start: '12:00', end: '13:00' },
      ]),
    );
    // One stretch 09:00–14:00: a limit used up at 13:00 does not stop "at the end of a period".
    expect(c.periods).toEqual([{ start: 540, end: 840 }]);
    expect(local(addWorkingMinutes(c, bj('2026-11-30 12:00'), 60))).toBe('2026-11-30 13:00');
    expect(() => createCalendar(spec([{ start: '10:00', end: '09:00' }]))).toThrow(/workingPeriods.0/);
  });

  it('counts three periods a day (a night shift to midnight)', () => {
    const c = createCalendar(
      spec(
        [
          { start: '08:00', end: '12:00' },
          { start: '14:00', end: '18:00' },
          { start: '20:00', end: '24:00' },
        ],
        [1, 2, 3, 4, 5, 6, 7],
      ),
    );
    expect(local(addWorkingMinutes(c, bj('2026-11-30 23:00'), 120))).toBe('2026-12-01 09:00');
    expect(workingMinutesBetween(c, bj('2026-11-30 00:00'), bj('2026-12-01 00:00'))).toBe(720);
  });

  it('works in another fixed offset (UTC−5)', () => {
    const c = createCalendar({ tzOffsetMinutes: -300, workingPeriods: [{ start: '09:00', end: '17:00' }], weeklyWorkingDays: [1, 2, 3, 4, 5] });
    // Friday 16:00 in UTC−5 is 21:00Z; one hour later is Monday 10:00 local = 15:00Z.
    expect(addWorkingMinutes(c, new Date('2026-11-27T21:00:00Z'), 120).toISOString()).toBe('2026-11-30T15:00:00.000Z');
  });
});

describe('addNaturalMinutes', () => {
  it('counts the wall clock, nights and holidays included', () => {
    expect(local(addNaturalMinutes(bj('2026-09-30 17:00'), 24 * 60))).toBe('2026-10-01 17:00');
    expect(addNaturalMinutes(bj('2026-09-30 17:00:00.250'), 5).toISOString()).toBe(bj('2026-09-30 17:05:00.250').toISOString());
    expect(() => addNaturalMinutes(bj('2026-09-30 17:00'), -5)).toThrow(RangeError);
  });
});
