import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../app.ts';
import { testConfig } from '../config.ts';
import type { Dialect } from '../db/database.ts';
import { FakeClock } from '../lib/clock.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import { openTestDatabase, TEST_DIALECTS } from '../testing/databases.ts';
import { seedDemoCounty } from './demo.ts';
import { isDemoPassword, resetDemoPassword } from './demo-password.ts';

const FIRST = 'first-demo-pass';
const SEED = 7;

describe.each(TEST_DIALECTS)('liandong demo --reset-password on %s', (dialect: Dialect) => {
  let runtime: Runtime;
  let app: App;
  beforeAll(async () => {
    const database = await openTestDatabase(dialect);
    runtime = await createRuntime(testConfig({ auth: { secret: 'test-secret-0123456789abcdef' } }), {
      database,
      clock: new FakeClock('2026-11-28T02:00:00.000Z'),
    });
    // The organisation and its accounts are what matters here: no history.
    await seedDemoCounty(runtime.deps, { seed: SEED, password: FIRST, days: 0 });
    app = await buildApp(runtime.deps);
    await app.ready();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await runtime?.close();
  });

  const login = (username: string, password: string) => app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  const tokenOf = async (username: string, password: string) => {
    const res = await login(username, password);
    expect(res.statusCode, `${username} ${res.body}`).toBe(200);
    return `Bearer ${res.json().token}`;
  };

  it('sets the chosen password on every demo account, ends their sessions, and leaves added accounts alone', async () => {
    const admin = await tokenOf('admin', FIRST);
    const leaderSession = await tokenOf('leader-1', FIRST);
    const added = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { authorization: admin },
      payload: { username: 'added-later', displayName: '新同事', password: 'added-later-pass', memberships: [] },
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(await isDemoPassword(runtime.deps, SEED, 'chosen-pass-2026')).toBe(false);
    expect(await isDemoPassword(runtime.deps, SEED, FIRST)).toBe(true);
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: leaderSession } })).statusCode).toBe(200);

    const reset = await resetDemoPassword(runtime.deps, { seed: SEED, password: 'chosen-pass-2026' });
    expect(reset).toMatchObject({ password: 'chosen-pass-2026', generated: false });
    expect(reset.accounts).toBeGreaterThan(500);

    expect((await login('admin', FIRST)).statusCode).toBe(401);
    await tokenOf('admin', 'chosen-pass-2026');
    await tokenOf('leader-1', 'chosen-pass-2026');
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: leaderSession } })).statusCode).toBe(401);
    await tokenOf('added-later', 'added-later-pass');
    expect(await isDemoPassword(runtime.deps, SEED, 'chosen-pass-2026')).toBe(true);

    const audit = await runtime.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'demo.password_reset').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain('chosen-pass-2026');
  });

  it('makes a new random password when none is given', async () => {
    const reset = await resetDemoPassword(runtime.deps, { seed: SEED });
    expect(reset.generated).toBe(true);
    expect(reset.password).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect((await login('admin', 'chosen-pass-2026')).statusCode).toBe(401);
    await tokenOf('duty-1', reset.password);
  });
});

describe('liandong demo --reset-password without a demo county', () => {
  it('says so instead of changing anything', async () => {
    const database = await openTestDatabase('sqlite');
    const runtime = await createRuntime(testConfig({ auth: { secret: 'test-secret-0123456789abcdef' } }), { database });
    try {
      await expect(resetDemoPassword(runtime.deps, { seed: SEED, password: 'whatever-pass' })).rejects.toThrow(/no demo county/);
    } finally {
      await runtime.close();
    }
  });
});
