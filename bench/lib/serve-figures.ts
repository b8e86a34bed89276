// `serve` as a child process for the process bench (process.bench.ts): time to ready, RSS, and
// the lateness of a burst of timers falling due at one instant.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ROOT, serveArgs, stopChild } from './child.ts';

const mb = (b: number) => (b / 2 ** 20).toFixed(0);

export interface ServeFigures {
  ready: number[];
  rssAtReady: number;
  rssSettled: number;
  burst?: { fired: number; p50: number; p99: number; max: number; histogramP99: string; peakRss: number; seconds: number };
}

/**
 * Spawns `serve` on `file` three times: seconds from spawn to the first /readyz 200, RSS at
 * ready and after 5 s idle (first round), and with `burst`, that many wait timers fired at once.
 */
export async function serveFigures(file: string, opts: { password: string; burst?: number }, log: (s: string) => void): Promise<ServeFigures> {
  const burst = opts.burst ?? 0;
  const ready: number[] = [];
  let rssAtReady = 0;
  let rssSettled = 0;
  let result: ServeFigures['burst'];
  for (let round = 0; round < 3; round++) {
    const port = await freePort();
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'packages/server/src/main.ts'), ...serveArgs(file, port)], {
      cwd: ROOT,
      env: { ...process.env, LIANDONG_DEMO_PASSWORD: opts.password },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitReady(child, `${base}/readyz`);
      ready.push((performance.now() - t0) / 1000);
      if (round === 0) {
        rssAtReady = rssOf(child.pid!).rss;
        await new Promise((r) => setTimeout(r, 5000));
        rssSettled = rssOf(child.pid!).rss;
        if (burst) result = await timerBurst(file, base, child.pid!, burst, log);
      }
    } finally {
      await stopChild(child);
    }
  }
  log(
    `  serve ${burst ? 'with' : 'without'} open instances: ready in ${ready.map((r) => r.toFixed(2)).join(' / ')} s, RSS ${mb(rssAtReady)} → ${mb(rssSettled)} MB`,
  );
  return { ready, rssAtReady, rssSettled, burst: result };
}

/** `count` wait timers (1,000 in the bench) made due at one instant 3 s ahead, fired by the child's scheduler (poll 200 ms, woken when the next timer falls due). */
async function timerBurst(file: string, base: string, pid: number, count: number, log: (s: string) => void): Promise<ServeFigures['burst']> {
  const sqlite = new Database(file);
  sqlite.pragma('busy_timeout = 5000');
  const dueMs = Math.ceil((Date.now() + 3000) / 1000) * 1000;
  const due = new Date(dueMs).toISOString();
  const picked = sqlite.prepare(`select id, instance_id from process_timers where kind = 'wait' order by random() limit ${count}`).all() as Array<{
    id: string;
    instance_id: string;
  }>;
  const set = sqlite.prepare('update process_timers set due_at = ? where id = ?');
  sqlite.transaction(() => {
    for (const p of picked) set.run(due, p.id);
  })();
  const t0 = Date.now();
  const left = sqlite.prepare(`select count(*) as n from process_timers where due_at = ?`);
  while ((left.get(due) as { n: number }).n > 0 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
  const seconds = (Date.now() - dueMs) / 1000;
  // The engine's own record: each timed-out wait writes a timeline entry stamped with the time
  // its step ran, carrying the due time.
  const rows = sqlite
    .prepare(
      `select t.at, t.data from event_timeline t join process_instances i on i.event_id = t.event_id where t.kind = 'wait.timed_out' and i.id in (select value from json_each(?))`,
    )
    .all(JSON.stringify(picked.map((p) => p.instance_id))) as Array<{ at: string; data: string }>;
  sqlite.close();
  const lateness = rows.map((r) => Date.parse(r.at) - Date.parse(JSON.parse(r.data).dueAt)).sort((a, b) => a - b);
  const q = (p: number) => lateness[Math.min(lateness.length - 1, Math.floor(p * lateness.length))] ?? NaN;
  const metrics = await (await fetch(`${base}/metrics`)).text();
  const histogramP99 = histogramQuantile(metrics, 'liandong_timer_lateness_seconds', 0.99);
  const peakRss = rssOf(pid).hwm;
  log(
    `  burst: ${lateness.length} fired, lateness p50 ${q(0.5)} ms p99 ${q(0.99)} ms max ${q(1)} ms; histogram p99 ≤ ${histogramP99} s; peak RSS ${mb(peakRss)} MB`,
  );
  return { fired: lateness.length, p50: q(0.5), p99: q(0.99), max: q(1), histogramP99, peakRss, seconds };
}

/** The upper bound of the bucket holding quantile `p`, from Prometheus text. */
function histogramQuantile(text: string, name: string, p: number): string {
  const buckets = [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`, 'gm'))].map((m) => ({ le: m[1], n: Number(m[2]) }));
  const total = buckets.at(-1)?.n ?? 0;
  return buckets.find((b) => b.n >= p * total)?.le ?? 'n/a';
}

function rssOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

async function waitReady(child: ChildProcess, url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error('serve did not become ready');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
