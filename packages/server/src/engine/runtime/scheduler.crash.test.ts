import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../config.ts';
import { insertRows } from '../../db/fast-insert.ts';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { FakeClock } from '../../lib/clock.ts';
import { createEvent } from '../../modules/events/event-create.service.ts';
import { linkageDrainerOf } from '../../modules/notify/linkage.worker.ts';
import { createRuntime } from '../../runtime.ts';
import { startChild, until } from '../../testing/child-process.ts';
import { TEST_DIALECTS, openTestDatabase } from '../../testing/databases.ts';
import { seedFixture } from '../../testing/fixtures.ts';
import type { Kysely } from 'kysely';

/**
 * Issue 4's kill test: a scheduler process is killed with SIGKILL while it fires timers, new ones
 * start (two nodes at once on PostgreSQL) and finish; every timer fired exactly once — each parked car's grace period ended
 * once, so each event has one timeout, one enforcement task and one notification per officer.
 */
const COUNT = 600;
const dir = mkdtempSync(join(tmpdir(), 'liandong-engine-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const countOf = async (db: Kysely<Database>, what: 'tasks' | 'grace periods') =>
  Number(
    (what === 'tasks'
      ? await db
          .selectFrom('tasks')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      : await db
          .selectFrom('process_timers')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('kind', '=', 'wait')
          .executeTakeFirstOrThrow()
    ).n,
  );

describe.each(TEST_DIALECTS)('process scheduler killed mid-flight (%s)', (dialect) => {
  it('fires every timer once: none lost, none twice', async () => {
    let handle: DatabaseHandle | null = null;
    try {
      let dbUrl: string;
      if (dialect === 'sqlite') {
        dbUrl = join(dir, 'engine-crash.db');
        handle = openDatabase(dbUrl);
      } else {
        const pg = await openTestDatabase('postgres');
        handle = pg;
        dbUrl = pg.url;
      }
      await migrateToLatest(handle.db);
      const fixture = await seedFixture(handle.db);
      const now = new Date();
      const clock = new FakeClock(now);
      const runtime = await createRuntime(testConfig(), { clock, database: { ...handle, close: async () => {} } });
      const deps = runtime.deps;
      const plates = Array.from({ length: COUNT }, (_, i) => `蒙J${String(10000 + i)}`);
      await insertRows(
        handle.db,
        'vehicles',
        plates.map((plate, i) => ({
          plate,
          plate_kind: 'ordinary',
          owner_name: `车主${i}`,
          owner_phone: `139${String(i).padStart(8, '0')}`,
          vehicle_type: null,
          note: null,
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        })),
      );
      const actor = { kind: 'system' as const, name: 'test' };
      for (const [i, plate] of plates.entries()) {
        const p = fixture.points.gA1a!;
        await createEvent(deps, actor, {
          category: '0601',
          title: `违停 ${plate}`,
          location: { lng: p.lng + (i % 50) * 1e-4, lat: p.lat },
          source: 'video',
          plate,
        });
      }
      await linkageDrainerOf(deps).idle();
      expect(await countOf(handle.db, 'grace periods')).toBe(COUNT); // one grace period per car
      expect(await countOf(handle.db, 'tasks')).toBe(0);

      // Six minutes later (the grace periods are five): a scheduler fires them; it is killed mid-way.
      const offset = 6 * 60_000 + (Date.now() - now.getTime());
      const first = startChild('scheduler-child.ts', [dbUrl, String(offset)]);
      await first.ready;
      // Killed as soon as it fires: on a loaded machine the test process polls late, and a scheduler
      // that had finished by then would leave nothing for the second one to take over.
      await until(async () => (await countOf(handle!.db, 'tasks')) > 0, 'the first scheduler to be firing');
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      const atKill = await countOf(handle.db, 'tasks');
      expect(atKill).toBeLessThan(COUNT); // the second scheduler has real work left

      // On PostgreSQL two nodes take over at once: each timer still fires on one of them only.
      // (SQLite is one node by design: a single writer.)
      const takeover = Array.from({ length: dialect === 'postgres' ? 2 : 1 }, () => startChild('scheduler-child.ts', [dbUrl, String(offset)]));
      await Promise.all(takeover.map((c) => c.ready));
      await until(async () => (await countOf(handle!.db, 'grace periods')) === 0, 'every timer to fire');
      for (const c of takeover.map((x) => x.child)) {
        c.kill('SIGTERM');
        await new Promise((r) => c.once('exit', r));
      }

      const tasks = await handle.db.selectFrom('tasks').select(['event_id', 'node_id', 'id']).execute();
      expect(tasks).toHaveLength(COUNT);
      expect(new Set(tasks.map((t) => t.event_id)).size).toBe(COUNT);
      expect(tasks.every((t) => t.node_id === 'enforce')).toBe(true);
      const timeouts = await handle.db.selectFrom('event_timeline').select('event_id').where('kind', '=', 'wait.timed_out').execute();
      expect(timeouts).toHaveLength(COUNT);
      expect(new Set(timeouts.map((t) => t.event_id)).size).toBe(COUNT);
      const told = await handle.db.selectFrom('notifications').select('idempotency_key').where('kind', '=', 'task.assigned').execute();
      expect(told).toHaveLength(COUNT); // the fixture's one officer, once per event
      const sms = await handle.db.selectFrom('notifications').select('id').where('kind', '=', 'parking.reminder').execute();
      expect(sms).toHaveLength(COUNT); // the reminders were sent once, at the start
      await runtime.close();
    } finally {
      await handle?.close();
    }
  }, 180_000);
});
