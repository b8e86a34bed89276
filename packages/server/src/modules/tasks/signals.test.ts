import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltinProcesses } from '../../engine/runtime/definition-store.ts';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { linkageDrainerOf } from '../notify/linkage.worker.ts';

/**
 * Who may send a process signal (issue 11, point 3): the senders the process declares for the
 * wait (parking: the reporting officer, the enforcement officers serving the place, API keys
 * with signals:write), administrators, and nobody else — refused with 403 SIGNAL_FORBIDDEN; every
 * attempt is in the audit log.
 */
describe.each(TEST_DIALECTS)('signal permissions (%s)', (dialect) => {
  let t: TestApp;
  let plates = 0;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t?.close());

  /** A parking reminder filed by `who` in grid gA1a (township A, enforcement squad A); the process waits for vehicle.gone. */
  const remind = async (who: string) => {
    const plate = `蒙J${String(10_000 + ++plates)}`;
    await t.as('admin')('PUT', `/api/v1/vehicles/${encodeURIComponent(plate)}`, { ownerName: '王建国', ownerPhone: '13912345678' });
    const res = await t.as(who)('POST', '/api/v1/vehicles/reminders', { plate, location: { ...t.fixture.points.gA1a } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const gone = (who: string, id: string) => t.as(who)('POST', `/api/v1/events/${id}/signals`, { name: 'vehicle.gone' });
  const status = async (id: string) => (await t.as('admin')('GET', `/api/v1/events/${id}`)).json().status as string;
  const audit = async (id: string) =>
    (await t.deps.db.selectFrom('audit_log').selectAll().where('target_id', '=', id).orderBy('at').orderBy('id').execute()).map((r) => ({
      action: r.action,
      actor: r.actor_name,
      details: r.details ? JSON.parse(r.details) : null,
    }));
  const newKey = async (scopes: string[], orgUnitId?: string) => {
    const res = await t.as('admin')('POST', '/api/v1/api-keys', { name: `key ${scopes.join(' ')}`, scopes, ...(orgUnitId ? { orgUnitId } : {}) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { key: string; id: string };
  };
  const goneWithKey = async (key: string, id: string) => {
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/events/${id}/signals`, payload: { name: 'vehicle.gone' }, headers: { 'x-api-key': key } });
    await linkageDrainerOf(t.deps).idle();
    return res;
  };

  it('refuses a village handler who can see the event (403, audited), and the case stays open', async () => {
    const id = await remind('officer');
    // The handler sees the event (it lies in the village) — seeing is not enough to close it.
    expect((await t.as('handlerVA1')('GET', `/api/v1/events/${id}`)).statusCode).toBe(200);
    const res = await gone('handlerVA1', id);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: { code: 'SIGNAL_FORBIDDEN', message: expect.stringContaining('vehicle.gone'), details: { name: 'vehicle.gone' } } });
    expect(await status(id)).not.toBe('closed');
    expect((await t.as('admin')('GET', `/api/v1/events/${id}/process`)).json().items[0].tokens).toMatchObject([{ nodeId: 'grace', state: 'waiting' }]);
    expect(await audit(id)).toEqual([
      { action: 'process.signal_refused', actor: '南浦村干部', details: { name: 'vehicle.gone', reason: expect.stringContaining('apiKey:signals:write') } },
    ]);
    // The audit log lists it for administrators.
    const listed = (await t.as('admin')('GET', '/api/v1/audit-log?action=process.signal_refused')).json().items;
    expect(listed.some((e: { targetId: string }) => e.targetId === id)).toBe(true);
  });

  it('accepts the officer who filed the reminder (audited as the reporter)', async () => {
    const id = await remind('officer');
    const res = await gone('officer', id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ eventId: id, name: 'vehicle.gone', delivered: 1 });
    expect(await status(id)).toBe('closed');
    expect(await audit(id)).toEqual([{ action: 'process.signal', actor: '执法队员', details: { name: 'vehicle.gone', as: 'reporter', delivered: 1 } }]);
  });

  it('accepts an enforcement officer of the place for a reminder a grid worker filed; the grid worker of another township is refused', async () => {
    const id = await remind('gwA1a');
    expect((await gone('gwB1a', id)).statusCode).toBe(404); // cannot even see it
    expect((await gone('handlerVA1', id)).statusCode).toBe(403);
    const res = await gone('officer', id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().delivered).toBe(1);
    expect((await audit(id)).map((a) => [a.action, a.details.as ?? null])).toEqual([
      ['process.signal_refused', null],
      ['process.signal', 'role:officer@department:enforcement'],
    ]);
  });

  it('accepts an API key with signals:write (even without a read scope); refuses a key with events:write only; a key bound elsewhere does not find the event', async () => {
    const id = await remind('officer');
    const writer = await newKey(['events:write']);
    const refused = await goneWithKey(writer.key, id);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('SIGNAL_FORBIDDEN');
    const elsewhere = await newKey(['signals:write'], t.fixture.units.tB);
    expect((await goneWithKey(elsewhere.key, id)).statusCode).toBe(404);
    expect(await status(id)).not.toBe('closed');

    const camera = await newKey(['signals:write'], t.fixture.units.tA);
    const res = await goneWithKey(camera.key, id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().delivered).toBe(1);
    expect(await status(id)).toBe('closed');
    expect((await audit(id)).map((a) => [a.action, a.details.apiKeyId, a.details.as ?? null])).toEqual([
      ['process.signal_refused', writer.id, null],
      ['process.signal', camera.id, 'apiKey:signals:write'],
    ]);
    // A late signal from the camera is still allowed and wakes nothing.
    expect((await goneWithKey(camera.key, id)).json().delivered).toBe(0);
  });

  it('lets an administrator intervene, and refuses the platform’s own signals to everyone else', async () => {
    const id = await remind('officer');
    const res = await gone('admin', id);
    expect(res.json()).toMatchObject({ delivered: 1 });
    expect((await audit(id)).at(-1)).toMatchObject({ action: 'process.signal', details: { as: 'admin' } });
    // progress.updated is the platform's (a handler's comment sends it): not through the API.
    const other = await t.as('officer')('POST', `/api/v1/events/${id}/signals`, { name: 'progress.updated' });
    expect(other.statusCode).toBe(403);
  });

  it('a version whose wait names no senders (older versions) accepts only administrators', async () => {
    const current = (await t.as('admin')('GET', '/api/v1/processes/parking')).json();
    const definition = structuredClone(current.definition);
    delete definition.nodes.find((n: { id: string }) => n.id === 'grace').signal.senders;
    expect((await t.as('admin')('PUT', '/api/v1/processes/parking', definition)).statusCode).toBe(201);
    const id = await remind('officer');
    expect((await gone('officer', id)).statusCode).toBe(403);
    expect((await goneWithKey((await newKey(['signals:write'])).key, id)).statusCode).toBe(403);
    expect((await gone('admin', id)).json().delivered).toBe(1);
    // Put the built-in rule back for the tests that follow.
    expect((await t.as('admin')('PUT', '/api/v1/processes/parking', current.definition)).statusCode).toBe(201);
  });

  it('an installation still on the built-in parking without senders gets a version with them at start', async () => {
    // As an installation seeded before senders existed: its version 1 has none.
    const v1 = await t.deps.db
      .selectFrom('process_versions')
      .select('definition')
      .where('key', '=', 'deputy-concern')
      .where('version', '=', 1)
      .executeTakeFirstOrThrow();
    const stripped = JSON.parse(v1.definition);
    for (const n of stripped.nodes) if (n.signal) delete n.signal.senders;
    await t.deps.db
      .updateTable('process_versions')
      .set({ definition: JSON.stringify(stripped) })
      .where('key', '=', 'deputy-concern')
      .where('version', '=', 1)
      .execute();
    expect(await ensureBuiltinProcesses(t.deps.db, t.clock.now().toISOString())).toBe(1);
    const after = (await t.as('admin')('GET', '/api/v1/processes/deputy-concern')).json();
    expect(after.activeVersion).toBe(2);
    expect(after.definition.nodes.find((n: { id: string }) => n.id === 'rating').signal.senders).toEqual([{ kind: 'platform' }]);
    // Once upgraded, or once an administrator has saved a version of their own, nothing more happens.
    expect(await ensureBuiltinProcesses(t.deps.db, t.clock.now().toISOString())).toBe(0);
  });
});
