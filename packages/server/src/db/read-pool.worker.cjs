// One thread of the read pool (read-pool.ts): a read-only connection to the SQLite file the main
// thread writes, answering `{ id, sql, parameters }` with `{ id, rows }` or `{ id, error }`
// (with `waitedMs` when it first waited for the log to start over, see below).
// CommonJS and plain JavaScript, so that it loads the same under tsx and with no build step.
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const os = require('node:os');
const Database = require('better-sqlite3');

/** This thread as the kernel has it (Linux): id, niceness, scheduling policy (0 normal, 5 idle). */
const ownThread = () => {
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { tid: Number(stat.slice(0, stat.indexOf(' '))), nice: Number(fields[16]), policy: Number(fields[38]) };
  } catch {
    return { tid: null, nice: null, policy: null };
  }
};

// Heavy reads take only the time the serving thread leaves. On Linux a thread's priority is its
// own (setpriority with who = 0 is the calling thread, as in checkpointer.worker.cjs): nice 19,
// the lowest a thread can set, and then the idle policy (SCHED_IDLE, set by util-linux's chrt,
// which any user may do for a thread of their own). A thread at nice 19 still counts as work for
// the scheduler: a waking serving thread may be queued behind another process rather than sent
// to the core this thread is on. An idle-policy thread is passed over: the core it runs on counts
// as free, a waking thread of normal policy takes it at once, and it gets a fifth of the share of
// nice 19 when both want the core.
if (process.platform === 'linux' && workerData.nice) {
  try {
    os.setPriority(0, workerData.nice);
  } catch {
    // Not permitted: run at the default priority.
  }
}
if (process.platform === 'linux' && workerData.idle) {
  const { tid } = ownThread();
  try {
    if (tid) require('node:child_process').execFileSync('chrt', ['--idle', '--pid', '0', String(tid)], { stdio: 'ignore', timeout: 5000 });
  } catch {
    // No chrt, or not permitted: nice 19 only.
  }
}

const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
// Every commit of the writer empties this connection's page cache (SQLite drops it when another
// connection has written), so a scan reads nearly every page afresh. Through a memory map a page
// of the file is read in place, not copied into the cache: an aggregate over 1,000,000 events took
// 1.7–1.8 s against 3.0–3.3 s without (idle machine, warm file). But the map is off by default
// (mmapBytes 0): a scan faulting the file in through it slowed the serving thread of this process,
// not through the cores — a thread that only computes at this priority did not — intake p99 at
// 500/s beside an aggregate looping here rose by 57–62 ms with the map and by 23–29 ms without,
// runs alternating on one machine (8 December 2026, bench/RESULTS.md, reads). Reads beside intake
// matter more than the reads' own speed.
db.pragma(`mmap_size = ${workerData.mmapBytes}`);
db.pragma(`cache_size = -${workerData.cacheKiB}`);
// Sorting for GROUP BY / ORDER BY in memory, not in a temporary file.
db.pragma('temp_store = memory');

// The log starts over from its beginning only when no reader holds a place in it (SQLite's WAL):
// with statements back to back there is always one, and the log grew by all the writer wrote
// (64 MB/s at 500 reports/s) for as long as they ran. So once it is longer than the writer's
// restart point (database.ts's walRestartFrames, see checkpointer.worker.cjs), a statement first
// waits, holding nothing, until it has started over (tens of milliseconds), or at most 1 s.
// Frames in the log: mxFrame, a native-order 32-bit word at byte 16 of the wal-index (-shm).
const RESTART_FRAMES = workerData.walRestartFrames || 0;
const MAX_WAIT_MS = 1000;
const word = Buffer.alloc(4);
let shm = null;
const logFrames = () => {
  try {
    if (shm === null) shm = fs.openSync(`${workerData.file}-shm`, 'r');
    if (fs.readSync(shm, word, 0, 4, 16) !== 4) return 0;
    return os.endianness() === 'LE' ? word.readUInt32LE(0) : word.readUInt32BE(0);
  } catch {
    return 0;
  }
};
const nap = new Int32Array(new SharedArrayBuffer(4));
const letLogRestart = () => {
  if (!RESTART_FRAMES) return 0;
  let frames = logFrames();
  if (frames < RESTART_FRAMES) return 0;
  const t0 = performance.now();
  while (performance.now() - t0 < MAX_WAIT_MS) {
    Atomics.wait(nap, 0, 0, 5);
    const now = logFrames();
    if (now < frames) break; // started over
    frames = now;
  }
  return performance.now() - t0;
};

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
    const waitedMs = letLogRestart();
    parentPort.postMessage({ id, rows: stmt.all(parameters.map(bindable)), waitedMs });
  } catch (err) {
    parentPort.postMessage({ id, error: { message: err && err.message ? err.message : String(err), code: err && err.code } });
  }
});
parentPort.postMessage({ ready: true, ...ownThread() });
