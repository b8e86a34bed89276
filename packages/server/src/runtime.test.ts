import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig } from './config.ts';
import { createLogger } from './lib/logger.ts';
import { createSmsProvider } from './modules/notify/providers/index.ts';
import { createRuntime } from './runtime.ts';
import { TEST_DIALECTS, openTestDatabase } from './testing/databases.ts';

/**
 * Issue 12, point 7: a node's members — bus, caches, live stream, and under `serve` the linkage
 * worker, SMS dispatcher and process scheduler — are started by the runtime and stopped by its
 * close(), in one place; nothing is left running.
 */
describe.each(TEST_DIALECTS)('the runtime of a node on %s', (dialect) => {
  const toDrop: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const d of toDrop) await d();
  });

  it('starts its workers and stops workers, bus and database on close(): no connection left, the bus silent', async () => {
    let url = ':memory:';
    if (dialect === 'postgres') {
      const db = await openTestDatabase('postgres');
      toDrop.push(() => db.close());
      url = db.url;
    }
    const runtime = await createRuntime(testConfig({ db: { url } }));
    const logger = createLogger({ level: 'silent' });
    await runtime.startWorkers({ smsProvider: createSmsProvider('inbox', { logger }), schedulerPollMs: 20, linkagePollMs: 20, dispatcherPollMs: 20 });
    await expect(runtime.startWorkers({ smsProvider: createSmsProvider('inbox', { logger }) })).rejects.toThrow(/already/);

    // The members are the runtime's, handed to use-cases through deps.
    expect(runtime.deps.bus).toBe(runtime.bus);
    expect(runtime.deps.caches).toBe(runtime.caches);
    expect(runtime.deps.stream).toBe(runtime.stream);
    const heard: unknown[] = [];
    runtime.bus.subscribe('test', (m) => heard.push(m));
    runtime.bus.publish('test', { n: 1 });
    expect(heard).toEqual([{ n: 1 }]);

    await runtime.close();
    await runtime.close(); // idempotent
    // A closed bus delivers nothing.
    runtime.bus.publish('test', { n: 2 });
    expect(heard).toHaveLength(1);
    // Not one connection to the database is left: pool, bus and the workers' are all closed.
    if (dialect === 'postgres') {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const { rows } = await c.query<{ n: number }>(
          'select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
        );
        expect(rows[0]!.n).toBe(0);
      } finally {
        await c.end();
      }
    }
  });
});
