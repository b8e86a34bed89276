import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { closeEventDirectly, eventBody } from './events.test-helpers.ts';

describe.each(TEST_DIALECTS)('event actions on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  let n = 0;
  /** A fresh event in gA1a reported by `user`, away from the others (0101 merges neighbours). */
  const newEvent = async (user = 'gwA1a', over: Record<string, unknown> = {}) => {
    n++;
    const res = await t.as(user)('POST', '/api/v1/events', eventBody(t, { category: '0101', location: { lng: 122.001 + n * 0.004, lat: 30.05 }, ...over }));
    if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
    return res.json() as { id: string; urgency: string };
  };
  /** The event as it stands now: its creation started a process, which moved the version on. */
  const current = async (id: string) => (await t.as('admin')('GET', `/api/v1/events/${id}`)).json() as { version: number };
  const timeline = async (id: string) =>
    (await t.as('admin')('GET', `/api/v1/events/${id}/timeline`)).json().items as Array<{
      seq: number;
      kind: string;
      data: Record<string, unknown>;
      actor: { id: string | null };
    }>;
  const post = (user: string, id: string, action: string, body?: unknown) => t.as(user)('POST', `/api/v1/events/${id}/${action}`, body ?? {});

  it('adds comments to the timeline with their author and bumps the version', async () => {
    const e = await newEvent();
    const before = (await current(e.id)).version;
    const res = await post('handlerVA1', e.id, 'comments', { text: '已联系环卫' });
    expect(res.statusCode).toBe(200);
    expect(res.json().version).toBe(before + 1);
    expect((await timeline(e.id)).at(-1)).toMatchObject({ kind: 'comment', data: { text: '已联系环卫' }, actor: { id: t.fixture.users.handlerVA1.id } });
  });

  it('keeps timeline sequence numbers unique under concurrent comments', async () => {
    const e = await newEvent();
    const before = (await timeline(e.id)).length;
    const token = await t.login('gwA1a');
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        t.app.inject({ method: 'POST', url: `/api/v1/events/${e.id}/comments`, payload: { text: `c${i}` }, headers: { authorization: token } }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    const after = await timeline(e.id);
    expect(after.map((x) => x.seq)).toEqual(Array.from({ length: before + 6 }, (_, i) => i + 1));
    expect(
      after
        .slice(before)
        .map((x) => x.data.text)
        .sort(),
    ).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
  });

  it('refuses actions on events outside the caller’s scope with 404', async () => {
    const e = await newEvent();
    const res = await post('gwB1a', e.id, 'comments', { text: '看不到' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('EVENT_NOT_FOUND');
  });

  it('lets a leader supervise once, raising urgency one level', async () => {
    const e = await newEvent();
    expect(e.urgency).toBe('normal');
    const res = await post('leader', e.id, 'supervise', { note: '限期处理' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ supervised: true, urgency: 'urgent' });
    expect((await timeline(e.id)).at(-1)).toMatchObject({ kind: 'supervised', data: { note: '限期处理', urgencyFrom: 'normal', urgency: 'urgent' } });
    const again = await post('duty', e.id, 'supervise', {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('INVALID_STATE');
  });

  it('keeps supervision to leaders, duty officers and administrators', async () => {
    const e = await newEvent();
    const before = await timeline(e.id);
    expect(before.map((x) => x.kind).slice(0, 3)).toEqual(['reported', 'routed', 'notified']);
    const res = await post('gwA1a', e.id, 'supervise', { note: '我也想督办' });
    expect(res.statusCode).toBe(403);
    expect(await timeline(e.id)).toEqual(before);
    expect(await current(e.id)).toMatchObject({ supervised: false, urgency: 'normal' });
  });

  it('counts urging by the reporting deputy and by staff in scope, but not on closed events', async () => {
    const e = await newEvent('deputy', { source: 'deputy' });
    expect((await post('deputy', e.id, 'urge', { note: '群众很着急' })).json().urgeCount).toBe(1);
    expect((await post('handlerVA1', e.id, 'urge')).json().urgeCount).toBe(2);
    expect((await timeline(e.id)).at(-1)).toMatchObject({ kind: 'urged', data: { urgeCount: 2 } });
    await closeEventDirectly(t, e.id);
    const closed = await post('deputy', e.id, 'urge', {});
    expect(closed.statusCode).toBe(409);
  });

  it('takes one rating from the reporter, only once the event is closed', async () => {
    const e = await newEvent('gwA1a');
    const early = await post('gwA1a', e.id, 'rating', { score: 5 });
    expect(early.statusCode).toBe(409);
    await closeEventDirectly(t, e.id);
    const notReporter = await post('duty', e.id, 'rating', { score: 1 });
    expect(notReporter.statusCode).toBe(403);
    const ok = await post('gwA1a', e.id, 'rating', { score: 4, comment: '处理及时' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().ratingScore).toBe(4);
    const twice = await post('gwA1a', e.id, 'rating', { score: 5 });
    expect(twice.statusCode).toBe(409);
    expect((await timeline(e.id)).filter((x) => x.kind === 'rated')).toHaveLength(1);
  });

  it('reopens closed events only', async () => {
    const e = await newEvent();
    const open = await post('dispatcherA', e.id, 'reopen', {});
    expect(open.statusCode).toBe(409);
    await closeEventDirectly(t, e.id);
    const res = await post('dispatcherA', e.id, 'reopen', { note: '群众反映问题仍在' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'reported', closedAt: null, closingKind: null });
    // The reopening is recorded, what was left of the old run is cancelled, then the process starts
    // afresh: the event is to be accepted again.
    const entries = await timeline(e.id);
    const at = entries.findIndex((x) => x.kind === 'reopened');
    expect(entries[at]).toMatchObject({
      kind: 'reopened',
      data: { note: '群众反映问题仍在', previousClosingKind: 'normal' },
      actor: { id: t.fixture.users.dispatcherA.id },
    });
    const after = entries.slice(at).map((x) => x.kind);
    expect(after[0]).toBe('reopened');
    expect(after).toContain('process.cancelled');
    expect(after.slice(-2)).toEqual(['process.started', 'task.created']);
    expect(entries.at(-1)).toMatchObject({ kind: 'task.created', data: { nodeId: 'accept' } });
    const plaza = (await t.as('gwA1a')('GET', '/api/v1/events?status=open&limit=200')).json().items.map((x: { id: string }) => x.id);
    expect(plaza).toContain(e.id);
  });

  it('rejects invalid bodies without writing', async () => {
    const e = await newEvent();
    const before = await timeline(e.id);
    const version = (await current(e.id)).version;
    for (const [action, body] of [
      ['rating', { score: 6 }],
      ['rating', { score: 'five' }],
      ['comments', { text: '   ' }],
      ['comments', {}],
    ] as const) {
      const res = await post('gwA1a', e.id, action, body);
      expect(res.statusCode, `${action} ${JSON.stringify(body)}`).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect(await timeline(e.id)).toEqual(before);
    expect((await current(e.id)).version).toBe(version);
  });
});
