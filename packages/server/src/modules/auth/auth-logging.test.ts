import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../app.ts';
import { testConfig } from '../../config.ts';
import { FakeClock } from '../../lib/clock.ts';
import { createLogger } from '../../lib/logger.ts';
import { createRuntime, type Runtime } from '../../runtime.ts';
import { openTestDatabase } from '../../testing/databases.ts';
import { FIXTURE_PASSWORD, seedFixture } from '../../testing/fixtures.ts';
import { migrateToLatest } from '../../db/database.ts';

describe('credentials never reach the logs', () => {
  let app: App;
  let runtime: Runtime;
  const lines: string[] = [];
  beforeAll(async () => {
    const database = await openTestDatabase('sqlite');
    await migrateToLatest(database.db);
    await seedFixture(database.db);
    const destination = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const logger = createLogger({ level: 'trace', destination });
    const config = testConfig({ http: { webDir: '/nonexistent-web' }, log: { level: 'trace' }, auth: { secret: 'test-secret-0123456789abcdef' } });
    runtime = await createRuntime(config, { clock: new FakeClock(), database, logger });
    app = await buildApp(runtime.deps);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await runtime?.close();
  });

  it('logs sign-ins, failures and key creation without passwords, tokens or keys', async () => {
    const ok = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: FIXTURE_PASSWORD } });
    const token = ok.json().token as string;
    await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'typo-secret-pw' } });
    const key = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: { authorization: `Bearer ${token}` },
        payload: { name: 'cam', scopes: ['alarms:write'] },
      })
    ).json().key as string;
    await app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-api-key': key } });
    runtime.deps.logger.info({ password: FIXTURE_PASSWORD, token, user: { key } }, 'a careless line');
    const all = lines.join('');
    expect(all).toContain('signed in');
    expect(all).toContain('a careless line');
    for (const secret of [FIXTURE_PASSWORD, 'typo-secret-pw', token, key]) expect(all).not.toContain(secret);
  });
});
