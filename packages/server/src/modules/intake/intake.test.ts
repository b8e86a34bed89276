import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SOURCE_PROFILES, EVENT_SOURCES, isMachineSource } from '@liandong/contracts';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../config.ts';
import { openDatabase, type DatabaseHandle } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { FakeClock } from '../../lib/clock.ts';
import { createRuntime } from '../../runtime.ts';
import { openTestDatabase, TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { linkageDrainerOf } from '../notify/linkage.worker.ts';
import { recordReport, submitReport } from './intake.ts';
import { chooseProcessKey } from './process-choice.ts';

/**
 * Issue 12.1: one intake. Every channel submits through submitReport; the source profiles decide
 * what the sources differ in; the variables a report is submitted with reach its process (the
 * care rule's familyFirst sends the family an SMS before the visit), also after a crash that
 * left the linkage queue full.
 */
describe('source profiles and the choice of process', () => {
  it('has a profile for every source; cameras and meters are the machine sources', () => {
    expect(Object.keys(SOURCE_PROFILES).sort()).toEqual([...EVENT_SOURCES].sort());
    expect(EVENT_SOURCES.filter(isMachineSource).sort()).toEqual(['iot', 'video']);
  });

  it('asked-for process first, then self-handled, the source’s, the category’s (alarms only for machines), the standard loop', () => {
    expect(chooseProcessKey({ source: 'patrol', categoryProcess: 'parking', requested: 'care-inactivity' })).toBe('care-inactivity');
    expect(chooseProcessKey({ source: 'patrol', categoryProcess: 'standard', selfHandled: true })).toBe('self-handled');
    expect(chooseProcessKey({ source: 'deputy', categoryProcess: 'standard' })).toBe('deputy-concern');
    expect(chooseProcessKey({ source: 'video', categoryProcess: 'ai-alarm' })).toBe('ai-alarm');
    expect(chooseProcessKey({ source: 'citizen', categoryProcess: 'ai-alarm' })).toBe('standard');
    expect(chooseProcessKey({ source: 'hotline', categoryProcess: null })).toBe('standard');
  });
});

const CARE_CATEGORY = {
  nameZh: '独居老人异常',
  nameEn: 'Person under care inactive',
  parentCode: '05',
  leadRule: { level: 'grid' },
  timeLimitMinutes: 60,
  timeLimitKind: 'natural',
  processKey: 'care-inactivity',
};
const careRule = { kind: 'system' as const, name: '关爱规则' };
let spot = 0;
const careReport = (t: { fixture: TestApp['fixture'] }, title: string) => ({
  category: '0590',
  title,
  source: 'iot' as const,
  // Apart, so that no report is merged into another as a repeat.
  location: { lng: t.fixture.points.gA1a!.lng + 0.0004 * (spot++ % 5), lat: t.fixture.points.gA1a!.lat + 0.0004 * Math.floor(spot / 5) },
});

/** Whether the event's process took the family-contact branch (the family SMS was tried: the fixture county has no family contact on record). */
async function reachedFamily(db: Kysely<Database>, eventId: string): Promise<boolean> {
  const rows = await db.selectFrom('event_timeline').select(['kind', 'data']).where('event_id', '=', eventId).execute();
  return rows.some((r) => (r.kind === 'action.failed' || r.kind === 'sms.queued') && JSON.parse(r.data).nodeId === 'sms_family');
}

async function instancesOf(db: Kysely<Database>, eventId: string) {
  return (await db.selectFrom('process_instances').select(['process_key', 'vars']).where('event_id', '=', eventId).execute()).map((i) => ({
    process: i.process_key,
    vars: JSON.parse(i.vars),
  }));
}

describe.each(TEST_DIALECTS)('process variables travel with the report (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    const res = await t.as('admin')('PUT', '/api/v1/categories/0590', CARE_CATEGORY);
    expect(res.statusCode, res.body).toBe(201);
  });
  afterAll(() => t?.close());

  it('with familyFirst the care process reaches the family branch; without it, it goes straight to the visit', async () => {
    const first = await submitReport(t.deps, careRule, careReport(t, '水电气36小时无活动'), { vars: { familyFirst: true, silentHours: 36 } });
    const plain = await submitReport(t.deps, careRule, careReport(t, '水电气24小时无活动'));
    await linkageDrainerOf(t.deps).idle();
    expect([first.outcome, plain.outcome]).toEqual(['created', 'created']);
    expect(await instancesOf(t.deps.db, first.event.id)).toEqual([
      { process: 'care-inactivity', vars: expect.objectContaining({ familyFirst: true, silentHours: 36 }) },
    ]);
    expect(await reachedFamily(t.deps.db, first.event.id)).toBe(true);
    expect(await instancesOf(t.deps.db, plain.event.id)).toEqual([{ process: 'care-inactivity', vars: expect.not.objectContaining({ familyFirst: true }) }]);
    expect(await reachedFamily(t.deps.db, plain.event.id)).toBe(false);
    // Both go on to the grid worker's visit.
    const visits = await t.deps.db
      .selectFrom('tasks')
      .select('event_id')
      .where('node_id', '=', 'visit')
      .where('event_id', 'in', [first.event.id, plain.event.id])
      .execute();
    expect(visits.map((v) => v.event_id).sort()).toEqual([first.event.id, plain.event.id].sort());
  });

  it('refuses variables that are not an object, and a process that does not exist, with a 4xx before writing', async () => {
    const before = await t.deps.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await expect(submitReport(t.deps, careRule, careReport(t, 'x'), { vars: [1, 2] as never })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      status: 400,
    });
    await expect(submitReport(t.deps, careRule, careReport(t, 'x'), { processKey: 'no-such-process' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      status: 400,
    });
    const after = await t.deps.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

const dir = mkdtempSync(join(tmpdir(), 'liandong-intake-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(TEST_DIALECTS)('a restart after a crash with the linkage queue full (%s)', (dialect) => {
  it('starts each queued event’s process once, with its variables', async () => {
    const COUNT = 24;
    const first =
      dialect === 'sqlite' ? { ...openDatabase(join(dir, 'intake-crash.db')), url: join(dir, 'intake-crash.db') } : await openTestDatabase('postgres');
    let second: DatabaseHandle | null = null;
    try {
      // The first node takes reports and dies right after each commit, before its linkage worker ran.
      const t = await createTestApp(dialect, { database: { ...first, close: async () => {} } });
      expect((await t.as('admin')('PUT', '/api/v1/categories/0590', CARE_CATEGORY)).statusCode).toBe(201);
      const ids: Array<{ id: string; familyFirst: boolean }> = [];
      for (let i = 0; i < COUNT; i++) {
        const familyFirst = i % 2 === 0;
        const r = await recordReport(t.deps, careRule, careReport(t, `无活动 ${i}`), familyFirst ? { vars: { familyFirst: true } } : {});
        expect(r).toMatchObject({ outcome: 'created', linkageQueued: true });
        ids.push({ id: r.event.id, familyFirst });
      }
      const queued = await first.db.selectFrom('linkage_queue').select('event_id').execute();
      expect(queued).toHaveLength(COUNT);
      await t.close();

      // The restarted node (its own connection) works the queue off; two rounds at once, as a poll and a kick would.
      second = openDatabase(first.url);
      const runtime = await createRuntime(testConfig(), { clock: new FakeClock('2026-11-28T02:05:00.000Z'), database: second });
      try {
        const drainer = linkageDrainerOf(runtime.deps);
        drainer.kick();
        drainer.kick();
        await drainer.idle();
        drainer.kick();
        await drainer.idle();
      } finally {
        await runtime.close();
        second = null;
      }

      expect(await first.db.selectFrom('linkage_queue').select('event_id').execute()).toEqual([]);
      for (const { id, familyFirst } of ids) {
        const instances = await instancesOf(first.db, id);
        expect(instances, id).toHaveLength(1);
        expect(instances[0]!.process).toBe('care-inactivity');
        expect(instances[0]!.vars.familyFirst === true, id).toBe(familyFirst);
        expect(await reachedFamily(first.db, id), id).toBe(familyFirst);
        const visits = await first.db.selectFrom('tasks').select('id').where('event_id', '=', id).where('node_id', '=', 'visit').execute();
        expect(visits, id).toHaveLength(1);
      }
    } finally {
      await second?.close();
      await first.close();
    }
  });
});
