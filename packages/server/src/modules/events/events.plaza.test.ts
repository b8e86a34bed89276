import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { closeEventDirectly, eventBody } from './events.test-helpers.ts';

describe.each(TEST_DIALECTS)('event plaza and detail on %s', (dialect) => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const codes: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const p = t.fixture.points;
    const make = async (key: string, user: string, over: Record<string, unknown>) => {
      const res = await t.as(user)('POST', '/api/v1/events', eventBody(t, over));
      if (res.statusCode !== 201) throw new Error(`${key}: ${res.statusCode} ${res.body}`);
      ids[key] = res.json().id;
      codes[key] = res.json().code;
    };
    await make('a1', 'duty', { location: p.gA1a, title: '井盖缺失一', reporter: { name: '张三', phone: '13912345678' } });
    await make('a2', 'duty', { location: p.gA1a, title: '井盖缺失二' });
    await make('a3', 'duty', { location: p.gA1a, title: '井盖松动' });
    await make('a1b', 'duty', { location: p.gA1b, title: '井盖缺失 A1b' });
    await make('b1', 'duty', { location: p.gB1a, title: '井盖缺失 B1a' });
    await make('water1', 'duty', { category: '0501', source: 'video', location: p.gB2a, title: '水库边洗衣' });
    await make('water2', 'gwA1a', { category: '0501', source: 'patrol', location: p.gA2a, title: '水源地垂钓' });
    await make('dep', 'deputy', { source: 'deputy', location: p.gB2b, title: '代表反映井盖问题' });
  });
  afterAll(async () => t?.close());

  const all = async (user: string, query = '', limit = 200) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const res = await t.as(user)('GET', `/api/v1/events?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.statusCode).toBe(200);
      const body = res.json() as { items: Array<{ id: string }>; nextCursor: string | null };
      seen.push(...body.items.map((e) => e.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    return seen;
  };
  const keysOf = (list: string[]) => list.map((id) => Object.keys(ids).find((k) => ids[k] === id) ?? id).sort();

  it('shows a grid worker the events of their grid and what they reported themselves', async () => {
    expect(keysOf(await all('gwA1a'))).toEqual(['a1', 'a2', 'a3', 'water2']);
  });

  it('shows a department the events dispatched to it', async () => {
    expect(keysOf(await all('waterHandler'))).toEqual(['water1', 'water2']);
  });

  it('shows a deputy only what the deputy submitted', async () => {
    expect(keysOf(await all('deputy'))).toEqual(['dep']);
  });

  it('shows a township dispatcher the township and the county staff everything', async () => {
    expect(keysOf(await all('dispatcherA'))).toEqual(['a1', 'a1b', 'a2', 'a3', 'water2']);
    expect(keysOf(await all('admin'))).toEqual(Object.keys(ids).sort());
  });

  it('pages newest first without duplicates or gaps, also across scope parts', async () => {
    const paged = await all('admin', '', 3);
    expect(paged).toHaveLength(Object.keys(ids).length);
    expect(new Set(paged).size).toBe(paged.length);
    expect([...paged].sort().reverse()).toEqual(paged);
    const gw = await all('gwA1a', '', 1);
    expect(gw).toEqual([...gw].sort().reverse());
    expect(keysOf(gw)).toEqual(['a1', 'a2', 'a3', 'water2']);
  });

  it('refuses tampered and made-up cursors', async () => {
    const first = (await t.as('admin')('GET', '/api/v1/events?limit=2')).json();
    const cursor = first.nextCursor as string;
    const [payload, mac] = cursor.split('.');
    const forged = `${Buffer.from(JSON.stringify({ id: 'ffffffff-ffff-7fff-bfff-ffffffffffff' })).toString('base64url')}.${mac}`;
    for (const bad of [forged, `${payload}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, 'abc', `${payload}`]) {
      const res = await t.as('admin')('GET', `/api/v1/events?cursor=${encodeURIComponent(bad)}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('INVALID_CURSOR');
    }
  });

  it('validates limit and status', async () => {
    for (const q of ['limit=0', 'limit=201', 'limit=abc', 'status=bogus', 'category=0x', 'overdue=maybe']) {
      const res = await t.as('admin')('GET', `/api/v1/events?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.code, q).toBe('VALIDATION_FAILED');
    }
    expect((await t.as('admin')('GET', '/api/v1/events?orgUnitId=nowhere')).json().error.code).toBe('UNKNOWN_ORG_UNIT');
  });

  it('filters by status, category, unit, source and text', async () => {
    expect(keysOf(await all('admin', '&category=05'))).toEqual(['water1', 'water2']);
    expect(keysOf(await all('admin', '&status=pending_confirmation'))).toEqual(['water1']);
    expect(keysOf(await all('admin', `&orgUnitId=${t.fixture.units.vA1}`))).toEqual(['a1', 'a1b', 'a2', 'a3']);
    expect(keysOf(await all('admin', `&orgUnitId=${t.fixture.units.water}`))).toEqual(['water1', 'water2']);
    expect(keysOf(await all('admin', '&source=deputy'))).toEqual(['dep']);
    expect(keysOf(await all('admin', `&q=${encodeURIComponent('缺失')}`))).toEqual(['a1', 'a1b', 'a2', 'b1']);
    expect(keysOf(await all('admin', `&q=${codes.a3}`))).toEqual(['a3']);
    expect(keysOf(await all('admin', `&q=${encodeURIComponent('100%')}`))).toEqual([]);
  });

  it('separates open from closed events and finds supervised and overdue ones', async () => {
    await closeEventDirectly(t, ids.a2);
    expect(keysOf(await all('gwA1a', '&status=open'))).toEqual(['a1', 'a3', 'water2']);
    expect(keysOf(await all('gwA1a', '&status=closed'))).toEqual(['a2']);
    expect(keysOf(await all('gwA1a', '&status=reported,closed'))).toEqual(['a1', 'a2', 'a3', 'water2']);
    expect((await t.as('leader')('POST', `/api/v1/events/${ids.a3}/supervise`, { note: '尽快处理' })).statusCode).toBe(200);
    expect(keysOf(await all('admin', '&supervised=true'))).toEqual(['a3']);
    expect(await all('admin', '&overdue=true')).toEqual([]);
    t.clock.advance(61 * 60_000); // past the 60 natural minutes of 0501
    expect(keysOf(await all('admin', '&overdue=true'))).toEqual(['water1', 'water2']);
    expect(keysOf(await all('admin', '&overdue=false'))).not.toContain('water1');
  });

  it('masks reporter phones in the list and shows them in the detail to staff in scope', async () => {
    const list = (await t.as('gwA1a')('GET', '/api/v1/events?limit=200')).json().items as Array<{
      id: string;
      reporter: { phone: string | null } | null;
      trackingToken?: string;
    }>;
    const a1 = list.find((e) => e.id === ids.a1)!;
    expect(a1.reporter).toEqual({ name: '张三', phone: '139****5678' });
    expect(a1.trackingToken).toBeUndefined();
    const detail = await t.as('gwA1a')('GET', `/api/v1/events/${ids.a1}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({ id: ids.a1, reporter: { phone: '13912345678' }, categoryName: '井盖破损', leadUnitId: t.fixture.units.construction });
  });

  it('answers 404 for events outside the caller’s scope, as for unknown ids', async () => {
    for (const url of [`/api/v1/events/${ids.a1}`, `/api/v1/events/${ids.a1}/timeline`]) {
      const res = await t.as('gwB1a')('GET', url);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('EVENT_NOT_FOUND');
    }
    expect((await t.as('admin')('GET', '/api/v1/events/0190c0de-0000-7000-8000-000000000000')).statusCode).toBe(404);
    expect((await t.as('waterHandler')('GET', `/api/v1/events/${ids.water1}`)).statusCode).toBe(200);
    expect((await t.as('deputy')('GET', `/api/v1/events/${ids.dep}/timeline`)).statusCode).toBe(200);
  });
});
