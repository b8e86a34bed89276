// One thread of the read pool (read-pool.ts): a read-only connection to the SQLite file the main
// thread writes, answering `{ id, sql, parameters }` with `{ id, rows }` or `{ id, error }`.
// CommonJS and plain JavaScript, so that it loads the same under tsx and with no build step.
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('better-sqlite3');

// Heavy reads take only the time the serving thread leaves: nice 19, the lowest priority a thread
// can set for itself (on Linux a thread's priority is its own: setpriority with who = 0 is the
// calling thread, as in checkpointer.worker.cjs). Against a thread at nice 0 it gets ~1.5 % of a
// shared core, and a waking thread at nice 0 takes the core from it at once.
if (process.platform === 'linux' && workerData.nice) {
  try {
    require('node:os').setPriority(0, workerData.nice);
  } catch {
    // Not permitted: run at the default priority.
  }
}

// The thread's id and niceness as the kernel has them, for the pool's threads() (Linux).
const ownThread = () => {
  try {
    const stat = require('node:fs').readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { tid: Number(stat.slice(0, stat.indexOf(' '))), nice: Number(fields[16]) };
  } catch {
    return { tid: null, nice: null };
  }
};

const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
// Every commit of the writer empties this connection's page cache (SQLite drops it when another
// connection has written), so a scan reads nearly every page afresh. Through a memory map a page
// of the file is read in place, not copied into the cache: an aggregate over 1,000,000 events took
// 1.7–1.8 s against 3.0–3.3 s without (idle machine, warm file). The cache then only holds what a
// statement needs while it runs.
db.pragma(`mmap_size = ${workerData.mmapBytes}`);
db.pragma(`cache_size = -${workerData.cacheKiB}`);
// Sorting for GROUP BY / ORDER BY in memory, not in a temporary file.
db.pragma('temp_store = memory');

// Statements by SQL text: the queries come from a fixed set of shapes (as in database.ts).
const statements = new Map();
const MAX_STATEMENTS = 200;
const prepare = (sql) => {
  let stmt = statements.get(sql);
  if (stmt) {
    statements.delete(sql);
  } else {
    stmt = db.prepare(sql);
    if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value);
  }
  statements.set(sql, stmt);
  return stmt;
};

// Blobs arrive as Uint8Array (structured clone); better-sqlite3 binds Buffers.
const bindable = (v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);

parentPort.on('message', (msg) => {
  if (msg === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  const { id, sql, parameters } = msg;
  try {
    const stmt = prepare(sql);
    if (!stmt.reader) throw Object.assign(new Error('The read pool runs queries that return rows only'), { code: 'READ_POOL_NOT_A_READ' });
    parentPort.postMessage({ id, rows: stmt.all(parameters.map(bindable)) });
  } catch (err) {
    parentPort.postMessage({ id, error: { message: err && err.message ? err.message : String(err), code: err && err.code } });
  }
});
parentPort.postMessage({ ready: true, ...ownThread() });
