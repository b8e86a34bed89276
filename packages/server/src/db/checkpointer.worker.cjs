// Copies the SQLite write-ahead log into the database file from a second thread, so that the
// main thread never pays for copying it (see database.ts, which turns its own checkpoints off).
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('better-sqlite3');

// Copying gives way to the serving thread when both want a core: at 1,000 events/s, p99 was
// 12–13 ms with this thread at nice 10 against 13–16 ms at 0 (alternating runs, 29 November
// 2026), and linkage got more done. On Linux a thread's priority is its own (setpriority with
// who = 0 is the calling thread); elsewhere it would lower the whole process, so not there.
if (process.platform === 'linux') {
  try {
    require('node:os').setPriority(0, 10);
  } catch {
    // Not permitted: run at the default priority.
  }
}
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
// PASSIVE checkpoints never block the writer. A checkpoint copies the frames there were when it
// began; under steady writes new ones come in meanwhile, so while behind, this thread goes round
// again within milliseconds, each round with fewer frames to copy. Nothing here ever makes the
// writer wait (no RESTART or TRUNCATE checkpoints).
const BEHIND_MS = 2;
// Copied to the end, the log still only starts over from its beginning after a checkpoint by the
// writer's own connection (measured: never when only this thread checkpoints). So once a long log
// is copied to its end, the main thread is asked to run one itself between two transactions. It
// copies the frames committed since this thread's last round (~8 µs each there) and flushes both
// files: 2–15 ms measured on the benchmark's store, while requests wait. So the log is let grow
// long before (fewer such pauses: one every ~5 s at 1,000 events/s), and the last rounds here
// run back to back (fewer frames left for the main thread).
const LONG_LOG = workerData.longLog; // frames: 160,000 (~650 MB) when serving
// Before asking, the pages this thread copied are flushed to disk here: else the main thread's
// checkpoint would wait for that flush (6 ms measured) when it syncs the file.
const fs = require('node:fs');
const dbFd = fs.openSync(workerData.file, 'r');
// Rounds run back to back before asking, at most, and the frames left that need no more.
const CLOSING_ROUNDS = 4;
const FEW_FRAMES = 200;
let timer = null;
let stopped = false;
const round = () => {
  let behind = false;
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    behind = !!r && r.log > r.checkpointed;
    if (r && r.log > LONG_LOG && !behind) {
      fs.fsyncSync(dbFd);
      // Frames committed while that round copied (and flushed) are left to the main thread's
      // checkpoint, which takes ~8 µs a frame there. Go round again at once while many came in,
      // so that the main thread finds only a few.
      let last = r;
      for (let i = 0; i < CLOSING_ROUNDS; i++) {
        const [n] = db.pragma('wal_checkpoint(PASSIVE)');
        if (!n || n.log < last.log || n.log > n.checkpointed) break; // restarted meanwhile, or a reader holds the rest
        const fresh = n.log - last.log;
        last = n;
        if (fresh < FEW_FRAMES) break;
      }
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
