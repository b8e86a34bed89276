import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_DIALECTS, openTestDatabase } from '../testing/databases.ts';
import type { DatabaseHandle } from './database.ts';
import { TOP_LEVEL_DB_IN_UNIT } from './transaction-guard.ts';
import { createWriteBatcher } from './write-batcher.ts';

/**
 * Issue 11, point 9: a unit of work of deps.writes.transaction that queries through the top-level
 * deps.db waited forever on SQLite (its own batch holds the only connection). It now fails at
 * once, with an error that says what to use instead, on both engines. (Before the fix these tests
 * hung on SQLite until the test timeout, and on PostgreSQL the query ran outside the transaction.)
 */
describe.each(TEST_DIALECTS)('using deps.db inside deps.writes.transaction (%s)', (dialect) => {
  let h: DatabaseHandle;
  afterEach(async () => h?.close());

  async function setup() {
    h = await openTestDatabase(dialect);
    await h.db.schema
      .createTable('t')
      .addColumn('k', 'text', (c) => c.primaryKey())
      .execute();
    return createWriteBatcher(h.db, dialect);
  }
  const keys = async () => (await sql<{ k: string }>`select k from t order by k`.execute(h.db)).rows.map((r) => r.k);

  it('fails at once with an error naming the mistake; the other units of the batch commit', { timeout: 3000 }, async () => {
    const w = await setup();
    const [bad, good] = await Promise.allSettled([
      w.transaction(async (trx) => {
        await sql`insert into t (k) values ('bad')`.execute(trx);
        await sql`select count(*) from t`.execute(h.db); // the mistake: the top-level handle
      }),
      w.transaction(async (trx) => sql`insert into t (k) values ('good')`.execute(trx)),
    ]);
    expect(bad.status).toBe('rejected');
    expect((bad as PromiseRejectedResult).reason.message).toBe(TOP_LEVEL_DB_IN_UNIT);
    expect((bad as PromiseRejectedResult).reason.message).toMatch(/use the transaction handle/);
    expect(good.status).toBe('fulfilled');
    // The failed unit was rolled back whole, and the connection is free again.
    expect(await keys()).toEqual(['good']);
  });

  it('refuses a transaction through deps.db the same way, and goes on working', { timeout: 3000 }, async () => {
    const w = await setup();
    await expect(w.transaction(async () => h.db.transaction().execute(async (t) => sql`select 1`.execute(t)))).rejects.toThrow(TOP_LEVEL_DB_IN_UNIT);
    expect(await w.transaction(async (trx) => (await sql<{ one: number }>`select 1 as one`.execute(trx)).rows[0].one)).toBe(1);
  });

  it('still lets other callers use deps.db while a batch is open, and work a unit left running after it finished', { timeout: 3000 }, async () => {
    const w = await setup();
    let entered!: () => void;
    const inUnit = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let later: Promise<unknown> | undefined;
    const unit = w.transaction(async (trx) => {
      await sql`insert into t (k) values ('u')`.execute(trx);
      // Started inside the unit, run after it: not the unit's own query, so allowed.
      later = held.then(() => unit).then(() => keys());
      entered();
      await held;
    });
    await inUnit;
    // A query from outside the unit (another request) waits for the batch on SQLite, and runs.
    const outside = keys();
    release();
    await unit;
    // (On SQLite after the commit; on PostgreSQL before or after it, depending on timing.)
    expect([[], ['u']]).toContainEqual(await outside);
    expect(await later).toEqual(['u']);
  });
});
