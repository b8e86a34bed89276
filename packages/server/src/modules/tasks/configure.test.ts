import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireDueTimers } from '../../engine/runtime/scheduler.ts';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

/**
 * Scenario 8 (configure without code) beyond the grace period: a co-handling department added to
 * a category gets its own task; a holiday in the working calendar moves deadlines; and the
 * administrators' tools for instances (retry, skip, suspend/resume, move to a newer version).
 */
describe.each(TEST_DIALECTS)('configuring processes and running instances (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    t.clock.set('2026-11-30T01:00:00.000Z'); // Monday 09:00 in Beijing
  });
  afterAll(() => t?.close());

  const admin = () => t.as('admin');
  // Each report at its own place, so that none is merged into an earlier one as a duplicate.
  let n = 0;
  const report = async (category: string, title = '测试事件') => {
    const p = t.fixture.points.gA1a!;
    const res = await t.as('gwA1a')('POST', '/api/v1/events', { category, title, location: { lng: p.lng + ++n * 0.004, lat: p.lat }, source: 'patrol' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const processOf = async (id: string) => (await admin()('GET', `/api/v1/events/${id}/process`)).json().items[0];
  const tasksOf = async (id: string) =>
    (await admin()('GET', `/api/v1/tasks?assignee=all&eventId=${id}`)).json().items as Array<{
      id: string;
      nodeId: string;
      unitId: string;
      dueAt: string | null;
    }>;

  it('gives a co-handling department added to a category its own task, alongside the lead', async () => {
    const cat = (await admin()('GET', '/api/v1/categories')).json().items.find((c: { code: string }) => c.code === '0101');
    const put = await admin()('PUT', '/api/v1/categories/0101', {
      ...cat,
      code: undefined,
      coHandlingRules: [{ department: 'water' }],
      processKey: 'collaboration',
    });
    expect(put.statusCode, put.body).toBe(200);
    const id = await report('0101', '河道旁暴露垃圾');
    const tasks = await tasksOf(id);
    expect(tasks.map((x) => [x.nodeId, x.unitId]).sort()).toEqual(
      [
        ['co_handle', t.fixture.units.water],
        ['lead_handle', t.fixture.units.vA1],
      ].sort(),
    );
    // Both must finish before verification.
    const lead = tasks.find((x) => x.nodeId === 'lead_handle')!;
    const co = tasks.find((x) => x.nodeId === 'co_handle')!;
    await t.as('handlerVA1')('POST', `/api/v1/tasks/${lead.id}/complete`, {});
    expect((await tasksOf(id)).map((x) => x.nodeId)).toEqual(['co_handle']);
    await t.as('waterHandler')('POST', `/api/v1/tasks/${co.id}/complete`, {});
    expect((await tasksOf(id)).map((x) => x.nodeId)).toEqual(['verify']);
    await admin()('PUT', '/api/v1/categories/0101', { ...cat, code: undefined });
  });

  it('moves deadlines past a holiday marked in the working calendar', async () => {
    const calendars = (await admin()('GET', '/api/v1/calendars')).json().items as Array<{ id: string; isDefault: boolean }>;
    const cal = calendars.find((c) => c.isDefault)!;
    expect((await admin()('PUT', `/api/v1/calendars/${cal.id}/days/2026-11-30`, { kind: 'holiday', note: '临时调休' })).statusCode).toBe(200);
    const id = await report('0101');
    // The duty room's acceptance and dispatch run on natural time; the handling limit is working time.
    const [accept] = await tasksOf(id);
    expect(accept!.dueAt).toBe('2026-11-30T02:00:00.000Z');
    await t.as('duty')('POST', `/api/v1/tasks/${accept!.id}/complete`, { outcome: 'accept' });
    const dispatch = (await tasksOf(id)).find((x) => x.nodeId === 'dispatch')!;
    await t.as('duty')('POST', `/api/v1/tasks/${dispatch.id}/complete`, {});
    const handle = (await tasksOf(id)).find((x) => x.nodeId === 'handle')!;
    // 4 working hours from Monday (now a holiday) 09:00: Tuesday 08:30–12:00 and 13:30–14:00.
    expect(handle.dueAt).toBe('2026-12-01T06:00:00.000Z');
    await admin()('DELETE', `/api/v1/calendars/${cal.id}/days/2026-11-30`);
  });

  it('lets an administrator retry, skip, suspend, resume and migrate an instance', async () => {
    // A process whose SMS to the family cannot be sent (no family contact) and has no onError: it fails there.
    const definition = {
      name: { zh: '测试流程', en: 'Test process' },
      start: 'tell',
      nodes: [
        { id: 'tell', kind: 'action', action: 'send_sms', params: { template: 'care.alert', to: 'family' }, next: 'pause' },
        { id: 'pause', kind: 'wait', timer: { duration: { minutes: 10, kind: 'natural' }, next: 'done' } },
        { id: 'done', kind: 'end', closingKind: 'normal' },
      ],
    };
    expect((await admin()('PUT', '/api/v1/processes/test-flow', definition)).statusCode).toBe(201);
    const cat = (await admin()('GET', '/api/v1/categories')).json().items.find((c: { code: string }) => c.code === '0201');
    await admin()('PUT', '/api/v1/categories/0201', { ...cat, code: undefined, processKey: 'test-flow' });
    const id = await report('0201', '井盖破损');
    let inst = await processOf(id);
    expect(inst).toMatchObject({ status: 'failed', error: { nodeId: 'tell' } });

    // Retry fails the same way; a non-admin may not; skip moves past it to the wait.
    const retried = await admin()('POST', `/api/v1/process-instances/${inst.id}/retry`, {});
    expect(retried.json()).toMatchObject({ status: 'failed' });
    expect((await t.as('duty')('POST', `/api/v1/process-instances/${inst.id}/skip`, {})).statusCode).toBe(403);
    expect((await admin()('POST', `/api/v1/process-instances/${inst.id}/resume`, {})).statusCode).toBe(409);
    inst = (await admin()('POST', `/api/v1/process-instances/${inst.id}/skip`, { note: '家属电话未登记' })).json();
    expect(inst).toMatchObject({ status: 'running', tokens: [{ nodeId: 'pause', state: 'waiting' }] });

    // Suspended, its timer waits; resumed, it fires.
    await admin()('POST', `/api/v1/process-instances/${inst.id}/suspend`, {});
    t.clock.advance(11 * 60_000);
    expect(await fireDueTimers(t.deps)).toBe(0);
    expect((await admin()('POST', `/api/v1/process-instances/${inst.id}/suspend`, {})).statusCode).toBe(409);

    // Moved to a newer version while it stands at 'pause' (which v2 keeps); a version without it is refused.
    const v2 = structuredClone(definition);
    v2.nodes[2] = { id: 'done', kind: 'end', closingKind: 'special' };
    expect((await admin()('PUT', '/api/v1/processes/test-flow', v2)).json().version).toBe(2);
    const v3 = { ...definition, start: 'done', nodes: [{ id: 'done', kind: 'end', closingKind: 'normal' }] };
    expect((await admin()('PUT', '/api/v1/processes/test-flow?activate=false', v3)).json().version).toBe(3);
    expect((await admin()('POST', `/api/v1/process-instances/${inst.id}/migrate`, { version: 3 })).statusCode).toBe(409);
    expect((await admin()('POST', `/api/v1/process-instances/${inst.id}/migrate`, {})).json()).toMatchObject({ version: 2 });
    await admin()('POST', `/api/v1/process-instances/${inst.id}/resume`, {});
    expect(await fireDueTimers(t.deps)).toBe(1);
    expect((await admin()('GET', `/api/v1/events/${id}`)).json()).toMatchObject({ status: 'closed', closingKind: 'special' });
    const kinds = ((await admin()('GET', `/api/v1/events/${id}/timeline`)).json().items as Array<{ kind: string }>).map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'process.failed',
        'process.retry',
        'process.step_skipped',
        'process.suspend',
        'process.migrate',
        'process.resume',
        'process.ended',
      ]),
    );
    await admin()('PUT', '/api/v1/categories/0201', { ...cat, code: undefined });
  });
});
