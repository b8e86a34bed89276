import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireDueTimers } from '../../engine/runtime/scheduler.ts';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createEvent } from '../events/event-create.service.ts';
import { linkageDrainerOf } from '../notify/linkage.worker.ts';

/**
 * Scenario 6 through the API: a grid worker reports, the duty officer accepts, it is dispatched,
 * the village handles it (after a mis-dispatch return), the grid worker verifies (rework once),
 * and it closes — with working-time limits, yellow and red lights, urging and escalation.
 */
describe.each(TEST_DIALECTS)('the standard closed loop (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t?.close());

  const openTasks = async (user: string, eventId: string) => {
    // The county's command side works the county's tasks whatever their role (assignee=unit).
    const res = await t.as(user)('GET', `/api/v1/tasks?assignee=${user === 'duty' ? 'unit' : 'me'}&status=open&eventId=${eventId}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as Array<{
      id: string;
      nodeId: string;
      status: string;
      slaState: string;
      dueAt: string | null;
      unitId: string;
      outcomes: Array<{ key: string }>;
      pendingRequest: unknown;
    }>;
  };
  const act = async (user: string, taskId: string, action: string, body: object = {}) => t.as(user)('POST', `/api/v1/tasks/${taskId}/${action}`, body);
  const eventOf = async (id: string) => (await t.as('admin')('GET', `/api/v1/events/${id}`)).json();
  const timelineKinds = async (id: string) =>
    ((await t.as('admin')('GET', `/api/v1/events/${id}/timeline`)).json().items as Array<{ kind: string }>).map((e) => e.kind);

  it('runs report → accept → dispatch → return → re-dispatch → handle → verify (rework) → close', async () => {
    const created = await t.as('gwA1a')('POST', '/api/v1/events', {
      category: '0101',
      title: '路边暴露垃圾',
      location: { ...t.fixture.points.gA1a },
      source: 'patrol',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;

    // The county duty officer has the acceptance task; the grid worker has nothing to do yet.
    const [accept] = await openTasks('duty', id);
    expect(accept).toMatchObject({ nodeId: 'accept', status: 'open', slaState: 'on_time' });
    expect(await openTasks('gwA1a', id)).toEqual([]);
    expect((await eventOf(id)).status).toBe('reported');

    // Someone else's task: 403; an unknown outcome: 422; a real one moves the process on.
    expect((await act('handlerVA1', accept!.id, 'complete', { outcome: 'accept' })).statusCode).toBe(404);
    expect((await act('duty', accept!.id, 'complete', { outcome: 'bogus' })).json().error.code).toBe('UNKNOWN_OUTCOME');
    const claimed = await act('duty', accept!.id, 'claim');
    expect(claimed.json()).toMatchObject({ status: 'claimed' });
    expect((await act('duty', accept!.id, 'claim')).statusCode).toBe(409);
    expect((await act('duty', accept!.id, 'complete', { outcome: 'accept', note: '属实，立案' })).json()).toMatchObject({
      status: 'completed',
      outcome: 'accept',
    });
    expect((await act('duty', accept!.id, 'complete', { outcome: 'accept' })).statusCode).toBe(409);
    expect((await eventOf(id)).status).toBe('accepted');

    // Dispatch (the county's command side), then the village handler returns it as mis-dispatched.
    const [dispatch] = await openTasks('duty', id);
    expect(dispatch!.nodeId).toBe('dispatch');
    expect((await act('duty', dispatch!.id, 'complete')).statusCode).toBe(200);
    let [handle] = await openTasks('handlerVA1', id);
    expect(handle).toMatchObject({ nodeId: 'handle', unitId: t.fixture.units.vA1 });
    expect((await eventOf(id)).status).toBe('dispatched');
    expect((await act('handlerVA1', handle!.id, 'return', { note: '不属于本村' })).json()).toMatchObject({ status: 'returned' });
    const [again] = await openTasks('duty', id);
    expect(again!.nodeId).toBe('dispatch');
    await act('duty', again!.id, 'complete');

    // Handled with a note; the event waits for verification by the grid worker, who sends it back once.
    [handle] = await openTasks('handlerVA1', id);
    expect((await act('handlerVA1', handle!.id, 'complete', { note: '已清运' })).statusCode).toBe(200);
    expect((await eventOf(id)).status).toBe('awaiting_verification');
    let [verify] = await openTasks('gwA1a', id);
    expect(verify!.nodeId).toBe('verify');
    await act('gwA1a', verify!.id, 'complete', { outcome: 'fail', note: '仍有残留' });
    [handle] = await openTasks('handlerVA1', id);
    expect(handle!.nodeId).toBe('handle');
    expect((await eventOf(id)).status).toBe('dispatched');
    await act('handlerVA1', handle!.id, 'complete', { note: '已彻底清理' });
    [verify] = await openTasks('gwA1a', id);
    await act('gwA1a', verify!.id, 'complete', { outcome: 'pass' });

    const closed = await eventOf(id);
    expect(closed).toMatchObject({ status: 'closed', closingKind: 'normal' });
    expect(await openTasks('handlerVA1', id)).toEqual([]);
    const kinds = await timelineKinds(id);
    expect(kinds.filter((k) => k === 'task.completed')).toHaveLength(7);
    expect(kinds).toContain('task.returned');
    expect(kinds.at(-1)).toBe('process.ended');
    const process = (await t.as('admin')('GET', `/api/v1/events/${id}/process`)).json().items;
    expect(process).toHaveLength(1);
    expect(process[0]).toMatchObject({ processKey: 'standard', version: 1, status: 'completed', tokens: [], timers: [] });
  });

  it('turns yellow at 80 % of the working-time limit and red when overdue: urged, escalated, closed overdue', async () => {
    // Friday 2026-11-27 10:00 in Beijing: the 4 working hours of 0101 end Friday 15:30 (lunch 12:00–13:30).
    t.clock.set('2026-11-27T02:00:00.000Z');
    const id = (
      await t.as('gwA1a')('POST', '/api/v1/events', { category: '0101', title: '垃圾', location: { ...t.fixture.points.gA1a }, source: 'patrol' })
    ).json().id;
    for (const node of ['accept', 'dispatch']) {
      const [task] = await openTasks('duty', id);
      expect(task!.nodeId).toBe(node);
      await act('duty', task!.id, 'complete', { outcome: node === 'accept' ? 'accept' : undefined });
    }
    const [handle] = await openTasks('handlerVA1', id);
    expect(handle!.dueAt).toBe('2026-11-27T07:30:00.000Z');

    t.clock.set('2026-11-27T06:50:00.000Z'); // 14:50, 80 % used
    expect(await fireDueTimers(t.deps)).toBe(1);
    expect((await openTasks('handlerVA1', id))[0]!.slaState).toBe('warning');
    const inbox = (await t.as('handlerVA1')('GET', '/api/v1/notifications?mine=1')).json().items as Array<{ kind: string; eventId: string }>;
    expect(inbox.some((n) => n.kind === 'task.warning' && n.eventId === id)).toBe(true);

    t.clock.set('2026-11-27T07:31:00.000Z');
    expect(await fireDueTimers(t.deps)).toBe(1);
    expect(await fireDueTimers(t.deps)).toBe(0); // once only
    const [late] = await openTasks('handlerVA1', id);
    expect(late!.slaState).toBe('overdue');
    const event = await eventOf(id);
    expect(event).toMatchObject({ overdue: true, urgeCount: 1 });
    // Escalated to the unit above the village: the township's dispatcher hears of it.
    const above = (await t.as('dispatcherA')('GET', '/api/v1/notifications?mine=1')).json().items as Array<{ kind: string; eventId: string }>;
    expect(above.some((n) => n.kind === 'task.overdue' && n.eventId === id)).toBe(true);
    expect(await timelineKinds(id)).toEqual(expect.arrayContaining(['sla.warning', 'sla.overdue', 'urged', 'escalated']));

    await act('handlerVA1', late!.id, 'complete');
    const [verify] = await openTasks('gwA1a', id);
    await act('gwA1a', verify!.id, 'complete', { outcome: 'pass' });
    expect(await eventOf(id)).toMatchObject({ status: 'closed', closingKind: 'overdue' });
  });

  it('extends and shelves only with approval; shelving stops the clock', async () => {
    t.clock.set('2026-11-30T01:00:00.000Z'); // Monday 09:00
    t.forgetLogins();
    const id = (
      await t.as('gwA1a')('POST', '/api/v1/events', { category: '0101', title: '垃圾', location: { ...t.fixture.points.gA1a }, source: 'patrol' })
    ).json().id;
    for (const outcome of ['accept', undefined]) {
      const [task] = await openTasks('duty', id);
      await act('duty', task!.id, 'complete', { outcome });
    }
    const [handle] = await openTasks('handlerVA1', id);
    expect(handle!.dueAt).toBe('2026-11-30T06:30:00.000Z'); // 09:00 + 4 working hours = 14:30

    // The handler asks; the township dispatcher (above the village) grants; the clock moves by 60 working minutes.
    const asked = await act('handlerVA1', handle!.id, 'extend', { extraMinutes: 60, note: '需协调清运车' });
    expect(asked.json()).toMatchObject({ dueAt: '2026-11-30T06:30:00.000Z', pendingRequest: { kind: 'extend', extraMinutes: 60 } });
    expect((await act('handlerVA1', handle!.id, 'approve', { approved: true })).statusCode).toBe(403);
    expect((await act('gwB1a', handle!.id, 'approve', { approved: true })).statusCode).toBe(404);
    const granted = await act('dispatcherA', handle!.id, 'approve', { approved: true });
    expect(granted.json()).toMatchObject({ dueAt: '2026-11-30T07:30:00.000Z', extraMinutes: 60, pendingRequest: null });

    // Shelved at 10:00 (granted), resumed the next day at 10:00: a full working day later.
    t.clock.set('2026-11-30T02:00:00.000Z');
    await act('handlerVA1', handle!.id, 'shelve', { note: '等待雨停' });
    const shelved = await act('dispatcherA', handle!.id, 'approve', { approved: true });
    expect(shelved.json()).toMatchObject({ status: 'shelved', slaState: 'paused' });
    expect((await act('handlerVA1', handle!.id, 'complete')).statusCode).toBe(409);
    t.clock.set('2026-12-01T02:00:00.000Z');
    t.forgetLogins();
    expect(await fireDueTimers(t.deps)).toBe(0); // nothing fires while shelved
    const resumed = await act('handlerVA1', handle!.id, 'resume');
    expect(resumed.json()).toMatchObject({ status: 'open', slaState: 'on_time', dueAt: '2026-12-01T07:30:00.000Z' });
  });

  it('transfers a step to another unit, takes the feedback photo onto the event, and has machine alarms confirmed first', async () => {
    t.clock.set('2026-12-02T01:00:00.000Z');
    t.forgetLogins();
    const id = (
      await t.as('gwA1a')('POST', '/api/v1/events', { category: '0101', title: '垃圾转派', location: { ...t.fixture.points.gA1b }, source: 'patrol' })
    ).json().id;
    for (const outcome of ['accept', undefined]) {
      const [task] = await openTasks('duty', id);
      await act('duty', task!.id, 'complete', { outcome });
    }
    const [handle] = await openTasks('handlerVA1', id);
    expect((await act('handlerVA1', handle!.id, 'transfer', { toUnitId: 'nope' })).json().error.code).toBe('UNKNOWN_ORG_UNIT');
    const moved = await act('handlerVA1', handle!.id, 'transfer', { toUnitId: t.fixture.units.water, note: '属水利局职责' });
    expect(moved.json()).toMatchObject({ unitId: t.fixture.units.water, status: 'open' });
    expect(await openTasks('handlerVA1', id)).toEqual([]);
    const [atWater] = await openTasks('waterHandler', id);
    expect(atWater!.id).toBe(handle!.id);

    // Completed with a photo: the photo belongs to the event now; someone else's upload is refused.
    const boundary = 'b0undary';
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR-feedback')]);
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nphoto\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="done.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const up = await t.app.inject({
      method: 'POST',
      url: '/api/v1/attachments',
      payload: body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: await t.login('waterHandler') },
    });
    expect(up.statusCode, up.body).toBe(201);
    const dataId = up.json().dataId ?? up.json().id;
    expect((await act('handlerVA1', atWater!.id, 'complete', { attachments: [{ dataId }] })).statusCode).toBe(404);
    expect((await act('waterHandler', atWater!.id, 'complete', { note: '已清理', attachments: [{ dataId }] })).statusCode).toBe(200);
    expect((await eventOf(id)).attachments).toHaveLength(1);
    expect(await timelineKinds(id)).toEqual(expect.arrayContaining(['task.transferred', 'task.completed']));

    // A camera's alarm of a category that needs confirmation waits for the duty officer; a person's report does not.
    const cat = (await t.as('admin')('GET', '/api/v1/categories')).json().items.find((c: { code: string }) => c.code === '0101');
    await t.as('admin')('PUT', '/api/v1/categories/0101', { ...cat, code: undefined, processKey: 'ai-alarm' });
    const camera = { kind: 'system' as const, name: '视频中台 Video hub' };
    const alarm = (
      await createEvent(t.deps, camera, { category: '0101', title: '摄像头识别：暴露垃圾', location: { ...t.fixture.points.gB1a }, source: 'video' })
    ).event.id;
    await linkageDrainerOf(t.deps).idle();
    const [confirm] = await openTasks('duty', alarm);
    expect(confirm!.nodeId).toBe('confirm');
    expect((await eventOf(alarm)).status).toBe('pending_confirmation');
    await act('duty', confirm!.id, 'complete', { outcome: 'reject' });
    expect(await eventOf(alarm)).toMatchObject({ status: 'closed', closingKind: 'erroneous' });
    const byPerson = (
      await t.as('gwB1a')('POST', '/api/v1/events', { category: '0101', title: '暴露垃圾', location: { ...t.fixture.points.gB1b }, source: 'patrol' })
    ).json().id;
    expect((await openTasks('duty', byPerson))[0]!.nodeId).toBe('accept');
    await t.as('admin')('PUT', '/api/v1/categories/0101', { ...cat, code: undefined });
  });

  it('closes at once what a grid worker fixed on the spot (自行处置), and refuses the flag to others', async () => {
    const res = await t.as('gwA1a')('POST', '/api/v1/events', {
      category: '0101',
      title: '顺手清理垃圾',
      location: { ...t.fixture.points.gA1a },
      source: 'patrol',
      selfHandled: true,
    });
    expect(res.statusCode).toBe(201);
    expect(await eventOf(res.json().id)).toMatchObject({ status: 'closed', closingKind: 'normal' });
    const other = await t.as('handlerVA1')('POST', '/api/v1/events', {
      category: '0101',
      title: 'x',
      location: { ...t.fixture.points.gA1a },
      source: 'patrol',
      selfHandled: true,
    });
    expect(other.statusCode).toBe(403);
  });
});
