import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { FIXTURE_PASSWORD } from '../../testing/fixtures.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

describe.each(TEST_DIALECTS)('sign-in and sessions on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { auth: { sessionTtlHours: 2, loginMaxAttempts: 3, loginMaxAttemptsPerIp: 5, loginWindowSeconds: 60 } } });
  });
  afterAll(async () => t?.close());

  const loginAs = (username: string, password: string, ip = '10.0.0.1') =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: ip });

  it('signs in with the right password and returns a token, expiry and the user', async () => {
    const res = await loginAs('dispatcherA', FIXTURE_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(body.expiresAt).toBe('2026-11-28T04:00:00.000Z');
    expect(body.user).toMatchObject({ username: 'dispatcherA', roles: ['dispatcher'], phone: '13800000004', isActive: true });
    expect(body.user.memberships[0]).toMatchObject({ orgUnitId: t.fixture.units.tA, orgUnitKind: 'township', role: 'dispatcher' });
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${body.token}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.username).toBe('dispatcherA');
  });

  it('answers a wrong password and an unknown user identically', async () => {
    const wrong = await loginAs('leader', 'not-the-password', '10.0.0.2');
    const unknown = await loginAs('nobody-here', 'not-the-password', '10.0.0.3');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
  });

  it('rejects requests without or with a bogus token', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('UNAUTHENTICATED');
    const bogus = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Bearer made-up-token' } });
    expect(bogus.statusCode).toBe(401);
    expect(bogus.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a deactivated user even with the right password', async () => {
    const admin = t.as('admin');
    const res = await admin('PATCH', `/api/v1/users/${t.fixture.users.gwB1a.id}`, { isActive: false });
    expect(res.statusCode).toBe(200);
    const login = await loginAs('gwB1a', FIXTURE_PASSWORD, '10.0.0.4');
    expect(login.statusCode).toBe(403);
    expect(login.json().error.code).toBe('ACCOUNT_DISABLED');
  });

  it('locks a username after repeated failures with 429 and Retry-After, then recovers', async () => {
    for (let i = 0; i < 3; i++) expect((await loginAs('handlerVA1', 'bad-password', `10.1.0.${i}`)).statusCode).toBe(401);
    const limited = await loginAs('handlerVA1', FIXTURE_PASSWORD, '10.1.0.9');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Other users are not affected.
    expect((await loginAs('officer', FIXTURE_PASSWORD, '10.1.0.10')).statusCode).toBe(200);
    t.clock.advance(61_000);
    expect((await loginAs('handlerVA1', FIXTURE_PASSWORD, '10.1.0.9')).statusCode).toBe(200);
  });

  it('limits failures per client IP across usernames, with more room than per username', async () => {
    const ip = '10.2.0.1';
    // A command room sharing one address: a few colleagues' typos do not lock the others out.
    for (const u of ['u1', 'u2', 'u3', 'u4']) expect((await loginAs(u, 'bad-password', ip)).statusCode).toBe(401);
    expect((await loginAs('dispatcherA', FIXTURE_PASSWORD, ip)).statusCode).toBe(200);
    expect((await loginAs('u5', 'bad-password', ip)).statusCode).toBe(401);
    const limited = await loginAs('leader', FIXTURE_PASSWORD, ip);
    expect(limited.statusCode).toBe(429);
    expect((await loginAs('leader', FIXTURE_PASSWORD, '10.2.0.2')).statusCode).toBe(200);
    t.clock.advance(61_000);
    expect((await loginAs('leader', FIXTURE_PASSWORD, ip)).statusCode).toBe(200);
  });

  it('revokes the session on logout: the next call says TOKEN_REVOKED', async () => {
    const { token } = (await loginAs('duty', FIXTURE_PASSWORD, '10.3.0.1')).json();
    const headers = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers })).statusCode).toBe(200); // now cached
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers })).statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('TOKEN_REVOKED');
  });

  it('ends a user’s sessions at once when an admin deactivates them', async () => {
    const { token } = (await loginAs('gwA1a', FIXTURE_PASSWORD, '10.5.0.1')).json();
    const headers = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers })).statusCode).toBe(200);
    expect((await t.as('admin')('PATCH', `/api/v1/users/${t.fixture.users.gwA1a.id}`, { isActive: false })).statusCode).toBe(200);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('TOKEN_REVOKED');
    await t.as('admin')('PATCH', `/api/v1/users/${t.fixture.users.gwA1a.id}`, { isActive: true });
  });

  it('shows memberships and the data scope on /me', async () => {
    const water = (await t.as('waterHandler')('GET', '/api/v1/me')).json();
    expect(water.roles).toEqual(['handler']);
    expect(water.memberships).toEqual([
      expect.objectContaining({ orgUnitId: t.fixture.units.water, orgUnitKind: 'department', orgUnitName: '县水利局', role: 'handler' }),
    ]);
    expect(water.dataScope).toEqual({ all: false, unitIds: [], departmentIds: [t.fixture.units.water], ownSubmissions: true });
    const dispatcher = (await t.as('dispatcherA')('GET', '/api/v1/me')).json();
    expect(dispatcher.dataScope).toEqual({ all: false, unitIds: [t.fixture.units.tA], departmentIds: [], ownSubmissions: true });
    const leader = (await t.as('leader')('GET', '/api/v1/me')).json();
    expect(leader.dataScope.all).toBe(true);
    const deputy = (await t.as('deputy')('GET', '/api/v1/me')).json();
    expect(deputy.dataScope).toEqual({ all: false, unitIds: [], departmentIds: [], ownSubmissions: true });
  });

  it('lets a department member see its stations’ events', async () => {
    const enforcementHead = await t.as('admin')('POST', '/api/v1/users', {
      username: 'enforcementHead',
      displayName: '执法局长',
      password: 'long-enough-pass',
      memberships: [{ orgUnitId: t.fixture.units.enforcement, role: 'handler' }],
    });
    expect(enforcementHead.statusCode).toBe(201);
    const { token } = (await loginAs('enforcementHead', 'long-enough-pass', '10.6.0.1')).json();
    const me = (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).json();
    expect(me.dataScope.departmentIds.sort()).toEqual([t.fixture.units.enforcement, t.fixture.units.enforcementA].sort());
  });

  // Last: it moves the clock past every session opened so far (t.as() caches tokens).
  it('expires sessions after sessionTtlHours: TOKEN_EXPIRED', async () => {
    const { token } = (await loginAs('leader', FIXTURE_PASSWORD, '10.4.0.1')).json();
    const headers = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers })).statusCode).toBe(200);
    t.clock.advance(2 * 3_600_000 - 1_000);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers })).statusCode).toBe(200);
    t.clock.advance(1_000);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('TOKEN_EXPIRED');
  });
});
