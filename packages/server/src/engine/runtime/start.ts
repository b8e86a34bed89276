import type { Transaction } from 'kysely';
import type { Database, EventsTable, ProcessInstancesTable, ProcessTimersTable, ProcessTokensTable, TasksTable } from '../../db/schema.ts';
import { insertStatement, rawQuery, rawQueryIn, runStatements, type Statement } from '../../db/raw-sql.ts';
import type { EngineActor, TimelineEntry } from '../host.ts';
import type { Calendar } from '../time/calendar.ts';
import { activeProcessVersion, loadProcessVersion } from './definition-store.ts';
import { run } from './runner.ts';
import { ENGINE_ACTOR, StepContext, type CategoryFacts, type EngineDeps, type TokenState } from './step-context.ts';

/** How a process starts for an event: one start, a batch of starts, and the batch's writes. */

export interface StartOptions {
  processKey?: string;
  vars?: Record<string, unknown>;
  actor?: EngineActor;
  /**
   * Start where an event already stands (history brought in from elsewhere): at the first task
   * whose event status is the event's status, else at the start.
   */
  resumeAtStatus?: boolean;
  /**
   * People just told of this event in the same transaction (its linkage): they are not told
   * again of its first tasks — one notification per person when an event arrives.
   */
  alreadyTold?: ReadonlySet<string>;
  /**
   * Starts the event's next process after its earlier ones ended (a reopened event; the caller
   * cancels what still runs first). Without it a start is the event's first process, and does
   * nothing when the event has one already.
   */
  restart?: boolean;
}

/**
 * Starts the active version of a process for an event and runs it to its first wait states
 * (tasks, waits, joins), all inside `trx`. Returns the step, whose `afterCommit` the caller runs
 * once the transaction committed.
 *
 * One main process per event is the database's rule (migration 0006: `(event_id, run)` is
 * unique, and so is an event's live instance). The instance row is written first, with
 * ON CONFLICT DO NOTHING: a start that finds the event's process already there (two starters
 * after a crash, two nodes) runs and writes nothing — no second task, no second notification —
 * and answers a step with `skipped` set, without aborting the caller's transaction.
 */
export async function startInstance(
  trx: Transaction<Database>,
  deps: EngineDeps,
  event: EventsTable,
  cal: Calendar,
  opts: StartOptions = {},
): Promise<StepContext> {
  const { ctx, token } = await beginStart(trx, deps, event, cal, opts, (instance) => claimInstance(trx, instance));
  if (!token) return ctx;
  await run(ctx, token);
  await ctx.flush();
  return ctx;
}

/** An event to start the process of, with startInstance's options. */
export interface StartRequest {
  event: EventsTable;
  opts?: StartOptions;
}

/**
 * startInstance for many events in one transaction (the linkage worker's batch), each as if
 * started alone, one after the other: the same instances, tasks, timers, timeline entries and
 * notifications. On SQLite each start is planned in memory and the batch is written together
 * (flushStarts): one read for the events that have their process already instead of an insert
 * each that might conflict, every instance row in its final state instead of an insert and an
 * update, one append of the timeline and one enqueue of the notifications instead of one per
 * start. SQLite has one writer, so the read is as good as the conflict it replaces. On
 * PostgreSQL (where the claim by insert is what keeps two nodes from starting one event twice)
 * and for restarts the starts run one by one. Answers each step (`skipped` as startInstance's)
 * and what to run after the commit, in order.
 */
export async function startInstances(
  trx: Transaction<Database>,
  deps: EngineDeps,
  requests: readonly StartRequest[],
  cal: Calendar,
): Promise<{ steps: StepContext[]; afterCommit: Array<() => void> }> {
  if (deps.dialect === 'postgres' || requests.some((r) => r.opts?.restart)) {
    const steps: StepContext[] = [];
    for (const r of requests) steps.push(await startInstance(trx, deps, r.event, cal, r.opts));
    return { steps, afterCommit: steps.flatMap((s) => s.afterCommit) };
  }
  const ids = [...new Set(requests.map((r) => r.event.id))];
  const rows = await rawQueryIn<{ event_id: string }>(trx, (list) => `select distinct "event_id" from "process_instances" where "event_id" in (${list})`, ids);
  const taken = new Set(rows.map((r) => r.event_id));
  const steps: StepContext[] = [];
  const started: StepContext[] = [];
  for (const { event, opts = {} } of requests) {
    // The first start of an event in the batch takes it (as its insert would); a second finds it taken.
    const claim = async ({ event_id }: ProcessInstancesTable) => {
      if (taken.has(event_id)) return false;
      taken.add(event_id);
      return true;
    };
    const { ctx, token } = await beginStart(trx, deps, event, cal, opts, claim);
    steps.push(ctx);
    if (!token) continue;
    await run(ctx, token);
    started.push(ctx);
  }
  return { steps, afterCommit: await flushStarts(trx, started) };
}

/**
 * What every start does before it runs: chooses the process and its active version, claims the
 * event's first instance (`claim` answers whether it could; the instance row is not written
 * here on SQLite's batched path) and opens the step at the start node with its first token
 * (none: skipped, the event has its process already).
 */
async function beginStart(
  trx: Transaction<Database>,
  deps: EngineDeps,
  event: EventsTable,
  cal: Calendar,
  opts: StartOptions,
  claim: (instance: ProcessInstancesTable) => Promise<boolean>,
): Promise<{ ctx: StepContext; token: TokenState | null }> {
  const key = opts.processKey ?? (await deps.engineHost.lookups.processKeyFor(trx, event));
  const facts = await startFacts(trx, deps, event, key);
  const version = facts.version;
  if (version === null) throw new Error(`No active version of process ${key}`);
  const def = await loadProcessVersion(deps.db, trx, key, version);
  const nowIso = deps.clock.now().toISOString();
  const instance: ProcessInstancesTable = {
    id: deps.ids.id(),
    event_id: event.id,
    run: opts.restart ? await nextRun(trx, event.id) : 1,
    process_key: key,
    version,
    status: 'running',
    vars: JSON.stringify(opts.vars ?? {}),
    error: null,
    started_at: nowIso,
    updated_at: nowIso,
    ended_at: null,
  };
  const ctx = new StepContext(trx, deps, instance, def, event, cal, opts.actor ?? ENGINE_ACTOR);
  if (!(await claim(instance))) {
    ctx.skipped = true;
    deps.logger.debug({ eventId: event.id, process: key }, 'the event has its process already; not started again');
    return { ctx, token: null };
  }
  ctx.eventLocked = facts.eventLocked;
  ctx.alreadyTold = opts.alreadyTold ?? null;
  if (facts.category) ctx.primeCategory(facts.category);
  // Written already (claimInstance; flushStarts writes it whole); flush stores the vars and status the first run leaves it in.
  ctx.instanceDirty = true;
  ctx.log('process.started', { instanceId: instance.id, process: key, version, name: def.name });
  let from = def.start;
  if (opts.resumeAtStatus) {
    // Work under way (in_progress) stands at the handling step, which is entered as 'dispatched'.
    const wanted = event.status === 'in_progress' ? ['in_progress', 'dispatched'] : [event.status];
    from = wanted.map((st) => def.nodes.find((n) => n.kind === 'task' && n.eventStatus === st)?.id).find(Boolean) ?? def.start;
    ctx.keepEventStatus = true;
  }
  return { ctx, token: ctx.newToken(from, null) };
}

/** Inserts a new instance unless the event already has it (see startInstance); answers whether it did. */
async function claimInstance(trx: Transaction<Database>, instance: ProcessInstancesTable): Promise<boolean> {
  const { text, params } = insertStatement('process_instances', [instance]);
  return (await rawQuery(trx, `${text} on conflict do nothing returning "id"`, params)).length > 0;
}

async function nextRun(trx: Transaction<Database>, eventId: string): Promise<number> {
  const [row] = await rawQuery<{ run: number | string | null }>(trx, 'select max("run") as "run" from "process_instances" where "event_id" = ?', [eventId]);
  return Number(row?.run ?? 0) + 1;
}

interface StartFacts {
  version: number | null;
  category?: CategoryFacts;
  eventLocked: boolean;
}

/**
 * SQLite: the active version and category facts read for a start, kept for the rest of its
 * transaction (a linkage batch starts 8 processes of a few categories; SQLite has one writer,
 * so no activation lands in the middle of a transaction). PostgreSQL reads at every start, as
 * it locks the event.
 */
const startFactsOf = new WeakMap<object, Map<string, { version: number | null; category: CategoryFacts }>>();

/**
 * What a start reads: the active version (read afresh for every transaction, so an activation
 * takes effect on every node at once) and the category's facts (from the host). On PostgreSQL
 * the same query locks the event row, which the start updates anyway, so the timeline's
 * numbering sees every committed entry.
 */
async function startFacts(trx: Transaction<Database>, deps: EngineDeps, event: EventsTable, key: string): Promise<StartFacts> {
  const pg = deps.dialect === 'postgres';
  const memoKey = `${key}\u0000${event.category_code}`;
  let memo: Map<string, { version: number | null; category: CategoryFacts }> | undefined;
  if (!pg) {
    memo = startFactsOf.get(trx);
    if (!memo) startFactsOf.set(trx, (memo = new Map()));
  }
  const known = memo?.get(memoKey);
  if (known) return { ...known, eventLocked: false };
  const [row] = await rawQuery<{ active_version: number | null }>(
    trx,
    'select p."active_version" from "events" e left join "processes" p on p."key" = ? where e."id" = ?' + (pg ? ' for update of e' : ''),
    [key, event.id],
  );
  // The event not stored (yet): read the version alone.
  if (!row) return { version: await activeProcessVersion(trx, key), eventLocked: false };
  const facts = { version: row.active_version ?? null, category: await deps.engineHost.lookups.category(trx, event.category_code) };
  memo?.set(memoKey, facts);
  return { ...facts, eventLocked: pg };
}

/**
 * Writes the first steps of many new instances at once (startInstances, SQLite): what each
 * step's flush would write, in the same order — instances, tokens, tasks, timers, the events,
 * then the timeline, then the notifications — but every instance row once in its final state
 * (its start did not insert it), and the rows, the timeline and the notifications of all steps
 * together. Answers what to run after the commit.
 *
 * Notifications go in one enqueue unless two steps ask for SMS that are not urgent: the outbox
 * schedules those against the recipient's SMS already written (its hourly limit), which within
 * one enqueue would not see each other, so they are enqueued step by step as flush does.
 */
export async function flushStarts(trx: Transaction<Database>, steps: readonly StepContext[]): Promise<Array<() => void>> {
  const after: Array<() => void> = [];
  if (!steps.length) return after;
  const instances: ProcessInstancesTable[] = [];
  const tokens: ProcessTokensTable[] = [];
  const tasks: TasksTable[] = [];
  const timers: ProcessTimersTable[] = [];
  const events: Statement[] = [];
  const timeline: TimelineEntry[] = [];
  for (const s of steps) {
    instances.push({ ...s.instance, vars: JSON.stringify(s.vars), updated_at: s.nowIso });
    for (const t of s.tokens.values()) {
      if (!t.isNew) throw new Error('flushStarts writes new instances only');
      if (!t.deleted) tokens.push(t.row);
    }
    tasks.push(...s.newTasks);
    timers.push(...s.newTimers);
    const e = s.eventUpdate();
    if (e) events.push(e);
    timeline.push(...s.timeline);
  }
  const writes = [insertStatement('process_instances', instances)];
  if (tokens.length) writes.push(insertStatement('process_tokens', tokens));
  if (tasks.length) writes.push(insertStatement('tasks', tasks));
  if (timers.length) writes.push(insertStatement('process_timers', timers));
  await runStatements(trx, [...writes, ...events]);
  const { deps, host } = steps[0]!;
  if (timeline.length) await host.timeline.append(trx, timeline, deps);
  const scheduled = steps.filter((s) => s.notifications.some((n) => n.channel === 'sms' && !n.urgent)).length;
  const groups = scheduled > 1 ? steps.map((s) => s.notifications) : [steps.flatMap((s) => s.notifications)];
  for (const requests of groups) {
    if (!requests.length) continue;
    const push = await host.notifications.enqueue(trx, requests, deps);
    if (push) after.push(push);
  }
  return after;
}
