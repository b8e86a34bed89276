// A read pool in a process of its own, for the kill test of read-pool.test.ts:
// `node --import tsx read-pool-child.ts <sqlite file>`. It starts a long read and prints
// "ready <reader pid>" once its reader runs it, then waits to be killed.
import { sql } from 'kysely';
import { openDatabase } from '../db/database.ts';
import { createReadPool } from '../db/read-pool.ts';

const [file] = process.argv.slice(2) as [string];
const h = openDatabase(file);
const pool = createReadPool(file, { size: 1 });
const long = sql`with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000000000) select count(*) as n from c`;
void pool.query(long.compile(h.db)).catch(() => {});
const started = setInterval(() => {
  const [reader] = pool.threads();
  if (!reader?.tid || pool.stats().busy === 0) return;
  clearInterval(started);
  process.stdout.write(`ready ${reader.tid}\n`);
}, 10);
setInterval(() => {}, 60_000);
