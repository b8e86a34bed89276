import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

const H = 3_600_000;

describe.each(TEST_DIALECTS)('duty rosters on %s', (dialect) => {
  let t: TestApp;
  const at = (hours: number) => new Date(t.clock.now().getTime() + hours * H).toISOString();
  const entry = (over: Record<string, unknown> = {}) => ({
    orgUnitId: t.fixture.units.vA1,
    userId: t.fixture.users.handlerVA1.id,
    startsAt: at(1),
    endsAt: at(9),
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('lets an admin, or a dispatcher of a unit above, put a member on duty and lists it', async () => {
    const byAdmin = await t.as('admin')('POST', '/api/v1/duty-rosters', entry({ note: '白班' }));
    expect(byAdmin.statusCode).toBe(201);
    expect(byAdmin.json()).toMatchObject({ orgUnitId: t.fixture.units.vA1, userName: '南浦村干部', startsAt: at(1), endsAt: at(9), note: '白班' });
    // Back to back is not an overlap: [start, end).
    const byDispatcher = await t.as('dispatcherA')('POST', '/api/v1/duty-rosters', entry({ startsAt: at(9), endsAt: at(17) }));
    expect(byDispatcher.statusCode).toBe(201);

    const list = await t.as('handlerVA1')('GET', `/api/v1/duty-rosters?orgUnitId=${t.fixture.units.vA1}`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((i: { startsAt: string }) => i.startsAt)).toEqual([at(1), at(9)]);
    const later = await t.as('admin')(
      'GET',
      `/api/v1/duty-rosters?orgUnitId=${t.fixture.units.vA1}&from=${encodeURIComponent(at(10))}&to=${encodeURIComponent(at(11))}`,
    );
    expect(later.json().items.map((i: { startsAt: string }) => i.startsAt)).toEqual([at(9)]);
  });

  it('refuses overlapping entries for the same person and unit with 409', async () => {
    const res = await t.as('admin')('POST', '/api/v1/duty-rosters', entry({ startsAt: at(8), endsAt: at(10) }));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('DUTY_ROSTER_OVERLAP');
    expect(res.json().error.details.overlapping).toHaveLength(2);
  });

  it('refuses people who are not members of the unit, and backwards times, with 422', async () => {
    const outsider = await t.as('admin')('POST', '/api/v1/duty-rosters', entry({ userId: t.fixture.users.gwB1a.id, startsAt: at(30), endsAt: at(31) }));
    expect(outsider.statusCode).toBe(422);
    expect(outsider.json().error.code).toBe('NOT_A_MEMBER');
    const backwards = await t.as('admin')('POST', '/api/v1/duty-rosters', entry({ startsAt: at(40), endsAt: at(40) }));
    expect(backwards.statusCode).toBe(422);
    expect(backwards.json().error.code).toBe('SEMANTIC_ERROR');
    const unknownUnit = await t.as('admin')('POST', '/api/v1/duty-rosters', entry({ orgUnitId: 'nope' }));
    expect(unknownUnit.statusCode).toBe(404);
  });

  it('keeps the roster to admins, leaders and dispatchers of the unit or above', async () => {
    const handler = await t.as('handlerVA1')('POST', '/api/v1/duty-rosters', entry({ startsAt: at(50), endsAt: at(51) }));
    expect(handler.statusCode).toBe(403);
    // The township-A dispatcher does not keep township B's rosters, nor see them.
    const other = await t.as('dispatcherA')('POST', '/api/v1/duty-rosters', entry({ orgUnitId: t.fixture.units.gB1a, userId: t.fixture.users.gwB1a.id }));
    expect(other.statusCode).toBe(403);
    const look = await t.as('dispatcherA')('GET', `/api/v1/duty-rosters?orgUnitId=${t.fixture.units.gB1a}`);
    expect(look.statusCode).toBe(403);
    expect(look.json().error.code).toBe('OUT_OF_SCOPE');
  });

  it('removes an entry (204), then answers 404 for it', async () => {
    const created = (await t.as('admin')('POST', '/api/v1/duty-rosters', entry({ startsAt: at(60), endsAt: at(61) }))).json();
    expect((await t.as('handlerVA1')('DELETE', `/api/v1/duty-rosters/${created.id}`)).statusCode).toBe(403);
    expect((await t.as('dispatcherA')('DELETE', `/api/v1/duty-rosters/${created.id}`)).statusCode).toBe(204);
    const again = await t.as('admin')('DELETE', `/api/v1/duty-rosters/${created.id}`);
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('DUTY_ROSTER_NOT_FOUND');
  });
});
