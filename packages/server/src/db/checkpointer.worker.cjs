// Copies the SQLite write-ahead log into the database file from a second thread, so that the
// main thread never pays for checkpoints (see database.ts, which turns its own off).
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('better-sqlite3');

const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
// PASSIVE checkpoints never block the writer. The log restarts from its beginning when a
// transaction begins right after a checkpoint copied every frame; a checkpoint copies the frames
// there were when it began, and under steady writes new ones come in meanwhile. So while behind,
// this thread goes round again within milliseconds: each round has fewer frames to copy, until
// one finds nothing new behind it.
const BEHIND_MS = 2;
// Nothing here ever makes the writer wait (no RESTART or TRUNCATE checkpoints): should writes
// outpace copying for a while, the log grows, and restarts once they no longer do.
let timer = null;
let stopped = false;
const round = () => {
  let behind = false;
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    behind = !!r && r.log > r.checkpointed;
  } catch {
    // Busy or closing: the next round catches up.
  }
  if (!stopped) timer = setTimeout(round, behind ? BEHIND_MS : workerData.intervalMs);
};
timer = setTimeout(round, workerData.intervalMs);
parentPort.on('message', (msg) => {
  if (msg !== 'stop') return;
  stopped = true;
  clearTimeout(timer);
  round();
  db.close();
  parentPort.postMessage('stopped');
});
