import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { FIXTURE_PASSWORD } from '../../testing/fixtures.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

describe.each(TEST_DIALECTS)('sign-in and sessions on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { auth: { sessionTtlHours: 2, loginMaxAttempts: 3, loginWindowSeconds: 60 } } });
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
});
