import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireDueTimers } from '../../engine/runtime/scheduler.ts';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

/**
 * Scenario 2 started by an officer's plate reminder (先提醒后处罚), and scenario 8's process
 * change: the owner is reminded by SMS; the car leaving closes the event as self-corrected, the
 * grace period running out sends it to the enforcement squad of the place.
 */
describe.each(TEST_DIALECTS)('remind first, then enforce (%s)', (dialect) => {
  let t: TestApp;
  const OWNER_PHONE = '13912345678';
  beforeAll(async () => {
    t = await createTestApp(dialect);
    for (const [plate, name] of [
      ['蒙J12345', '王建国'],
      ['蒙JD23456', '李秀英'],
      ['蒙J34567', '张伟'],
    ]) {
      const res = await t.as('admin')('PUT', `/api/v1/vehicles/${encodeURIComponent(plate!)}`, { ownerName: name, ownerPhone: OWNER_PHONE });
      expect(res.statusCode, res.body).toBeLessThan(300);
    }
  });
  afterAll(() => t?.close());

  const remind = (plate: string) => t.as('officer')('POST', '/api/v1/vehicles/reminders', { plate, location: { ...t.fixture.points.gA1a }, note: '消防通道' });
  const event = async (id: string) => (await t.as('admin')('GET', `/api/v1/events/${id}`)).json();
  const smsFor = async (eventId: string) =>
    (await t.as('admin')('GET', `/api/v1/sms-messages?limit=200&eventId=${eventId}`)).json().items as Array<{
      eventId: string;
      kind: string;
      text: string;
      to: string;
    }>;
  const processOf = async (id: string) => (await t.as('admin')('GET', `/api/v1/events/${id}/process`)).json().items[0];

  it('reminds the owner, and closes as self-corrected when the car leaves within the grace period', async () => {
    const res = await remind('蒙j·12345');
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    expect(res.json().plate).toBe('蒙J12345');
    const sms = await smsFor(id);
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ kind: 'parking.reminder', to: '13912345678' });
    expect(sms[0]!.text).toContain('蒙J12345');
    expect(sms[0]!.text).toContain('5分钟内驶离');
    expect(await processOf(id)).toMatchObject({
      processKey: 'parking',
      status: 'running',
      tokens: [{ nodeId: 'grace', state: 'waiting', signal: 'vehicle.gone' }],
    });

    // The same car reported again while it is open: no new event, no new SMS.
    const again = await remind('蒙J 12345');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id, merged: true });
    expect(await smsFor(id)).toHaveLength(1);

    const gone = await t.as('officer')('POST', `/api/v1/events/${id}/signals`, { name: 'vehicle.gone', data: { cameraId: 'cam-1' } });
    expect(gone.json()).toEqual({ eventId: id, name: 'vehicle.gone', delivered: 1 });
    expect(await event(id)).toMatchObject({ status: 'closed', closingKind: 'self_corrected' });
    expect(await processOf(id)).toMatchObject({ status: 'completed', timers: [] });
    // A late signal wakes nothing and changes nothing.
    expect((await t.as('officer')('POST', `/api/v1/events/${id}/signals`, { name: 'vehicle.gone' })).json().delivered).toBe(0);
    // Nobody got an enforcement task.
    expect((await t.as('officer')('GET', `/api/v1/tasks?eventId=${id}&status=all`)).json().items).toEqual([]);
  });

  it('sends the case to the enforcement squad of the place when the grace period runs out', async () => {
    const id = (await remind('蒙JD23456')).json().id;
    t.clock.advance(4 * 60_000);
    expect(await fireDueTimers(t.deps)).toBe(0);
    t.clock.advance(61_000);
    expect(await fireDueTimers(t.deps)).toBe(1);
    expect(await fireDueTimers(t.deps)).toBe(0);
    const tasks = (await t.as('officer')('GET', `/api/v1/tasks?eventId=${id}`)).json().items;
    expect(tasks).toMatchObject([{ nodeId: 'enforce', unitId: t.fixture.units.enforcementA, role: 'officer', status: 'open' }]);
    expect(await event(id)).toMatchObject({ status: 'dispatched' });
    const inbox = (await t.as('officer')('GET', '/api/v1/notifications?mine=1')).json().items as Array<{ kind: string; eventId: string }>;
    expect(inbox.some((n) => n.kind === 'task.assigned' && n.eventId === id)).toBe(true);
    // The car leaving now is too late: the officer still handles it.
    expect((await t.as('officer')('POST', `/api/v1/events/${id}/signals`, { name: 'vehicle.gone' })).json().delivered).toBe(0);
    await t.as('officer')('POST', `/api/v1/tasks/${tasks[0].id}/complete`, { note: '已贴单' });
    expect(await event(id)).toMatchObject({ status: 'closed', closingKind: 'normal' });
  });

  it('goes straight to enforcement for an unknown plate, and refuses an invalid one', async () => {
    const res = await remind('蒙J99999');
    expect(res.statusCode).toBe(201);
    const id = res.json().id;
    expect(await smsFor(id)).toEqual([]);
    expect((await t.as('officer')('GET', `/api/v1/tasks?eventId=${id}`)).json().items).toHaveLength(1);
    const bad = await remind('ABC123');
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('INVALID_PLATE');
  });

  it('uses a shortened grace period for new events only, once the administrator saves it', async () => {
    const running = (await remind('蒙J34567')).json().id;
    const current = (await t.as('admin')('GET', '/api/v1/processes/parking')).json();
    const definition = structuredClone(current.definition);
    const grace = definition.nodes.find((n: { id: string }) => n.id === 'grace');
    grace.timer.duration.minutes = 1;
    const saved = await t.as('admin')('PUT', '/api/v1/processes/parking', definition);
    expect(saved.statusCode, saved.body).toBe(201);
    expect(saved.json()).toMatchObject({ version: 2, activated: true });

    await t.as('admin')('PUT', `/api/v1/vehicles/${encodeURIComponent('蒙J45678')}`, { ownerName: '赵敏', ownerPhone: OWNER_PHONE });
    const fresh = (await remind('蒙J45678')).json().id;
    expect((await smsFor(fresh))[0]!.text).toContain('1分钟内驶离');
    expect(await processOf(fresh)).toMatchObject({ version: 2 });
    expect(await processOf(running)).toMatchObject({ version: 1 });

    t.clock.advance(61_000);
    expect(await fireDueTimers(t.deps)).toBe(1); // only the new event's grace ended
    expect((await event(fresh)).status).toBe('dispatched');
    expect((await event(running)).status).not.toBe('dispatched');
    t.clock.advance(4 * 60_000);
    expect(await fireDueTimers(t.deps)).toBe(1);
    expect((await event(running)).status).toBe('dispatched');
  });
});
