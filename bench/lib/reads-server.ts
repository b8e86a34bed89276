// The read benchmark's server: Liandong as `serve` runs it (app, linkage, SMS dispatcher to the
// inbox, scheduler), plus a loop that runs an aggregate over every event, one query after the
// other, through the read pool (`pool`), on the writing connection (`main`), or not at all
// (`none`); or, as a control, a thread that only computes, at the readers' priority and scheduling
// policy, and touches no database (`burn`): what sharing the machine's cores costs by itself.
// POST /bench/reads-loop/start starts the loop; GET /bench/reads-loop ends it and
// answers its figures. On the writing connection the loop stops after `mainQueries` aggregates:
// each one holds the serving thread for seconds, and a loop of them would leave intake no time.
// Arguments: <db file> <port> <none|pool|main|burn> [mainQueries].
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as turn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { parseConfig } from '../../packages/server/src/config.ts';
import { buildApp } from '../../packages/server/src/app.ts';
import { createRuntime } from '../../packages/server/src/runtime.ts';
import type { ReadPool } from '../../packages/server/src/db/read-pool.ts';
import { createSmsProvider } from '../../packages/server/src/modules/notify/providers/index.ts';

const [file, portArg, mode, mainQueriesArg] = process.argv.slice(2) as [string, string, 'none' | 'pool' | 'main' | 'burn', string | undefined];
const port = Number(portArg);
const mainQueries = Number(mainQueriesArg ?? 3);
const config = parseConfig({ http: { port, host: '127.0.0.1' }, db: { url: file }, auth: {}, demo: {}, log: { level: 'warn' }, sms: {}, mqtt: { port: 0 } });
const runtime = await createRuntime(config);
const { deps } = runtime;
const smsProvider = createSmsProvider('inbox', { logger: deps.logger, clock: deps.clock, ids: deps.ids });
const app = await buildApp(deps);
// The background work of `serve` (linkage, the SMS dispatcher, the scheduler); close() stops it.
await runtime.startWorkers({ smsProvider });

/** The statistics module's kind of query: counts by township × status × category over all events. */
const aggregate = deps.db
  .selectFrom('events')
  .select((eb) => ['township_id', 'status', 'category_code', eb.fn.countAll<number>().as('n')])
  .groupBy(['township_id', 'status', 'category_code']);
const pool = deps.reads.mode === 'pool' ? (deps.reads as ReadPool) : null;
// The pool's thread started (and its connection opened) before the measured run, as in a server
// that has served reads before.
if (mode === 'pool')
  await deps.reads.query(
    deps.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('id', '=', ''),
  );

/** CPU time of one thread of this process so far, ms (Linux: utime + stime in /proc, 100 ticks a second). */
const threadCpuMs = (tid: number): number | null => {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
};

const durations: number[] = [];
let groups = 0;
let counted = 0;
let running = false;
let loop: Promise<void> = Promise.resolve();
let startedAt = 0;
let cpuAtStart: { main: number | null; readers: Array<number | null> } = { main: null, readers: [] };
let statsAtStart: ReturnType<ReadPool['stats']> | null = null;
const delay = monitorEventLoopDelay({ resolution: 5 });
/** The control's thread (mode `burn`): lowers itself as a reader thread does, then computes until told to stop. */
const BURNER = `
const { parentPort } = require('node:worker_threads');
const os = require('node:os');
const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
try { os.setPriority(0, 19); } catch {}
try { require('node:child_process').execFileSync('chrt', ['--idle', '--pid', '0', String(tid)], { stdio: 'ignore' }); } catch {}
let stop = false;
parentPort.on('message', () => { stop = true; });
parentPort.postMessage(tid);
const spin = () => { let x = 0; const until = Date.now() + 50; while (Date.now() < until) x += Math.sqrt(x + 1); if (!stop) setImmediate(spin); else process.exit(0); };
spin();
`;
let burner: { worker: Worker; tid: number } | null = null;
if (mode === 'burn') {
  const worker = new Worker(BURNER, { eval: true });
  burner = { worker, tid: await new Promise<number>((resolve) => worker.once('message', resolve)) };
}
const readers = () => (burner ? [burner.tid] : (pool?.threads() ?? []).map((t) => t.tid).filter((t): t is number => t !== null));

// Armed by POST /bench/reads-loop/start, the loop starts with the first report after it: the
// measured run's first request (its load generator opens its connections first, which a server
// holding its thread in an aggregate would accept only one per turn of the event loop).
let armed = false;
/** When the aggregate under way started. */
let current: number | null = null;
const startLoop = () => {
  armed = false;
  // The control computes on its own thread from the start; it runs no aggregates.
  running = mode === 'pool' || mode === 'main';
  startedAt = performance.now();
  cpuAtStart = { main: threadCpuMs(process.pid), readers: readers().map(threadCpuMs) };
  statsAtStart = pool?.stats() ?? null;
  delay.reset();
  delay.enable();
  loop = (async () => {
    try {
      // After this turn: on the writing connection the first aggregate holds the thread.
      await turn();
      while (running) {
        const t0 = performance.now();
        current = t0;
        const rows = mode === 'pool' ? await deps.reads.query(aggregate) : await aggregate.execute();
        current = null;
        durations.push(performance.now() - t0);
        groups = rows.length;
        counted = rows.reduce((s, r) => s + Number(r.n), 0);
        if (mode === 'main' && durations.length >= mainQueries) break;
        // As a client asking again at once would: the next query waits for one turn of the event loop.
        await turn();
      }
    } catch {
      // The pool closed under the aggregate at the end of the run.
    }
  })();
};
app.post('/bench/reads-loop/start', async () => {
  armed = true;
  return { mode };
});

// The loop's figures, and the end of the loop. Asked over HTTP: a signal would not do, since tsx
// kills a child whose event loop does not answer its relayed signal within 30 ms (as with the
// loop on the writing connection).
app.get('/bench/reads-loop', async () => {
  armed = false;
  running = false;
  burner?.worker.postMessage('stop');
  // On the writing connection the answer waits for the aggregate under way anyway; on the pool
  // the figures stop with the intake run, and an aggregate under way is left to end (or to fail
  // when the pool closes).
  if (mode === 'main') await loop;
  delay.disable();
  const wallMs = performance.now() - startedAt;
  const mainCpu = threadCpuMs(process.pid);
  const readerCpu = readers().map((tid, i) => {
    const now = threadCpuMs(tid);
    const before = cpuAtStart.readers[i] ?? 0;
    return now === null ? null : now - before;
  });
  durations.sort((a, b) => a - b);
  const q = (p: number) => durations[Math.min(durations.length - 1, Math.floor(p * durations.length))] ?? null;
  return {
    mode,
    queries: durations.length,
    p50: q(0.5),
    max: durations.at(-1) ?? null,
    groups,
    counted,
    wallMs,
    /** The aggregate still under way at the end of the run, ms so far. */
    inFlightMs: current === null ? null : performance.now() - current,
    mainCpuMs: mainCpu !== null && cpuAtStart.main !== null ? mainCpu - cpuAtStart.main : null,
    readerCpuMs: readerCpu.reduce<number>((s, x) => s + (x ?? 0), 0),
    readers: pool?.threads() ?? [],
    logWaits: pool && statsAtStart ? pool.stats().logWaits - statsAtStart.logWaits : 0,
    logWaitMs: pool && statsAtStart ? pool.stats().logWaitMs - statsAtStart.logWaitMs : 0,
    loopDelayP99: delay.percentile(99) / 1e6,
    loopDelayMax: delay.max / 1e6,
  };
});
await app.listen({ host: '127.0.0.1', port });
app.server.on('request', (req) => {
  if (armed && req.method === 'POST' && req.url === '/api/v1/events') startLoop();
});

process.once('SIGTERM', () => {
  void (async () => {
    running = false;
    if (mode === 'main') await loop;
    await app.close();
    await runtime.close();
    process.exit(0);
  })();
});
