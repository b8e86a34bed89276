import { EVENT_SOURCES } from '@liandong/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { apiKeyRequester, countEventRows, eventBody } from './events.test-helpers.ts';

describe.each(TEST_DIALECTS)('creating events on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it.each(EVENT_SOURCES)('accepts a report from source %s, routed and numbered', async (source) => {
    const res = await t.as('duty')('POST', '/api/v1/events', eventBody(t, { source, title: `井盖缺失 ${source}` }));
    expect(res.statusCode).toBe(201);
    const e = res.json();
    expect(e).toMatchObject({ source, status: 'reported', category: '0201', urgency: 'urgent', merged: false, leadUnitId: t.fixture.units.construction });
    expect(e.code).toMatch(/^20261128\d{5}$/);
    expect(e.trackingToken).toEqual(expect.any(String));
    expect(e.orgChain.map((u: { id: string }) => u.id)).toEqual([t.fixture.units.county, t.fixture.units.tA, t.fixture.units.vA1, t.fixture.units.gA1a]);
    // A working-time limit is computed by the process engine against the calendar.
    expect(e.dueAt).toBeNull();
  });

  it('routes a water-source alarm to the village with the water bureau and township co-handling, awaiting confirmation', async () => {
    const res = await t.as('duty')(
      'POST',
      '/api/v1/events',
      eventBody(t, { category: '0501', title: '水库边洗衣', source: 'video', location: t.fixture.points.gB1a }),
    );
    expect(res.statusCode).toBe(201);
    const e = res.json();
    expect(e).toMatchObject({ status: 'pending_confirmation', urgency: 'urgent', leadUnitId: t.fixture.units.vB1 });
    expect([...e.coHandlingUnitIds].sort()).toEqual([t.fixture.units.water, t.fixture.units.tB].sort());
    // Natural-time limit: 60 minutes from now.
    expect(e.dueAt).toBe('2026-11-28T03:00:00.000Z');
    const units = await t.deps.db.selectFrom('event_units').selectAll().where('event_id', '=', e.id).execute();
    expect(units.map((u) => [u.org_unit_id, u.role]).sort()).toEqual(
      [
        [t.fixture.units.vB1, 'lead'],
        [t.fixture.units.water, 'co'],
        [t.fixture.units.tB, 'co'],
      ].sort(),
    );
  });

  it('does not ask for confirmation when a person reports the same category', async () => {
    const res = await t.as('gwA1a')(
      'POST',
      '/api/v1/events',
      eventBody(t, { category: '0501', source: 'patrol', location: t.fixture.points.gA2b, urgency: 'critical' }),
    );
    expect(res.json()).toMatchObject({ status: 'reported', urgency: 'critical', leadUnitId: t.fixture.units.vA2 });
  });

  it("routes a department rule to the department's station for the event's township when there is one", async () => {
    const put = await t.as('admin')('PUT', '/api/v1/categories/0180', {
      nameZh: '占道经营',
      nameEn: 'Road-occupying business',
      parentCode: '01',
      leadRule: { department: 'enforcement' },
      coHandlingRules: [{ level: 'grid' }],
    });
    expect(put.statusCode).toBe(201);
    const inA = (await t.as('duty')('POST', '/api/v1/events', eventBody(t, { category: '0180', location: t.fixture.points.gA2a }))).json();
    expect(inA).toMatchObject({ leadUnitId: t.fixture.units.enforcementA, coHandlingUnitIds: [t.fixture.units.gA2a] });
    const inB = (await t.as('duty')('POST', '/api/v1/events', eventBody(t, { category: '0180', location: t.fixture.points.gB2a }))).json();
    expect(inB.leadUnitId).toBe(t.fixture.units.enforcement);
    // The station's officer sees the event dispatched to the station, not the other township's.
    const seen = (await t.as('officer')('GET', '/api/v1/events?category=0180')).json().items.map((e: { id: string }) => e.id);
    expect(seen).toEqual([inA.id]);
  });

  it('records the report and the routing on the timeline', async () => {
    const e = (await t.as('gwA1a')('POST', '/api/v1/events', eventBody(t, { source: 'patrol' }))).json();
    const tl = await t.as('gwA1a')('GET', `/api/v1/events/${e.id}/timeline`);
    expect(tl.statusCode).toBe(200);
    const items = tl.json().items;
    // The report, its routing and the linkage lead; the process engine's own entries follow them.
    expect(items.map((i: { kind: string; seq: number }) => [i.seq, i.kind]).slice(0, 5)).toEqual([
      [1, 'reported'],
      [2, 'routed'],
      [3, 'notified'],
      [4, 'process.started'],
      [5, 'task.created'],
    ]);
    expect(items[0]).toMatchObject({
      actor: { id: t.fixture.users.gwA1a.id, name: '南浦网格员' },
      data: { source: 'patrol' },
      orgUnit: { id: t.fixture.units.gA1a },
    });
    expect(items[1].data).toMatchObject({ leadUnitId: t.fixture.units.construction, leadUnitName: '县住建局' });
  });

  it('accepts integrations with an events:write API key and refuses keys without it', async () => {
    const writer = await apiKeyRequester(t, ['events:write']);
    const ok = await writer('POST', '/api/v1/events', eventBody(t, { source: 'iot', externalId: 'meter-1' }));
    expect(ok.statusCode).toBe(201);
    expect(ok.json().reporter).toBeNull();
    const reader = await apiKeyRequester(t, ['events:read']);
    const refused = await reader('POST', '/api/v1/events', eventBody(t, { source: 'iot', externalId: 'meter-2' }));
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('SCOPE_MISSING');
  });

  it('refuses anonymous callers and integrator accounts signed in as users', async () => {
    const anon = await t.app.inject({ method: 'POST', url: '/api/v1/events', payload: eventBody(t) });
    expect(anon.statusCode).toBe(401);
    const integrator = await t.as('integrator')('POST', '/api/v1/events', eventBody(t));
    expect(integrator.statusCode).toBe(403);
  });

  it('numbers events per Asia/Shanghai day and restarts the sequence the next day', async () => {
    const a = (await t.as('duty')('POST', '/api/v1/events', eventBody(t))).json().code as string;
    const b = (await t.as('duty')('POST', '/api/v1/events', eventBody(t))).json().code as string;
    expect(b.slice(0, 8)).toBe(a.slice(0, 8));
    expect(Number(b.slice(8))).toBe(Number(a.slice(8)) + 1);
    // An API key, because a session would have expired by tomorrow.
    const integration = await apiKeyRequester(t, ['events:write']);
    const saved = t.clock.now();
    t.clock.set('2026-11-28T16:00:00.000Z'); // 00:00 on 29 November in Shanghai
    try {
      const c = (await integration('POST', '/api/v1/events', eventBody(t, { source: 'iot' }))).json().code;
      const d = (await integration('POST', '/api/v1/events', eventBody(t, { source: 'iot' }))).json().code;
      expect([c, d]).toEqual(['2026112900001', '2026112900002']);
    } finally {
      t.clock.set(saved);
    }
  });

  describe('idempotency by externalId', () => {
    it('answers a repeat with the same event and 200', async () => {
      const body = eventBody(t, { source: 'hotline', externalId: 'hotline-2026-0001' });
      const first = await t.as('duty')('POST', '/api/v1/events', body);
      expect(first.statusCode).toBe(201);
      const before = await countEventRows(t);
      const again = await t.as('duty')('POST', '/api/v1/events', body);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ id: first.json().id, code: first.json().code, merged: false });
      expect(await countEventRows(t)).toEqual(before);
    });

    it('keeps externalIds per source', async () => {
      const a = await t.as('duty')('POST', '/api/v1/events', eventBody(t, { source: 'citizen', externalId: 'shared-id' }));
      const b = await t.as('duty')('POST', '/api/v1/events', eventBody(t, { source: 'hotline', externalId: 'shared-id' }));
      expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
      expect(a.json().id).not.toBe(b.json().id);
    });

    it('creates one event when the same report arrives many times at once', async () => {
      const body = eventBody(t, { source: 'video', externalId: 'cam-7-track-99' });
      const token = await t.login('duty');
      const results = await Promise.all(
        Array.from({ length: 6 }, () => t.app.inject({ method: 'POST', url: '/api/v1/events', payload: body, headers: { authorization: token } })),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 201]);
      expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
      const rows = await t.deps.db.selectFrom('events').select('id').where('external_id', '=', 'cam-7-track-99').execute();
      expect(rows).toHaveLength(1);
    });
  });

  describe('dedup', () => {
    const near = (p: { lng: number; lat: number }, metresNorth: number) => ({ lng: p.lng, lat: p.lat + metresNorth / 111_195 });

    it('merges a report of the same category within the radius and window into the open event', async () => {
      const p = { lng: 122.03, lat: 30.03 };
      const first = await t.as('gwA1a')('POST', '/api/v1/events', eventBody(t, { category: '0101', title: '垃圾堆', location: p }));
      expect(first.statusCode).toBe(201);
      t.clock.advance(5 * 60_000);
      const second = await t.as('duty')(
        'POST',
        '/api/v1/events',
        eventBody(t, { category: '0101', title: '又见垃圾', source: 'video', location: near(p, 150) }),
      );
      expect(second.statusCode).toBe(200);
      expect(second.json()).toMatchObject({ id: first.json().id, merged: true, duplicateCount: 1 });
      const tl = (await t.as('duty')('GET', `/api/v1/events/${first.json().id}/timeline`)).json().items;
      expect(tl.at(-1)).toMatchObject({ kind: 'duplicate_merged', data: { source: 'video', distanceM: 150 } });
    });

    it('answers a repeat of a merged report with the same event, without merging it again', async () => {
      const p = { lng: 122.13, lat: 30.03 };
      const first = await t.as('duty')(
        'POST',
        '/api/v1/events',
        eventBody(t, { category: '0101', title: '垃圾', source: 'video', externalId: 'cam-7-a', location: p }),
      );
      expect(first.statusCode).toBe(201);
      const merged = await t.as('duty')(
        'POST',
        '/api/v1/events',
        eventBody(t, { category: '0101', title: '垃圾', source: 'video', externalId: 'cam-7-b', location: near(p, 20) }),
      );
      expect(merged.json()).toMatchObject({ id: first.json().id, merged: true, duplicateCount: 1 });
      const repeat = await t.as('duty')(
        'POST',
        '/api/v1/events',
        eventBody(t, { category: '0101', title: '垃圾', source: 'video', externalId: 'cam-7-b', location: near(p, 20) }),
      );
      expect(repeat.statusCode).toBe(200);
      expect(repeat.json()).toMatchObject({ id: first.json().id, duplicateCount: 1 });
    });

    it('keeps reports apart beyond the radius, after the window, or of another category', async () => {
      const p = { lng: 122.07, lat: 30.07 };
      const first = (await t.as('gwA1a')('POST', '/api/v1/events', eventBody(t, { category: '0101', location: p }))).json();
      const far = await t.as('gwA1a')('POST', '/api/v1/events', eventBody(t, { category: '0101', location: near(p, 260) }));
      expect(far.statusCode).toBe(201);
      const other = await t.as('gwA1a')('POST', '/api/v1/events', eventBody(t, { category: '0201', location: p }));
      expect(other.statusCode).toBe(201);
      t.clock.advance(10 * 60_000 + 1000);
      const late = await t.as('gwA1a')('POST', '/api/v1/events', eventBody(t, { category: '0101', location: p }));
      expect(late.statusCode).toBe(201);
      expect(late.json().id).not.toBe(first.id);
    });

    it('does not merge into a closed event', async () => {
      const p = { lng: 122.08, lat: 30.02 };
      const first = (await t.as('gwA1a')('POST', '/api/v1/events', eventBody(t, { category: '0101', location: p }))).json();
      await t.deps.db.updateTable('events').set({ status: 'closed', is_open: 0 }).where('id', '=', first.id).execute();
      const again = await t.as('gwA1a')('POST', '/api/v1/events', eventBody(t, { category: '0101', location: p }));
      expect(again.statusCode).toBe(201);
    });
  });

  describe('bad input gives the error shape and writes nothing', () => {
    const cases: Array<[string, (t: TestApp) => Record<string, unknown> | string, number, string]> = [
      ['malformed JSON', () => '{"category": "0201", "title": ', 400, 'MALFORMED_JSON'],
      ['wrong types', (t) => eventBody(t, { title: 42, location: { lng: '122.05', lat: 30.05 } }), 400, 'VALIDATION_FAILED'],
      ['a missing title', (t) => eventBody(t, { title: '   ' }), 400, 'VALIDATION_FAILED'],
      ['an unknown source', (t) => eventBody(t, { source: 'pigeon' }), 400, 'VALIDATION_FAILED'],
      ['an unknown category', (t) => eventBody(t, { category: '9999' }), 422, 'UNKNOWN_CATEGORY'],
      ['a point outside the county', (t) => eventBody(t, { location: { lng: 121.5, lat: 31.2 } }), 422, 'OUTSIDE_JURISDICTION'],
      [
        'an unknown attachment dataId',
        (t) => eventBody(t, { attachments: [{ dataId: '0190c0de-0000-7000-8000-000000000000', kind: 'photo' }] }),
        422,
        'INVALID_ATTACHMENT',
      ],
    ];
    it.each(cases)('%s', async (_name, body, status, code) => {
      const before = await countEventRows(t);
      const payload = body(t);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        payload,
        headers: { authorization: await t.login('duty'), 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(status);
      expect(res.json()).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
      expect(await countEventRows(t)).toEqual(before);
    });

    it('an inactive category', async () => {
      await t.deps.db
        .insertInto('categories')
        .values({
          code: '0199',
          parent_code: '01',
          family: 'event',
          name_zh: '停用分类',
          name_en: 'Retired',
          default_urgency: 'normal',
          time_limit_minutes: null,
          time_limit_kind: 'working',
          requires_confirmation: 0,
          dedup_window_minutes: 0,
          dedup_radius_m: 0,
          lead_rule: null,
          co_handling_rules: '[]',
          process_key: null,
          is_active: 0,
          sort_order: 99,
          updated_at: '2026-11-28T00:00:00.000Z',
        })
        .execute();
      const before = await countEventRows(t);
      const res = await t.as('duty')('POST', '/api/v1/events', eventBody(t, { category: '0199' }));
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'UNKNOWN_CATEGORY', details: { reason: 'inactive' } });
      expect(await countEventRows(t)).toEqual(before);
    });

    it('a category retired through the catalogue, from the very next report on', async () => {
      const body = { nameZh: '临时分类', nameEn: 'Temporary', parentCode: '01', leadRule: { level: 'grid' } };
      expect((await t.as('admin')('PUT', '/api/v1/categories/0198', body)).statusCode).toBe(201);
      // A report reads (and keeps) the category's row…
      expect((await t.as('duty')('POST', '/api/v1/events', eventBody(t, { category: '0198' }))).statusCode).toBe(201);
      // …which the catalogue edit drops at once: the next report is refused.
      expect((await t.as('admin')('PUT', '/api/v1/categories/0198', { ...body, isActive: false })).statusCode).toBe(200);
      const res = await t.as('duty')('POST', '/api/v1/events', eventBody(t, { category: '0198' }));
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'UNKNOWN_CATEGORY', details: { reason: 'inactive' } });
    });
  });
});
