// Heavy reads apart from writes (issue 12.6): intake at 500 events/s (open loop) on SQLite with
// 1,000,000 events stored, while an aggregate over every event runs in a loop — on the read pool's
// worker threads, or (a few times, to show the stall) on the writing connection — against no
// reads at all (the baseline, same run).
// Prints a markdown section; run by bench/run.ts.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildEventsStore, reportBodies } from './lib/events-store.ts';
import { ROOT, startChild, stopChild } from './lib/child.ts';
import type { ReaderThread } from '../packages/server/src/db/read-pool.ts';
import { openLoopInChild, type OpenLoopResult } from './lib/open-loop.ts';

const STORED = Number(process.env.BENCH_STORED_EVENTS ?? 1_000_000);
const DURATION = Number(process.env.BENCH_DURATION_S ?? 20);
const ROUNDS = Number(process.env.BENCH_READS_ROUNDS ?? 2);
const RATE = 500;
/** Aggregates on the writing connection per run, at most (each one stalls intake for seconds). */
const MAIN_QUERIES = Number(process.env.BENCH_READS_MAIN_QUERIES ?? 3);
const PASSWORD = 'bench-password-2026';
type Mode = 'none' | 'pool' | 'main' | 'burn';
// `burn` (a thread that only computes, at the readers' priority) is a control, run when asked for.
const MODES = (process.env.BENCH_READS_MODES ?? 'none,pool,main').split(',') as Mode[];

interface LoopStats {
  mode: Mode;
  queries: number;
  p50: number | null;
  max: number | null;
  groups: number;
  counted: number;
  wallMs: number;
  inFlightMs: number | null;
  mainCpuMs: number | null;
  readerCpuMs: number;
  readers: ReaderThread[];
  logWaits: number;
  logWaitMs: number;
  loopDelayP99: number;
  loopDelayMax: number;
}

/** The write-ahead log during a run, sampled every 50 ms from the -shm and -wal files. */
interface WalStats {
  /** Frames in the log at most, and at the end. */
  maxFrames: number;
  endFrames: number;
  /** Times the log started over from its beginning. */
  restarts: number;
  /** Size of the -wal file at the end, bytes (it is not cut down when the log starts over). */
  fileBytes: number;
}

type Run = { round: number; mode: Mode; paced: OpenLoopResult; loop: LoopStats; wal: WalStats; load: number };

export async function runReadsBench(log: (s: string) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'liandong-bench-reads-'));
  const file = join(dir, 'bench.db');
  try {
    const bodies = reportBodies(await buildEventsStore(file, { stored: STORED, password: PASSWORD, log }));
    const runs: Run[] = [];
    const loadAtStart = loadavg()[0];
    // Rounds of the three, one after the other, so that drift of the machine falls on all three.
    for (let round = 1; round <= ROUNDS; round++) {
      for (const mode of MODES) {
        const r = await runOnce(file, mode, bodies);
        runs.push({ round, mode, ...r });
        log(
          `  round ${round}, ${mode}: intake p99 ${r.paced.p99.toFixed(1)} ms, max ${r.paced.max.toFixed(0)} ms; ${r.loop.queries} aggregates, p50 ${r.loop.p50?.toFixed(0) ?? '—'} ms; ` +
            `main thread ${r.loop.mainCpuMs ?? '—'} ms CPU in ${r.loop.wallMs.toFixed(0)} ms, readers ${r.loop.readerCpuMs} ms (${JSON.stringify(r.loop.readers)}, ${r.loop.logWaits} waits for the log, ${r.loop.logWaitMs.toFixed(0)} ms); loop delay p99 ${r.loop.loopDelayP99.toFixed(1)} ms; ` +
            `log ≤ ${r.wal.maxFrames} frames, ${r.wal.restarts} restarts, wal ${(r.wal.fileBytes / 2 ** 20).toFixed(0)} MiB; load ${r.load.toFixed(1)}`,
        );
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    const p99Of = (mode: Mode) => median(runs.filter((r) => r.mode === mode).map((r) => r.paced.p99));
    const base = p99Of('none');
    const pool = p99Of('pool') - base;
    const main = p99Of('main') - base;
    const ms = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? '—' : n.toFixed(1));
    const label: Record<Mode, string> = {
      none: 'baseline: no reads',
      pool: 'reads on the read pool',
      main: `the same reads on the writing connection (${MAIN_QUERIES} at most)`,
      burn: 'control: a thread that only computes, at the readers’ priority (no reads)',
    };
    const groups = runs.find((r) => r.loop.groups)?.loop;
    const poolRuns = runs.filter((r) => r.mode === 'pool');
    const threads = poolRuns.find((r) => r.loop.readers.length)?.loop.readers ?? [];
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
    return [
      `### Heavy reads beside intake (SQLite, ${STORED.toLocaleString()} events stored)`,
      '',
      `Command: \`npm run bench -- reads\` (\`BENCH_READS_ROUNDS=${ROUNDS} BENCH_DURATION_S=${DURATION}\`). Intake: \`POST /api/v1/events\` at ${RATE}/s for ${DURATION} s (open loop, \`bench/lib/open-loop.ts\`, after 5 s of warm-up and once linkage has caught up), on the server as \`serve\` runs it (\`bench/lib/reads-server.ts\`). Reads: in the same server process, \`select township_id, status, category_code, count(*) from events group by 1, 2, 3\` over every event${groups ? ` (${groups.groups.toLocaleString()} groups, ${groups.counted.toLocaleString()} events counted)` : ''}, one query after another from the start of the measured run to its end — through \`deps.reads\` (\`db/read-pool.ts\`: ${threads.length || 'its'} worker thread${threads.length === 1 ? '' : 's'} on this ${availableParallelism()}-core machine, the cores but one, at nice ${threads[0]?.nice ?? '?'} and the scheduling policy ${threads[0]?.policy === 'idle' ? 'SCHED_IDLE' : (threads[0]?.policy ?? '?')} as read from \`/proc/<pid>/task/<tid>/stat\`, each with a read-only connection and no memory map), or through \`deps.db\` (the writing connection, as every read ran before; stopped after ${MAIN_QUERIES} aggregates, since each holds the one thread for seconds and a loop of them would leave intake no time at all). ${ROUNDS} rounds of the three, alternating; a fresh server per run, the same store (each run adds its events). CPU: of the server's main thread and of the readers over the measured run (\`/proc\`); loop delay: the main thread's event-loop delay (\`monitorEventLoopDelay\`); log: frames in the write-ahead log (from the \`-shm\` file every 50 ms) at most, and how often it started over.`,
      '',
      '| round | run | intake/s | p50 ms | p99 ms | max ms | failed | aggregates (p50 ms) | main thread CPU | readers CPU | loop delay p99 ms | log frames at most (restarts) | load |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...runs.map(
        (r) =>
          `| ${r.round} | ${label[r.mode]} | ${Math.round(r.paced.achieved)} | ${ms(r.paced.p50)} | ${ms(r.paced.p99)} | ${ms(r.paced.max)} | ${r.paced.failed} | ${r.mode === 'none' || r.mode === 'burn' ? '—' : `${r.loop.queries} (${ms(r.loop.p50)})${r.loop.inFlightMs !== null ? ` + 1 under way for ${(r.loop.inFlightMs / 1000).toFixed(1)} s` : ''}`} | ${r.loop.mainCpuMs === null ? '—' : `${(r.loop.mainCpuMs / 1000).toFixed(1)} s`} | ${r.mode === 'pool' || r.mode === 'burn' ? `${(r.loop.readerCpuMs / 1000).toFixed(1)} s` : '—'} | ${ms(r.loop.loopDelayP99)} | ${r.wal.maxFrames.toLocaleString()} (${r.wal.restarts}) | ${r.load.toFixed(1)} |`,
      ),
      '',
      `Intake p99, median of the rounds: **${ms(base)} ms** with no reads; **${ms(p99Of('pool'))} ms** with the reads on the pool (**${pool >= 0 ? '+' : ''}${ms(pool)} ms**, target < +5 ms ${pool < 5 ? '✅' : '❌'}); ${ms(p99Of('main'))} ms with the same reads on the writing connection (+${ms(main)} ms: each aggregate holds the one thread for as long as it runs, and every request due meanwhile waits).${MODES.includes('burn') ? ` With the control thread that only computes: ${ms(p99Of('burn'))} ms (${p99Of('burn') - base >= 0 ? '+' : ''}${ms(p99Of('burn') - base)} ms), what sharing the cores costs without any reading.` : ''} Write-ahead log file at the end of the pool runs: ${poolRuns.map((r) => mib(r.wal.fileBytes)).join(', ')} (no reads: ${runs
        .filter((r) => r.mode === 'none')
        .map((r) => mib(r.wal.fileBytes))
        .join(', ')}). Load average (1 min) on ${availableParallelism()} cores: ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end.`,
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runOnce(file: string, mode: Mode, bodies: string[]): Promise<{ paced: OpenLoopResult; loop: LoopStats; wal: WalStats; load: number }> {
  const port = 19_000 + Math.floor(Math.random() * 1000);
  const base = `http://127.0.0.1:${port}`;
  const server = await startChild(join(ROOT, 'bench/lib/reads-server.ts'), [file, String(port), mode, String(MAIN_QUERIES)], {}, `${base}/healthz`);
  const store = new Database(file, { readonly: true });
  try {
    const token = await login(base, 'admin');
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    await openLoopInChild(`${base}/api/v1/events`, { rate: RATE, durationS: 5, headers, bodies });
    await linkageSettled(store);
    const sampler = sampleWal(file);
    const started = await fetch(`${base}/bench/reads-loop/start`, { method: 'POST' });
    if (started.status !== 200) throw new Error(`start of the read loop: ${started.status} ${await started.text()}`);
    const paced = await openLoopInChild(`${base}/api/v1/events`, { rate: RATE, durationS: DURATION, headers, bodies });
    const loop = (await (await fetch(`${base}/bench/reads-loop`)).json()) as LoopStats;
    const wal = sampler.stop();
    const load = loadavg()[0];
    await linkageSettled(store);
    return { paced, loop, wal, load };
  } finally {
    store.close();
    await stopChild(server);
  }
}

/**
 * Samples the log's length from the wal-index (the -shm file: mxFrame at byte 16, native byte
 * order) and the log's restarts from the checkpoint sequence number in the -wal file's header
 * (bytes 12–15, big-endian), without a connection of its own (which would hold the log too).
 */
function sampleWal(file: string): { stop(): WalStats } {
  const stats: WalStats = { maxFrames: 0, endFrames: 0, restarts: 0, fileBytes: 0 };
  let lastSeq: number | null = null;
  const buf = Buffer.alloc(20);
  const read = (path: string, at: number) => {
    const fd = openSync(path, 'r');
    try {
      return readSync(fd, buf, 0, 20, at) === 20;
    } finally {
      closeSync(fd);
    }
  };
  const sample = () => {
    try {
      if (read(`${file}-shm`, 0)) {
        stats.endFrames = buf.readUInt32LE(16);
        stats.maxFrames = Math.max(stats.maxFrames, stats.endFrames);
      }
      if (read(`${file}-wal`, 0)) {
        const seq = buf.readUInt32BE(12);
        if (lastSeq !== null && seq !== lastSeq) stats.restarts++;
        lastSeq = seq;
      }
      stats.fileBytes = statSync(`${file}-wal`).size;
    } catch {
      // Not there yet, or being replaced: the next sample reads it.
    }
  };
  sample();
  const timer = setInterval(sample, 50);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return stats;
    },
  };
}

/** Waits until the server has linked every event created so far (the queue is empty). */
async function linkageSettled(store: Database.Database): Promise<void> {
  const deadline = Date.now() + 600_000;
  while ((store.prepare('select count(*) as n from linkage_queue').get() as { n: number }).n > 0) {
    if (Date.now() > deadline) throw new Error('linkage did not catch up within 10 minutes');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function login(base: string, username: string): Promise<string> {
  const r = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { token: string }).token;
}
