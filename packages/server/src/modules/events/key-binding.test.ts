import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { linkageDrainerOf } from '../notify/linkage.worker.ts';

/**
 * A unit-bound API key acts only inside its unit (issue 11, point 4): it creates events located in
 * the unit's subtree (a department key: events routed to the department or its stations) and
 * plate reminders there; anything else is 422 OUTSIDE_KEY_SCOPE, and nothing is written.
 */
describe.each(TEST_DIALECTS)('unit-bound API keys (%s)', (dialect) => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t?.close());

  const newKey = async (scopes: string[], orgUnitId?: string) => {
    const res = await t.as('admin')('POST', '/api/v1/api-keys', { name: `key ${++n}`, scopes, ...(orgUnitId ? { orgUnitId } : {}) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().key as string;
  };
  const post = async (key: string, url: string, payload: unknown) => {
    const res = await t.app.inject({ method: 'POST', url, payload: payload as never, headers: { 'x-api-key': key } });
    await linkageDrainerOf(t.deps).idle();
    return res;
  };
  const report = (key: string, grid: string, category = '0101') =>
    post(key, '/api/v1/events', { category, title: `camera report ${++n}`, source: 'iot', location: { ...t.fixture.points[grid] } });
  const eventCount = async () =>
    Number(
      (
        await t.deps.db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll().as('c'))
          .executeTakeFirstOrThrow()
      ).c,
    );

  it('a key bound to township A creates events located in A (201) and none in B (422 OUTSIDE_KEY_SCOPE)', async () => {
    const key = await newKey(['events:write'], t.fixture.units.tA);
    const inA = await report(key, 'gA2b');
    expect(inA.statusCode, inA.body).toBe(201);
    expect(inA.json().orgChain.map((u: { id: string }) => u.id)).toContain(t.fixture.units.tA);

    const before = await eventCount();
    const inB = await report(key, 'gB1a');
    expect(inB.statusCode).toBe(422);
    expect(inB.json()).toEqual({
      error: {
        code: 'OUTSIDE_KEY_SCOPE',
        message: expect.stringContaining('东港镇'),
        details: { keyUnitIds: [t.fixture.units.tA], locatedUnitId: t.fixture.units.gB1a },
      },
    });
    expect(await eventCount()).toBe(before);
  });

  it('a key bound to a village stays in the village; an unbound key reports anywhere in the county', async () => {
    const village = await newKey(['events:write'], t.fixture.units.vA1);
    expect((await report(village, 'gA1b')).statusCode).toBe(201);
    expect((await report(village, 'gA2a')).json().error.code).toBe('OUTSIDE_KEY_SCOPE');
    const county = await newKey(['events:write']);
    expect((await report(county, 'gB2b')).statusCode).toBe(201);
    expect((await report(county, 'gA1a')).statusCode).toBe(201);
  });

  it('an externalId repeat answers the existing event only to a key whose unit holds it', async () => {
    const a = await newKey(['events:write', 'events:read'], t.fixture.units.tA);
    const b = await newKey(['events:write', 'events:read'], t.fixture.units.tB);
    const body = (grid: string) => ({
      category: '0101',
      title: 'camera report',
      source: 'video',
      externalId: 'cam-7/42',
      location: { ...t.fixture.points[grid] },
    });
    const first = await post(a, '/api/v1/events', body('gA2a'));
    expect(first.statusCode, first.body).toBe(201);
    const repeat = await post(a, '/api/v1/events', body('gA2a'));
    expect(repeat.statusCode).toBe(200);
    expect(repeat.json().id).toBe(first.json().id);
    const foreign = await post(b, '/api/v1/events', body('gB1a'));
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().error.code).toBe('OUTSIDE_KEY_SCOPE');
    expect(foreign.body).not.toContain(first.json().id);
  });

  it('a key bound to a department creates only events routed to it (or its stations)', async () => {
    const key = await newKey(['events:write'], t.fixture.units.enforcement);
    // Illegal parking is led by enforcement (its squad for township A); exposed garbage by the village.
    expect((await report(key, 'gA1a', '0601')).statusCode).toBe(201);
    expect((await report(key, 'gA1a', '0101')).json().error.code).toBe('OUTSIDE_KEY_SCOPE');
  });

  it('plate reminders by a key bound to township A: in A 201, in B 422, and no SMS for B', async () => {
    await t.as('admin')('PUT', `/api/v1/vehicles/${encodeURIComponent('蒙J55501')}`, { ownerName: '王建国', ownerPhone: '13912345678' });
    const key = await newKey(['alarms:write'], t.fixture.units.tA);
    const before = await eventCount();
    const inB = await post(key, '/api/v1/vehicles/reminders', { plate: '蒙J55501', location: { ...t.fixture.points.gB1a } });
    expect(inB.statusCode).toBe(422);
    expect(inB.json().error.code).toBe('OUTSIDE_KEY_SCOPE');
    expect(await eventCount()).toBe(before);
    const inA = await post(key, '/api/v1/vehicles/reminders', { plate: '蒙J55501', location: { ...t.fixture.points.gA1a } });
    expect(inA.statusCode, inA.body).toBe(201);

    // The car, still under its open case in A, reported by a key of township B: the case is not shown to it.
    const other = await newKey(['alarms:write', 'events:read'], t.fixture.units.tB);
    const again = await post(other, '/api/v1/vehicles/reminders', { plate: '蒙J55501', location: { ...t.fixture.points.gB1a } });
    expect(again.statusCode).toBe(422);
    expect(again.json().error.code).toBe('OUTSIDE_KEY_SCOPE');
    expect(again.body).not.toContain(inA.json().id);
  });
});
