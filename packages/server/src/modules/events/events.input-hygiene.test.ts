import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { countEventRows, eventBody } from './events.test-helpers.ts';

/**
 * Issue 11, point 6: strings that are not well-formed Unicode are refused on every route; an
 * event's occurredAt lies between the county's go-live and a few minutes ahead of the clock; an
 * event is filed under a leaf category only.
 */
describe.each(TEST_DIALECTS)('input hygiene (%s)', (dialect) => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    admin = await t.login('admin');
  });
  afterAll(async () => t?.close());

  /** POST /events with a JSON text of our own (a JS object cannot show the escape as sent). */
  const postRaw = (json: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: admin, 'content-type': 'application/json' }, payload: json });

  describe('lone surrogates', () => {
    it('refuses an event whose title holds a lone surrogate, naming the field, and stores nothing', async () => {
      const before = await countEventRows(t);
      const body = JSON.stringify(eventBody(t, { title: 'TITLE' })).replace('TITLE', '井盖\\ud800缺失');
      const res = await postRaw(body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'body.title', message: expect.stringMatching(/well-formed/) }] });
      // Nested fields, the low half alone, and object keys too.
      const nested = await postRaw(JSON.stringify(eventBody(t, { reporter: { name: 'NAME' } })).replace('NAME', '\\udc00张'));
      expect(nested.statusCode).toBe(400);
      expect(nested.json().error.details).toEqual([{ path: 'body.reporter.name', message: expect.any(String) }]);
      const key = await postRaw(JSON.stringify(eventBody(t)).replace('"title"', '"\\ud83dtitle": 1, "title"'));
      expect(key.statusCode).toBe(400);
      expect(await countEventRows(t)).toEqual(before);
    });

    it('accepts well-formed text outside the BMP (an emoji is a surrogate pair) and stores it as sent', async () => {
      const res = await postRaw(JSON.stringify(eventBody(t, { title: 'TITLE' })).replace('TITLE', '井盖缺失 \\ud83d\\ude42'));
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().title).toBe('井盖缺失 🙂');
      const row = await t.deps.db.selectFrom('events').select('title').where('id', '=', res.json().id).executeTakeFirstOrThrow();
      expect(row.title).toBe('井盖缺失 🙂');
    });

    it('refuses a lone surrogate on every route that takes a JSON body', async () => {
      const doc = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
      const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((m) => ['post', 'put', 'patch'].includes(m))
          .filter(() => path !== '/api/v1/auth/logout')
          .map((m) => ({ method: m.toUpperCase() as 'POST', path })),
      );
      expect(routes.length).toBeGreaterThan(30);
      for (const r of routes) {
        const res = await t.app.inject({
          method: r.method,
          url: r.path.replace(/\{[^}]+\}/g, 'x'),
          headers: { authorization: admin, 'content-type': 'application/json' },
          payload: '{"note": "\\ud800", "name": "ok"}',
        });
        expect(res.statusCode, `${r.method} ${r.path} → ${res.body}`).toBe(400);
        expect(res.json().error.details, `${r.method} ${r.path}`).toEqual([{ path: 'body.note', message: expect.any(String) }]);
      }
    });
  });

  describe('occurredAt', () => {
    // The test clock stands at 2026-11-28T02:00:00Z; the default go-live is 2020-01-01.
    it.each([
      ['year 1', '0001-01-01T00:00:00Z'],
      ['year 9999', '9999-12-31T23:59:59Z'],
      ['just before the go-live', '2019-12-31T23:59:59+00:00'],
      ['six minutes ahead of the clock', '2026-11-28T02:06:00Z'],
      ['an hour ahead, in China time', '2026-11-28T11:00:00+08:00'],
    ])('refuses %s with 422 OCCURRED_AT_OUT_OF_RANGE', async (_what, occurredAt) => {
      // Timeline rows are left out: the earlier tests' events may still gain process entries.
      const rowsBesidesTimeline = async () => {
        const { event_timeline: _timeline, ...rest } = await countEventRows(t);
        return rest;
      };
      const before = await rowsBesidesTimeline();
      const res = await t.as('duty')('POST', '/api/v1/events', eventBody(t, { occurredAt }));
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'OCCURRED_AT_OUT_OF_RANGE', details: [{ path: 'body.occurredAt' }] });
      expect(res.json().error.message).toContain(occurredAt);
      expect(await rowsBesidesTimeline()).toEqual(before);
    });

    it.each([
      ['the go-live itself', '2020-01-01T00:00:00Z'],
      ['last week', '2026-11-21T09:30:00+08:00'],
      ['four minutes ahead (a reporter’s clock running fast)', '2026-11-28T02:04:00Z'],
    ])('accepts %s', async (_what, occurredAt) => {
      const res = await t.as('duty')('POST', '/api/v1/events', eventBody(t, { occurredAt, title: `井盖缺失 ${occurredAt}` }));
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().occurredAt).toBe(new Date(occurredAt).toISOString());
    });

    it('follows the injected clock', async () => {
      const ahead = new Date(t.clock.now().getTime() + 10 * 60_000).toISOString();
      expect((await t.as('duty')('POST', '/api/v1/events', eventBody(t, { occurredAt: ahead, title: '时钟' }))).statusCode).toBe(422);
      t.clock.advance(10 * 60_000);
      expect((await t.as('duty')('POST', '/api/v1/events', eventBody(t, { occurredAt: ahead, title: '时钟' }))).statusCode).toBe(201);
    });
  });

  describe('categories', () => {
    it('refuses a major category (大类) with subcategories, with 422 CATEGORY_NOT_LEAF; accepts its subcategory', async () => {
      const before = await countEventRows(t);
      const res = await t.as('duty')('POST', '/api/v1/events', eventBody(t, { category: '02', title: '大类' }));
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'CATEGORY_NOT_LEAF', details: { category: '02' } });
      expect(await countEventRows(t)).toEqual(before);
      expect((await t.as('duty')('POST', '/api/v1/events', eventBody(t, { category: '0201', title: '小类' }))).statusCode).toBe(201);
    });
  });
});

describe.each(TEST_DIALECTS)('occurredAt with a configured go-live (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { events: { goLive: '2026-06-01', maxFutureMinutes: 0 } } });
  });
  afterAll(async () => t?.close());

  it('refuses what happened before the county’s own go-live, and anything ahead of the clock', async () => {
    const early = await t.as('duty')('POST', '/api/v1/events', eventBody(t, { occurredAt: '2026-05-31T23:59:59Z' }));
    expect(early.statusCode).toBe(422);
    expect(early.json().error.message).toContain('2026-06-01');
    const ahead = await t.as('duty')('POST', '/api/v1/events', eventBody(t, { occurredAt: '2026-11-28T02:00:01Z', title: '超前' }));
    expect(ahead.statusCode).toBe(422);
    expect((await t.as('duty')('POST', '/api/v1/events', eventBody(t, { occurredAt: '2026-06-01T00:00:00Z', title: '上线' }))).statusCode).toBe(201);
  });
});
