import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../db/database.ts';
import { migrations } from '../../db/migrations/index.ts';
import type { EventsTable } from '../../db/schema.ts';
import { createEvent } from '../../modules/events/event-create.service.ts';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { startInstance } from './start.ts';

/**
 * Issue 11, point 1: one main process per event, kept by the database. However many starters
 * meet on one event — in one transaction, in two at once, after a crash — it has one process,
 * one task per step and unit, and each person is told of a task once.
 */
describe.each(TEST_DIALECTS)('one main process per event (%s)', (dialect) => {
  let t: TestApp;
  let spot = 0;
  const actor = { kind: 'system' as const, name: 'test' };
  /** A stored event without linkage, so without a process: what a starter finds after a crash. */
  const bareEvent = async () => {
    const { event } = await createEvent(
      t.deps,
      actor,
      { category: '0101', title: '路面坑洼', source: 'patrol', location: { lng: 122.01 + 0.003 * spot++, lat: 30.05 } },
      { linkage: false },
    );
    return (await t.deps.db.selectFrom('events').selectAll().where('id', '=', event.id).executeTakeFirstOrThrow()) as EventsTable;
  };
  const start = async (event: EventsTable, opts: Parameters<typeof startInstance>[4] = {}) => {
    const cal = await t.deps.engineHost.calendar();
    return t.deps.writes.transaction((trx) => startInstance(trx, t.deps, event, cal, opts));
  };
  const stateOf = async (eventId: string) => {
    const db = t.deps.db;
    return {
      instances: await db.selectFrom('process_instances').select(['id', 'run', 'status']).where('event_id', '=', eventId).orderBy('run').execute(),
      tasks: await db.selectFrom('tasks').select(['instance_id', 'node_id', 'unit_id', 'status']).where('event_id', '=', eventId).orderBy('id').execute(),
      told: (
        await db.selectFrom('notifications').select('recipient_user_id').where('event_id', '=', eventId).where('kind', '=', 'task.assigned').execute()
      ).map((n) => n.recipient_user_id),
    };
  };

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('starting an event process twice, in one transaction, gives one instance, one task, one notification per person', async () => {
    const event = await bareEvent();
    const cal = await t.deps.engineHost.calendar();
    const [first, second, after] = await t.deps.writes.transaction(async (trx) => {
      const a = await startInstance(trx, t.deps, event, cal);
      const b = await startInstance(trx, t.deps, event, cal);
      // The transaction goes on (on PostgreSQL a unique violation would have aborted it).
      const n = await trx.selectFrom('process_instances').select('id').where('event_id', '=', event.id).execute();
      return [a, b, n.length];
    });
    expect([first.skipped, second.skipped, after]).toEqual([false, true, 1]);
    const s = await stateOf(event.id);
    expect(s.instances).toEqual([{ id: first.instance.id, run: 1, status: 'running' }]);
    expect(s.tasks).toHaveLength(1);
    expect(s.tasks[0]).toMatchObject({ instance_id: first.instance.id, node_id: 'accept' });
    expect(s.told.length).toBeGreaterThan(0);
    expect(new Set(s.told).size).toBe(s.told.length);
  });

  it('two starters at once (two transactions) give one instance and one task', async () => {
    const event = await bareEvent();
    const steps = await Promise.all([start(event), start(event), start(event)]);
    expect(steps.filter((c) => !c.skipped)).toHaveLength(1);
    const s = await stateOf(event.id);
    expect(s.instances).toHaveLength(1);
    expect(s.tasks).toHaveLength(1);
    expect(new Set(s.told).size).toBe(s.told.length);
  });

  it('a start for an event whose linkage started its process does nothing, even after that process ended', async () => {
    const res = await t.as('duty')('POST', '/api/v1/events', {
      category: '0101',
      title: '井盖缺失',
      source: 'patrol',
      location: { lng: 122.01 + 0.003 * spot++, lat: 30.05 },
    });
    expect(res.statusCode).toBe(201);
    const event = (await t.deps.db.selectFrom('events').selectAll().where('id', '=', res.json().id).executeTakeFirstOrThrow()) as EventsTable;
    const before = await stateOf(event.id);
    expect(before.instances).toHaveLength(1);
    expect((await start(event)).skipped).toBe(true);
    expect(await stateOf(event.id)).toEqual(before);
    // Ended (here: marked completed by hand): a second first process is refused all the same.
    await t.deps.db.updateTable('process_instances').set({ status: 'completed' }).where('event_id', '=', event.id).execute();
    expect((await start(event)).skipped).toBe(true);
    expect((await stateOf(event.id)).instances).toHaveLength(1);
  });

  it('a restart (a reopened event) is the next run, once its earlier process ended; never two live ones', async () => {
    const event = await bareEvent();
    await start(event);
    // Still live: a restart is refused too.
    expect((await start(event, { restart: true })).skipped).toBe(true);
    await t.deps.db.updateTable('process_instances').set({ status: 'cancelled' }).where('event_id', '=', event.id).execute();
    expect((await start(event, { restart: true })).skipped).toBe(false);
    expect((await start(event)).skipped).toBe(true);
    const s = await stateOf(event.id);
    expect(s.instances.map((i) => [i.run, i.status])).toEqual([
      [1, 'cancelled'],
      [2, 'running'],
    ]);
  });

  it('the database itself refuses a second main process of an event', async () => {
    const event = await bareEvent();
    await start(event);
    const [row] = await t.deps.db.selectFrom('process_instances').selectAll().where('event_id', '=', event.id).execute();
    const copy = (over: Record<string, unknown>) =>
      t.deps.db
        .insertInto('process_instances')
        .values({ ...row!, id: `${row!.id.slice(0, -4)}ffff`, ...over })
        .execute();
    await expect(copy({ run: 1, status: 'completed' })).rejects.toThrow(); // a second first process
    await expect(copy({ run: 2 })).rejects.toThrow(); // a second live process
    await copy({ run: 2, status: 'cancelled' }); // an ended earlier run is history, not a duplicate
  });
});

describe.each(TEST_DIALECTS)('migration 0006 on a database with duplicate processes (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('keeps the first live instance of each event, cancels the others with their tasks, timers and tokens, and numbers the runs', async () => {
    const { db } = t.deps;
    const res = await t.as('duty')('POST', '/api/v1/events', { category: '0101', title: '路灯不亮', source: 'patrol', location: { lng: 122.02, lat: 30.05 } });
    const eventId = res.json().id as string;
    const [first] = await db.selectFrom('process_instances').selectAll().where('event_id', '=', eventId).execute();
    const [token] = await db.selectFrom('process_tokens').selectAll().where('instance_id', '=', first!.id).execute();
    const [task] = await db.selectFrom('tasks').selectAll().where('instance_id', '=', first!.id).execute();
    const timers = await db.selectFrom('process_timers').selectAll().where('instance_id', '=', first!.id).execute();
    expect(timers.length).toBeGreaterThan(0);

    // Back to before 0006, a duplicate as the crash left them: a second live instance with its own token, task and timers.
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const down = await migrator.migrateTo('0005-sms-only-indexes');
    expect(down.error).toBeUndefined();
    const dup = (id: string) => `f${id.slice(1)}`;
    const { run: _run, ...instanceRow } = first! as typeof first & { run?: number };
    await db
      .insertInto('process_instances')
      .values({ ...instanceRow, id: dup(first!.id) } as never)
      .execute();
    await db
      .insertInto('process_tokens')
      .values({ ...token!, id: dup(token!.id), instance_id: dup(first!.id) })
      .execute();
    await db
      .insertInto('tasks')
      .values({ ...task!, id: dup(task!.id), instance_id: dup(first!.id), token_id: dup(token!.id) })
      .execute();
    await db
      .insertInto('process_timers')
      .values(
        timers.map((tm) => ({ ...tm, id: dup(tm.id), instance_id: dup(first!.id), token_id: dup(token!.id), task_id: tm.task_id ? dup(tm.task_id) : null })),
      )
      .execute();

    await migrateToLatest(db);
    const instances = await db.selectFrom('process_instances').select(['id', 'run', 'status']).where('event_id', '=', eventId).orderBy('run').execute();
    expect(instances).toEqual([
      { id: first!.id, run: 1, status: 'running' },
      { id: dup(first!.id), run: 2, status: 'cancelled' },
    ]);
    const tasks = await db.selectFrom('tasks').select(['id', 'status']).where('event_id', '=', eventId).orderBy('id').execute();
    expect(tasks).toEqual([
      { id: task!.id, status: task!.status },
      { id: dup(task!.id), status: 'cancelled' },
    ]);
    expect(await db.selectFrom('process_timers').select('id').where('instance_id', '=', dup(first!.id)).execute()).toEqual([]);
    expect(await db.selectFrom('process_tokens').select('id').where('instance_id', '=', dup(first!.id)).execute()).toEqual([]);
    expect((await db.selectFrom('process_timers').select('id').where('instance_id', '=', first!.id).execute()).length).toBe(timers.length);
  });
});
