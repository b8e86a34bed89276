import type { ProcessDefinition } from '@liandong/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

const BUILTIN_KEYS = ['ai-alarm', 'care-inactivity', 'collaboration', 'deputy-concern', 'parking', 'self-handled', 'standard'];

describe.each(TEST_DIALECTS)('processes API on %s', (dialect) => {
  let t: TestApp;
  let admin: ReturnType<TestApp['as']>;
  let parkingV1: ProcessDefinition;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    admin = t.as('admin');
  });
  afterAll(async () => t?.close());

  const graceOf = (def: ProcessDefinition) => def.nodes.find((n) => n.id === 'grace');

  it('lists the seven built-in processes at version 1, with the categories that use them', async () => {
    await t.deps.db.updateTable('categories').set({ process_key: 'parking' }).where('code', '=', '0201').execute();
    const res = await t.as('dispatcherA')('GET', '/api/v1/processes');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<Record<string, unknown>>;
    expect(items.map((p) => p.key)).toEqual(BUILTIN_KEYS);
    for (const p of items) expect(p).toMatchObject({ activeVersion: 1, latestVersion: 1, runningInstances: 0 });
    const parking = items.find((p) => p.key === 'parking')!;
    expect(parking.name).toEqual({ zh: '违停先提醒后处罚', en: 'Parking: remind, then enforce' });
    expect(parking.categories).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: '0201' }), { code: '0601', name: { zh: '违规停车', en: 'Illegal parking' } }]),
    );
    expect(items.find((p) => p.key === 'ai-alarm')!.categories).not.toContainEqual(expect.objectContaining({ code: '0201' }));
  });

  it('shows the active definition with its history', async () => {
    const res = await t.as('leader')('GET', '/api/v1/processes/parking');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    parkingV1 = body.definition;
    expect(graceOf(parkingV1)).toMatchObject({ timer: { duration: { minutes: 5, kind: 'natural' } } });
    // Every node is placed on the diagram.
    expect(parkingV1.nodes.every((n) => n.position)).toBe(true);
    expect(body.versions).toEqual([expect.objectContaining({ version: 1, active: true, createdBy: null, note: 'built-in' })]);
  });

  it('saves a longer grace period as version 2, active, leaving version 1 as it was', async () => {
    const edited = structuredClone(parkingV1) as ProcessDefinition & { note?: string };
    const grace = graceOf(edited)!;
    if (grace.kind !== 'wait' || !grace.timer) throw new Error('the parking process lost its grace timer');
    grace.timer.duration.minutes = 10;
    edited.note = '宽限期延长到10分钟';
    delete edited.version;

    const res = await admin('PUT', '/api/v1/processes/parking', edited);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ key: 'parking', version: 2, activated: true });

    const now = (await admin('GET', '/api/v1/processes/parking')).json();
    expect(now.activeVersion).toBe(2);
    expect(graceOf(now.definition)).toMatchObject({ timer: { duration: { minutes: 10 } } });
    expect(now.versions.map((v: { version: number; active: boolean }) => [v.version, v.active])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(now.versions[0]).toMatchObject({ createdBy: { username: 'admin' }, note: '宽限期延长到10分钟' });

    const v1 = await t.as('duty')('GET', '/api/v1/processes/parking/versions/1');
    expect(v1.statusCode).toBe(200);
    expect(v1.json()).toMatchObject({ key: 'parking', version: 1, active: false });
    expect(graceOf(v1.json().definition)).toMatchObject({ timer: { duration: { minutes: 5 } } });

    const audit = await t.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'process.save').execute();
    expect(audit).toEqual([expect.objectContaining({ target_id: 'parking', actor_user_id: t.fixture.users.admin!.id })]);
  });

  it('saves without activating when asked, then activates an older version', async () => {
    const draft = structuredClone(parkingV1);
    delete draft.version;
    const saved = await admin('PUT', '/api/v1/processes/parking?activate=false', draft);
    expect(saved.json()).toEqual({ key: 'parking', version: 3, activated: false });
    expect((await admin('GET', '/api/v1/processes/parking')).json().activeVersion).toBe(2);

    const res = await admin('POST', '/api/v1/processes/parking/activate', { version: 1 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ key: 'parking', activeVersion: 1 });
    const list = (await admin('GET', '/api/v1/processes')).json().items;
    expect(list.find((p: { key: string }) => p.key === 'parking')).toMatchObject({ activeVersion: 1, latestVersion: 3 });

    expect((await admin('POST', '/api/v1/processes/parking/activate', { version: 9 })).json().error.code).toBe('PROCESS_NOT_FOUND');
    await admin('POST', '/api/v1/processes/parking/activate', { version: 2 });
  });

  it('refuses an invalid process listing every problem, and writes nothing', async () => {
    const bad = structuredClone(parkingV1) as unknown as { nodes: Array<Record<string, unknown>> };
    delete (bad as { version?: number }).version;
    for (const n of bad.nodes) {
      if (n.id === 'owner_known') delete n.default;
      if (n.id === 'enforce') delete n.assignee;
    }
    bad.nodes.push({ id: 'orphan', kind: 'end', title: { zh: '孤立', en: 'Orphan' } });

    const res = await admin('PUT', '/api/v1/processes/parking', bad);
    expect(res.statusCode).toBe(422);
    const error = res.json().error;
    expect(error.code).toBe('PROCESS_INVALID');
    const codes = error.details.problems.map((p: { code: string }) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['NODE_UNREACHABLE', 'TASK_WITHOUT_ASSIGNEE', 'DECISION_WITHOUT_DEFAULT']));
    expect(error.details.problems.find((p: { code: string }) => p.code === 'NODE_UNREACHABLE').nodeId).toBe('orphan');
    expect((await admin('GET', '/api/v1/processes/parking')).json().latestVersion).toBe(3);

    // The editor's live validation gives the same list without saving.
    const live = await admin('POST', '/api/v1/processes/validate', bad);
    expect(live.statusCode).toBe(200);
    expect(live.json().ok).toBe(false);
    expect(live.json().problems.map((p: { code: string }) => p.code)).toEqual(codes);
  });

  it('validates a good definition with its steps in words', async () => {
    const res = await admin('POST', '/api/v1/processes/validate', parkingV1);
    expect(res.json()).toMatchObject({ ok: true, problems: [] });
    expect(res.json().described.zh.find((s: { id: string }) => s.id === 'grace').detail).toContain('vehicle.gone');
  });

  it('lets an administrator create a new process key', async () => {
    const def = {
      key: 'ignored-in-favour-of-the-url',
      name: { zh: '简单流程', en: 'Simple' },
      start: 'done',
      nodes: [{ id: 'done', kind: 'end', closingKind: 'normal' }],
    };
    const res = await admin('PUT', '/api/v1/processes/simple-close', def);
    expect(res.json()).toEqual({ key: 'simple-close', version: 1, activated: true });
    expect((await admin('GET', '/api/v1/processes/simple-close')).json()).toMatchObject({ key: 'simple-close', definition: { key: 'simple-close' } });
  });

  it('keeps writes to administrators and reads to the center', async () => {
    expect((await t.as('dispatcherA')('PUT', '/api/v1/processes/parking', parkingV1)).statusCode).toBe(403);
    expect((await t.as('leader')('POST', '/api/v1/processes/parking/activate', { version: 1 })).statusCode).toBe(403);
    expect((await t.as('handlerVA1')('GET', '/api/v1/processes')).statusCode).toBe(403);
    expect((await t.as('gwA1a')('GET', '/api/v1/processes/parking')).statusCode).toBe(403);
  });

  it('answers 404 PROCESS_NOT_FOUND for an unknown key or version', async () => {
    for (const url of ['/api/v1/processes/no-such', '/api/v1/processes/no-such/versions/1', '/api/v1/processes/parking/versions/99']) {
      const res = await admin('GET', url);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('PROCESS_NOT_FOUND');
    }
    expect((await admin('POST', '/api/v1/processes/no-such/activate', { version: 1 })).json().error.code).toBe('PROCESS_NOT_FOUND');
  });
});
