import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireDueTimers } from '../../engine/runtime/scheduler.ts';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

/**
 * Scenario 5 (民生小事时时督): a deputy's concern goes to the township, which dispatches it; the
 * handler is reminded when progress stalls, the deputy urges, a leader supervises, the reply
 * reaches the deputy, who rates it — and sees every step on the way.
 */
describe.each(TEST_DIALECTS)("a deputy's concern (%s)", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    // Monday 2026-11-30 09:00 in Beijing.
    t = await createTestApp(dialect);
    t.clock.set('2026-11-30T01:00:00.000Z');
  });
  afterAll(() => t?.close());

  const inbox = async (user: string) => (await t.as(user)('GET', '/api/v1/notifications?mine=1')).json().items as Array<{ kind: string; eventId: string }>;
  const count = async (user: string, kind: string, eventId: string) => (await inbox(user)).filter((n) => n.kind === kind && n.eventId === eventId).length;
  const tasks = async (user: string, eventId: string) =>
    (await t.as(user)('GET', `/api/v1/tasks?eventId=${eventId}`)).json().items as Array<{ id: string; nodeId: string }>;

  it('runs from the deputy report to the rating, with reminders, urging and supervision', async () => {
    const created = await t.as('deputy')('POST', '/api/v1/events', {
      category: '0101',
      title: '水库施工后村里自来水断断续续',
      description: '群众反映三天来供水时断时续',
      location: { ...t.fixture.points.gA1a },
      source: 'deputy',
      reporter: { name: '村民老陈', phone: '13700001111' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;

    // The township dispatches it; the village's handler gets the work.
    const [dispatch] = await tasks('dispatcherA', id);
    expect(dispatch!.nodeId).toBe('township_dispatch');
    await t.as('dispatcherA')('POST', `/api/v1/tasks/${dispatch!.id}/complete`, { note: '请南浦村核实处理' });
    const [handle] = await tasks('handlerVA1', id);
    expect(handle!.nodeId).toBe('handle');

    // Four working hours without progress (09:00 → 14:30 with lunch): a progress reminder — and as the
    // category's limit is also four working hours, the step runs over and is urged automatically.
    t.clock.set('2026-11-30T06:31:00.000Z');
    expect(await fireDueTimers(t.deps)).toBe(3); // warning (80 %), overdue, progress reminder
    expect(await count('handlerVA1', 'event.urged', id)).toBe(2);
    expect(await count('handlerVA1', 'task.warning', id)).toBe(1);

    // The handler reports progress (a comment): the reminder clock starts over.
    await t.as('handlerVA1')('POST', `/api/v1/events/${id}/comments`, { text: '已联系水务站，正在排查管网' });
    t.clock.set('2026-11-30T08:00:00.000Z');
    expect(await fireDueTimers(t.deps)).toBe(0);
    expect(await count('handlerVA1', 'event.urged', id)).toBe(2);

    // The deputy urges; a leader supervises: the handler hears both, the leader is told, urgency rises.
    expect((await t.as('deputy')('POST', `/api/v1/events/${id}/urge`, { note: '群众着急' })).statusCode).toBe(200);
    expect(await count('handlerVA1', 'event.urged', id)).toBe(3);
    const supervised = await t.as('leader')('POST', `/api/v1/events/${id}/supervise`, { note: '列入督办' });
    expect(supervised.json()).toMatchObject({ supervised: true, urgency: 'urgent' });
    expect(await count('handlerVA1', 'event.supervised', id)).toBe(1);
    expect(await count('leader', 'event.supervised', id)).toBe(1);

    // The reply closes it the same day and reaches the deputy, who rates it; the process ends.
    await t.as('handlerVA1')('POST', `/api/v1/tasks/${handle!.id}/complete`, { outcome: 'replied', note: '管网已抢修，供水恢复' });
    const closed = (await t.as('deputy')('GET', `/api/v1/events/${id}`)).json();
    expect(closed).toMatchObject({ status: 'closed', closingKind: 'overdue' });
    expect(await count('deputy', 'event.closed', id)).toBe(1);
    expect((await t.as('deputy')('POST', `/api/v1/events/${id}/rating`, { score: 5, comment: '满意' })).statusCode).toBe(200);
    const process = (await t.as('deputy')('GET', `/api/v1/events/${id}/process`)).json().items[0];
    expect(process).toMatchObject({ processKey: 'deputy-concern', status: 'completed', tokens: [], timers: [] });

    // The deputy saw every step: who, what, which unit.
    const timeline = (await t.as('deputy')('GET', `/api/v1/events/${id}/timeline`)).json().items as Array<{ kind: string; data: Record<string, unknown> }>;
    const kinds = timeline.map((e) => e.kind);
    for (const k of [
      'task.created',
      'task.completed',
      'unit.notified',
      'comment',
      'urged',
      'supervised',
      'closed',
      'rated',
      'signal.received',
      'process.ended',
    ])
      expect(kinds).toContain(k);
    expect(JSON.stringify(timeline)).not.toContain('13700001111');
  });

  it('reopening ends what still waits of the old run and starts the process afresh', async () => {
    const id = (
      await t.as('deputy')('POST', '/api/v1/events', { category: '0101', title: '路灯不亮', location: { ...t.fixture.points.gA2a }, source: 'deputy' })
    ).json().id;
    const [dispatch] = await tasks('dispatcherA', id);
    await t.as('dispatcherA')('POST', `/api/v1/tasks/${dispatch!.id}/complete`, {});
    const [handle] = await tasks('handlerVA2' in t.fixture.users ? 'handlerVA2' : 'admin', id).then(async (x) =>
      x.length ? x : (await t.as('admin')('GET', `/api/v1/tasks?assignee=all&eventId=${id}`)).json().items,
    );
    await t.as('admin')('POST', `/api/v1/tasks/${handle!.id}/complete`, { outcome: 'replied' });
    // Closed, the old run waits for the rating; the deputy reopens instead.
    expect((await t.as('deputy')('POST', `/api/v1/events/${id}/reopen`, { note: '又不亮了' })).statusCode).toBe(200);
    const instances = (await t.as('admin')('GET', `/api/v1/events/${id}/process`)).json().items as Array<{
      status: string;
      tokens: Array<{ nodeId: string }>;
      timers: unknown[];
    }>;
    expect(instances.map((i) => i.status)).toEqual(['running', 'cancelled']);
    expect(instances[0]!.tokens.map((k) => k.nodeId)).toEqual(['township_dispatch']);
    expect(instances[1]!.timers).toEqual([]);
  });
});
