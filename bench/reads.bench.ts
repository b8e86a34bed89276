// Heavy reads apart from writes (issue 12.6): intake at 500 events/s (open loop) on SQLite with
// 1,000,000 events stored, while an aggregate over every event runs in a loop — on the read pool's
// worker threads, or on the writing connection — against no reads at all (the baseline, same run).
// Prints a markdown section; run by bench/run.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildEventsStore, reportBodies } from './lib/events-store.ts';
import { ROOT, startChild, stopChild } from './lib/child.ts';
import { openLoopInChild, type OpenLoopResult } from './lib/open-loop.ts';

const STORED = Number(process.env.BENCH_STORED_EVENTS ?? 1_000_000);
const DURATION = Number(process.env.BENCH_DURATION_S ?? 20);
const ROUNDS = Number(process.env.BENCH_READS_ROUNDS ?? 2);
const RATE = 500;
const PASSWORD = 'bench-password-2026';
const MODES = ['none', 'pool', 'main'] as const;
type Mode = (typeof MODES)[number];

interface LoopStats {
  mode: Mode;
  queries: number;
  p50: number | null;
  max: number | null;
  groups: number;
  counted: number;
}

export async function runReadsBench(log: (s: string) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'liandong-bench-reads-'));
  const file = join(dir, 'bench.db');
  try {
    const bodies = reportBodies(await buildEventsStore(file, { stored: STORED, password: PASSWORD, log }));
    const runs: Array<{ round: number; mode: Mode; paced: OpenLoopResult; loop: LoopStats }> = [];
    // Rounds of the three, one after the other, so that drift of the machine falls on all three.
    for (let round = 1; round <= ROUNDS; round++) {
      for (const mode of MODES) {
        const r = await runOnce(file, mode, bodies);
        runs.push({ round, mode, ...r });
        log(`  round ${round}, ${mode}: intake p99 ${r.paced.p99.toFixed(1)} ms; ${r.loop.queries} aggregates, p50 ${r.loop.p50?.toFixed(0) ?? '—'} ms`);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    const p99Of = (mode: Mode) => median(runs.filter((r) => r.mode === mode).map((r) => r.paced.p99));
    const base = p99Of('none');
    const pool = p99Of('pool') - base;
    const main = p99Of('main') - base;
    const ms = (n: number | null) => (n === null || Number.isNaN(n) ? '—' : n.toFixed(1));
    const label: Record<Mode, string> = {
      none: 'baseline: no reads',
      pool: 'reads on the read pool (worker threads, read-only connections)',
      main: 'the same reads on the writing connection',
    };
    const groups = runs.find((r) => r.loop.groups)?.loop;
    return [
      `### Heavy reads beside intake (SQLite, ${STORED.toLocaleString()} events stored)`,
      '',
      `Command: \`npm run bench -- reads\`. Intake: \`POST /api/v1/events\` at ${RATE}/s for ${DURATION} s (open loop, \`bench/lib/open-loop.ts\`, after 5 s of warm-up and once linkage has caught up), on the server as \`serve\` runs it (\`bench/lib/reads-server.ts\`). Reads: in the same server process, \`select township_id, status, category_code, count(*) from events group by 1, 2, 3\` over every event${groups ? ` (${groups.groups.toLocaleString()} groups, ${groups.counted.toLocaleString()} events counted)` : ''}, one query after another for the whole run — through \`deps.reads\` (\`db/read-pool.ts\`: 2 worker threads at nice 10, each with a read-only connection), or through \`deps.db\` (the writing connection, as every read ran before). ${ROUNDS} rounds of the three, alternating; a fresh server per run, the same store (each run adds its events).`,
      '',
      '| round | run | intake/s | p50 ms | p99 ms | max ms | failed | aggregates | aggregate p50 ms |',
      '|---|---|---|---|---|---|---|---|---|',
      ...runs.map(
        (r) =>
          `| ${r.round} | ${label[r.mode]} | ${Math.round(r.paced.achieved)} | ${ms(r.paced.p50)} | ${ms(r.paced.p99)} | ${ms(r.paced.max)} | ${r.paced.failed} | ${r.mode === 'none' ? '—' : r.loop.queries} | ${r.mode === 'none' ? '—' : ms(r.loop.p50)} |`,
      ),
      '',
      `Intake p99, median of the rounds: **${ms(base)} ms** with no reads; **${ms(p99Of('pool'))} ms** with the reads on the pool (**+${ms(pool)} ms**, target < +5 ms ${pool < 5 ? '✅' : '❌'}); ${ms(p99Of('main'))} ms with the same reads on the writing connection (+${ms(main)} ms: each aggregate holds the one thread for as long as it runs).`,
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runOnce(file: string, mode: Mode, bodies: string[]): Promise<{ paced: OpenLoopResult; loop: LoopStats }> {
  const port = 19_000 + Math.floor(Math.random() * 1000);
  const base = `http://127.0.0.1:${port}`;
  const server = await startChild(join(ROOT, 'bench/lib/reads-server.ts'), [file, String(port), mode], {}, `${base}/healthz`);
  const store = new Database(file, { readonly: true });
  try {
    const token = await login(base, 'admin');
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    await openLoopInChild(`${base}/api/v1/events`, { rate: RATE, durationS: 5, headers, bodies });
    await linkageSettled(store);
    const paced = await openLoopInChild(`${base}/api/v1/events`, { rate: RATE, durationS: DURATION, headers, bodies });
    const loop = (await (await fetch(`${base}/bench/reads-loop`)).json()) as LoopStats;
    await linkageSettled(store);
    return { paced, loop };
  } finally {
    store.close();
    await stopChild(server);
  }
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
