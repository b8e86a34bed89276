import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from './database.ts';

describe('write-ahead log on a SQLite file', () => {
  let dir: string;
  let h: DatabaseHandle | undefined;
  afterEach(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the log over under steady writes, with no checkpoint inside a commit', async () => {
    dir = mkdtempSync(join(tmpdir(), 'liandong-wal-'));
    const file = join(dir, 'wal.db');
    h = openDatabase(file, { walRestartFrames: 300 });
    await sql`create table t (id integer primary key, body text not null)`.execute(h.db);
    // The serving connection leaves checkpoints to the worker thread.
    expect((await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(h.db)).rows[0]!.wal_autocheckpoint).toBe(0);
    // Frames in the log, read from the wal-index header in the -shm file (mxFrame, at byte 16),
    // so as not to checkpoint from here.
    const shm = openSync(`${file}-shm`, 'r');
    const header = Buffer.alloc(20);
    const logFrames = () => (readSync(shm, header, 0, 20, 0), header.readUInt32LE(16));
    try {
      // Steady writes, a few frames each, with just enough pause for messages between threads.
      // Without the log starting over, it would only grow (it did when only the worker checkpointed).
      let written = 0;
      let restarts = 0;
      let last = 0;
      const deadline = Date.now() + 30_000;
      while (restarts < 2 && Date.now() < deadline) {
        await h.db.transaction().execute(async (trx) => {
          for (let i = 0; i < 20; i++) await sql`insert into t (body) values (${'x'.repeat(400)})`.execute(trx);
        });
        written++;
        const now = logFrames();
        if (now < last) restarts++;
        last = now;
        await new Promise((r) => setTimeout(r, 1));
      }
      expect(restarts).toBe(2);
      expect(written).toBeGreaterThan(10);
      expect((await sql<{ n: number }>`select count(*) as n from t`.execute(h.db)).rows[0]!.n).toBe(written * 20);
    } finally {
      closeSync(shm);
    }
  }, 60_000);

  // Niceness of each thread of this process (field 19 of /proc/self/task/<tid>/stat).
  const niceOfThreads = () =>
    readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    });
  const atNice10 = () => niceOfThreads().filter((n) => n === 10).length;

  // (Where the tests themselves run at nice 10 or more, the difference cannot be seen.)
  const linuxBelowNice10 = process.platform === 'linux' && niceOfThreads()[0]! < 10;
  it.runIf(linuxBelowNice10)('copies the log on a thread that gives way to the serving thread', async () => {
    const base = niceOfThreads()[0];
    dir = mkdtempSync(join(tmpdir(), 'liandong-wal-'));
    const before = atNice10();
    h = openDatabase(join(dir, 'nice.db'));
    await sql`create table t (id integer primary key)`.execute(h.db);
    const deadline = Date.now() + 10_000;
    while (atNice10() <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(atNice10()).toBe(before + 1);
    // Only that thread: the serving thread keeps its priority.
    expect(niceOfThreads()[0]).toBe(base);
  });
});
