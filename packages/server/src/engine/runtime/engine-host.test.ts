import type { ProcessDefinitionInput } from '@liandong/contracts';
import type { Transaction } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { migrateToLatest, type DatabaseHandle } from '../../db/database.ts';
import type { Database, EventsTable } from '../../db/schema.ts';
import { createWriteBatcher } from '../../db/write-batcher.ts';
import { FakeClock } from '../../lib/clock.ts';
import { defaultIds } from '../../lib/ids.ts';
import { createLogger } from '../../lib/logger.ts';
import { openTestDatabase, TEST_DIALECTS } from '../../testing/databases.ts';
import { createFakeHost, type FakeHost } from '../testing/fake-host.ts';
import type { ActionRegistration } from './action-types.ts';
import { catalogOf, checkProcessDefinition, saveProcessVersion } from './definition-store.ts';
import { continueFrom, openInstance } from './runner.ts';
import { startInstance } from './start.ts';
import { fireDueTimers, type SchedulerDeps } from './scheduler.ts';
import { deliverSignal } from './signals.ts';

const t = (zh: string, en: string) => ({ zh, en });

/** Accept → wait for the problem to go (or 30 minutes) → close. */
const FLOW: ProcessDefinitionInput = {
  key: 'flow',
  name: t('测试流程', 'Test flow'),
  start: 'accept',
  nodes: [
    {
      id: 'accept',
      kind: 'task',
      title: t('受理', 'Accept'),
      assignee: { role: 'handler', unit: 'village' },
      timeLimit: { minutes: 60, kind: 'natural' },
      eventStatus: 'accepted',
      outcomes: [{ key: 'done', title: t('受理', 'Accept'), next: 'stamp' }],
    },
    { id: 'stamp', kind: 'action', title: t('盖章', 'Stamp'), action: 'stamp', params: { mark: 'A' }, next: 'watch' },
    {
      id: 'watch',
      kind: 'wait',
      title: t('观察', 'Watch'),
      timer: { duration: { minutes: 30, kind: 'natural' }, next: 'expired' },
      signal: { name: 'issue.gone', next: 'closed' },
    },
    { id: 'closed', kind: 'end', title: t('结案', 'Closed'), closingKind: 'normal' },
    { id: 'expired', kind: 'end', title: t('超时结案', 'Closed on time-out'), closingKind: 'self_corrected' },
  ],
};

/** A module's action, registered the way vehicles registers its owner lookup: one registration. */
const STAMP: ActionRegistration = {
  actions: {
    stamp: {
      params: z.strictObject({ mark: z.string() }),
      produces: () => ['stamped'],
      async run(ctx, _token, node, params) {
        ctx.setVar('stamped', params.mark);
        ctx.log('stamped', { nodeId: node.id, mark: params.mark });
        return 'done';
      },
    },
  },
};

const UNITS = [
  { id: 'county', kind: 'county', name: '县', parentId: null },
  {
    id: 'village',
    kind: 'village',
    name: '南浦村',
    parentId: 'county',
    members: [
      { userId: 'u-handler', phone: '13800000001', role: 'handler' },
      { userId: 'u-other', phone: null, role: 'grid_worker' },
    ],
  },
  { id: 'reporters', kind: 'grid', name: '一网格', parentId: 'village', members: [{ userId: 'u-reporter', phone: '13800000002', role: 'grid_worker' }] },
];

describe.each(TEST_DIALECTS)('the engine on a fake host (%s)', (dialect) => {
  let database: DatabaseHandle;
  let host: FakeHost;
  let deps: SchedulerDeps;
  const clock = new FakeClock('2026-11-30T02:00:00.000Z');
  let n = 0;

  beforeAll(async () => {
    database = await openTestDatabase(dialect);
    await migrateToLatest(database.db);
    host = createFakeHost({
      units: UNITS,
      categories: { road: { name: '道路破损' } },
      processKey: 'flow',
      registrations: [STAMP],
      templates: ['task.assigned', 'event.closed'],
    });
    deps = {
      db: database.db,
      dialect: database.dialect,
      clock,
      ids: defaultIds,
      logger: createLogger({ level: 'silent' }),
      territory: host.territory(),
      engineHost: host,
      writes: createWriteBatcher(database.db, database.dialect),
      metrics: new Registry(),
    };
    const at = clock.now().toISOString();
    await database.db
      .insertInto('categories')
      .values({
        code: 'road',
        parent_code: null,
        family: 'city',
        name_zh: '道路破损',
        name_en: 'Road damage',
        default_urgency: 'normal',
        time_limit_minutes: null,
        time_limit_kind: 'working',
        updated_at: at,
      } as never)
      .execute();
    await database.db
      .transaction()
      .execute((trx) => saveProcessVersion(trx, { key: 'flow', definition: checkProcessDefinition('flow', FLOW, catalogOf(host)), at, by: null }));
  });
  afterAll(async () => {
    await database.close();
  });

  const newEvent = async (): Promise<EventsTable> => {
    n++;
    const at = clock.now().toISOString();
    const row = {
      id: defaultIds.id(),
      code: `E${dialect}${n}`,
      category_code: 'road',
      title: '路面塌陷',
      description: null,
      status: 'reported',
      is_open: 1,
      closing_kind: null,
      urgency: 'normal',
      source: 'grid',
      external_id: null,
      lng: 120.1,
      lat: 30.2,
      address: null,
      county_id: 'county',
      township_id: null,
      village_id: 'village',
      grid_id: 'reporters',
      lead_unit_id: null,
      reporter_user_id: 'u-reporter',
      reporter_name: null,
      reporter_phone: null,
      tracking_token: defaultIds.id(),
      occurred_at: at,
      created_at: at,
      updated_at: at,
      closed_at: null,
      due_at: null,
      supervised: 0,
      urge_count: 0,
      duplicate_count: 0,
      rating_score: null,
      version: 1,
      plate: null,
      overdue: 0,
    } satisfies EventsTable;
    await database.db.insertInto('events').values(row).execute();
    return row;
  };
  const inTrx = <T>(work: (trx: Transaction<Database>) => Promise<T>) => database.db.transaction().execute(work);
  const eventRow = (id: string) => database.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const tasksOf = (id: string) => database.db.selectFrom('tasks').selectAll().where('event_id', '=', id).orderBy('created_at').execute();
  const instanceOf = (id: string) => database.db.selectFrom('process_instances').selectAll().where('event_id', '=', id).executeTakeFirstOrThrow();

  /** What the task module does when a task is completed: the task closes and its token moves on. */
  const completeTask = async (eventId: string) => {
    const [task] = (await tasksOf(eventId)).filter((x) => x.status === 'open');
    const cal = await host.calendar();
    const after = await inTrx(async (trx) => {
      const ctx = (await openInstance(trx, deps, task!.instance_id, cal))!;
      await trx
        .updateTable('tasks')
        .set({ status: 'completed', outcome: 'done', completed_at: ctx.nowIso, updated_at: ctx.nowIso })
        .where('id', '=', task!.id)
        .execute();
      ctx.log('task.completed', { taskId: task!.id, outcome: 'done' });
      await continueFrom(ctx, ctx.tokens.get(task!.token_id)!, 'stamp');
      await ctx.flush();
      return ctx.afterCommit;
    });
    for (const f of after) f();
  };

  it('runs start → task → signal → end: the task goes to the unit, its people are told after the commit, the signal closes the event', async () => {
    const event = await newEvent();
    const cal = await host.calendar();
    const step = await inTrx((trx) => startInstance(trx, deps, event, cal));
    // Told only once the transaction committed and the caller ran afterCommit.
    expect(host.pushed.filter((p) => p.eventId === event.id)).toEqual([]);
    for (const f of step.afterCommit) f();

    const [task] = await tasksOf(event.id);
    expect(task).toMatchObject({ node_id: 'accept', unit_id: 'village', role: 'handler', status: 'open', title_zh: '受理' });
    expect(task!.due_at).toBe(new Date(clock.now().getTime() + 60 * 60_000).toISOString());
    expect(await eventRow(event.id)).toMatchObject({ status: 'accepted', is_open: 1 });
    expect(host.notified.filter((x) => x.eventId === event.id)).toEqual([
      expect.objectContaining({
        channel: 'in_app',
        kind: 'task.assigned',
        recipientUserId: 'u-handler',
        vars: expect.objectContaining({ category: '道路破损', unit: '南浦村', task: '受理' }),
      }),
    ]);
    expect(host.pushed.map((p) => p.recipientUserId)).toContain('u-handler');

    await completeTask(event.id);
    expect((await instanceOf(event.id)).vars).toContain('"stamped":"A"');

    const signal = await inTrx((trx) =>
      deliverSignal(trx, deps, { eventId: event.id, name: 'issue.gone', data: { cameraId: 'c1' }, actor: { kind: 'system', name: 'camera' }, cal }),
    );
    for (const f of signal.afterCommit) f();
    expect(signal.delivered).toBe(1);
    expect(await eventRow(event.id)).toMatchObject({ status: 'closed', closing_kind: 'normal', is_open: 0 });
    expect(await instanceOf(event.id)).toMatchObject({ status: 'completed' });
    expect(await database.db.selectFrom('process_timers').select('id').where('instance_id', '=', task!.instance_id).execute()).toEqual([]);
    // The reporter hears of the closing.
    expect(host.notified.filter((x) => x.eventId === event.id).map((x) => [x.kind, x.recipientUserId])).toEqual([
      ['task.assigned', 'u-handler'],
      ['event.closed', 'u-reporter'],
    ]);
    // Every step is on the timeline, in order, numbered 1..n with no gap.
    expect(host.kindsOf(event.id)).toEqual(['process.started', 'task.created', 'task.completed', 'stamped', 'signal.received', 'process.ended']);
    expect(host.entries.filter((e) => e.eventId === event.id).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(host.entries.find((e) => e.eventId === event.id && e.kind === 'signal.received')).toMatchObject({
      actor: { kind: 'system', name: 'camera' },
      data: { name: 'issue.gone', data: { cameraId: 'c1' } },
    });
    // A second signal finds nothing waiting.
    expect(
      (await inTrx((trx) => deliverSignal(trx, deps, { eventId: event.id, name: 'issue.gone', actor: { kind: 'system', name: 'camera' }, cal }))).delivered,
    ).toBe(0);
  });

  it('the wait times out on the injected clock: the scheduler fires it once and ends the process by the timer path', async () => {
    const event = await newEvent();
    const cal = await host.calendar();
    const step = await inTrx((trx) => startInstance(trx, deps, event, cal));
    for (const f of step.afterCommit) f();
    await completeTask(event.id);
    clock.advance(29 * 60_000);
    expect(await fireDueTimers(deps)).toBe(0);
    clock.advance(2 * 60_000);
    expect(await fireDueTimers(deps)).toBeGreaterThanOrEqual(1);
    expect(await fireDueTimers(deps)).toBe(0);
    expect(await eventRow(event.id)).toMatchObject({ status: 'closed', closing_kind: 'self_corrected' });
    expect(host.kindsOf(event.id).slice(-2)).toEqual(['wait.timed_out', 'process.ended']);
    // Self-corrected: the reporter is not asked to rate it.
    expect(host.notified.filter((x) => x.eventId === event.id && x.kind === 'event.closed')).toEqual([]);
  });

  it('a new action is one registration: without it the definition is refused and an instance that reaches it fails', async () => {
    const bare = createFakeHost({ units: UNITS, processKey: 'flow' });
    expect(() => checkProcessDefinition('flow', FLOW, catalogOf(bare))).toThrow(/stamp/);
    expect(Object.keys(bare.actions.actions)).not.toContain('lookup_vehicle_owner');
    const event = await newEvent();
    const cal = await bare.calendar();
    const bareDeps = { ...deps, engineHost: bare, territory: bare.territory() };
    await inTrx((trx) => startInstance(trx, bareDeps, event, cal));
    const [task] = await tasksOf(event.id);
    await inTrx(async (trx) => {
      const ctx = (await openInstance(trx, bareDeps, task!.instance_id, cal))!;
      await continueFrom(ctx, ctx.tokens.get(task!.token_id)!, 'stamp');
      await ctx.flush();
    });
    expect(await instanceOf(event.id)).toMatchObject({ status: 'failed' });
    expect(bare.entries.find((e) => e.kind === 'action.failed')?.data).toMatchObject({ action: 'stamp', message: 'Unknown action stamp' });
  });
});
