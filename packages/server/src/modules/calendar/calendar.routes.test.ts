import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWorkingDay } from '../../engine/time/calendar.ts';
import { seedChinaCalendar } from '../../engine/time/china-calendar.ts';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { loadCalendar } from './calendar.loader.ts';
import { insertCalendarUnlessConflict } from './calendar.repository.ts';
import { ensureDefaultCalendar } from './calendar.seed.ts';

const deadlineUrl = (id: string, start: string, minutes: number, extra = '') =>
  `/api/v1/calendars/${id}/deadline?start=${encodeURIComponent(start)}&minutes=${minutes}${extra}`;

describe.each(TEST_DIALECTS)('working calendars on %s', (dialect) => {
  let t: TestApp;
  let id: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('computes with China’s calendar before seeding, and seeds the default exactly once under concurrency', async () => {
    const before = await loadCalendar(t.deps);
    expect(isWorkingDay(before, '2026-10-01')).toBe(false);
    expect(isWorkingDay(before, '2026-09-20')).toBe(true);

    const ids = await Promise.all([1, 2, 3].map(() => ensureDefaultCalendar(t.deps.db, t.clock.now(), t.deps.ids)));
    expect(new Set(ids).size).toBe(1);
    id = ids[0]!;
    expect(await ensureDefaultCalendar(t.deps.db, t.clock.now(), t.deps.ids)).toBe(id);
    // The database itself refuses a second default, whoever tries.
    const row = await t.deps.db.selectFrom('calendars').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(await insertCalendarUnlessConflict(t.deps.db, { ...row, id: 'a-second-default' })).toBe(false);
    const calendars = await t.deps.db.selectFrom('calendars').select('id').execute();
    expect(calendars).toHaveLength(1);
    const days = await t.deps.db.selectFrom('calendar_days').select('date').where('calendar_id', '=', id).execute();
    expect(days).toHaveLength(seedChinaCalendar().days.length);
  });

  it('lists the default calendar to any signed-in user', async () => {
    const res = await t.as('handlerVA1')('GET', '/api/v1/calendars');
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([
      expect.objectContaining({
        id,
        tzOffsetMinutes: 480,
        workingPeriods: [
          { start: '08:30', end: '12:00' },
          { start: '13:30', end: '17:30' },
        ],
        weeklyWorkingDays: [1, 2, 3, 4, 5],
        workingMinutesPerDay: 450,
        isDefault: true,
      }),
    ]);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/calendars' })).statusCode).toBe(401);
  });

  it('shows the holidays and adjusted working days of a range', async () => {
    const res = await t.as('gwA1a')('GET', `/api/v1/calendars/${id}?from=2026-09-15&to=2026-10-12`);
    expect(res.statusCode).toBe(200);
    expect(res.json().days).toEqual([
      { date: '2026-09-20', kind: 'workday', note: '国庆节调休' },
      { date: '2026-09-25', kind: 'holiday', note: '中秋' },
      { date: '2026-09-26', kind: 'holiday', note: '中秋' },
      { date: '2026-09-27', kind: 'holiday', note: '中秋' },
      ...[1, 2, 3, 4, 5, 6, 7].map((d) => ({ date: `2026-10-0${d}`, kind: 'holiday', note: '国庆节' })),
      { date: '2026-10-10', kind: 'workday', note: '国庆节调休' },
    ]);
    // By default, this year and the next in Beijing time.
    const whole = (await t.as('gwA1a')('GET', `/api/v1/calendars/${id}`)).json();
    expect([whole.from, whole.to]).toEqual(['2026-01-01', '2027-12-31']);
    expect(whole.days.some((d: { date: string }) => d.date === '2026-02-17')).toBe(true);
  });

  it('answers due and warning instants in working and natural time', async () => {
    // Wednesday 30 September 17:00 in Beijing + 60 working minutes: 30 that day, 30 after National Day.
    const res = await t.as('gwA1a')('GET', deadlineUrl(id, '2026-09-30T17:00:00+08:00', 60));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      calendarId: id,
      kind: 'working',
      minutes: 60,
      warnShare: 0.8,
      start: '2026-09-30T09:00:00.000Z',
      dueAt: '2026-10-08T01:00:00.000Z', // 09:00 in Beijing
      warnAt: '2026-10-08T00:48:00.000Z', // 48 of 60 minutes: 08:48
    });
    const natural = (await t.as('gwA1a')('GET', deadlineUrl(id, '2026-09-30T17:00:00+08:00', 60, '&kind=natural&warnShare=0.5'))).json();
    expect([natural.dueAt, natural.warnAt]).toEqual(['2026-09-30T10:00:00.000Z', '2026-09-30T09:30:00.000Z']);
  });

  it('refuses unknown calendars, malformed dates and limits with clear 4xx', async () => {
    const unknown = await t.as('gwA1a')('GET', '/api/v1/calendars/nope');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('CALENDAR_NOT_FOUND');
    expect((await t.as('gwA1a')('GET', `/api/v1/calendars/${id}?from=2026-02-30`)).statusCode).toBe(400);
    expect((await t.as('gwA1a')('GET', `/api/v1/calendars/${id}?from=2026-10-01&to=2026-09-01`)).statusCode).toBe(400);
    expect((await t.as('gwA1a')('GET', `/api/v1/calendars/${id}?from=2000-01-01&to=2026-01-01`)).statusCode).toBe(400);
    expect((await t.as('gwA1a')('GET', deadlineUrl(id, 'yesterday', 60))).statusCode).toBe(400);
    expect((await t.as('gwA1a')('GET', deadlineUrl(id, '2026-09-30T17:00:00+08:00', -5))).statusCode).toBe(400);
    expect((await t.as('gwA1a')('GET', deadlineUrl(id, '2026-09-30T17:00:00+08:00', 60, '&kind=lunar'))).statusCode).toBe(400);
    expect((await t.as('admin')('PUT', `/api/v1/calendars/${id}/days/2026-02-30`, { kind: 'holiday' })).statusCode).toBe(400);
    expect((await t.as('admin')('PUT', `/api/v1/calendars/${id}/days/2026-12-31`, { kind: 'weekend' })).statusCode).toBe(400);
  });

  it('lets only administrators edit', async () => {
    for (const [method, url, body] of [
      ['PUT', `/api/v1/calendars/${id}`, { weeklyWorkingDays: [1, 2, 3, 4, 5, 6] }],
      ['PUT', `/api/v1/calendars/${id}/days/2026-12-31`, { kind: 'holiday' }],
      ['DELETE', `/api/v1/calendars/${id}/days/2026-10-01`, undefined],
    ] as const) {
      const res = await t.as('dispatcherA')(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    const oct1 = (await t.as('gwA1a')('GET', `/api/v1/calendars/${id}?from=2026-10-01&to=2026-10-01`)).json().days;
    expect(oct1).toHaveLength(1);
  });

  it('lets an administrator mark a holiday, which moves deadlines at once, and take it back (audited)', async () => {
    // Wednesday 30 December 17:00 + 60 working minutes: Thursday 31 December 09:00 …
    const start = '2026-12-30T17:00:00+08:00';
    expect((await t.as('gwA1a')('GET', deadlineUrl(id, start, 60))).json().dueAt).toBe('2026-12-31T01:00:00.000Z');

    const set = await t.as('admin')('PUT', `/api/v1/calendars/${id}/days/2026-12-31`, { kind: 'holiday', note: ' 县庆 ' });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ date: '2026-12-31', kind: 'holiday', note: '县庆' });
    // … and now Friday 1 January 2027 (not yet announced in the package, so an ordinary Friday).
    expect((await t.as('gwA1a')('GET', deadlineUrl(id, start, 60))).json().dueAt).toBe('2027-01-01T01:00:00.000Z');
    expect(isWorkingDay(await loadCalendar(t.deps), '2026-12-31')).toBe(false);

    // Making a Saturday an adjusted working day replaces nothing and counts at once.
    const sat = await t.as('admin')('PUT', `/api/v1/calendars/${id}/days/2027-01-02`, { kind: 'workday' });
    expect(sat.json()).toEqual({ date: '2027-01-02', kind: 'workday', note: null });
    // Turning the holiday into a working day replaces it.
    expect((await t.as('admin')('PUT', `/api/v1/calendars/${id}/days/2026-12-31`, { kind: 'workday', note: '补班' })).statusCode).toBe(200);
    expect((await t.as('gwA1a')('GET', `/api/v1/calendars/${id}?from=2026-12-31&to=2027-01-02`)).json().days).toEqual([
      { date: '2026-12-31', kind: 'workday', note: '补班' },
      { date: '2027-01-02', kind: 'workday', note: null },
    ]);

    expect((await t.as('admin')('DELETE', `/api/v1/calendars/${id}/days/2026-12-31`)).statusCode).toBe(204);
    expect((await t.as('admin')('DELETE', `/api/v1/calendars/${id}/days/2027-01-02`)).statusCode).toBe(204);
    const again = await t.as('admin')('DELETE', `/api/v1/calendars/${id}/days/2026-12-31`);
    expect(again.statusCode).toBe(404);
    expect((await t.as('gwA1a')('GET', deadlineUrl(id, start, 60))).json().dueAt).toBe('2026-12-31T01:00:00.000Z');

    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'target_id', 'details', 'actor_name'])
      .where('action', 'like', 'calendar.%')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['calendar.day_set', 'calendar.day_set', 'calendar.day_set', 'calendar.day_remove', 'calendar.day_remove']);
    expect(audit.every((a) => a.target_id === id)).toBe(true);
    expect(JSON.parse(audit[2]!.details!)).toMatchObject({ date: '2026-12-31', kind: 'workday', previous: { kind: 'holiday', note: '县庆' } });
  });

  it('refuses overlapping, backwards or malformed working periods with every problem listed', async () => {
    const res = await t.as('admin')('PUT', `/api/v1/calendars/${id}`, {
      workingPeriods: [
        { start: '08:30', end: '12:00' },
        { start: '11:30', end: '14:00' },
        { start: '18:00', end: '17:00' },
        { start: '25:00', end: '26:00' },
      ],
      weeklyWorkingDays: [],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('CALENDAR_INVALID');
    expect(
      res
        .json()
        .error.details.map((p: { path: string }) => p.path)
        .sort(),
    ).toEqual(['weeklyWorkingDays', 'workingPeriods.1', 'workingPeriods.2', 'workingPeriods.3.end', 'workingPeriods.3.start']);
    expect((await t.as('admin')('PUT', `/api/v1/calendars/${id}`, { weeklyWorkingDays: [1, 9] })).statusCode).toBe(422);
    expect((await t.as('admin')('PUT', `/api/v1/calendars/${id}`, { workingPeriods: [{ start: '08:00', end: '12:00', extra: 1 }] })).statusCode).toBe(400);
    // Nothing was changed.
    expect((await t.as('gwA1a')('GET', '/api/v1/calendars')).json().items[0].workingPeriods).toHaveLength(2);
  });

  it('applies new working periods and weekdays to the arithmetic at once', async () => {
    const res = await t.as('admin')('PUT', `/api/v1/calendars/${id}`, {
      workingPeriods: [
        { start: '14:00', end: '18:00' },
        { start: '09:00', end: '12:00' },
      ],
      weeklyWorkingDays: [6, 1, 2, 3, 4, 5],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      workingPeriods: [
        { start: '09:00', end: '12:00' },
        { start: '14:00', end: '18:00' },
      ],
      weeklyWorkingDays: [1, 2, 3, 4, 5, 6],
      workingMinutesPerDay: 420,
    });
    // Friday 27 November 17:00 + 120 → 60 on Friday, 60 on the now-working Saturday.
    expect((await t.as('gwA1a')('GET', deadlineUrl(id, '2026-11-27T17:00:00+08:00', 120))).json().dueAt).toBe('2026-11-28T02:00:00.000Z');
    const audit = await t.deps.db.selectFrom('audit_log').select('details').where('action', '=', 'calendar.update').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details!)).toMatchObject({ before: { weeklyWorkingDays: [1, 2, 3, 4, 5] }, after: { weeklyWorkingDays: [1, 2, 3, 4, 5, 6] } });
  });
});
