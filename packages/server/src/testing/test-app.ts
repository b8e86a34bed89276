import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type App } from '../app.ts';
import { testConfig } from '../config.ts';
import { migrateToLatest, type DatabaseHandle, type Dialect } from '../db/database.ts';
import type { AppDeps } from '../deps.ts';
import { FakeClock } from '../lib/clock.ts';
import { createRuntime } from '../runtime.ts';
import { linkageDrainerOf } from '../modules/notify/linkage.worker.ts';
import { openTestDatabase } from './databases.ts';
import { FIXTURE_PASSWORD, seedFixture, type Fixture } from './fixtures.ts';

export interface TestApp {
  app: App;
  deps: AppDeps;
  clock: FakeClock;
  fixture: Fixture;
  /** Signs in a fixture user and returns the Authorization header value. */
  login(username: string): Promise<string>;
  /** inject() with a signed-in user's token. */
  as(username: string): Requester;
  /** Forgets the sessions (after moving the clock past their lifetime). */
  forgetLogins(): void;
  close(): Promise<void>;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Requester = (method: Method, url: string, body?: unknown) => Promise<LightMyRequestResponse>;

/** A migrated database of the given engine with the fixture county, and the app built on it. */
export async function createTestApp(
  dialect: Dialect,
  opts: {
    config?: Parameters<typeof testConfig>[0];
    clock?: FakeClock;
    /** An empty database of `dialect` (e.g. a SQLite file), closed with the app. */ database?: DatabaseHandle;
  } = {},
): Promise<TestApp> {
  const database = opts.database ?? (await openTestDatabase(dialect));
  const clock = opts.clock ?? new FakeClock('2026-11-28T02:00:00.000Z');
  const config = testConfig({ ...opts.config, auth: { secret: 'test-secret-0123456789abcdef', ...(opts.config?.auth as object) } });
  // Tables first: the fixture is seeded before the runtime loads the territory from it.
  await migrateToLatest(database.db);
  const fixture = await seedFixture(database.db);
  const runtime = await createRuntime(config, { clock, database });
  const app = await buildApp(runtime.deps);
  await app.ready();
  const tokens = new Map<string, string>();
  const login = async (username: string) => {
    const cached = tokens.get(username);
    if (cached) return cached;
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: FIXTURE_PASSWORD } });
    if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
    const header = `Bearer ${res.json().token}`;
    tokens.set(username, header);
    return header;
  };
  // Linkage runs right after a creating request's commit; tests see the world after it settled.
  const settled = () => linkageDrainerOf(runtime.deps).idle();
  const as =
    (username: string): Requester =>
    async (method, url, body) => {
      const res = await app.inject({ method, url, payload: body as never, headers: { authorization: await login(username) } });
      await settled();
      return res;
    };
  return {
    app,
    deps: runtime.deps,
    clock,
    fixture,
    login,
    as,
    forgetLogins: () => tokens.clear(),
    close: async () => {
      await app.close();
      await runtime.close();
    },
  };
}
