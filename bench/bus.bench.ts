// The bus between nodes (issue 12.5): two `serve` processes on one PostgreSQL database; reports
// posted to node A at a modest open-loop rate; an SSE client of the on-duty handler on node B
// (fan-out over LISTEN/NOTIFY) and one on node A (same node: the baseline, measured in the same
// run). Latency is from A's 201 to the client's `event.created` for that event. Target: p99 < 1 s.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../packages/server/src/db/database.ts';
import { FIXTURE_PASSWORD, seedFixture } from '../packages/server/src/testing/fixtures.ts';
import { serveNode } from '../packages/server/src/testing/serve-node.ts';
import { SseClient } from '../packages/server/src/testing/sse-client.ts';
import { startTestPostgres } from '../packages/server/src/testing/test-postgres.mjs';

const N = Number(process.env.BENCH_BUS_EVENTS ?? 400);
const RATE = Number(process.env.BENCH_BUS_RATE ?? 20);
const WARM = 20;

export async function runBusBench(log: (s: string) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'liandong-bus-bench-'));
  const server = await startTestPostgres();
  const nodes: Array<ReturnType<typeof serveNode>> = [];
  const clients: SseClient[] = [];
  try {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('CREATE DATABASE liandong_bus');
    await admin.end();
    const url = new URL(server.url);
    url.pathname = '/liandong_bus';
    const dbUrl = url.toString();
    const handle = openDatabase(dbUrl);
    await migrateToLatest(handle.db);
    await seedFixture(handle.db);
    await handle.close();

    nodes.push(serveNode(dbUrl, join(dir, 'a')), serveNode(dbUrl, join(dir, 'b')));
    const [urlA, urlB] = await Promise.all(nodes.map((n) => n.url));
    const login = async (base: string, username: string) => {
      const res = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: FIXTURE_PASSWORD }),
      });
      return ((await res.json()) as { token: string }).token;
    };
    const reporter = await login(urlA!, 'duty');
    const arrivals = { same: new Map<string, number>(), other: new Map<string, number>() };
    for (const [base, into] of [
      [urlA!, arrivals.same],
      [urlB!, arrivals.other],
    ] as const) {
      const c = await SseClient.open(`${base}/api/v1/stream?access_token=${await login(base, 'handlerVA1')}`);
      await c.next((m) => m.event === 'ready');
      c.onMessage = (m) => {
        if (m.event === 'event.created') into.set(String(m.data.id), m.at);
      };
      clients.push(c);
    }

    const created = new Map<string, number>();
    const post = async (k: number) => {
      const location = { lng: 122.005 + (k % 60) * 0.003, lat: 30.005 + Math.floor(k / 60) * 0.003 };
      const res = await fetch(`${urlA}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${reporter}`, 'content-type': 'application/json' },
        body: JSON.stringify({ category: '0501', title: '水源地有人钓鱼', source: 'hotline', location }),
      });
      const at = performance.now();
      if (res.status !== 201) throw new Error(`report ${k}: ${res.status} ${await res.text()}`);
      const { id } = (await res.json()) as { id: string };
      if (k >= WARM) created.set(id, at);
    };
    log(`  ${N} reports to node A at ${RATE}/s (open loop), after ${WARM} warm-up reports`);
    const t0 = performance.now();
    const posts: Promise<void>[] = [];
    for (let k = 0; k < N + WARM; k++) {
      const due = t0 + (k * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      posts.push(post(k));
    }
    await Promise.all(posts);
    // Everything has arrived, or 10 s have passed since the last 201.
    const deadline = performance.now() + 10_000;
    while (performance.now() < deadline && [...created.keys()].some((id) => !arrivals.same.has(id) || !arrivals.other.has(id)))
      await new Promise((r) => setTimeout(r, 20));

    const latencies = (into: Map<string, number>) => {
      const xs: number[] = [];
      let missing = 0;
      for (const [id, at] of created) {
        const got = into.get(id);
        if (got === undefined) missing++;
        else xs.push(Math.max(0, got - at));
      }
      xs.sort((a, b) => a - b);
      const q = (p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
      return { p50: q(0.5), p99: q(0.99), max: xs[xs.length - 1] ?? NaN, missing };
    };
    const same = latencies(arrivals.same);
    const other = latencies(arrivals.other);
    // The bus's own hop: for each event, between its arrival at one node's client and the other's
    // (either node's linkage may have published it: A's after its kick, B's after its poll).
    const hops: number[] = [];
    for (const id of created.keys()) {
      const a = arrivals.same.get(id);
      const b = arrivals.other.get(id);
      if (a !== undefined && b !== undefined) hops.push(Math.abs(b - a));
    }
    hops.sort((x, y) => x - y);
    const hq = (p: number) => hops[Math.min(hops.length - 1, Math.floor(p * hops.length))] ?? NaN;
    const load = loadavg()[0]!.toFixed(1);
    const f = (ms: number) => `${ms.toFixed(1)} ms`;
    log(`  same node: p50 ${f(same.p50)}, p99 ${f(same.p99)}; other node: p50 ${f(other.p50)}, p99 ${f(other.p99)}; hop p50 ${f(hq(0.5))}, p99 ${f(hq(0.99))}`);
    return [
      '## Bus between nodes (`bus`)',
      '',
      `Two \`serve\` processes on one PostgreSQL database (bus: LISTEN/NOTIFY, one connection per node). ${N} reports posted to node A at ${RATE}/s (open loop, after ${WARM} warm-up);`,
      "an SSE client of the on-duty handler on node A (same node, the baseline) and one on node B. Time from A's 201 to the client's `event.created`.",
      '',
      '| client | p50 | p99 | max | missing |',
      '|---|---|---|---|---|',
      `| same node (A, baseline) | ${f(same.p50)} | ${f(same.p99)} | ${f(same.max)} | ${same.missing} |`,
      `| other node (B, over the bus) | ${f(other.p50)} | ${f(other.p99)} | ${f(other.max)} | ${other.missing} |`,
      '',
      `| the bus's hop (between the two clients, per event) | ${f(hq(0.5))} | ${f(hq(0.99))} | ${f(hops[hops.length - 1] ?? NaN)} | |`,
      '',
      `Over the bus costs ${f(other.p50 - same.p50)} at the median and ${f(other.p99 - same.p99)} at p99 beyond the same node (load average ${load} on this machine during the run).`,
      `Target p99 < 1 s from the 201 at node B: ${other.p99 < 1000 && other.missing === 0 ? 'met' : 'NOT met'}; what it takes from the 201 to the first client is linkage's (the same on one node), the bus adds the hop.`,
      '',
    ].join('\n');
  } finally {
    for (const c of clients) c.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
