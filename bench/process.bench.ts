// The process engine: starts of the parking process to its first wait state on SQLite and
// PostgreSQL against a bare one-row transaction (same run, same write path); 100,000 open
// instances with pending timers under a real `serve` child (RSS, restart to ready, lateness of
// 1,000 timers falling due in the same second); and the same process on bpmn-engine, with each
// instance's state persisted, for the ratio of starts/s and of stored bytes per instance.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { parseConfig } from '../packages/server/src/config.ts';
import { createRuntime, type Runtime } from '../packages/server/src/runtime.ts';
import { openDatabase } from '../packages/server/src/db/database.ts';
import { insertRows } from '../packages/server/src/db/fast-insert.ts';
import type { EventsTable } from '../packages/server/src/db/schema.ts';
import { seedDemoCounty } from '../packages/server/src/demo/demo.ts';
import { loadCalendar } from '../packages/server/src/modules/calendar/calendar.loader.ts';
import { startInstance } from '../packages/server/src/engine/runtime/start.ts';
import { serveFigures, type ServeFigures } from './lib/serve-figures.ts';
import { bpmnVersion, runBpmn, type BpmnFigures } from './lib/bpmn-parking.ts';
import { inFlight } from './lib/in-flight.ts';
import { startTestPostgres } from '../packages/server/src/testing/test-postgres.mjs';

const N_SQLITE = Number(process.env.BENCH_PROC_SQLITE ?? 20_000);
const N_PG = Number(process.env.BENCH_PROC_PG ?? 10_000);
const OPEN = Number(process.env.BENCH_PROC_OPEN ?? 100_000);
const N_BPMN = Number(process.env.BENCH_PROC_BPMN ?? 2_000);
const BURST = 1_000;
const WARM = 1_000;
const IN_FLIGHT = Number(process.env.BENCH_PROC_IN_FLIGHT ?? 64);
/**
 * On PostgreSQL the server works through a pool of 10 connections (db/database.ts); the bench
 * uses the same, as many starts in flight as connections. More backends than that only compete
 * with Node for this machine's cores (64 measured 1,384/s against 1,697/s with 10).
 */
const PG_IN_FLIGHT = Number(process.env.BENCH_PROC_PG_IN_FLIGHT ?? 10);
const PASSWORD = 'bench-password-2026';
const SEED = 20261128;

interface StartRun {
  starts: number;
  perSec: number;
  baselinePerSec: number;
  /** Starts per second of this process's CPU time (all threads): what one idle core would do, whatever else the machine runs. */
  perCpuSec: number;
  baselinePerCpuSec: number;
  rows: { instances: number; waiting: number; timers: number; sms: number; timeline: number };
}

export async function runProcessBench(log: (s: string) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'liandong-proc-bench-'));
  try {
    // 1. SQLite: starts, then topped up to OPEN open instances for the serve child.
    const file = join(dir, 'process.db');
    log('  SQLite: demo county…');
    const rt = await openRuntime(file);
    const world = await prepareWorld(rt);
    await sql.raw(`vacuum into '${join(dir, 'empty.db')}'`).execute(rt.deps.db);
    const events = await createEvents(rt, world, Math.max(OPEN, WARM + N_SQLITE), 'S');
    log(`  SQLite: ${events.length.toLocaleString()} events stored`);
    const sqliteRun = await measureStarts(rt, events, N_SQLITE, log);
    log(`  SQLite: ${Math.round(sqliteRun.perSec)} starts/s (baseline ${Math.round(sqliteRun.baselinePerSec)})`);
    const cal = await loadCalendar(rt.deps);
    const t0 = performance.now();
    const rest = events.slice(WARM + N_SQLITE, OPEN);
    await inFlight(rest, IN_FLIGHT, (e) => start(rt, e, cal));
    const topUp = rest.length / ((performance.now() - t0) / 1000);
    const open = await countOpen(rt);
    log(`  SQLite: ${open.toLocaleString()} open instances (${Math.round(topUp)} starts/s for the last ${rest.length.toLocaleString()})`);
    const ours = await ourBytesPerInstance(rt);
    // Park every wait a day ahead (the benchmark outlasts the 5-minute grace) and mark the
    // reminders sent, so the serve child starts with pending timers and an idle outbox.
    const later = new Date(Date.now() + 86_400_000).toISOString();
    await rt.deps.db.updateTable('process_timers').set({ due_at: later }).execute();
    await rt.deps.db.updateTable('notifications').set({ status: 'sent' }).where('status', '=', 'queued').execute();
    await rt.close();

    // 2. PostgreSQL (embedded, synchronous_commit off as SQLite's synchronous=NORMAL).
    log('  PostgreSQL: starting the embedded server…');
    const pgServer = await startPostgres();
    let pgRun: StartRun;
    try {
      const prt = await openRuntime(pgServer.url, PG_IN_FLIGHT);
      const pworld = await prepareWorld(prt);
      const pevents = await createEvents(prt, pworld, WARM + N_PG, 'P');
      pgRun = await measureStarts(prt, pevents, N_PG, log, PG_IN_FLIGHT);
      log(`  PostgreSQL: ${Math.round(pgRun.perSec)} starts/s (baseline ${Math.round(pgRun.baselinePerSec)})`);
      await prt.close();
    } finally {
      await pgServer.stop();
    }

    // 3. serve with OPEN open instances vs. serve with the demo county alone.
    const empty = await serveFigures(join(dir, 'empty.db'), { password: PASSWORD }, log);
    const full = await serveFigures(file, { password: PASSWORD, burst: BURST }, log);

    // 4. bpmn-engine.
    const bpmn = await runBpmn(file, world.plates, N_BPMN, log, { inFlight: IN_FLIGHT, warm: Math.min(WARM, 200) });

    return report({ sqliteRun, pgRun, topUp, open, ours, empty, full, bpmn });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Setup

export async function openRuntime(url: string, poolSize?: number): Promise<Runtime> {
  const config = parseConfig({ http: {}, db: { url }, auth: {}, demo: {}, log: { level: 'warn' }, sms: {}, mqtt: { port: 0 } });
  const database = poolSize ? openDatabase(url, { poolSize }) : undefined;
  return createRuntime(config, database ? { database } : {});
}

interface World {
  plates: string[];
  grid: { county: string; township: string; village: string; grid: string; lng: number; lat: number };
}

/** The demo county without history: territory, departments, users, categories, 2,000 vehicles. */
export async function prepareWorld(rt: Runtime): Promise<World> {
  await seedDemoCounty(rt.deps, { password: PASSWORD, seed: SEED, days: 0 });
  await rt.deps.territory.reload();
  const plates = (await rt.deps.db.selectFrom('vehicles').select('plate').where('owner_phone', 'is not', null).orderBy('plate').execute()).map((v) => v.plate);
  const g = await rt.deps.db
    .selectFrom('org_units')
    .select(['path', 'centroid_lng', 'centroid_lat'])
    .where('kind', '=', 'grid')
    .orderBy('path')
    .executeTakeFirstOrThrow();
  const [county, township, village, grid] = g.path.split('/').filter(Boolean);
  return { plates, grid: { county, township, village, grid, lng: g.centroid_lng ?? 0, lat: g.centroid_lat ?? 0 } };
}

/** Parking events (category 0601) with registered plates, each with its `reported` timeline entry, written in bulk. */
export async function createEvents(rt: Runtime, w: World, count: number, tag: string): Promise<EventsTable[]> {
  const { deps } = rt;
  const at = deps.clock.now().toISOString();
  const events: EventsTable[] = [];
  for (let i = 0; i < count; i++) {
    events.push({
      id: deps.ids.id(),
      code: `${tag}${String(i).padStart(9, '0')}`,
      category_code: '0601',
      title: `违停提醒 ${w.plates[i % w.plates.length]}`,
      description: null,
      status: 'reported',
      is_open: 1,
      closing_kind: null,
      urgency: 'normal',
      source: 'officer',
      external_id: null,
      lng: w.grid.lng,
      lat: w.grid.lat,
      address: null,
      county_id: w.grid.county,
      township_id: w.grid.township,
      village_id: w.grid.village,
      grid_id: w.grid.grid,
      lead_unit_id: w.grid.village,
      reporter_user_id: null,
      reporter_name: null,
      reporter_phone: null,
      tracking_token: randomBytes(12).toString('base64url'),
      occurred_at: at,
      created_at: at,
      updated_at: at,
      closed_at: null,
      due_at: null,
      supervised: 0,
      urge_count: 0,
      duplicate_count: 0,
      rating_score: null,
      version: 1,
      plate: w.plates[i % w.plates.length],
      overdue: 0,
    });
  }
  for (let b = 0; b < count; b += 500) {
    const chunk = events.slice(b, b + 500);
    await deps.db.transaction().execute(async (trx) => {
      await insertRows(trx, 'events', chunk);
      await insertRows(
        trx,
        'event_timeline',
        chunk.map((e) => ({
          id: deps.ids.id(),
          event_id: e.id,
          seq: 1,
          at,
          kind: 'reported',
          actor_user_id: null,
          actor_name: null,
          org_unit_id: w.grid.grid,
          data: '{}',
        })),
      );
    });
  }
  return events;
}

async function start(rt: Runtime, event: EventsTable, cal: Awaited<ReturnType<typeof loadCalendar>>): Promise<void> {
  const step = await rt.deps.writes.transaction((trx) => startInstance(trx, rt.deps, event, cal, { processKey: 'parking' }));
  for (const f of step.afterCommit) f();
}

// ---------------------------------------------------------------------------------------------
// 1. Starts per second

export async function measureStarts(rt: Runtime, events: EventsTable[], n: number, log: (s: string) => void, inFlightN = IN_FLIGHT): Promise<StartRun> {
  const { deps } = rt;
  // Baseline: the same write path (deps.writes: group commit on SQLite, a transaction each on
  // PostgreSQL) carrying one row per start into a table shaped like process_instances.
  await sql`create table bench_starts (id text primary key, event_id text not null references events(id), process_key text not null, version integer not null, status text not null, vars text not null, started_at text not null)`.execute(
    deps.db,
  );
  const baseline = async (e: EventsTable) =>
    deps.writes.transaction((trx) =>
      insertRows(trx, 'bench_starts', [
        { id: deps.ids.id(), event_id: e.id, process_key: 'parking', version: 1, status: 'running', vars: '{}', started_at: deps.clock.now().toISOString() },
      ]),
    );
  await inFlight(events.slice(0, WARM), inFlightN, baseline);
  let t = performance.now();
  let cpu = process.cpuUsage();
  await inFlight(events.slice(WARM, WARM + n), inFlightN, baseline);
  const baselinePerSec = n / ((performance.now() - t) / 1000);
  const baselinePerCpuSec = n / cpuSeconds(cpu);

  const cal = await loadCalendar(deps);
  await inFlight(events.slice(0, WARM), inFlightN, (e) => start(rt, e, cal));
  const profile = process.env.BENCH_PROC_PROFILE ? await import('node:inspector/promises') : null;
  const session = profile ? new profile.Session() : null;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  t = performance.now();
  cpu = process.cpuUsage();
  await inFlight(events.slice(WARM, WARM + n), inFlightN, (e) => start(rt, e, cal));
  const perSec = n / ((performance.now() - t) / 1000);
  const perCpuSec = n / cpuSeconds(cpu);
  if (session) {
    const { profile: p } = await session.post('Profiler.stop');
    const out = `${process.env.BENCH_PROC_PROFILE}-${deps.dialect}.cpuprofile`;
    (await import('node:fs')).writeFileSync(out, JSON.stringify(p));
    log(`  profile written to ${out}`);
    session.disconnect();
  }

  const ids = events.slice(0, WARM + n).map((e) => e.id);
  const count = async (q: Promise<{ n: number | string | bigint } | undefined>) => Number((await q)?.n ?? 0);
  const db = deps.db;
  const rows = {
    instances: await count(
      db
        .selectFrom('process_instances')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst(),
    ),
    waiting: await count(
      db
        .selectFrom('process_tokens')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('node_id', '=', 'grace')
        .where('state', '=', 'waiting')
        .executeTakeFirst(),
    ),
    timers: await count(
      db
        .selectFrom('process_timers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', '=', 'wait')
        .executeTakeFirst(),
    ),
    sms: await count(
      db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', '=', 'parking.reminder')
        .where('channel', '=', 'sms')
        .executeTakeFirst(),
    ),
    timeline: await count(
      db
        .selectFrom('event_timeline')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('seq', '>', 1)
        .executeTakeFirst(),
    ),
  };
  if (rows.instances !== ids.length || rows.waiting !== ids.length || rows.timers !== ids.length || rows.sms !== ids.length) {
    throw new Error(`Not every start reached the grace period with its SMS: ${JSON.stringify(rows)} for ${ids.length} starts`);
  }
  return { starts: n, perSec, baselinePerSec, perCpuSec, baselinePerCpuSec, rows };
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

async function countOpen(rt: Runtime): Promise<number> {
  const r = await rt.deps.db
    .selectFrom('process_instances')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'running')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Payload bytes (sum of length() of every column) of one parked instance: instance + tokens + timers. */
async function ourBytesPerInstance(rt: Runtime): Promise<{ payload: number; withIndexes: number | null; tables: Record<string, number> }> {
  const db = rt.deps.db;
  const instances = await countOpen(rt);
  const tables: Record<string, number> = {};
  for (const table of ['process_instances', 'process_tokens', 'process_timers']) {
    const cols = (await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)).rows.map((c) => c.name);
    const expr = cols.map((c) => `coalesce(length("${c}"), 0)`).join(' + ');
    const r = await sql<{ n: number }>`select sum(${sql.raw(expr)}) as n from ${sql.table(table)}`.execute(db);
    tables[table] = Number(r.rows[0].n) / instances;
  }
  // On-disk share, tables and their indexes, where the SQLite build has dbstat.
  let withIndexes: number | null = null;
  try {
    const r = await sql<{
      n: number;
    }>`select sum(pgsize) as n from dbstat where name in (select name from sqlite_master where tbl_name in ('process_instances', 'process_tokens', 'process_timers'))`.execute(
      db,
    );
    withIndexes = Number(r.rows[0].n) / instances;
  } catch {
    /* no dbstat */
  }
  return { payload: Object.values(tables).reduce((a, b) => a + b, 0), withIndexes, tables };
}

// ---------------------------------------------------------------------------------------------
// 2. serve: RSS, restart to ready, lateness

export async function startPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  // The test run's set-up: as root it runs the server as `postgres`, from a reachable copy of the
  // binaries when the checkout lies in a private folder.
  return startTestPostgres({ flags: ['-c', 'synchronous_commit=off', '-c', 'max_connections=200'] });
}

// ---------------------------------------------------------------------------------------------

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (b: number) => (b / 2 ** 20).toFixed(0);

function report(r: {
  sqliteRun: StartRun;
  pgRun: StartRun;
  topUp: number;
  open: number;
  ours: Awaited<ReturnType<typeof ourBytesPerInstance>>;
  empty: ServeFigures;
  full: ServeFigures;
  bpmn: BpmnFigures;
}): string {
  const { sqliteRun: s, pgRun: p, ours, empty, full, bpmn } = r;
  const b = full.burst!;
  const worstReady = Math.max(...full.ready);
  const peakRss = Math.max(full.rssAtReady, full.rssSettled, b.peakRss);
  return [
    '### Process starts to the first wait state (parking: owner found → SMS queued → waiting)',
    '',
    `Command: \`npm run bench -- process\`. Events pre-created in bulk (category 0601, plates of registered vehicles with a phone, demo county); each start runs \`startInstance\` in its own unit of \`deps.writes.transaction\` (group commit on SQLite, one transaction each on PostgreSQL), ${IN_FLIGHT} in flight on SQLite and ${PG_IN_FLIGHT} on PostgreSQL (the server's own pool size), after ${WARM.toLocaleString()} warm-up starts. Each start writes the instance, its token, the grace timer, ${s.rows.timeline / s.rows.instances} timeline entries (started, owner looked up, SMS queued), the event update and the owner's SMS in the outbox, in one transaction. Baseline: the same write path carrying one row per start into a table shaped like \`process_instances\`. PostgreSQL: embedded, \`synchronous_commit=off\` (like SQLite's \`synchronous=NORMAL\`), pool of ${PG_IN_FLIGHT}.`,
    '',
    '| database | starts | starts/s | baseline rows/s | ratio | starts per CPU-second of the Node process (baseline) | target |',
    '|---|---|---|---|---|---|---|',
    `| SQLite | ${fmt(s.starts)} | **${fmt(s.perSec)}** | ${fmt(s.baselinePerSec)} | ${(s.perSec / s.baselinePerSec).toFixed(2)} | ${fmt(s.perCpuSec)} (${fmt(s.baselinePerCpuSec)}) | ≥ 5,000 ${s.perSec >= 5000 ? '✅' : '❌'} |`,
    `| PostgreSQL | ${fmt(p.starts)} | **${fmt(p.perSec)}** | ${fmt(p.baselinePerSec)} | ${(p.perSec / p.baselinePerSec).toFixed(2)} | ${fmt(p.perCpuSec)} (${fmt(p.baselinePerCpuSec)}) | ≥ 1,500 ${p.perSec >= 1500 ? '✅' : '❌'} |`,
    '',
    `Load average when the run ended: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(
        ' / ',
      )} on ${cpus().length} cores (other work shares this machine; the CPU-second column is what one free core would give, SQLite running in-process).`,
    '',
    "Where the time goes (`BENCH_PROC_PROFILE=/tmp/p npm run bench -- process` writes CPU profiles of the timed starts): on SQLite about 40 % is SQLite itself (statement `run`/`all`, the notifications insert with its indexes the largest), ~8 % the group commit, ~11 % GC; the engine's statements go without Kysely's query builder (SQL text made once), and each start is 8 statements plus its savepoint (one read for the active version, the category and the plate's owner; the instance, token, timer, event update, max(seq), timeline, outbox). On PostgreSQL each start is 5 round trips against the baseline's 3: BEGIN; the same read, which also locks the event row; one statement carrying the instance, token, timer, event update and the numbered timeline entries; the outbox insert; COMMIT. The Node process spends ~0.27 ms of CPU per start (the CPU-second column); the rest of the wall time is the PostgreSQL backends sharing the 2 cores with Node.",
    '',
    `Checked after each run: every instance waiting in the grace period with its timer and its SMS (SQLite ${fmt(s.rows.instances)} instances, ${fmt(s.rows.sms)} SMS, ${fmt(s.rows.timeline)} process timeline entries; PostgreSQL ${fmt(p.rows.instances)} / ${fmt(p.rows.sms)} / ${fmt(p.rows.timeline)}).`,
    '',
    `### ${fmt(r.open)} open instances with pending timers (SQLite, real \`serve\` child)`,
    '',
    `The SQLite store above topped up to ${fmt(r.open)} parked instances (the last ${fmt(r.open - s.starts - WARM)} at ${fmt(r.topUp)} starts/s), their grace timers moved a day ahead, the reminders marked sent. \`node --import tsx main.ts serve\` is spawned three times; ready = spawn to the first \`/readyz\` 200 (includes loading TypeScript through tsx); RSS from /proc of the server process. Baseline: the same on the demo county alone (no instances).`,
    '',
    '| figure | with open instances | baseline: no instances | target |',
    '|---|---|---|---|',
    `| spawn → /readyz 200, three starts (s) | ${full.ready.map((x) => x.toFixed(2)).join(' / ')} | ${empty.ready.map((x) => x.toFixed(2)).join(' / ')} | < 5 s ${worstReady < 5 ? '✅' : '❌'} |`,
    `| RSS at ready / after 5 s idle (MB) | ${mb(full.rssAtReady)} / ${mb(full.rssSettled)} | ${mb(empty.rssAtReady)} / ${mb(empty.rssSettled)} | < 300 MB ${peakRss < 300 * 2 ** 20 ? '✅' : '❌'} |`,
    `| peak RSS including the timer burst (MB) | ${mb(b.peakRss)} | — | < 300 MB ${b.peakRss < 300 * 2 ** 20 ? '✅' : '❌'} |`,
    '',
    `Timer burst: ${fmt(BURST)} random grace timers set (from outside, in the database) to fall due at one instant 3 s ahead; the child's scheduler (poll 200 ms, woken at the instant the next timer falls due; fires them in chunks of 25 per transaction, one locking read per chunk, the chunks committed together by the group commit; each timeout creates the enforcement task and notifies the station) fired ${fmt(b.fired)} of them, the last ${b.seconds.toFixed(1)} s after the instant. Lateness = the fired step's time − due time (from the \`wait.timed_out\` timeline entries): p50 ${fmt(b.p50)} ms, **p99 ${fmt(b.p99)} ms**, max ${fmt(b.max)} ms — target p99 < 1 s ${b.p99 < 1000 ? '✅' : '❌'}. The \`liandong_timer_lateness_seconds\` histogram (observed after each commit) puts p99 in the bucket ≤ ${b.histogramP99} s.`,
    '',
    '### The same process on bpmn-engine',
    '',
    `bpmn-engine ${bpmnVersion()} (Node ${process.version}): a BPMN 2.0 model of the parking process (service task owner lookup → exclusive gateway with default → service task SMS → event-based gateway: PT5M timer or message \`vehicle.gone\` → user task enforcement / end events). Each instance runs to the waiting gateway, its \`engine.getState()\` JSON is stored with its SMS row in a SQLite table (commits grouped per turn of the event loop, ${IN_FLIGHT} in flight; the owner looked up in the same vehicles table). No timeline, no timer rows: the state blob is all it persists. ${fmt(bpmn.starts)} instances after ${fmt(Math.min(WARM, 200))} warm-up.`,
    '',
    '| engine | starts/s | stored bytes per parked instance |',
    '|---|---|---|',
    `| Liandong (SQLite) | ${fmt(s.perSec)} | ${fmt(ours.payload)} (instance ${fmt(ours.tables.process_instances)} + token ${fmt(ours.tables.process_tokens)} + timer ${fmt(ours.tables.process_timers)}: sum of column lengths${ours.withIndexes !== null ? `; ${fmt(ours.withIndexes)} with indexes and page overhead, from dbstat` : ''}) |`,
    `| bpmn-engine + SQLite | ${fmt(bpmn.perSec)} | ${fmt(bpmn.stateBytes)} (length of the state JSON, of which ${fmt(bpmn.modelBytes)} the serialized model it embeds) |`,
    '',
    `Ratios: starts/s Liandong / bpmn-engine **${(s.perSec / bpmn.perSec).toFixed(1)}×**; stored state bpmn-engine / Liandong **${(bpmn.stateBytes / ours.payload).toFixed(1)}×** larger (${((bpmn.stateBytes - bpmn.modelBytes) / ours.payload).toFixed(1)}× without the embedded model). (Liandong's start also writes the timeline and the outbox; their rows are not counted as instance state, nor is the event row both share.)`,
    '',
  ].join('\n');
}
