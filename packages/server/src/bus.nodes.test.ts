import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type DatabaseHandle } from './db/database.ts';
import { openTestDatabase } from './testing/databases.ts';
import { FIXTURE_PASSWORD, seedFixture, type Fixture } from './testing/fixtures.ts';
import { serveNode } from './testing/serve-node.ts';
import { SseClient } from './testing/sse-client.ts';

/**
 * Issue 12, point 5: a change made through one node reaches the SSE clients and the caches of
 * every other node of the installation. Real `serve` processes: two on one PostgreSQL database
 * (the bus is LISTEN/NOTIFY), and one on SQLite (the in-process bus), where "node B" is node A.
 * Each check polls what a user of node B would see, with a deadline; none sleeps.
 *
 * Deadlines: the calendar cache never expires and the on-duty cache keeps a unit 15 s, so 10 s
 * shows the bus at work; principals and categories are kept 5 s, so those wait at most 4 s.
 */
const dir = mkdtempSync(join(tmpdir(), 'liandong-bus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A response body; its fields are checked by the assertions. */
type Json = Record<string, unknown>;
type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: Json }>;

describe.each(['postgres', 'sqlite'] as const)('a change on node A, seen on node B (%s)', (dialect) => {
  let handle: DatabaseHandle | null = null;
  let fixture: Fixture;
  const nodes: Array<ReturnType<typeof serveNode>> = [];
  const clients: SseClient[] = [];
  let urlA = '';
  let urlB = '';
  const tokens = new Map<string, string>();
  let spot = 0;
  /** A new place in village A1 for every report: no two within the dedup radius. */
  const nextSpot = () => {
    const k = spot++;
    return { lng: 122.005 + (k % 60) * 0.003, lat: 30.005 + Math.floor(k / 60) * 0.003 };
  };

  const login = async (base: string, username: string) => {
    const key = `${base} ${username}`;
    const cached = tokens.get(key);
    if (cached) return cached;
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: FIXTURE_PASSWORD }),
    });
    expect(res.status).toBe(200);
    const token = ((await res.json()) as { token: string }).token;
    tokens.set(key, token);
    return token;
  };
  const as =
    (base: string, username: string): Call =>
    async (method, path, body) => {
      const res = await fetch(`${base}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${await login(base, username)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: (text ? JSON.parse(text) : {}) as Json };
    };
  const stream = async (base: string, username: string) => {
    const c = await SseClient.open(`${base}/api/v1/stream?access_token=${await login(base, username)}`);
    clients.push(c);
    expect(c.status).toBe(200);
    await c.next((m) => m.event === 'ready');
    return c;
  };
  const report = async (base: string, category = '0501') => {
    const res = await as(base, 'duty')('POST', '/events', { category, title: '水源地有人钓鱼', source: 'hotline', location: nextSpot() });
    return res;
  };
  /** Polls `check` until it holds; fails naming `what` after `ms`. */
  const eventually = async (what: string, ms: number, check: () => Promise<boolean>) => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`node B did not show ${what} within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    let dbUrl: string;
    if (dialect === 'postgres') {
      const pg = await openTestDatabase('postgres');
      handle = pg;
      dbUrl = pg.url;
    } else {
      dbUrl = join(dir, 'bus.db');
      handle = openDatabase(dbUrl);
    }
    await migrateToLatest(handle.db);
    fixture = await seedFixture(handle.db);
    if (dialect === 'sqlite') {
      // One writer: the test's own connection goes before the node starts.
      await handle.close();
      handle = null;
    }
    const count = dialect === 'postgres' ? 2 : 1;
    // One after the other: two nodes seeding the built-in processes at the same moment collide
    // on process_versions' primary key (definition-store.ts; seen here, not fixed here).
    const urls: string[] = [];
    for (let i = 0; i < count; i++) {
      nodes.push(serveNode(dbUrl, join(dir, `node-${dialect}-${i}`)));
      urls.push(await nodes[i]!.url);
    }
    urlA = urls[0]!;
    urlB = urls[urls.length - 1]!;
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await handle?.close();
  }, 60_000);

  it('an event reported through A reaches the on-duty handler’s SSE stream on B: event.created and the assignment', async () => {
    const handler = await stream(urlB, 'handlerVA1');
    const res = await report(urlA);
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const id = res.json.id as string;
    const created = await handler.next((m) => m.event === 'event.created' && m.data.id === id);
    expect(created.data).toMatchObject({ code: res.json.code, categoryCode: '0501', urgency: 'urgent' });
    const assigned = await handler.next((m) => m.event === 'notification' && m.data.eventId === id);
    expect(assigned.data).toMatchObject({ kind: 'event.assigned', link: `/events/${id}`, urgent: true, readAt: null });
    expect(assigned.data.body).toContain(res.json.code as string);
    // Once, though both nodes hear the bus.
    expect(handler.messages.filter((m) => m.event === 'notification' && m.data.eventId === id)).toHaveLength(1);
  });

  it('a holiday set on A is used by B’s next deadline', async () => {
    const list = await as(urlA, 'admin')('GET', '/calendars');
    expect(list.status).toBe(200);
    const calendar = (list.json.items as Array<{ id: string; isDefault: boolean }>).find((c) => c.isDefault)!;
    // Tuesday 2026-12-08 09:00 (UTC+8), ten working hours: due on Wednesday the 9th.
    const deadline = `/calendars/${calendar.id}/deadline?start=2026-12-08T01:00:00.000Z&minutes=600&kind=working`;
    const before = await as(urlB, 'admin')('GET', deadline);
    expect(before.status).toBe(200);
    expect(String(before.json.dueAt).slice(0, 10)).toBe('2026-12-09');
    const set = await as(urlA, 'admin')('PUT', `/calendars/${calendar.id}/days/2026-12-09`, { kind: 'holiday', note: '总线测试' });
    expect(set.status).toBe(200);
    await eventually('the holiday in its deadline', 10_000, async () => {
      const after = await as(urlB, 'admin')('GET', deadline);
      return after.status === 200 && String(after.json.dueAt).slice(0, 10) === '2026-12-10';
    });
  });

  it('a roster entry made on A decides whom B notifies', async () => {
    // Township A is told of every 0501 event in village A1: its dispatcher, while nobody is rostered.
    const dispatcher = await stream(urlB, 'dispatcherA');
    const deputy = await stream(urlB, 'deputy');
    const warm = await report(urlB);
    expect(warm.status, JSON.stringify(warm.json)).toBe(201);
    await dispatcher.next((m) => m.event === 'notification' && m.data.eventId === warm.json.id);
    const now = Date.now();
    const entry = await as(urlA, 'admin')('POST', '/duty-rosters', {
      orgUnitId: fixture.units.tA,
      userId: fixture.users.deputy.id,
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
    });
    expect(entry.status).toBe(201);
    await eventually('the rostered deputy as the one on duty', 10_000, async () => {
      const r = await report(urlB);
      if (r.status !== 201) return false;
      const told = await Promise.race([
        deputy.next((m) => m.event === 'notification' && m.data.eventId === r.json.id, 3_000).then(() => 'deputy'),
        dispatcher.next((m) => m.event === 'notification' && m.data.eventId === r.json.id, 3_000).then(() => 'dispatcher'),
      ]).catch(() => 'nobody');
      return told === 'deputy';
    });
  });

  it('a role given on A is in B’s authentication of the user', async () => {
    const gw = as(urlB, 'gwA1a');
    const before = await gw('GET', '/me');
    expect(before.status).toBe(200);
    expect(before.json.roles).not.toContain('handler');
    const added = await as(urlA, 'admin')('POST', `/users/${fixture.users.gwA1a.id}/memberships`, { orgUnitId: fixture.units.vA1, role: 'handler' });
    expect(added.status).toBe(201);
    await eventually('the new role', 4_000, async () => ((await gw('GET', '/me')).json.roles as string[]).includes('handler'));
  });

  it('a category renamed and taken out of use on A is refused by B', async () => {
    expect((await report(urlB, '0101')).status).toBe(201);
    const current = await as(urlA, 'admin')('GET', '/categories/0101');
    expect(current.status).toBe(200);
    const put = await as(urlA, 'admin')('PUT', '/categories/0101', { nameZh: '暴露垃圾（停用）', nameEn: 'Exposed garbage (retired)', isActive: false });
    expect(put.status).toBe(200);
    await eventually('the category out of use', 4_000, async () => {
      const r = await report(urlB, '0101');
      return r.status === 422 && (r.json.error as { code: string }).code === 'UNKNOWN_CATEGORY';
    });
  });
});
