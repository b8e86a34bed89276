// One thread of the read pool (read-pool.ts): a read-only connection to the SQLite file the main
// thread writes, answering `{ id, sql, parameters }` with `{ id, rows }` or `{ id, error }`.
// CommonJS and plain JavaScript, so that it loads the same under tsx and with no build step.
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('better-sqlite3');

// Heavy reads give way to the serving thread when both want a core (as the checkpointer does,
// see checkpointer.worker.cjs): on Linux a thread's priority is its own.
if (process.platform === 'linux' && workerData.nice) {
  try {
    require('node:os').setPriority(0, workerData.nice);
  } catch {
    // Not permitted: run at the default priority.
  }
}

const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma(`cache_size = -${workerData.cacheKiB}`);

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
parentPort.postMessage({ ready: true });
