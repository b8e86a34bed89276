import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { createRuntime } from '../runtime.ts';
import { until } from '../testing/child-process.ts';
import { serveNode } from '../testing/serve-node.ts';
import { TEST_DIALECTS, openTestDatabase } from '../testing/databases.ts';
import { seedDemoCounty } from './demo.ts';

/**
 * Issue 11, point 1: `serve --demo` killed with SIGKILL while linkage is behind, then started
 * again with `--demo`. The demo's start-up pass and the linkage worker both used to start a
 * process for each event whose linkage was pending: two instances, two acceptance tasks, and
 * the duty officers told twice. After the restart every event has one process, every step one
 * task per unit, and nobody is told of a task twice.
 */
const EVENTS = 2_000;
const CONCURRENCY = 32;
const PASSWORD = 'demo-crash-password';
const dir = mkdtempSync(join(tmpdir(), 'liandong-demo-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `liandong serve --demo` as a process of its own: node itself with tsx's loader, so SIGKILL hits the server. */
function serve(dbUrl: string) {
  return serveNode(dbUrl, dir, { env: { LIANDONG_DEMO_PASSWORD: PASSWORD }, args: ['--demo'] });
}

const exited = (child: ChildProcess) => new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));

const queued = async (db: Kysely<Database>) =>
  Number(
    (
      await db
        .selectFrom('linkage_queue')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe.each(TEST_DIALECTS)('serve --demo killed while linkage is behind, restarted with --demo (%s)', (dialect) => {
  it('gives every event one process, one task per step and unit, one task notification per person', async () => {
    let handle: DatabaseHandle | null = null;
    const children: ChildProcess[] = [];
    try {
      let dbUrl: string;
      if (dialect === 'sqlite') {
        dbUrl = join(dir, 'demo-crash.db');
        handle = openDatabase(dbUrl);
      } else {
        const pg = await openTestDatabase('postgres');
        handle = pg;
        dbUrl = pg.url;
      }
      await migrateToLatest(handle.db);
      // The demo county without its history (seeding two years takes minutes): what `--demo`
      // seeds first, complete, so each `serve --demo` takes the path of a restart.
      const runtime = await createRuntime(testConfig(), { database: { ...handle, close: async () => {} } });
      await seedDemoCounty(runtime.deps, { password: PASSWORD, seed: 20261128, days: 0 });
      await runtime.deps.territory.reload();
      const grids = (await handle.db.selectFrom('org_units').select(['id', 'centroid_lng', 'centroid_lat']).where('kind', '=', 'grid').execute()).filter(
        (g) => g.centroid_lng !== null && runtime.deps.territory.locate(g.centroid_lng, g.centroid_lat!)?.grid.id === g.id,
      );
      const categories = (
        await handle.db
          .selectFrom('categories')
          .select('code')
          .where('parent_code', 'is not', null)
          .where('dedup_window_minutes', '=', 0)
          .where('requires_confirmation', '=', 0)
          .execute()
      ).map((c) => c.code);
      await runtime.close();
      expect(grids.length).toBeGreaterThan(10);

      const first = serve(dbUrl);
      children.push(first.child);
      const base = await first.url;
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: PASSWORD }),
      });
      expect(login.status).toBe(200);
      const { token } = (await login.json()) as { token: string };
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };

      // 2,000 reports, 32 at a time; the server is killed as soon as linkage has fallen behind.
      let next = 0;
      let created = 0;
      let killed = false;
      const post = async (): Promise<void> => {
        while (!killed && next < EVENTS) {
          const i = next++;
          const g = grids[i % grids.length]!;
          const body = {
            category: categories[i % categories.length],
            title: `巡查发现问题 ${i}`,
            location: { lng: g.centroid_lng, lat: g.centroid_lat },
            source: 'patrol',
          };
          try {
            const r = await fetch(`${base}/api/v1/events`, { method: 'POST', headers, body: JSON.stringify(body) });
            if (r.status === 201) created++;
            else if (!killed) throw new Error(`POST /events answered ${r.status}: ${await r.text()}`);
          } catch (err) {
            if (!killed) throw err;
          }
        }
      };
      let posted = false;
      const posting = Promise.all(Array.from({ length: CONCURRENCY }, post)).finally(() => (posted = true));
      await until(async () => posted || (created >= 200 && (await queued(handle!.db)) >= 50), 'linkage to fall behind', 120_000);
      killed = true;
      first.child.kill('SIGKILL');
      await exited(first.child);
      await posting;
      const pending = await queued(handle.db);
      expect(pending).toBeGreaterThan(0); // the restart has linkage to catch up on

      const second = serve(dbUrl);
      children.push(second.child);
      await second.url;
      await until(async () => (await queued(handle!.db)) === 0, 'linkage to catch up after the restart', 120_000);
      second.child.kill('SIGTERM');
      await exited(second.child);

      const db = handle.db;
      const events = Number(
        (
          await db
            .selectFrom('events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      expect(events).toBeGreaterThanOrEqual(created);
      // One process per event: none missing, none twice.
      const perEvent = await db
        .selectFrom('process_instances')
        .select(['event_id', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('event_id')
        .execute();
      expect(perEvent).toHaveLength(events);
      expect(perEvent.filter((r) => Number(r.n) > 1)).toEqual([]);
      // One task per step and unit, of the event as of its instance.
      const twiceTasks = await db
        .selectFrom('tasks')
        .select(['event_id', 'node_id', 'unit_id', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy(['event_id', 'node_id', 'unit_id'])
        .having(sql`count(*)`, '>', 1)
        .execute();
      expect(twiceTasks).toEqual([]);
      const twicePerInstance = await db
        .selectFrom('tasks')
        .select(['instance_id', 'node_id'])
        .groupBy(['instance_id', 'node_id', 'unit_id'])
        .having(sql`count(*)`, '>', 1)
        .execute();
      expect(twicePerInstance).toEqual([]);
      // Every event's only tasks are its first step's: a person is told of them once per event.
      const twiceTold = await db
        .selectFrom('notifications')
        .select(['recipient_user_id', 'event_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('kind', '=', 'task.assigned')
        .groupBy(['recipient_user_id', 'event_id'])
        .having(sql`count(*)`, '>', 1)
        .execute();
      expect(twiceTold).toEqual([]);
      // And linkage, which started each process, told each person once of the event's arrival:
      // whom it told of the event is not told again of its first task (no start of the demo's own).
      const twiceInApp = await db
        .selectFrom('notifications')
        .select(['recipient_user_id', 'event_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('channel', '=', 'in_app')
        .where('kind', 'in', ['event.assigned', 'task.assigned'])
        .groupBy(['recipient_user_id', 'event_id'])
        .having(sql`count(*)`, '>', 1)
        .execute();
      expect(twiceInApp).toEqual([]);
    } finally {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await handle?.close();
    }
  }, 300_000);
});
