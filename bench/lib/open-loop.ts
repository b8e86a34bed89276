import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OpenLoopResult {
  rate: number;
  sent: number;
  ok: number;
  failed: number;
  /** Requests answered per second over the run. */
  achieved: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** With `record`: each 2xx response's event id and code, and when it ended (ms since the epoch, sub-millisecond). */
  responses?: Array<{ id: string; code: string; at: number }>;
}

export interface OpenLoopOptions {
  rate: number;
  durationS: number;
  headers: Record<string, string>;
  bodies: readonly string[];
  maxSockets?: number;
  /** Keep each response's `id` and `code` with the time it ended (for latencies measured elsewhere). */
  record?: boolean;
}

/** Now, in ms since the epoch, comparable across the processes of one machine. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/**
 * An open-loop load generator: request i is due at start + i / rate, whatever happened to the
 * ones before it, and its latency counts from that due time to the end of the response — so a
 * stall on either side shows in the figures (no coordinated omission). autocannon's
 * `overallRate` instead lets each connection send back to back until its quota for the current
 * second is used, then idle: 1,000/s arrives as a burst at the top of each second.
 */
export async function openLoop(url: string, opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const responses: OpenLoopResult['responses'] = opts.record ? [] : undefined;
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 64 });
  const target = new URL(url);
  const total = Math.round(opts.rate * opts.durationS);
  const interval = 1000 / opts.rate;
  const latencies: number[] = [];
  let failed = 0;
  let sent = 0;
  const inFlight: Array<Promise<void>> = [];
  const send = (i: number, due: number) =>
    new Promise<void>((resolve) => {
      const body = opts.bodies[i % opts.bodies.length]!;
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { ...opts.headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          if (responses) res.on('data', (c: Buffer) => chunks.push(c));
          else res.resume();
          res.on('end', () => {
            if (res.statusCode! >= 200 && res.statusCode! < 300) {
              latencies.push(performance.now() - due);
              if (responses) {
                const at = epochNow();
                const b = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string; code: string };
                responses.push({ id: b.id, code: b.code, at });
              }
            } else failed++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(body);
    });
  // Open the pool's connections before the first request is due, as a client that keeps its
  // connections has them. Otherwise the first requests each open one, at once, and the server
  // accepts one new connection per turn of its event loop: under load the last of 64 waited
  // ~400 ms, which counted as latency of the first requests.
  await Promise.all(
    Array.from(
      { length: opts.maxSockets ?? 64 },
      () =>
        new Promise<void>((resolve) => {
          const req = http.request({ agent, host: target.hostname, port: target.port, path: '/healthz', method: 'GET' }, (res) => {
            res.resume();
            res.on('end', resolve);
          });
          req.on('error', () => resolve());
          req.end();
        }),
    ),
  );
  const start = performance.now() + 5;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        inFlight.push(send(sent, start + sent * interval));
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
  return {
    rate: opts.rate,
    sent,
    ok: latencies.length,
    failed,
    achieved: latencies.length / elapsed,
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    responses,
  };
}

/**
 * openLoop in a process of its own (open-loop-child.ts). The benchmark's own process seeds the
 * county and keeps its leftovers in memory; its garbage collection would pause the generator and
 * count against whatever server it measures.
 */
export async function openLoopInChild(url: string, opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const dir = mkdtempSync(join(tmpdir(), 'liandong-open-loop-'));
  const input = join(dir, 'input.json');
  try {
    writeFileSync(input, JSON.stringify({ url, opts }));
    const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(tsx, [join(import.meta.dirname, 'open-loop-child.ts'), input], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`the load generator exited with ${code}`))));
    });
    return JSON.parse(out) as OpenLoopResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
