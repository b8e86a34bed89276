import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltinProcesses } from '../../engine/runtime/definition-store.ts';
import { eventOverdueWhere, isEventOverdue, isTaskOverdue, taskOverdueWhere } from '../../engine/runtime/overdue.ts';
import { fireDueTimers } from '../../engine/runtime/scheduler.ts';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

/**
 * Issue 11, point 7: a county duty room works around the clock. An urgent event filed on a
 * Saturday evening is accepted, dispatched and handled within its natural-time limit, its steps
 * are never due after the event, and every overdue figure — the plaza's filter and tags (the
 * events' `overdue` field), the inbox's overdue tab, the tasks' `overdue` field — says the same.
 */
describe.each(TEST_DIALECTS)('the duty room’s clock (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t?.close());

  interface TaskItem {
    id: string;
    nodeId: string;
    dueAt: string | null;
    slaState: string;
    overdue: boolean;
    timeKind: string | null;
  }
  const openTasks = async (eventId: string): Promise<TaskItem[]> =>
    (await t.as('admin')('GET', `/api/v1/tasks?assignee=all&status=open&eventId=${eventId}`)).json().items;
  const report = async (category: string, title: string) => {
    const res = await t.as('gwA1a')('POST', '/api/v1/events', { category, title, location: { ...t.fixture.points.gA1a }, source: 'patrol' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };

  /** Every overdue figure at the clock's now, for one event. */
  const figures = async (id: string) => {
    const plaza = (await t.as('admin')('GET', '/api/v1/events?overdue=1&limit=200')).json().items as Array<{ id: string; overdue: boolean }>;
    const notOverdue = (await t.as('admin')('GET', '/api/v1/events?overdue=0&limit=200')).json().items as Array<{ id: string; overdue: boolean }>;
    const all = (await t.as('admin')('GET', '/api/v1/events?limit=200')).json().items as Array<{ id: string; overdue: boolean }>;
    const inbox = (await t.as('duty')('GET', '/api/v1/tasks?assignee=unit&status=open&due=overdue')).json().items as TaskItem[];
    const inboxAll = (await t.as('admin')('GET', '/api/v1/tasks?assignee=all&status=open&due=overdue')).json().items as TaskItem[];
    const tasks = await openTasks(id);
    // Every row of the filtered lists says overdue, every row of the others does not.
    expect(plaza.every((e) => e.overdue)).toBe(true);
    expect(notOverdue.every((e) => !e.overdue)).toBe(true);
    expect(inboxAll.every((x) => x.overdue && x.slaState === 'overdue')).toBe(true);
    // The plaza's red tags (the field) count what the filter selects.
    expect(
      all
        .filter((e) => e.overdue)
        .map((e) => e.id)
        .sort(),
    ).toEqual(plaza.map((e) => e.id).sort());
    // The rule in memory and the SQL predicate select the same rows.
    const now = t.clock.now();
    const eventRows = await t.deps.db.selectFrom('events').selectAll().execute();
    const eventSql = await t.deps.db
      .selectFrom('events')
      .select('id')
      .where((eb) => eventOverdueWhere(eb, now))
      .execute();
    expect(
      eventRows
        .filter((r) => isEventOverdue(r, now))
        .map((r) => r.id)
        .sort(),
    ).toEqual(eventSql.map((r) => r.id).sort());
    const taskRows = await t.deps.db.selectFrom('tasks').selectAll().execute();
    const taskSql = await t.deps.db
      .selectFrom('tasks')
      .select('id')
      .where((eb) => taskOverdueWhere(eb, now))
      .execute();
    expect(
      taskRows
        .filter((r) => isTaskOverdue(r, now))
        .map((r) => r.id)
        .sort(),
    ).toEqual(taskSql.map((r) => r.id).sort());
    const event = (await t.as('admin')('GET', `/api/v1/events/${id}`)).json();
    return {
      eventField: event.overdue as boolean,
      eventDueAt: event.dueAt as string | null,
      inPlazaFilter: plaza.some((e) => e.id === id),
      overdueTasks: tasks.filter((x) => x.overdue).map((x) => x.nodeId),
      inInboxTab: inbox.filter((x) => tasks.some((y) => y.id === x.id)).map((x) => x.nodeId),
    };
  };

  it('gives an urgent Saturday-evening event natural-time steps within its deadline, and one overdue everywhere', async () => {
    // Saturday 28 November 2026, 20:33 in Beijing: drinking-water source, urgent, 60 natural minutes.
    t.clock.set('2026-11-28T12:33:00.000Z');
    const id = await report('0501', '水源地有人游泳');
    const [accept] = await openTasks(id);
    // Not Monday 09:30: 30 natural minutes for an urgent acceptance, before the event's 21:33.
    expect(accept).toMatchObject({ nodeId: 'accept', dueAt: '2026-11-28T13:03:00.000Z', timeKind: 'natural', slaState: 'on_time', overdue: false });
    expect((await figures(id)).eventDueAt).toBe('2026-11-28T13:33:00.000Z');

    t.clock.set('2026-11-28T12:40:00.000Z');
    expect(await figures(id)).toMatchObject({ eventField: false, inPlazaFilter: false, overdueTasks: [], inInboxTab: [] });

    // 21:10: the acceptance is late (red in the tab and the field), the event's deadline is not yet.
    t.clock.set('2026-11-28T13:10:00.000Z');
    expect(await figures(id)).toMatchObject({ eventField: false, inPlazaFilter: false, overdueTasks: ['accept'], inInboxTab: ['accept'] });
    await fireDueTimers(t.deps);
    expect(await figures(id)).toMatchObject({ eventField: false, inPlazaFilter: false, overdueTasks: ['accept'], inInboxTab: ['accept'] });

    expect((await t.as('duty')('POST', `/api/v1/tasks/${accept!.id}/complete`, { outcome: 'accept' })).statusCode).toBe(200);
    const [dispatch] = await openTasks(id);
    // 15 natural minutes from 21:10 end at 21:25, before the event's deadline.
    expect(dispatch).toMatchObject({ nodeId: 'dispatch', dueAt: '2026-11-28T13:25:00.000Z', overdue: false });
    t.clock.set('2026-11-28T13:12:00.000Z');
    expect((await t.as('duty')('POST', `/api/v1/tasks/${dispatch!.id}/complete`, {})).statusCode).toBe(200);
    const [handle] = await openTasks(id);
    // The handling limit is the event's, counted from the report: due at 21:33, not 22:12.
    expect(handle).toMatchObject({ nodeId: 'handle', dueAt: '2026-11-28T13:33:00.000Z', timeKind: 'natural' });
    expect((await figures(id)).eventDueAt).toBe('2026-11-28T13:33:00.000Z');

    // 21:40, before any timer has fired: the event and its handling task are overdue in every figure.
    t.clock.set('2026-11-28T13:40:00.000Z');
    expect(await figures(id)).toMatchObject({ eventField: true, inPlazaFilter: true, overdueTasks: ['handle'], inInboxTab: [] });
    // (The handling task is the village's: the county duty officer's tab does not list it; the admin's does.)
    const adminTab = (await t.as('admin')('GET', '/api/v1/tasks?assignee=all&status=open&due=overdue')).json().items as TaskItem[];
    expect(adminTab.map((x) => x.id)).toContain(handle!.id);
    const villageTab = (await t.as('handlerVA1')('GET', '/api/v1/tasks?status=open&due=overdue')).json().items as TaskItem[];
    expect(villageTab.map((x) => x.id)).toContain(handle!.id);
    await fireDueTimers(t.deps);
    expect(await figures(id)).toMatchObject({ eventField: true, inPlazaFilter: true, overdueTasks: ['handle'] });
  });

  it('runs the duty room’s steps on natural time for normal events too', async () => {
    // Saturday 20:45: exposed garbage (4 working hours) is accepted within 60 minutes, not on Monday.
    t.clock.set('2026-11-28T12:45:00.000Z');
    const id = await report('0101', '周末暴露垃圾');
    const [accept] = await openTasks(id);
    expect(accept).toMatchObject({ nodeId: 'accept', dueAt: '2026-11-28T13:45:00.000Z', timeKind: 'natural' });
  });

  it('publishes the changed built-in as the next version where an installation still runs the old one', async () => {
    // As an installation seeded before: its standard process counted the duty room's steps in working time.
    const v1 = await t.deps.db
      .selectFrom('process_versions')
      .select('definition')
      .where('key', '=', 'standard')
      .where('version', '=', 1)
      .executeTakeFirstOrThrow();
    const old = JSON.parse(v1.definition);
    for (const n of old.nodes) {
      if (n.kind !== 'task') continue;
      delete n.timeLimitByUrgency;
      if (n.timeLimit?.kind === 'natural' && (n.id === 'accept' || n.id === 'dispatch')) n.timeLimit.kind = 'working';
    }
    await t.deps.db
      .updateTable('process_versions')
      .set({ definition: JSON.stringify(old) })
      .where('key', '=', 'standard')
      .where('version', '=', 1)
      .execute();
    expect(await ensureBuiltinProcesses(t.deps.db, t.clock.now().toISOString())).toBe(1);
    const after = (await t.as('admin')('GET', '/api/v1/processes/standard')).json();
    expect(after.activeVersion).toBe(2);
    expect(after.definition.nodes.find((n: { id: string }) => n.id === 'accept').timeLimitByUrgency.urgent).toEqual({ minutes: 30, kind: 'natural' });
    expect(await ensureBuiltinProcesses(t.deps.db, t.clock.now().toISOString())).toBe(0);
  });
});
