import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { availableParallelism, endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../app.ts';
import { openTestDatabase, TEST_DIALECTS } from '../testing/databases.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { openDatabase, type DatabaseHandle } from './database.ts';
import { connectionReads, createReadPool, createReads, defaultReadPoolSize, READER_NICE, type ReadPool } from './read-pool.ts';

// A statement that runs for a while (~0.1 s a million rows on an idle machine) on any SQLite.
const counting = (rows: number) =>
  sql<{ n: number }>`with recursive c(x) as (select 1 union all select x + 1 from c where x < ${sql.lit(rows)}) select count(*) as n from c`;
const slow = counting(5_000_000);

describe.each(TEST_DIALECTS)('heavy reads on %s without a file', (dialect) => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase(dialect);
    await sql`create table t (id integer primary key, name text not null)`.execute(h.db);
    await sql`insert into t (id, name) values (1, 'a'), (2, 'b'), (3, 'c')`.execute(h.db);
  });
  afterAll(async () => h?.close());

  it('answers on the normal connection what the connection answers', async () => {
    const reads = createReads(h);
    expect(reads.mode).toBe('connection');
    const q = h.db
      .selectFrom('t' as never)
      .select(['id', 'name'] as never[])
      .where('id' as never, '>=', 2 as never)
      .orderBy('id' as never);
    expect(await reads.query(q)).toEqual([
      { id: 2, name: 'b' },
      { id: 3, name: 'c' },
    ]);
    await reads.close();
  });

  it('gives the caller the error of a failing statement', async () => {
    const reads = createReads(h);
    await expect(reads.query(sql`select * from no_such_table`.compile(h.db))).rejects.toThrow(/no_such_table/);
    expect(await reads.query(sql<{ n: number }>`select count(*) as n from t`.compile(h.db))).toEqual([{ n: 3 }]);
  });
});

describe('read pool on a SQLite file', () => {
  let dir: string;
  let h: DatabaseHandle;
  let pool: ReadPool;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'liandong-reads-'));
    h = openDatabase(join(dir, 'reads.db'));
    await sql`create table t (id integer primary key, name text not null)`.execute(h.db);
    await sql`insert into t (id, name) values (1, 'a'), (2, 'b'), (3, 'c')`.execute(h.db);
  });
  afterEach(async () => pool?.close());
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers from worker threads, and sees what the writer committed', async () => {
    pool = createReadPool(join(dir, 'reads.db'));
    const count = sql<{ n: number }>`select count(*) as n from t`.compile(h.db);
    expect(await pool.query(count)).toEqual([{ n: 3 }]);
    await sql`insert into t (id, name) values (4, 'd')`.execute(h.db);
    expect(await pool.query(count)).toEqual([{ n: 4 }]);
    const rows = await pool.query(
      h.db
        .selectFrom('t' as never)
        .selectAll()
        .where('name' as never, 'in', ['b', 'd'] as never)
        .orderBy('id' as never),
    );
    expect(rows).toEqual([
      { id: 2, name: 'b' },
      { id: 4, name: 'd' },
    ]);
    expect(pool.stats()).toMatchObject({ workers: 1, served: 3 });
    await sql`delete from t where id = 4`.execute(h.db);
  });

  it('gives the caller an error for a failing statement or a write, and goes on', async () => {
    pool = createReadPool(join(dir, 'reads.db'));
    await expect(pool.query(sql`select * from no_such_table`.compile(h.db))).rejects.toThrow(/no such table: no_such_table/);
    await expect(pool.query(sql`select * from t where id = ${1} and name = ${2} and ${3}`.compile(h.db))).resolves.toEqual([]);
    await expect(pool.query(sql`delete from t`.compile(h.db))).rejects.toThrow(/rows only/);
    await expect(pool.query(sql`select count(*) as n from t`.compile(h.db))).resolves.toEqual([{ n: 3 }]);
    expect(pool.stats().replaced).toBe(0);
  });

  it('fails the query of a worker killed mid-query, replaces the worker, and the next query works', async () => {
    pool = createReadPool(join(dir, 'reads.db'), { size: 1 });
    const running = pool.query(slow.compile(h.db));
    const failed = running.then(
      () => null,
      (err: Error) => err,
    );
    const deadline = Date.now() + 30_000;
    while ((pool.stats().busy === 0 || pool.stats().ready === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const [victim] = pool.workers();
    await victim.terminate();
    expect((await failed)?.message).toMatch(/read worker stopped/);
    expect(await pool.query(sql`select count(*) as n from t`.compile(h.db))).toEqual([{ n: 3 }]);
    expect(pool.stats()).toMatchObject({ workers: 1, replaced: 1 });
    expect(pool.workers()[0]).not.toBe(victim);
  });

  /** Field `n` (1-based, as in proc(5)) of a thread's stat (Linux), or null once it has ended. */
  const statField = (tid: number | string, n: number): number | null => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[n - 3]);
    } catch {
      return null; // ended meanwhile
    }
  };
  const niceOf = (tid: number | string) => statField(tid, 19);
  const SCHED_IDLE = 5;
  // Threads of this process at the readers' niceness (Linux).
  const threadsAtReaderNice = () => readdirSync('/proc/self/task').filter((tid) => niceOf(tid) === READER_NICE).length;

  it('runs queries side by side up to its size, queues the rest, and leaves no thread running when closed', async () => {
    const before = threadsAtReaderNice();
    pool = createReadPool(join(dir, 'reads.db'), { size: 2 });
    const queries = Array.from({ length: 4 }, () => pool.query(counting(1_000_000).compile(h.db)));
    const outcomes = Promise.allSettled(queries);
    expect(pool.stats()).toMatchObject({ workers: 2, busy: 2, queued: 2 });
    const deadline = Date.now() + 30_000;
    while ((pool.stats().busy < 2 || pool.stats().ready < 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(pool.stats()).toMatchObject({ workers: 2, ready: 2, busy: 2 });
    if (process.platform === 'linux') expect(threadsAtReaderNice()).toBe(before + 2);
    expect(await Promise.all(queries.slice(0, 2))).toEqual([[{ n: 1_000_000 }], [{ n: 1_000_000 }]]);
    await pool.close();
    // Closed with two still running or waiting: those fail, none hangs.
    expect((await outcomes).slice(2).every((o) => o.status === 'fulfilled' || /closed|stopped/.test(String(o.reason)))).toBe(true);
    expect(pool.workers()).toHaveLength(0);
    if (process.platform === 'linux') expect(threadsAtReaderNice()).toBe(before);
    await expect(pool.query(sql`select 1`.compile(h.db))).rejects.toThrow(/closed/);
  }, 90_000);

  it('lets the write-ahead log start over while reads run back to back', async () => {
    // A log of 300 frames is brought back to its start (the checkpointer asks the writer); with
    // the pool's statements back to back there would always be a reader holding a place in it.
    const file = join(dir, 'log.db');
    const w = openDatabase(file, { walRestartFrames: 300 });
    await sql`create table big (id integer primary key, body text not null)`.execute(w.db);
    const reads = createReads(w);
    expect(reads.mode).toBe('pool');
    pool = reads as ReadPool;
    // A statement that reads the table, and so holds its place in the log, for as long as it runs.
    const readingBig = sql<{
      n: number;
    }>`with recursive c(x, k) as (select 1, (select count(*) from big) union all select x + 1, k from c where x < 300000) select count(*) as n from c`;
    let reading = true;
    let served = 0;
    const readLoop = (async () => {
      while (reading) {
        await pool.query(readingBig.compile(w.db));
        served++;
      }
    })();
    // Frames in the log, from the wal-index (mxFrame: native order, byte 16 of the -shm file).
    const word = Buffer.alloc(4);
    const logFrames = () => {
      const fd = openSync(`${file}-shm`, 'r');
      try {
        readSync(fd, word, 0, 4, 16);
      } finally {
        closeSync(fd);
      }
      return endianness() === 'LE' ? word.readUInt32LE(0) : word.readUInt32BE(0);
    };
    let restarts = 0;
    let last = 0;
    const deadline = Date.now() + 60_000;
    try {
      while ((restarts < 2 || served < 3) && Date.now() < deadline) {
        for (let i = 0; i < 10; i++) await sql`insert into big (body) values (${'x'.repeat(3000)})`.execute(w.db);
        const frames = logFrames();
        if (frames < last) restarts++;
        last = frames;
        // Let the checkpointer's request in (the writer runs its checkpoint between transactions).
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      reading = false;
      await readLoop;
      await w.close();
    }
    expect(served).toBeGreaterThanOrEqual(3);
    expect(restarts).toBeGreaterThanOrEqual(2);
    // Without the wait: no restart in 60 s, and the log grew by every frame written.
    expect(pool.stats().logWaits).toBeGreaterThan(0);
  }, 90_000);

  it('leaves one core to the serving thread: as many readers as cores but one, at least one', async () => {
    expect([1, 2, 3, 4, 8].map((cores) => defaultReadPoolSize(cores))).toEqual([1, 1, 2, 3, 7]);
    pool = createReadPool(join(dir, 'reads.db'));
    const size = Math.max(1, availableParallelism() - 1);
    expect(pool.size).toBe(size);
    const queries = Array.from({ length: size + 2 }, () => pool.query(counting(200_000).compile(h.db)));
    expect(pool.stats()).toMatchObject({ workers: size, busy: size, queued: 2 });
    for (const rows of await Promise.all(queries)) expect(rows).toEqual([{ n: 200_000 }]);
    expect(pool.stats()).toMatchObject({ workers: size, served: size + 2 });
  }, 60_000);

  it.runIf(process.platform === 'linux')('runs its readers at nice 19 and idle policy, and only them: the serving thread keeps its priority', async () => {
    const servingNice = niceOf(process.pid);
    pool = createReadPool(join(dir, 'reads.db'), { size: 2 });
    await Promise.all([pool.query(counting(100_000).compile(h.db)), pool.query(counting(100_000).compile(h.db))]);
    const threads = pool.threads();
    expect(threads).toHaveLength(2);
    // The idle policy is set through util-linux's chrt; without it the readers keep nice 19 only.
    const hasChrt = spawnSync('chrt', ['--version']).status === 0;
    for (const { tid, nice, policy } of threads) {
      expect(nice).toBe(READER_NICE);
      // As the kernel has it for that thread, read from here, not as the thread reported it.
      expect(tid).not.toBe(process.pid);
      expect(niceOf(tid!)).toBe(19);
      if (hasChrt) {
        expect(policy).toBe('idle');
        expect(statField(tid!, 41)).toBe(SCHED_IDLE);
      }
    }
    expect(niceOf(process.pid)).toBe(servingNice);
    expect(statField(process.pid, 41)).not.toBe(SCHED_IDLE);
    expect(servingNice).toBeLessThan(READER_NICE);
  });
});

describe('the plaza on a SQLite file', () => {
  let dir: string;
  let t: TestApp;
  let direct: App;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'liandong-plaza-reads-'));
    t = await createTestApp('sqlite', { database: openDatabase(join(dir, 'plaza.db')) });
    const p = t.fixture.points;
    const reports: Array<[string, Record<string, unknown>]> = [
      ['duty', { location: p.gA1a, title: '井盖缺失一' }],
      ['duty', { location: p.gA1a, title: '井盖松动', category: '0201' }],
      ['duty', { location: p.gA1b, title: '路灯不亮' }],
      ['duty', { location: p.gB1a, title: '井盖缺失 B1a', source: 'video' }],
      ['duty', { category: '0501', source: 'video', location: p.gB2a, title: '水库边洗衣' }],
      ['gwA1a', { category: '0501', source: 'patrol', location: p.gA2a, title: '水源地垂钓' }],
      ['deputy', { source: 'deputy', location: p.gB2b, title: '代表反映井盖问题' }],
    ];
    for (let i = 0; i < 3; i++) {
      for (const [user, over] of reports) {
        const res = await t.as(user)('POST', '/api/v1/events', {
          category: '0201',
          source: 'patrol',
          ...over,
          title: `${over.title as string} ${i}`,
          location: { ...(over.location as object), address: `测试路${i}号` },
        });
        if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
      }
    }
    // The same routes with every read on the writing connection, as before the read pool.
    direct = await buildApp({ ...t.deps, reads: connectionReads(t.deps.db) });
    await direct.ready();
  });
  afterAll(async () => {
    await direct?.close();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const page = async (app: App, user: string, query: string) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/events?${query}`, headers: { authorization: await t.login(user) } });
    expect(res.statusCode).toBe(200);
    return res.json() as { items: Array<{ id: string }>; nextCursor: string | null };
  };

  it('answers heavy filters through the pool with the rows it answered before', async () => {
    expect(t.deps.reads.mode).toBe('pool');
    const pool = t.deps.reads as ReadPool;
    const heavy = [
      ['admin', 'q=井盖'],
      ['admin', 'category=02&limit=5'],
      ['admin', 'source=video'],
      ['admin', 'status=reported,accepted,dispatched'],
      ['admin', 'overdue=false&supervised=false'],
      ['admin', 'limit=100'],
      ['dispatcherA', 'q=缺失&limit=2'],
      ['waterHandler', ''],
      ['gwA1a', 'category=0201'],
    ] as const;
    for (const [user, query] of heavy) {
      const served = pool.stats().served;
      const viaPool = await page(t.app, user, query);
      expect(pool.stats().served, `${user} ${query}`).toBeGreaterThan(served);
      expect(viaPool, `${user} ${query}`).toEqual(await page(direct, user, query));
      expect(viaPool.items.length, `${user} ${query}`).toBeGreaterThan(0);
      // The next page too (the cursor is part of the filter).
      if (viaPool.nextCursor) {
        const next = `${query}&cursor=${encodeURIComponent(viaPool.nextCursor)}`;
        expect(await page(t.app, user, next)).toEqual(await page(direct, user, next));
      }
    }
  });

  it('keeps light pages (one index range, a short page) on the normal connection', async () => {
    const pool = t.deps.reads as ReadPool;
    const served = pool.stats().served;
    for (const [user, query] of [
      ['admin', ''],
      ['admin', 'status=open&limit=10'],
      ['dispatcherA', `orgUnitId=${t.fixture.units.vA1}`],
      ['deputy', ''],
    ] as const) {
      expect(await page(t.app, user, query)).toEqual(await page(direct, user, query));
    }
    expect(pool.stats().served).toBe(served);
  });
});
