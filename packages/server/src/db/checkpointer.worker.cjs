// Copies the SQLite write-ahead log into the database file from a second thread, so request
// handling on the main thread never pays for checkpoints (see database.ts). PASSIVE checkpoints
// never block the writer; the log restarts from its beginning once fully copied.
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('better-sqlite3');

const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
// Under steady writes the log never restarts: by the time a checkpoint has copied every frame,
// new ones were committed. When this thread is within CATCH_UP frames of the end of a long log,
// it asks the main thread (the only writer) to copy those last few itself between two
// transactions, which takes a millisecond or two; the next transaction then restarts the log.
const LONG_LOG = 4000; // frames (~16 MB)
const CATCH_UP = 1000;
const checkpoint = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r && r.log > LONG_LOG && r.log - r.checkpointed < CATCH_UP) parentPort.postMessage('catch-up');
  } catch {
    // Busy or closing: the next round catches up.
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (msg) => {
  if (msg !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage('stopped');
});
