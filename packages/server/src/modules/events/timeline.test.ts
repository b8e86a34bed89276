import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawQuery } from '../../db/raw-sql.ts';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { notifyOnEventsCreated } from '../notify/linkage.ts';
import { eventBody } from './events.test-helpers.ts';
import { appendTimeline } from './timeline.ts';

const ENGINE = { kind: 'system' as const, name: '流程引擎 Process engine' };

describe.each(TEST_DIALECTS)('the timeline writer on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  let n = 0;
  const newEvent = async () => {
    n++;
    const res = await t.as('gwA1a')('POST', '/api/v1/events', eventBody(t, { category: '0101', location: { lng: 122.001 + n * 0.004, lat: 30.05 } }));
    if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
    return (res.json() as { id: string }).id;
  };
  /** The timeline as the event page shows it. */
  const timeline = async (id: string) =>
    (await t.as('admin')('GET', `/api/v1/events/${id}/timeline`)).json().items as Array<{ seq: number; kind: string; data: Record<string, unknown> }>;
  const oneToN = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

  /** Linkage's path: a batch of 'notified' entries for several events, in its own transaction. */
  const linkageBatch = (ids: string[]) =>
    t.deps.db.transaction().execute(async (trx) => {
      const events = await trx.selectFrom('events').selectAll().where('id', 'in', ids).execute();
      const units = await trx.selectFrom('event_units').selectAll().where('event_id', 'in', ids).execute();
      const byId = new Map(events.map((e) => [e.id, e]));
      await notifyOnEventsCreated(
        trx,
        t.deps,
        ids.map((id) => ({
          event: byId.get(id)!,
          units: units.filter((u) => u.event_id === id).sort((a, b) => (a.role === 'lead' ? -1 : b.role === 'lead' ? 1 : 0)),
          categoryName: '测试',
          reporterUserId: null,
        })),
      );
    });

  /** The engine's path (StepContext.flush through its host): the event row is written first, then the step's entries. */
  const engineStep = (id: string, entries: number) =>
    t.deps.db.transaction().execute(async (trx) => {
      const at = t.clock.now().toISOString();
      await rawQuery(trx, 'update "events" set "updated_at" = ?, "version" = "version" + 1 where "id" = ?', [at, id]);
      await appendTimeline(
        trx,
        t.deps.ids,
        Array.from({ length: entries }, (_, i) => ({ eventId: id, at, kind: 'task_created', actor: ENGINE, orgUnitId: null, data: { step: i } })),
        { eventRowsWritten: true },
      );
    });

  const comment = async (id: string, text: string) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/events/${id}/comments`,
      payload: { text },
      headers: { authorization: await t.login('gwA1a') },
    });
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
  };

  it('numbers the entries of linkage, actions and the engine 1..n, without gaps or repeats, when they write at once', async () => {
    const [a, b] = [await newEvent(), await newEvent()];
    const before = { a: (await timeline(a)).length, b: (await timeline(b)).length };
    expect(before.a).toBeGreaterThanOrEqual(2);

    const writes: Array<Promise<unknown>> = [];
    for (let i = 0; i < 4; i++) {
      writes.push(comment(a, `a${i}`), comment(b, `b${i}`));
      // Overlapping batches in both orders: on PostgreSQL their row locks are taken in id order, so they never deadlock.
      writes.push(linkageBatch(i % 2 ? [a, b] : [b, a]));
      writes.push(engineStep(a, 2), engineStep(b, 1));
    }
    await Promise.all(writes);

    const ta = await timeline(a);
    const tb = await timeline(b);
    // Whatever else a comment set off in the process, every entry has its own number and none is missing.
    expect(ta.map((x) => x.seq)).toEqual(oneToN(ta.length));
    expect(tb.map((x) => x.seq)).toEqual(oneToN(tb.length));
    expect(
      ta
        .filter((x) => x.kind === 'comment')
        .map((x) => x.data.text)
        .sort(),
    ).toEqual(['a0', 'a1', 'a2', 'a3']);
    expect(
      tb
        .filter((x) => x.kind === 'comment')
        .map((x) => x.data.text)
        .sort(),
    ).toEqual(['b0', 'b1', 'b2', 'b3']);
    expect(ta.filter((x) => x.kind === 'task_created' && x.data.step !== undefined).length).toBe(8);
    expect(tb.filter((x) => x.kind === 'task_created' && x.data.step !== undefined).length).toBe(4);
    expect(ta.slice(before.a).filter((x) => x.kind === 'notified').length).toBe(4);
    expect(tb.slice(before.b).filter((x) => x.kind === 'notified').length).toBe(4);
  });

  it('keeps a batch in the order given and answers each row with its number', async () => {
    const [a, b] = [await newEvent(), await newEvent()];
    const last = { a: (await timeline(a)).length, b: (await timeline(b)).length };
    const at = t.clock.now().toISOString();
    const rows = await t.deps.db.transaction().execute((trx) =>
      appendTimeline(trx, t.deps.ids, [
        { eventId: a, at, kind: 'comment', actor: null, data: { text: 'a1' } },
        { eventId: b, at, kind: 'comment', actor: null, data: { text: 'b1' } },
        { eventId: a, at, kind: 'comment', actor: null, data: { text: 'a2' } },
      ]),
    );
    expect(rows.map((r) => [r.event_id, r.seq])).toEqual([
      [a, last.a + 1],
      [b, last.b + 1],
      [a, last.a + 2],
    ]);
    expect((await timeline(a)).slice(-2).map((x) => x.data.text)).toEqual(['a1', 'a2']);
  });
});
