import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { AppError } from '../../errors.ts';
import { authenticate } from './guards.ts';
import { resolveApiKeyPrincipal } from './principal.service.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';

describe.each(TEST_DIALECTS)('API keys and the audit log on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  const guard = async (opts: Parameters<typeof authenticate>[0], key: string) => {
    const req = { principal: await resolveApiKeyPrincipal(t.deps, key) } as FastifyRequest;
    return authenticate(opts)(req, {} as FastifyReply).then(
      () => 'ok',
      (e: AppError) => e.code,
    );
  };

  it('creates a key shown once, stores only its hash, and authenticates with it until revoked', async () => {
    const admin = t.as('admin');
    const created = await admin('POST', '/api/v1/api-keys', { name: 'AI box 1', scopes: ['alarms:write'], orgUnitId: t.fixture.units.tA });
    expect(created.statusCode).toBe(201);
    const { key, id, prefix } = created.json();
    expect(key.startsWith(prefix)).toBe(true);
    expect(prefix.length).toBeLessThan(key.length / 2);
    const stored = await t.deps.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(key);

    const listed = (await admin('GET', '/api/v1/api-keys')).json().items;
    expect(listed).toEqual([
      expect.objectContaining({ id, name: 'AI box 1', prefix, scopes: ['alarms:write'], orgUnitId: t.fixture.units.tA, revokedAt: null }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(key);

    expect(await guard({ apiKeyScopes: ['alarms:write'] }, key)).toBe('ok');
    expect(await guard({ apiKeyScopes: ['events:read'] }, key)).toBe('SCOPE_MISSING');
    expect(await guard({}, key)).toBe('FORBIDDEN');

    // A key is not a user: user endpoints refuse it.
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-api-key': key } });
    expect(me.statusCode).toBe(403);

    const revoked = await admin('DELETE', `/api/v1/api-keys/${id}`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).toBe(t.clock.now().toISOString());
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-api-key': key } });
    expect(after.statusCode).toBe(401);
    expect(after.json().error).toMatchObject({ code: 'INVALID_API_KEY', details: { reason: 'revoked' } });
  });

  it('rejects unknown keys and expired keys', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-api-key': 'ldk_nope' } });
    expect(unknown.json().error.code).toBe('INVALID_API_KEY');
    const soon = new Date(t.clock.now().getTime() + 60_000).toISOString();
    const { key } = (await t.as('admin')('POST', '/api/v1/api-keys', { name: 'temp', scopes: ['events:read'], expiresAt: soon })).json();
    expect(await guard({ apiKeyScopes: ['events:read'] }, key)).toBe('ok');
    t.clock.advance(60_000);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-api-key': key } });
    expect(res.json().error).toMatchObject({ code: 'INVALID_API_KEY', details: { reason: 'expired' } });
  });

  it('lets only admins manage keys, and validates the unit', async () => {
    expect((await t.as('leader')('POST', '/api/v1/api-keys', { name: 'x', scopes: ['alarms:write'] })).statusCode).toBe(403);
    expect((await t.as('leader')('GET', '/api/v1/api-keys')).statusCode).toBe(403);
    const badUnit = await t.as('admin')('POST', '/api/v1/api-keys', { name: 'x', scopes: ['alarms:write'], orgUnitId: 'no-such-unit' });
    expect(badUnit.statusCode).toBe(422);
    expect(badUnit.json().error.code).toBe('UNKNOWN_ORG_UNIT');
    const badScope = await t.as('admin')('POST', '/api/v1/api-keys', { name: 'x', scopes: ['root'] });
    expect(badScope.statusCode).toBe(400);
    expect((await t.as('admin')('DELETE', '/api/v1/api-keys/nope')).json().error.code).toBe('API_KEY_NOT_FOUND');
  });

  it('records sign-ins, failures, keys and user changes in an admin-only audit log', async () => {
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'officer', password: 'wrong-password' }, remoteAddress: '10.9.9.9' });
    const admin = t.as('admin');
    const failed = (await admin('GET', '/api/v1/audit-log?action=auth.login_failed')).json().items;
    expect(failed[0]).toMatchObject({ action: 'auth.login_failed', ip: '10.9.9.9', details: { username: 'officer', reason: 'wrong_password' } });
    expect(JSON.stringify(failed)).not.toContain('wrong-password');

    const logins = (await admin('GET', `/api/v1/audit-log?action=auth.login&actorUserId=${t.fixture.users.admin.id}`)).json().items;
    expect(logins.length).toBeGreaterThan(0);
    expect(logins[0].actor).toEqual({ id: t.fixture.users.admin.id, name: '系统管理员' });

    const keys = (await admin('GET', '/api/v1/audit-log?action=api_key.create')).json().items;
    expect(keys.map((k: { details: { name: string } }) => k.details.name).sort()).toEqual(['AI box 1', 'temp']);
    expect((await admin('GET', '/api/v1/audit-log?action=api_key.revoke')).json().items).toHaveLength(1);

    await admin('PATCH', `/api/v1/users/${t.fixture.users.officer.id}`, { displayName: '执法队员甲', password: 'new-secret-pass' });
    const upd = (await admin('GET', '/api/v1/audit-log?action=user.update')).json().items[0];
    expect(upd).toMatchObject({ targetType: 'user', targetId: t.fixture.users.officer.id, details: { fields: ['displayName', 'password'] } });
    expect(JSON.stringify(upd)).not.toContain('new-secret-pass');

    expect((await t.as('leader')('GET', '/api/v1/audit-log')).statusCode).toBe(403);
  });

  it('pages the audit log with a signed cursor', async () => {
    const admin = t.as('admin');
    const first = (await admin('GET', '/api/v1/audit-log?limit=2')).json();
    expect(first.items).toHaveLength(2);
    const second = (await admin('GET', `/api/v1/audit-log?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.items[0].id).not.toBe(first.items[1].id);
    expect(second.items[0].at <= first.items[1].at).toBe(true);
    const tampered = await admin('GET', `/api/v1/audit-log?cursor=${first.nextCursor.slice(0, -2)}xx`);
    expect(tampered.statusCode).toBe(400);
    expect(tampered.json().error.code).toBe('INVALID_CURSOR');
    const from = (await admin('GET', `/api/v1/audit-log?from=${encodeURIComponent('2030-01-01T00:00:00Z')}`)).json();
    expect(from.items).toEqual([]);
  });
});
