import { createHash } from 'node:crypto';
import { ROLES } from '@liandong/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../app.ts';
import { testConfig } from '../config.ts';
import type { DatabaseHandle, Db, Dialect } from '../db/database.ts';
import { FakeClock } from '../lib/clock.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import { openTestDatabase, TEST_DIALECTS } from '../testing/databases.ts';
import { seedFixture } from '../testing/fixtures.ts';
import { seedDemoCounty, type DemoResult } from './demo.ts';
import { DEMO_DEPARTMENTS } from './org.generator.ts';

const NOW = '2026-11-28T02:00:00.000Z';
const PASSWORD = 'demo-pass-123';
const OPTS = { seed: 7, password: PASSWORD, days: 3, eventsPerDay: 12 };

async function seeded(dialect: Dialect): Promise<{ database: DatabaseHandle; runtime: Runtime; result: DemoResult }> {
  const database = await openTestDatabase(dialect);
  const runtime = await createRuntime(testConfig({ auth: { secret: 'test-secret-0123456789abcdef' } }), { database, clock: new FakeClock(NOW) });
  const result = await seedDemoCounty(runtime.deps, OPTS);
  return { database, runtime, result };
}

/** A digest of what a user of the demo sees: units, people and events (not secrets, not tokens). */
async function digest(db: Db, o: { eventCodes: boolean } = { eventCodes: true }): Promise<string> {
  const units = await db
    .selectFrom('org_units')
    .select(['id', 'kind', 'code', 'name', 'name_en', 'path', 'area_unit_id', 'boundary', 'centroid_lng', 'centroid_lat'])
    .orderBy('id')
    .execute();
  const users = await db.selectFrom('users').select(['id', 'username', 'display_name', 'phone']).orderBy('id').execute();
  const members = await db.selectFrom('memberships').select(['user_id', 'org_unit_id', 'role']).orderBy('id').execute();
  const events = await db
    .selectFrom('events')
    .select([
      'code',
      'external_id',
      'category_code',
      'title',
      'status',
      'closing_kind',
      'lng',
      'lat',
      'lead_unit_id',
      'created_at',
      'closed_at',
      'due_at',
      'rating_score',
    ])
    .orderBy('external_id')
    .execute();
  const timeline = await db
    .selectFrom('event_timeline')
    .innerJoin('events', 'events.id', 'event_timeline.event_id')
    .select(['events.external_id', 'event_timeline.seq', 'event_timeline.kind', 'event_timeline.at', 'event_timeline.actor_name'])
    .orderBy('events.external_id')
    .orderBy('event_timeline.seq')
    .execute();
  const norm = events.map((e) => ({ ...e, code: o.eventCodes ? e.code : null, lng: Number(e.lng), lat: Number(e.lat) }));
  const numbers = units.map((u) => ({
    ...u,
    centroid_lng: u.centroid_lng === null ? null : Number(u.centroid_lng),
    centroid_lat: u.centroid_lat === null ? null : Number(u.centroid_lat),
  }));
  return createHash('sha256').update(JSON.stringify({ numbers, users, members, norm, timeline })).digest('hex');
}

describe.each(TEST_DIALECTS)('demo county on %s', (dialect) => {
  let database: DatabaseHandle;
  let runtime: Runtime;
  let result: DemoResult;
  let app: App;
  let db: Db;
  beforeAll(async () => {
    ({ database, runtime, result } = await seeded(dialect));
    db = runtime.deps.db;
    app = await buildApp(runtime.deps);
    await app.ready();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('creates a county of 7 townships, about 70 villages and 350 grids, 15 departments with stations, and the catalogue', async () => {
    expect(result.created).toBe(true);
    expect(result.password).toBe(PASSWORD);
    const c = result.counts;
    expect(c.townships).toBe(7);
    expect(c.villages).toBeGreaterThanOrEqual(60);
    expect(c.grids).toBeGreaterThanOrEqual(320);
    expect(c.departments).toBe(15);
    expect(c.stations).toBe(18);
    expect(c.categories).toBeGreaterThan(40);
    const departments = await db.selectFrom('org_units').select(['code', 'name']).where('kind', '=', 'department').orderBy('code').execute();
    expect(departments).toEqual([...DEMO_DEPARTMENTS].map((d) => ({ code: d.code, name: d.name })).sort((a, b) => a.code.localeCompare(b.code)));
    const squads = await db
      .selectFrom('org_units as s')
      .innerJoin('org_units as t', 't.id', 's.area_unit_id')
      .select(['s.name', 't.kind', 't.name as township'])
      .where('s.code', 'like', 'enforcement-%')
      .execute();
    expect(squads).toHaveLength(7);
    for (const s of squads) {
      expect(s.kind).toBe('township');
      expect(s.name).toBe(`${s.township.slice(0, -1)}执法中队`);
    }
  });

  it('has users for every role, a grid worker in every grid, and admin can sign in with the password', async () => {
    const roles = (await db.selectFrom('memberships').select('role').distinct().execute()).map((r) => r.role);
    expect([...roles].sort()).toEqual([...ROLES].sort());
    const gridWorkers = await db
      .selectFrom('org_units')
      .leftJoin('memberships', (j) => j.onRef('memberships.org_unit_id', '=', 'org_units.id').on('memberships.role', '=', 'grid_worker'))
      .select(['org_units.code', 'memberships.user_id'])
      .where('org_units.kind', '=', 'grid')
      .execute();
    expect(gridWorkers.length).toBe(result.counts.grids);
    expect(gridWorkers.every((g) => g.user_id)).toBe(true);
    const phones = (await db.selectFrom('users').select('phone').execute()).map((u) => u.phone!);
    expect(phones.every((p) => /^1[3-9]\d{9}$/.test(p))).toBe(true);
    expect(new Set(phones).size).toBe(phones.length);

    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: PASSWORD } });
    expect(login.statusCode).toBe(200);
    expect(login.json().user.roles).toContain('admin');
    const gw = gridWorkers[0].code;
    const worker = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: `gw-${gw}`, password: PASSWORD } });
    expect(worker.statusCode).toBe(200);
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'not-the-password' } });
    expect(wrong.statusCode).toBe(401);
  });

  it('locates every grid centroid to that grid', async () => {
    const grids = await db.selectFrom('org_units').select(['id', 'centroid_lng', 'centroid_lat']).where('kind', '=', 'grid').execute();
    for (const g of grids) expect(runtime.deps.territory.locate(Number(g.centroid_lng), Number(g.centroid_lat))?.grid.id).toBe(g.id);
  });

  it('holds history created through the events service: mostly closed, an open tail, coherent timelines', async () => {
    const events = await db.selectFrom('events').selectAll().execute();
    expect(events.length).toBeGreaterThan(20);
    expect(result.counts.events).toBe(events.length);
    const closed = events.filter((e) => e.status === 'closed');
    expect(closed.length / events.length).toBeGreaterThan(0.6);
    expect(events.some((e) => e.is_open === 1)).toBe(true);
    for (const e of events) {
      expect(e.code).toMatch(/^\d{13}$/);
      expect(e.created_at < NOW).toBe(true);
      expect(e.grid_id && e.lead_unit_id).toBeTruthy();
      if (e.status === 'closed') {
        expect(e.is_open).toBe(0);
        expect(e.closing_kind).toBeTruthy();
        expect(e.closed_at! > e.created_at).toBe(true);
        expect(e.closed_at! <= NOW).toBe(true);
      }
    }
    const kinds = await db.selectFrom('event_timeline').select(['event_id', 'kind', 'seq', 'at']).orderBy('event_id').orderBy('seq').execute();
    const byEvent = new Map<string, typeof kinds>();
    for (const k of kinds) byEvent.set(k.event_id, [...(byEvent.get(k.event_id) ?? []), k]);
    for (const e of closed) {
      const entries = byEvent.get(e.id)!;
      expect(entries[0].kind).toBe('reported');
      expect(entries.map((x) => x.kind)).toContain('closed');
      expect(entries.map((x) => x.seq)).toEqual(entries.map((_, i) => i + 1));
      const ats = entries.map((x) => x.at);
      expect([...ats].sort()).toEqual(ats);
    }
  });

  it('changes nothing on a second run', async () => {
    const before = await digest(db);
    const again = await seedDemoCounty(runtime.deps, { ...OPTS, password: undefined });
    expect(again.created).toBe(false);
    expect(again.password).toBeNull();
    expect(again.counts).toEqual(result.counts);
    expect(await digest(db)).toBe(before);
  });

  it('gives every open event a running process, standing at the step that matches its status', async () => {
    const open = await db.selectFrom('events').select(['id', 'status']).where('is_open', '=', 1).execute();
    expect(open.length).toBeGreaterThan(0);
    const instances = await db.selectFrom('process_instances').select(['event_id', 'status']).execute();
    const running = new Set(instances.filter((i) => i.status === 'running').map((i) => i.event_id));
    expect(open.filter((e) => !running.has(e.id))).toEqual([]);
    const tasks = await db.selectFrom('tasks').select(['event_id', 'node_id']).where('status', '=', 'open').execute();
    const dispatched = open.filter((e) => e.status === 'dispatched' || e.status === 'in_progress').map((e) => e.id);
    const handleLike = new Set(tasks.filter((t) => /handle|enforce/.test(t.node_id)).map((t) => t.event_id));
    expect(dispatched.filter((id) => !handleLike.has(id))).toEqual([]);
  });

  it('resumes an interrupted event seed', async () => {
    const before = await digest(db, { eventCodes: false });
    const last = await db.selectFrom('events').select('id').orderBy('id', 'desc').limit(5).execute();
    await db
      .deleteFrom('events')
      .where(
        'id',
        'in',
        last.map((r) => r.id),
      )
      .execute();
    await db.deleteFrom('audit_log').where('action', '=', 'demo.seeded').execute();
    const resumed = await seedDemoCounty(runtime.deps, { ...OPTS, password: undefined });
    expect(resumed.created).toBe(true);
    expect(resumed.password).toBeNull();
    expect(resumed.counts).toEqual(result.counts);
    expect(await digest(db, { eventCodes: false })).toBe(before);
  });

  it('is the same county for the same seed and clock', async () => {
    const twin = await seeded(dialect);
    try {
      const fresh = await seeded(dialect);
      try {
        expect(await digest(fresh.runtime.deps.db)).toBe(await digest(twin.runtime.deps.db));
      } finally {
        await fresh.database.close();
      }
    } finally {
      await twin.database.close();
    }
  }, 120_000);

  it('refuses a database that already holds another county', async () => {
    const other = await openTestDatabase(dialect);
    try {
      const rt = await createRuntime(testConfig(), { database: other, clock: new FakeClock(NOW) });
      await seedFixture(other.db);
      await expect(seedDemoCounty(rt.deps, OPTS)).rejects.toThrow(/already holds the county 测试县/);
    } finally {
      await other.close();
    }
  });
});
