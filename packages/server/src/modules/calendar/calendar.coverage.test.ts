import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWorkingDay } from '../../engine/time/calendar.ts';
import { FakeClock } from '../../lib/clock.ts';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { missingHolidayYears } from './calendar.coverage.ts';
import { invalidateCalendarCache, loadCalendar } from './calendar.loader.ts';
import { addNewChinaYears, ensureDefaultCalendar } from './calendar.seed.ts';

const BEIJING = 480;

describe('missingHolidayYears (the rule)', () => {
  const has = (...years: number[]) => new Set(years);
  it('always names the current year when it has no holidays', () => {
    expect(missingHolidayYears(new Date('2027-06-01T00:00:00Z'), BEIJING, has(2026))).toEqual([2027]);
  });
  it('names the next year from 60 days before its 1 January (local time), not earlier', () => {
    // 1 January 2027 00:00 in Beijing is 31 December 2026 16:00 UTC; 60 days before: 1 November 16:00 UTC.
    expect(missingHolidayYears(new Date('2026-11-01T15:59:00Z'), BEIJING, has(2026))).toEqual([]);
    expect(missingHolidayYears(new Date('2026-11-01T16:00:00Z'), BEIJING, has(2026))).toEqual([2027]);
    expect(missingHolidayYears(new Date('2026-12-31T15:59:00Z'), BEIJING, has(2026))).toEqual([2027]);
    // 31 December 16:00 UTC is already 2027 in Beijing: the current year, and 2028 is far.
    expect(missingHolidayYears(new Date('2026-12-31T16:00:00Z'), BEIJING, has(2026))).toEqual([2027]);
    expect(missingHolidayYears(new Date('2026-12-01T00:00:00Z'), BEIJING, has(2026, 2027))).toEqual([]);
  });
  it('names both when neither has holidays', () => {
    expect(missingHolidayYears(new Date('2027-12-15T00:00:00Z'), BEIJING, has(2026))).toEqual([2027, 2028]);
  });
});

describe.each(TEST_DIALECTS)('a calendar that runs out of holidays, on %s', (dialect) => {
  let t: TestApp;
  let id: string;
  // Four weeks before New Year 2027, which the calendar package does not cover yet.
  const clock = new FakeClock('2026-12-03T02:00:00.000Z');

  beforeAll(async () => {
    t = await createTestApp(dialect, { clock });
    id = await ensureDefaultCalendar(t.deps.db, clock.now(), t.deps.ids);
  });
  afterAll(async () => t?.close());

  it('counts New Year’s Day 2027 as a working day while 2027 has no holidays', async () => {
    expect(isWorkingDay(await loadCalendar(t.deps), '2027-01-01')).toBe(true);
  });

  it('warns administrators on the calendar and in /readyz, and stops once 2027 has holidays', async () => {
    const list = (await t.as('admin')('GET', '/api/v1/calendars')).json();
    expect(list.items[0].missingHolidayYears).toEqual([2027]);
    expect((await t.as('admin')('GET', `/api/v1/calendars/${id}?from=2026-12-01&to=2026-12-31`)).json().missingHolidayYears).toEqual([2027]);
    const ready = await t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', details: { calendar: { ok: false, missingHolidayYears: [2027] } } });
    expect(ready.json().details.calendar.message).toContain('2027');

    expect((await t.as('admin')('PUT', `/api/v1/calendars/${id}/days/2027-01-01`, { kind: 'holiday', note: '元旦' })).statusCode).toBe(200);
    expect((await t.as('admin')('GET', '/api/v1/calendars')).json().items[0].missingHolidayYears).toEqual([]);
    expect((await t.app.inject('/readyz')).json().details.calendar).toEqual({ ok: true, missingHolidayYears: [] });
    expect(isWorkingDay(await loadCalendar(t.deps), '2027-01-01')).toBe(false);

    // A year later with nothing for 2028 either: the current year is never quiet when it has none.
    clock.set('2028-03-01T00:00:00.000Z');
    expect((await t.app.inject('/readyz')).json().details.calendar.missingHolidayYears).toEqual([2028]);
    clock.set('2026-12-03T02:00:00.000Z');
  });

  it('adds the years a newer calendar package brings to an installation seeded before it', async () => {
    // As if the calendar had been seeded by a package that ended in 2025.
    await t.deps.db.deleteFrom('calendar_days').where('calendar_id', '=', id).where('date', '>=', '2026-01-01').execute();
    invalidateCalendarCache(t.deps);
    expect(isWorkingDay(await loadCalendar(t.deps), '2026-10-01')).toBe(true);
    expect(await addNewChinaYears(t.deps, id)).toEqual([2026]);
    expect(isWorkingDay(await loadCalendar(t.deps), '2026-10-01')).toBe(false);
    // Nothing more to add; what the administrators did to earlier years stays.
    expect(await addNewChinaYears(t.deps.db, id)).toEqual([]);
  });
});
