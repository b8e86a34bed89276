import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { invalidateOnDuty } from '../duty/on-duty.ts';

describe.each(TEST_DIALECTS)('linkage on event creation on %s', (dialect) => {
  let t: TestApp;
  let spot = 0;
  /** A fresh place in grid A1a for each report, so the 0501 dedup radius does not merge them. */
  const place = () => ({ lng: 122.01 + 0.01 * spot++, lat: 30.05 });
  const urgentReport = (over: Record<string, unknown> = {}) => ({ category: '0501', title: '水源地有人游泳', source: 'hotline', location: place(), ...over });
  /** The linkage's notifications of an event (the process's own task notifications are not linkage). */
  const notificationsOf = async (eventId: string) => (await allNotificationsOf(eventId)).filter((n) => LINKAGE_KINDS.includes(n.kind));
  const LINKAGE_KINDS = ['event.assigned', 'event.urgent'];
  const allNotificationsOf = async (eventId: string) =>
    (await t.deps.db.selectFrom('notifications').selectAll().where('event_id', '=', eventId).orderBy('channel').orderBy('recipient_user_id').execute()).map(
      (n) => ({
        channel: n.channel,
        kind: n.kind,
        user: Object.values(t.fixture.users).find((u) => u.id === n.recipient_user_id)?.username,
        phone: n.recipient_phone,
        link: n.link,
        title: n.title,
        body: n.body,
      }),
    );

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('notifies the on-duty members of the village (lead), the water department and the township (co), in-app and by SMS', async () => {
    const res = await t.as('duty')('POST', '/api/v1/events', urgentReport());
    expect(res.statusCode).toBe(201);
    const e = res.json();
    const rows = await notificationsOf(e.id);
    const inApp = rows.filter((r) => r.channel === 'in_app');
    expect(inApp.map((r) => r.user).sort()).toEqual(['dispatcherA', 'handlerVA1', 'waterHandler']);
    for (const r of inApp) {
      expect(r).toMatchObject({ kind: 'event.assigned', link: `/events/${e.id}` });
      expect(r.body).toContain(e.code);
      expect(r.body).toContain('饮用水源地违规活动');
    }
    const sms = rows.filter((r) => r.channel === 'sms');
    expect(sms.map((r) => [r.user, r.phone]).sort()).toEqual([
      ['dispatcherA', '13800000004'],
      ['handlerVA1', '13800000005'],
      ['waterHandler', '13800000008'],
    ]);
    expect(sms.every((r) => r.kind === 'event.urgent' && r.body.includes('南浦村第一网格'))).toBe(true);

    const timeline = (await t.as('duty')('GET', `/api/v1/events/${e.id}/timeline`)).json().items;
    const notified = timeline.find((i: { kind: string }) => i.kind === 'notified');
    expect(notified.data).toMatchObject({
      inApp: 3,
      sms: 3,
      invalidPhones: 0,
      units: [
        { unitId: t.fixture.units.vA1, role: 'lead', users: 1, sms: 1, onDuty: 'members' },
        { unitId: t.fixture.units.water, role: 'co', users: 1, sms: 1 },
        { unitId: t.fixture.units.tA, role: 'co', users: 1, sms: 1 },
      ],
    });
    expect(JSON.stringify(timeline)).not.toContain('1380000');
    // Besides the linkage, only the process's first task reaches its people: the county's duty officer.
    const others = (await allNotificationsOf(e.id)).filter((r) => !LINKAGE_KINDS.includes(r.kind));
    expect(others.map((r) => [r.kind, r.channel, r.user])).toEqual([['task.assigned', 'in_app', 'duty']]);
  });

  it('sends no SMS for an event of normal urgency, only in-app notifications', async () => {
    const e = (await t.as('duty')('POST', '/api/v1/events', urgentReport({ urgency: 'normal' }))).json();
    const rows = await notificationsOf(e.id);
    expect(rows.map((r) => r.channel)).toEqual(['in_app', 'in_app', 'in_app']);
    expect((await allNotificationsOf(e.id)).filter((r) => r.channel === 'sms')).toEqual([]);
  });

  it('notifies nobody again for a merged duplicate or an idempotent repeat', async () => {
    const location = place();
    const first = await t.as('duty')('POST', '/api/v1/events', urgentReport({ location, externalId: 'hotline-778' }));
    expect(first.statusCode).toBe(201);
    const before = await t.deps.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();

    const repeat = await t.as('duty')('POST', '/api/v1/events', urgentReport({ location, externalId: 'hotline-778' }));
    expect(repeat.statusCode).toBe(200);
    const merged = await t.as('admin')(
      'POST',
      '/api/v1/events',
      urgentReport({ location: { lng: location.lng, lat: location.lat + 0.0005 }, title: '又有人游泳' }),
    );
    expect(merged.statusCode).toBe(200);
    expect(merged.json()).toMatchObject({ id: first.json().id, merged: true });

    const after = await t.deps.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect((await notificationsOf(first.json().id)).length).toBe(6);
  });

  it('does not notify the reporter about their own report', async () => {
    const e = (await t.as('handlerVA1')('POST', '/api/v1/events', urgentReport())).json();
    const users = (await notificationsOf(e.id)).filter((r) => r.channel === 'in_app').map((r) => r.user);
    expect(users.sort()).toEqual(['dispatcherA', 'waterHandler']);
  });

  it('skips staff with an invalid phone, counting them on the timeline, and still creates the event', async () => {
    // A record from before numbers were validated (the users API refuses such numbers today).
    await t.deps.db.updateTable('users').set({ phone: '12345' }).where('id', '=', t.fixture.users.waterHandler.id).execute();
    invalidateOnDuty(t.deps);
    const res = await t.as('duty')('POST', '/api/v1/events', urgentReport());
    expect(res.statusCode).toBe(201);
    const rows = await notificationsOf(res.json().id);
    expect(
      rows
        .filter((r) => r.channel === 'sms')
        .map((r) => r.user)
        .sort(),
    ).toEqual(['dispatcherA', 'handlerVA1']);
    expect(
      rows
        .filter((r) => r.channel === 'in_app')
        .map((r) => r.user)
        .sort(),
    ).toEqual(['dispatcherA', 'handlerVA1', 'waterHandler']);
    const notified = (await t.as('duty')('GET', `/api/v1/events/${res.json().id}/timeline`)).json().items.find((i: { kind: string }) => i.kind === 'notified');
    expect(notified.data).toMatchObject({ inApp: 3, sms: 2, invalidPhones: 1 });
    expect(JSON.stringify(notified)).not.toContain('12345');
  });

  it("reaches a duty officer appointed a moment ago with the next event's first task (the candidates cache is renewed)", async () => {
    const taskPeople = async (eventId: string) =>
      (await t.deps.db.selectFrom('notifications').select('recipient_user_id').where('event_id', '=', eventId).where('kind', '=', 'task.assigned').execute())
        .map((n) => n.recipient_user_id)
        .sort();
    const first = (await t.as('duty')('POST', '/api/v1/events', urgentReport())).json();
    expect(await taskPeople(first.id)).toEqual([t.fixture.users.duty.id]);
    const created = await t.as('admin')('POST', '/api/v1/users', {
      username: 'nightDuty',
      displayName: '夜班值班员',
      password: 'long-enough-password-1',
      memberships: [{ orgUnitId: t.fixture.units.county, role: 'duty_officer' }],
    });
    expect(created.statusCode).toBe(201);
    const second = (await t.as('duty')('POST', '/api/v1/events', urgentReport())).json();
    expect(await taskPeople(second.id)).toEqual([t.fixture.users.duty.id, created.json().id].sort());
  });

  it('tells a person once when an event and its first task reach them at the same moment', async () => {
    // The county's duty officer also handles for the village: the linkage tells them of the event,
    // and its first task (acceptance by the county's duty officers) is theirs as well.
    const added = await t.as('admin')('POST', `/api/v1/users/${t.fixture.users.duty.id}/memberships`, { orgUnitId: t.fixture.units.vA1, role: 'handler' });
    expect(added.statusCode).toBeLessThan(300);
    const e = (await t.as('dispatcherA')('POST', '/api/v1/events', urgentReport())).json();
    const told = (await allNotificationsOf(e.id)).filter((n) => n.user === 'duty' && n.channel === 'in_app');
    expect(told.map((n) => n.kind)).toEqual(['event.assigned']);
    // The task is theirs all the same.
    const tasks = await t.deps.db.selectFrom('tasks').select(['unit_id', 'role', 'status']).where('event_id', '=', e.id).execute();
    expect(tasks).toEqual([{ unit_id: t.fixture.units.county, role: 'duty_officer', status: 'open' }]);
  });
});
