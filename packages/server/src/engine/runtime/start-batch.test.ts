import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventsTable } from '../../db/schema.ts';
import { createEvent } from '../../modules/events/event-create.service.ts';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { startInstance, startInstances } from './start.ts';

/**
 * Issue 12, point 9: the linkage worker starts the processes of a whole batch of events at once
 * (startInstances). What that writes must be what the same starts one by one write: the same
 * instances, tokens, tasks, timers, timeline entries and notifications for every event — and
 * an event that has its process already, or comes twice in the batch, is skipped as a second
 * start of it would be.
 */
describe.each(TEST_DIALECTS)('a batch of process starts (%s)', (dialect) => {
  let t: TestApp;
  let spot = 0;
  const actor = { kind: 'system' as const, name: 'test' };
  /** The reports of one batch: a standard process, an urgent one to a department, one with co-handling units, two parkings whose owner gets an SMS (not urgent). */
  const REPORTS = [
    { category: '0101', title: '路面坑洼', source: 'patrol' },
    { category: '0201', title: '井盖破损', source: 'patrol' },
    { category: '0501', title: '水源地有人游泳', source: 'hotline' },
    { category: '0601', title: '违规停车', source: 'patrol', plate: '蒙J55555' },
    { category: '0601', title: '违规停车', source: 'patrol', plate: '蒙J55555' },
  ] as const;
  /** Stored events without linkage, so without a process, each at a place of its own in grid A1a (no dedup merge). */
  const bareEvents = async () => {
    const events: EventsTable[] = [];
    for (const r of REPORTS) {
      const { event } = await createEvent(t.deps, actor, { ...r, location: { lng: 122.005 + 0.003 * spot++, lat: 30.05 } }, { linkage: false });
      events.push((await t.deps.db.selectFrom('events').selectAll().where('id', '=', event.id).executeTakeFirstOrThrow()) as EventsTable);
    }
    return events;
  };

  /** What a start wrote for an event, without its own ids (instance, tokens, tasks, the event's code). */
  const writtenFor = async (event: EventsTable) => {
    const db = t.deps.db;
    const instances = await db.selectFrom('process_instances').selectAll().where('event_id', '=', event.id).execute();
    const instanceIds = instances.map((i) => i.id);
    const tokens = instanceIds.length ? await db.selectFrom('process_tokens').selectAll().where('instance_id', 'in', instanceIds).execute() : [];
    const tasks = await db.selectFrom('tasks').selectAll().where('event_id', '=', event.id).execute();
    const timers = instanceIds.length ? await db.selectFrom('process_timers').selectAll().where('instance_id', 'in', instanceIds).execute() : [];
    const own = new Map<string, string>();
    const name = (id: string | null, kind: string) => {
      if (id === null) return null;
      if (!own.has(id)) own.set(id, `${kind}${own.size}`);
      return own.get(id)!;
    };
    for (const i of instances) name(i.id, 'instance');
    for (const x of [...tokens].sort((a, b) => a.node_id.localeCompare(b.node_id))) name(x.id, 'token');
    for (const x of [...tasks].sort((a, b) => `${a.node_id}${a.unit_id}`.localeCompare(`${b.node_id}${b.unit_id}`))) name(x.id, 'task');
    const strip = (text: string) => [...own].reduce((s, [id, n]) => s.replaceAll(id, n), text.replaceAll(event.code, 'CODE').replaceAll(event.id, 'EVENT'));
    const timeline = await db.selectFrom('event_timeline').selectAll().where('event_id', '=', event.id).orderBy('seq').execute();
    const notifications = await db.selectFrom('notifications').selectAll().where('event_id', '=', event.id).execute();
    const row = await db.selectFrom('events').selectAll().where('id', '=', event.id).executeTakeFirstOrThrow();
    const sorted = <T>(rows: T[]) => rows.map((r) => strip(JSON.stringify(r))).sort();
    return {
      event: strip(JSON.stringify({ ...row, code: null, tracking_token: null, lng: null, title: null })),
      instances: sorted(instances.map(({ id, ...i }) => ({ ...i, id: name(id, 'instance') }))),
      tokens: sorted(tokens.map(({ id, ...x }) => ({ ...x, id: name(id, 'token') }))),
      tasks: sorted(tasks),
      timers: sorted(timers.map(({ id: _id, ...x }) => x)),
      timeline: timeline.map(({ id: _id, ...e }) => strip(JSON.stringify(e))),
      notifications: sorted(notifications.map(({ id: _id, ...n }) => n)),
    };
  };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const res = await t.as('admin')('PUT', '/api/v1/vehicles/%E8%92%99J55555', { ownerName: '王建国', ownerPhone: '13912345678' });
    expect(res.statusCode, res.body).toBeLessThan(300);
  });
  afterAll(async () => t?.close());

  it('writes for each event what its start alone writes', async () => {
    const cal = await t.deps.engineHost.calendar();
    const alone = await bareEvents();
    await t.deps.writes.transaction(async (trx) => {
      for (const event of alone) await startInstance(trx, t.deps, event, cal);
    });
    const together = await bareEvents();
    const { steps } = await t.deps.writes.transaction((trx) =>
      startInstances(
        trx,
        t.deps,
        together.map((event) => ({ event })),
        cal,
      ),
    );
    expect(steps.map((s) => s.skipped)).toEqual(together.map(() => false));
    for (const [n, event] of together.entries()) {
      const [a, b] = [await writtenFor(alone[n]!), await writtenFor(event)];
      expect(b, REPORTS[n]!.category).toEqual(a);
    }
    // The parkings' owner was told once per event: two SMS to one number, scheduled as one by one.
    const sms = await t.deps.db.selectFrom('notifications').select(['event_id', 'scheduled_at']).where('recipient_phone', '=', '13912345678').execute();
    expect(sms.filter((s) => together.some((e) => e.id === s.event_id))).toHaveLength(2);
  });

  it('skips an event that has its process already, and the second start of an event given twice', async () => {
    const cal = await t.deps.engineHost.calendar();
    const [started, fresh] = await bareEvents();
    await t.deps.writes.transaction((trx) => startInstance(trx, t.deps, started!, cal));
    const before = await writtenFor(started!);
    const { steps, afterCommit } = await t.deps.writes.transaction((trx) =>
      startInstances(trx, t.deps, [{ event: started! }, { event: fresh! }, { event: fresh! }], cal),
    );
    expect(steps.map((s) => s.skipped)).toEqual([true, false, true]);
    expect(await writtenFor(started!)).toEqual(before);
    const after = await writtenFor(fresh!);
    expect(after.instances).toHaveLength(1);
    expect(after.tasks).toHaveLength(1);
    expect(after.timeline.filter((e) => e.includes('"process.started"'))).toHaveLength(1);
    expect(afterCommit.length).toBeGreaterThan(0);
  });
});
