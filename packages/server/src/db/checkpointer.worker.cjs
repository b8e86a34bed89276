// Copies the SQLite write-ahead log into the database file from a second thread, so that the
// main thread never pays for copying it (see database.ts, which turns its own checkpoints off).
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('better-sqlite3');

const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
// PASSIVE checkpoints never block the writer. A checkpoint copies the frames there were when it
// began; under steady writes new ones come in meanwhile, so while behind, this thread goes round
// again within milliseconds, each round with fewer frames to copy. Nothing here ever makes the
// writer wait (no RESTART or TRUNCATE checkpoints).
const BEHIND_MS = 2;
// Copied to the end, the log still only starts over from its beginning after a checkpoint by the
// writer's own connection (measured: never when only this thread checkpoints). So once a long log
// is copied to its end, the main thread is asked to run one itself between two transactions: it
// finds only the frames of the last commit or two, about a millisecond of work.
const LONG_LOG = workerData.longLog; // frames: 64,000 (~256 MB) when serving
// Before asking, the pages this thread copied are flushed to disk here: else the main thread's
// checkpoint would wait for that flush (6 ms measured) when it syncs the file.
const fs = require('node:fs');
const dbFd = fs.openSync(workerData.file, 'r');
let timer = null;
let stopped = false;
const round = () => {
  let behind = false;
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    behind = !!r && r.log > r.checkpointed;
    if (r && r.log > LONG_LOG && !behind) {
      fs.fsyncSync(dbFd);
      parentPort.postMessage('catch-up');
    }
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
  fs.closeSync(dbFd);
  parentPort.postMessage('stopped');
});
