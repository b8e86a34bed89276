import type { Transaction } from 'kysely';
import type { Database, ProcessTimersTable, TasksTable } from '../../db/schema.ts';
import type { Calendar } from '../time/calendar.ts';
import { unitAbove, unitMembers } from './assignment.ts';
import { continueFrom, openInstance } from './runner.ts';
import { marks, rawQuery } from '../../db/raw-sql.ts';
import type { EngineHost } from '../host.ts';
import type { CategoryFacts, EngineDeps, StepContext } from './step-context.ts';

const OPEN_TASK = new Set(['open', 'claimed']);

/** Due timers of running instances, oldest first (ids only: each is re-read, locked, in its own step). */
export async function findDueTimers(db: EngineDeps['db'], nowIso: string, limit: number): Promise<Array<Pick<ProcessTimersTable, 'id' | 'due_at' | 'kind'>>> {
  return db
    .selectFrom('process_timers as t')
    .innerJoin('process_instances as i', 'i.id', 't.instance_id')
    .select(['t.id', 't.due_at', 't.kind'])
    .where('t.due_at', '<=', nowIso)
    .where('i.status', '=', 'running')
    .orderBy('t.due_at')
    .limit(limit)
    .execute();
}

export interface FiredTimer {
  fired: boolean;
  /** Run after the commit (live pushes). */
  afterCommit: Array<() => void>;
  /** For the lateness metric. */
  dueAt?: string;
}

/**
 * Fires one timer in the caller's transaction, exactly once: the row is locked (skipping rows
 * another node holds) and deleted in the same transaction as everything the timer causes. A
 * crash before the commit leaves it for the next round; after the commit it is gone.
 */
export async function fireTimer(trx: Transaction<Database>, deps: EngineDeps, timerId: string, cal: Calendar, shared?: SharedFacts): Promise<FiredTimer> {
  const [r] = await fireTimers(trx, deps, [timerId], cal, shared);
  return r ?? { fired: false, afterCommit: [] };
}

/** What the timers of one round share: category facts (a round lasts well under a second). */
export type SharedFacts = Map<string, CategoryFacts>;

/**
 * Fires several timers in the caller's transaction, as fireTimer does each: one read locks the
 * batch (on PostgreSQL skipping rows another node holds), then each timer's step runs in turn,
 * instances taken in id order so that two nodes' batches never wait on each other in a circle.
 * Answers only for the timers it found due and not held elsewhere.
 */
export async function fireTimers(
  trx: Transaction<Database>,
  deps: EngineDeps,
  timerIds: readonly string[],
  cal: Calendar,
  shared: SharedFacts = new Map(),
): Promise<FiredTimer[]> {
  if (!timerIds.length) return [];
  const nowIso = deps.clock.now().toISOString();
  const timers = await rawQuery<ProcessTimersTable>(
    trx,
    `select * from "process_timers" where "id" in (${marks(timerIds.length)}) and "due_at" <= ? order by "instance_id", "id"${deps.dialect === 'postgres' ? ' for update skip locked' : ''}`,
    [...timerIds, nowIso],
  );
  const out: FiredTimer[] = [];
  for (const timer of timers) out.push(await fireLoaded(trx, deps, timer, cal, shared));
  return out;
}

async function fireLoaded(trx: Transaction<Database>, deps: EngineDeps, timer: ProcessTimersTable, cal: Calendar, shared: SharedFacts): Promise<FiredTimer> {
  if (timer.kind === 'action') return { fired: false, afterCommit: [] };
  const ctx = await openInstance(trx, deps, timer.instance_id, cal);
  if (!ctx || ctx.instance.status !== 'running') return { fired: false, afterCommit: [] };
  ctx.shareCategories(shared);
  await rawQuery(trx, 'delete from "process_timers" where "id" = ?', [timer.id]);
  if (timer.kind === 'wait') {
    const token = timer.token_id ? ctx.tokens.get(timer.token_id) : undefined;
    const node = token ? ctx.nodes.get(token.row.node_id) : undefined;
    if (token && node?.kind === 'wait' && node.timer && token.row.state === 'waiting') {
      ctx.log('wait.timed_out', { nodeId: node.id, title: node.title ?? null, dueAt: timer.due_at });
      await continueFrom(ctx, token, node.timer.next);
    }
  } else if (timer.task_id) {
    const [task] = await rawQuery<TasksTable>(trx, 'select * from "tasks" where "id" = ?', [timer.task_id]);
    if (task && OPEN_TASK.has(task.status)) {
      if (timer.kind === 'warn') await warnTask(ctx, task);
      else await taskOverdue(ctx, task);
    }
  }
  await ctx.flush();
  return { fired: true, afterCommit: ctx.afterCommit, dueAt: timer.due_at };
}

function taskVars(ctx: StepContext, task: TasksTable, category: string) {
  return {
    code: ctx.event.code,
    category,
    task: task.title_zh,
    unit: ctx.territory.getUnit(task.unit_id)?.name ?? '',
    due: task.due_at ? new Date(task.due_at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '',
    note: '',
  };
}

/** People working on a task now: the one who claimed it, or everyone with the role in its unit. */
export async function taskHandlers(
  trx: Transaction<Database>,
  host: Pick<EngineHost, 'people'>,
  task: Pick<TasksTable, 'user_id' | 'unit_id' | 'role'>,
): Promise<Array<{ userId: string; phone: string | null }>> {
  if (task.user_id) {
    const u = await host.people.user(trx, task.user_id);
    return u ? [u] : [];
  }
  return unitMembers(trx, host, task.unit_id, task.role, { fresh: true });
}

async function warnTask(ctx: StepContext, task: TasksTable): Promise<void> {
  ctx.log(
    'sla.warning',
    { taskId: task.id, nodeId: task.node_id, title: { zh: task.title_zh, en: task.title_en }, dueAt: task.due_at },
    { orgUnitId: task.unit_id },
  );
  const vars = taskVars(ctx, task, (await ctx.categoryFacts()).name);
  for (const h of await taskHandlers(ctx.trx, ctx.host, task)) {
    ctx.notify({
      channel: 'in_app',
      kind: 'task.warning',
      recipientUserId: h.userId,
      eventId: ctx.event.id,
      link: `/events/${ctx.event.id}`,
      vars,
      urgent: false,
      idempotencyKey: `task:${task.id}:warn:${task.due_at}:${h.userId}`,
    });
  }
}

/** 红灯: the task and the event are marked overdue, and the node's overdue actions run. */
async function taskOverdue(ctx: StepContext, task: TasksTable): Promise<void> {
  const node = ctx.nodes.get(task.node_id);
  const actions = node?.kind === 'task' ? (node.overdueActions ?? []) : [];
  const vars = taskVars(ctx, task, (await ctx.categoryFacts()).name);
  const urge = actions.includes('urge');
  await ctx.trx
    .updateTable('tasks')
    .set((eb) => ({ overdue: 1, updated_at: ctx.nowIso, ...(urge ? { urge_count: eb('urge_count', '+', 1) } : {}) }))
    .where('id', '=', task.id)
    .execute();
  ctx.patchEvent({ overdue: 1, ...(urge ? { urge_count: ctx.current.urge_count + 1 } : {}) });
  ctx.log(
    'sla.overdue',
    { taskId: task.id, nodeId: task.node_id, title: { zh: task.title_zh, en: task.title_en }, dueAt: task.due_at, actions },
    { orgUnitId: task.unit_id },
  );
  const base = { eventId: ctx.event.id, link: `/events/${ctx.event.id}`, urgent: false };
  if (urge) {
    for (const h of await taskHandlers(ctx.trx, ctx.host, task)) {
      ctx.notify({
        ...base,
        channel: 'in_app',
        kind: 'event.urged',
        recipientUserId: h.userId,
        vars: { ...vars, note: '（系统自动催办）' },
        idempotencyKey: `task:${task.id}:auto-urge:${task.due_at}:${h.userId}`,
      });
    }
    ctx.log('urged', { taskId: task.id, automatic: true, urgeCount: ctx.current.urge_count }, { orgUnitId: task.unit_id });
  }
  const escalateTo: Array<{ unitId: string; roles: string[] }> = [];
  if (actions.includes('escalate')) {
    const above = unitAbove(ctx.territory, task.unit_id);
    if (above) escalateTo.push({ unitId: above, roles: ['leader', 'dispatcher', 'duty_officer', 'handler'] });
  }
  if (actions.includes('notify_leader') && ctx.event.county_id) escalateTo.push({ unitId: ctx.event.county_id, roles: ['leader'] });
  for (const target of escalateTo) {
    const who = await unitMembers(ctx.trx, ctx.host, target.unitId, target.roles);
    for (const p of who) {
      ctx.notify({
        ...base,
        channel: 'in_app',
        kind: 'task.overdue',
        recipientUserId: p.userId,
        vars,
        urgent: true,
        idempotencyKey: `task:${task.id}:escalated:${target.unitId}:${task.due_at}:${p.userId}`,
      });
    }
    ctx.log(
      'escalated',
      { taskId: task.id, toUnitId: target.unitId, toUnitName: ctx.territory.getUnit(target.unitId)?.name ?? '', people: who.length },
      { orgUnitId: target.unitId },
    );
  }
}

/** Calls a deferred webhook action outside any transaction, then moves the token on. */
export async function runWebhookTimer(deps: EngineDeps, timerId: string): Promise<boolean> {
  const timer = await deps.db.selectFrom('process_timers').selectAll().where('id', '=', timerId).executeTakeFirst();
  if (!timer || timer.kind !== 'action' || !timer.token_id) return false;
  const token = await deps.db.selectFrom('process_tokens').selectAll().where('id', '=', timer.token_id).executeTakeFirst();
  const inst = await deps.db.selectFrom('process_instances').selectAll().where('id', '=', timer.instance_id).executeTakeFirst();
  if (!token || !inst) return false;
  const { loadProcessVersion } = await import('./definition-store.ts');
  const def = await loadProcessVersion(deps.db, deps.db, inst.process_key, inst.version);
  const node = def.nodes.find((n) => n.id === token.node_id);
  if (node?.kind !== 'action' || node.action !== 'call_webhook') return false;
  const params = node.params as { url: string; method?: string };
  let status = 0;
  let error: string | null = null;
  try {
    // At least once: a crash after the call and before the commit calls again with the same key.
    const res = await fetch(params.url, {
      method: params.method ?? 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': timer.id },
      body: JSON.stringify({ eventId: inst.event_id, instanceId: inst.id, process: inst.process_key, node: node.id }),
      signal: AbortSignal.timeout(10_000),
    });
    status = res.status;
    if (!res.ok) error = `HTTP ${res.status}`;
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const cal = await deps.engineHost.calendar();
  const after: Array<() => void> = [];
  const write = deps.writes ?? { transaction: <T>(work: (trx: Transaction<Database>) => Promise<T>) => deps.db.transaction().execute(work) };
  await write.transaction(async (trx) => {
    const gone = await trx.deleteFrom('process_timers').where('id', '=', timer.id).executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) return;
    const ctx = await openInstance(trx, deps, inst.id, cal);
    const tok = ctx?.tokens.get(token.id);
    if (!ctx || !tok) return;
    ctx.setVar('webhookStatus', status);
    ctx.log(error ? 'action.failed' : 'webhook.called', { nodeId: node.id, title: node.title ?? null, status, message: error });
    const next = error ? node.onError : node.next;
    if (next) await continueFrom(ctx, tok, next);
    else {
      ctx.instance.status = 'failed';
      ctx.instance.error = JSON.stringify({ nodeId: node.id, message: error });
      ctx.instanceDirty = true;
    }
    await ctx.flush();
    after.push(...ctx.afterCommit);
  });
  for (const f of after) f();
  return true;
}
