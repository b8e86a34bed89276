import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { FIXTURE_PASSWORD } from '../../testing/fixtures.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

describe.each(TEST_DIALECTS)('users on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  const byName = (items: Array<{ username: string; phone: string | null }>) => Object.fromEntries(items.map((u) => [u.username, u.phone]));

  it('shows a county admin everyone with phones in clear', async () => {
    const res = await t.as('admin')('GET', '/api/v1/users?limit=500');
    expect(res.statusCode).toBe(200);
    const phones = byName(res.json().items);
    expect(Object.keys(phones)).toHaveLength(11);
    expect(phones.gwB1a).toBe('13800000007');
  });

  it('limits a township dispatcher to the township and masks nobody inside it', async () => {
    const items = (await t.as('dispatcherA')('GET', '/api/v1/users')).json().items;
    // The officer's station serves tA but sits under its department, so it is not in the township.
    expect(items.map((u: { username: string }) => u.username).sort()).toEqual(['deputy', 'dispatcherA', 'gwA1a', 'handlerVA1']);
    expect(byName(items).gwA1a).toBe('13800000006');
  });

  it('masks phones of people outside the caller’s data scope', async () => {
    // A deputy finds the staff of their township, but the deputy role opens no personal data.
    const fromDeputy = byName((await t.as('deputy')('GET', '/api/v1/users')).json().items);
    expect(fromDeputy).toEqual({ deputy: '13800000010', dispatcherA: '138****0004', gwA1a: '138****0006', handlerVA1: '138****0005' });

    const created = await t.as('admin')('POST', '/api/v1/users', {
      username: 'stationChief',
      displayName: '中队长',
      phone: '+86 139 0000 0099',
      password: FIXTURE_PASSWORD,
      memberships: [
        { orgUnitId: t.fixture.units.enforcementA, role: 'handler' },
        { orgUnitId: t.fixture.units.tB, role: 'deputy' },
      ],
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().phone).toBe('13900000099');
    // The station chief sees the station's people in clear, and tB's people (as a deputy) masked.
    const fromChief = byName((await t.as('stationChief')('GET', '/api/v1/users')).json().items);
    expect(fromChief).toEqual({ officer: '13800000009', stationChief: '13900000099', gwB1a: '138****0007' });
    // A tB grid worker's scope is the grid: the chief is not in it.
    expect(byName((await t.as('gwB1a')('GET', '/api/v1/users')).json().items)).toEqual({ gwB1a: '13800000007' });
  });

  it('filters by unit subtree, role and text', async () => {
    const admin = t.as('admin');
    const inB = (await admin('GET', `/api/v1/users?orgUnitId=${t.fixture.units.tB}`)).json().items;
    expect(inB.map((u: { username: string }) => u.username)).toEqual(['gwB1a', 'stationChief']);
    const workers = (await admin('GET', '/api/v1/users?role=grid_worker')).json().items;
    expect(workers.map((u: { username: string }) => u.username).sort()).toEqual(['gwA1a', 'gwB1a']);
    const q = (await admin('GET', `/api/v1/users?q=${encodeURIComponent('网格')}`)).json().items;
    expect(q.map((u: { username: string }) => u.username).sort()).toEqual(['gwA1a', 'gwB1a']);
    const underscore = (await admin('GET', '/api/v1/users?q=_')).json().items;
    expect(underscore).toEqual([]);
    const page1 = (await admin('GET', '/api/v1/users?limit=3')).json();
    const page2 = (await admin('GET', `/api/v1/users?limit=3&cursor=${page1.nextCursor}`)).json();
    expect(page2.items[0].username > page1.items[2].username).toBe(true);
  });

  it('validates new users: phone, duplicate username, unknown unit, admin only', async () => {
    const admin = t.as('admin');
    const base = { displayName: '新人', password: 'long-enough-pass' };
    const badPhone = await admin('POST', '/api/v1/users', { ...base, username: 'newbie', phone: '12345' });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.json().error.code).toBe('VALIDATION_FAILED');
    const taken = await admin('POST', '/api/v1/users', { ...base, username: 'leader' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('USERNAME_TAKEN');
    const unit = await admin('POST', '/api/v1/users', { ...base, username: 'newbie', memberships: [{ orgUnitId: 'nope', role: 'handler' }] });
    expect(unit.json().error.code).toBe('UNKNOWN_ORG_UNIT');
    expect((await t.as('leader')('POST', '/api/v1/users', { ...base, username: 'newbie' })).statusCode).toBe(403);
    expect((await t.deps.db.selectFrom('users').select('id').where('username', '=', 'newbie').execute()).length).toBe(0);
  });

  it('adds and removes memberships, and the change applies to the user’s next request', async () => {
    const admin = t.as('admin');
    const gw = t.as('gwA1a');
    expect((await gw('GET', '/api/v1/me')).json().dataScope.unitIds).toEqual([t.fixture.units.gA1a]);
    const added = await admin('POST', `/api/v1/users/${t.fixture.users.gwA1a.id}/memberships`, { orgUnitId: t.fixture.units.vA2, role: 'handler' });
    expect(added.statusCode).toBe(201);
    expect((await gw('GET', '/api/v1/me')).json().dataScope.unitIds.sort()).toEqual([t.fixture.units.gA1a, t.fixture.units.vA2].sort());
    const dup = await admin('POST', `/api/v1/users/${t.fixture.users.gwA1a.id}/memberships`, { orgUnitId: t.fixture.units.vA2, role: 'handler' });
    expect(dup.statusCode).toBe(409);
    const membershipId = added.json().memberships.find((m: { orgUnitId: string }) => m.orgUnitId === t.fixture.units.vA2).id;
    const removed = await admin('DELETE', `/api/v1/users/${t.fixture.users.gwA1a.id}/memberships/${membershipId}`);
    expect(removed.statusCode).toBe(200);
    expect((await gw('GET', '/api/v1/me')).json().dataScope.unitIds).toEqual([t.fixture.units.gA1a]);
    const audit = (await admin('GET', `/api/v1/audit-log?action=membership.remove`)).json().items;
    expect(audit[0]).toMatchObject({ targetId: t.fixture.users.gwA1a.id, details: { membershipId } });
  });

  it('resets a password: old sessions end, the new password works', async () => {
    const before = await t.login('handlerVA1');
    const res = await t.as('admin')('PATCH', `/api/v1/users/${t.fixture.users.handlerVA1.id}`, { password: 'brand-new-pass', phone: '+8613911112222' });
    expect(res.statusCode).toBe(200);
    expect(res.json().phone).toBe('13911112222');
    const old = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: before } });
    expect(old.json().error.code).toBe('TOKEN_REVOKED');
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'handlerVA1', password: 'brand-new-pass' } });
    expect(login.statusCode).toBe(200);
    expect((await t.as('admin')('PATCH', '/api/v1/users/nope', { displayName: 'x' })).json().error.code).toBe('USER_NOT_FOUND');
  });
});
