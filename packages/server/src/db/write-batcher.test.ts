import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_DIALECTS, openTestDatabase } from '../testing/databases.ts';
import type { DatabaseHandle } from './database.ts';
import { BACKGROUND_PATIENCE, createWriteBatcher } from './write-batcher.ts';

describe.each(TEST_DIALECTS)('write batcher on %s', (dialect) => {
  let h: DatabaseHandle;
  afterEach(async () => h?.close());

  async function setup(now?: () => number) {
    h = await openTestDatabase(dialect);
    await h.db.schema
      .createTable('t')
      .addColumn('k', 'text', (c) => c.primaryKey())
      .execute();
    return createWriteBatcher(h.db, dialect, { now });
  }
  const keys = async () => (await sql<{ k: string }>`select k from t order by k`.execute(h.db)).rows.map((r) => r.k);

  it('commits concurrent units of work and answers each with its own result', async () => {
    const w = await setup();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        w.transaction(async (trx) => {
          await sql`insert into t (k) values (${`k${String(i).padStart(2, '0')}`})`.execute(trx);
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(await keys()).toHaveLength(50);
  });

  it('rolls back only the unit that failed, whole', async () => {
    const w = await setup();
    const outcomes = await Promise.allSettled([
      w.transaction(async (trx) => sql`insert into t (k) values ('a')`.execute(trx)),
      w.transaction(async (trx) => {
        await sql`insert into t (k) values ('b')`.execute(trx);
        await sql`insert into t (k) values ('a')`.execute(trx); // duplicate key: this unit fails
      }),
      w.transaction(async (trx) => sql`insert into t (k) values ('c')`.execute(trx)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    // 'b' was written by the failed unit before its error: it must not survive.
    expect(await keys()).toEqual(['a', 'c']);
  });

  it('tells background work how long ago a request last came, which background work does not reset', async () => {
    let ms = 1_000;
    const w = await setup(() => ms);
    expect(w.sinceLastRequest()).toBe(Infinity);
    await w.transaction(async (trx) => sql`insert into t (k) values ('a')`.execute(trx));
    ms += 40;
    expect(w.sinceLastRequest()).toBe(40);
    await w.transaction(async (trx) => sql`insert into t (k) values ('b')`.execute(trx), { background: true });
    ms += 70;
    expect(w.sinceLastRequest()).toBe(110);
    await w.transaction(async (trx) => sql`insert into t (k) values ('c')`.execute(trx));
    expect(w.sinceLastRequest()).toBe(0);
    expect(await keys()).toEqual(['a', 'b', 'c']);
  });
});

describe('write batcher background work (SQLite)', () => {
  let h: DatabaseHandle;
  afterEach(async () => h?.close());

  it('runs background work after the requests queued with it, and never starves it', async () => {
    h = await openTestDatabase('sqlite');
    const w = createWriteBatcher(h.db, 'sqlite');
    const order: string[] = [];
    const job = (name: string, more?: () => void) => async () => {
      order.push(name);
      more?.();
    };
    // Queued in one turn of the event loop: the background unit first, the requests after it.
    const background = w.transaction(job('linkage'), { background: true });
    const requests = ['r1', 'r2', 'r3'].map((r) => w.transaction(job(r)));
    await Promise.all([background, ...requests]);
    expect(order).toEqual(['r1', 'r2', 'r3', 'linkage']);

    // A stream of requests, each batch queueing the next: background work still gets its turn
    // after BACKGROUND_PATIENCE batches.
    order.length = 0;
    const chain: Array<Promise<unknown>> = [];
    const request = (n: number): Promise<unknown> => w.transaction(job(`r${n}`, () => n < 12 && chain.push(request(n + 1))));
    chain.push(request(1));
    const late = w.transaction(job('linkage'), { background: true });
    await late;
    while (chain.length < 12) await new Promise((r) => setImmediate(r));
    await Promise.all(chain);
    expect(order.indexOf('linkage')).toBe(BACKGROUND_PATIENCE);
    expect(order.filter((o) => o !== 'linkage')).toEqual(Array.from({ length: 12 }, (_, i) => `r${i + 1}`));
  });
});
