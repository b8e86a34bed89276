import type { ProcessDefinition, TaskNode } from '@liandong/contracts';
import type { Transaction } from 'kysely';
import type { Database, EventsTable, ProcessInstancesTable, ProcessTokensTable, TasksTable } from '../../db/schema.ts';
import type { EngineActor } from '../host.ts';
import { evaluateCondition } from '../definitions/evaluate-condition.ts';
import type { Calendar } from '../time/calendar.ts';
import { runAction } from './actions.ts';
import { resolveAssigneeUnits, unitMembers } from './assignment.ts';
import { loadProcessVersion } from './definition-store.ts';
import { taskDeadline } from './sla.ts';
import { planTaskDeadline } from './task-limits.ts';
import { rawQuery } from '../../db/raw-sql.ts';
import { ActionError, ENGINE_ACTOR, StepContext, type EngineDeps, type TokenState } from './step-context.ts';

const OPEN_TASK = ['open', 'claimed', 'shelved'] as const;

/** An automatic path longer than this is a loop the validator should have refused. */
const MAX_AUTOMATIC_STEPS = 500;

/**
 * Opens an existing instance for a step: the instance (row-locked on PostgreSQL, so two nodes
 * never advance one instance at once), its definition version, event and live tokens.
 */
export async function openInstance(
  trx: Transaction<Database>,
  deps: EngineDeps,
  instanceId: string,
  cal: Calendar,
  actor: EngineActor = ENGINE_ACTOR,
): Promise<StepContext | null> {
  const [instance] = await rawQuery<ProcessInstancesTable>(
    trx,
    `select * from "process_instances" where "id" = ?${deps.dialect === 'postgres' ? ' for update' : ''}`,
    [instanceId],
  );
  if (!instance) return null;
  const def = await loadProcessVersion(deps.db, trx, instance.process_key, instance.version);
  const [event] = await rawQuery<EventsTable>(trx, 'select * from "events" where "id" = ?', [instance.event_id]);
  if (!event) throw new Error(`Instance ${instanceId} refers to no event`);
  const ctx = new StepContext(trx, deps, instance, def, event, cal, actor);
  const tokens = await rawQuery<ProcessTokensTable>(trx, 'select * from "process_tokens" where "instance_id" = ?', [instanceId]);
  for (const row of tokens) ctx.tokens.set(row.id, { row, isNew: false, dirty: false, deleted: false });
  return ctx;
}

/** Stops every live instance of an event (before it starts afresh, e.g. when reopened): tasks and timers go with them. */
export async function cancelInstancesOf(
  trx: Transaction<Database>,
  deps: EngineDeps,
  eventId: string,
  cal: Calendar,
  actor: EngineActor,
  reason: string,
): Promise<StepContext[]> {
  const live = await trx
    .selectFrom('process_instances')
    .select('id')
    .where('event_id', '=', eventId)
    .where('status', 'in', ['running', 'suspended', 'failed'])
    .execute();
  const steps: StepContext[] = [];
  for (const { id } of live) {
    const ctx = await openInstance(trx, deps, id, cal, actor);
    if (!ctx) continue;
    await cancelTokens(ctx, () => true, reason);
    ctx.instance.status = 'cancelled';
    ctx.instance.ended_at = ctx.nowIso;
    ctx.instanceDirty = true;
    ctx.log('process.cancelled', { instanceId: id, process: ctx.instance.process_key, version: ctx.instance.version, reason });
    await ctx.flush();
    steps.push(ctx);
  }
  return steps;
}

/** Moves a token on from where it stands until it has to wait. */
export async function run(ctx: StepContext, token: TokenState): Promise<void> {
  for (let steps = 0; steps < MAX_AUTOMATIC_STEPS; steps++) {
    if (token.deleted || ctx.instance.status !== 'running') return;
    const node = ctx.node(token.row.node_id);
    switch (node.kind) {
      case 'task': {
        const created = await createTasks(ctx, token, node);
        if (created > 0) return setState(token, 'active', null);
        // Nobody to give it to (e.g. no co-handling units): the step is skipped by its first outcome.
        ctx.log('task.skipped', { nodeId: node.id, title: node.title, reason: 'no_assignee_unit' });
        const next = node.outcomes[0]?.next;
        if (!next) return fail(ctx, node.id, 'The task has no unit to go to and no outcome to skip by');
        moveTo(token, next);
        continue;
      }
      case 'action': {
        let next: string;
        try {
          const outcome = await runAction(ctx, token, node);
          if (outcome === 'deferred') return setState(token, 'active', null);
          next = node.next;
        } catch (err) {
          if (!(err instanceof ActionError)) throw err;
          ctx.log('action.failed', { nodeId: node.id, action: node.action, title: node.title, message: err.message });
          if (!node.onError) return fail(ctx, node.id, err.message);
          next = node.onError;
        }
        moveTo(token, next);
        continue;
      }
      case 'wait': {
        setState(token, 'waiting', node.signal?.name ?? null);
        if (node.timer) {
          const { minutes, kind } = node.timer.duration;
          const due = kind === 'natural' ? new Date(ctx.now.getTime() + minutes * 60_000) : taskDeadline(ctx.cal, ctx.now, { minutes, kind }, 1).dueAt;
          ctx.addTimer('wait', due.toISOString(), { tokenId: token.row.id });
        }
        return;
      }
      case 'decision': {
        if (!ctx.scratch.has('coUnitCount') && readsQueriedFacts(node)) await prepareFacts(ctx);
        const context = { event: eventFacts(ctx), vars: ctx.vars };
        const hit = node.branches.find((b) => evaluateCondition(b.when, context));
        const next = hit?.next ?? node.default;
        if (!next) return fail(ctx, node.id, 'No branch matched and the decision has no default');
        moveTo(token, next);
        continue;
      }
      case 'parallel': {
        drop(token);
        const fork = token.row.fork_id ? `${token.row.fork_id}/${ctx.deps.ids.id()}` : ctx.deps.ids.id();
        for (const branch of node.branches) await run(ctx, ctx.newToken(branch, fork));
        return;
      }
      case 'join': {
        const fork = token.row.fork_id ?? '';
        const parent = fork.includes('/') ? fork.slice(0, fork.lastIndexOf('/')) : null;
        const parallel = ctx.node(node.parallel);
        const width = parallel.kind === 'parallel' ? parallel.branches.length : 1;
        setState(token, 'arrived', null);
        const arrived = [...ctx.tokens.values()].filter((t) => !t.deleted && t.row.node_id === node.id && t.row.fork_id === fork && t.row.state === 'arrived');
        if (node.mode === 'any') {
          await cancelTokens(ctx, (t) => t !== token && (t.row.fork_id === fork || (t.row.fork_id ?? '').startsWith(`${fork}/`)), 'branch_done');
        } else if (arrived.length < width) return;
        for (const t of arrived) if (t !== token) drop(t);
        token.row.fork_id = parent;
        token.dirty = true;
        moveTo(token, node.next);
        continue;
      }
      case 'end':
        drop(token);
        await endInstance(ctx, node.id, node.closingKind ?? null, node.status ?? null);
        return;
    }
  }
  await fail(ctx, token.row.node_id, `More than ${MAX_AUTOMATIC_STEPS} automatic steps without waiting`);
}

function moveTo(token: TokenState, nodeId: string): void {
  token.row.node_id = nodeId;
  token.row.state = 'active';
  token.row.signal = null;
  token.dirty = true;
}

function setState(token: TokenState, state: TokenState['row']['state'], signal: string | null): void {
  token.row.state = state;
  token.row.signal = signal;
  token.dirty = true;
}

function drop(token: TokenState): void {
  token.deleted = true;
}

/** Event fields a condition may read (PROCESS_EVENT_FIELDS). */
function eventFacts(ctx: StepContext): Record<string, unknown> {
  const e = ctx.current;
  return {
    category: e.category_code,
    source: e.source,
    urgency: e.urgency,
    status: e.status,
    supervised: e.supervised === 1,
    urgeCount: e.urge_count,
    overdue: e.overdue === 1,
    plate: e.plate,
    coUnitCount: ctx.scratch.get('coUnitCount') ?? 0,
    requiresConfirmation: ctx.scratch.get('requiresConfirmation') ?? false,
  };
}

const QUERIED_FACTS = /event\.(coUnitCount|requiresConfirmation)\b/;
const readsFacts = new WeakMap<object, boolean>();
function readsQueriedFacts(node: object): boolean {
  let r = readsFacts.get(node);
  if (r === undefined) readsFacts.set(node, (r = QUERIED_FACTS.test(JSON.stringify(node))));
  return r;
}

/** Loads the event facts that need a query, before a decision reads them. */
export async function prepareFacts(ctx: StepContext): Promise<void> {
  ctx.scratch.set('coUnitCount', (await ctx.host.people.coUnits(ctx.trx, ctx.event.id)).length);
  ctx.scratch.set('requiresConfirmation', (await ctx.categoryFacts()).requiresConfirmation);
}

async function fail(ctx: StepContext, nodeId: string, message: string): Promise<void> {
  ctx.instance.status = 'failed';
  ctx.instance.error = JSON.stringify({ nodeId, message });
  ctx.instanceDirty = true;
  ctx.log('process.failed', { instanceId: ctx.instance.id, nodeId, message });
}

/** Closes, rejects or voids the event as the end node says, and stops every other branch. */
export async function endInstance(ctx: StepContext, nodeId: string, closingKind: string | null, status: string | null): Promise<void> {
  await cancelTokens(ctx, () => true, 'process_ended');
  if (closingKind) ctx.closeEvent(closingKind);
  else if (status) ctx.patchEvent({ status, is_open: 0, closed_at: ctx.nowIso, due_at: null });
  ctx.instance.status = 'completed';
  ctx.instance.ended_at = ctx.nowIso;
  ctx.instanceDirty = true;
  ctx.log('process.ended', { instanceId: ctx.instance.id, nodeId, closingKind, status });
}

/** Removes live tokens matching `which`, cancelling their open tasks and timers. */
export async function cancelTokens(ctx: StepContext, which: (t: TokenState) => boolean, reason: string): Promise<void> {
  const victims = [...ctx.tokens.values()].filter((t) => !t.deleted && which(t));
  if (!victims.length) return;
  for (const t of victims) drop(t);
  const ids = victims.filter((t) => !t.isNew).map((t) => t.row.id);
  // Tasks created in this very step are still in memory.
  for (const task of ctx.newTasks) if (victims.some((v) => v.row.id === task.token_id)) task.status = 'cancelled';
  const gone = new Set(victims.map((v) => v.row.id));
  ctx.newTimers.splice(0, ctx.newTimers.length, ...ctx.newTimers.filter((tm) => !tm.token_id || !gone.has(tm.token_id)));
  if (!ids.length) return;
  const open = await ctx.trx
    .selectFrom('tasks')
    .select(['id', 'node_id', 'title_zh', 'title_en'])
    .where('token_id', 'in', ids)
    .where('status', 'in', OPEN_TASK)
    .execute();
  if (open.length) {
    await ctx.trx
      .updateTable('tasks')
      .set({ status: 'cancelled', updated_at: ctx.nowIso, completed_at: ctx.nowIso })
      .where(
        'id',
        'in',
        open.map((t) => t.id),
      )
      .execute();
    await ctx.trx
      .deleteFrom('process_timers')
      .where(
        'task_id',
        'in',
        open.map((t) => t.id),
      )
      .execute();
    for (const t of open) ctx.log('task.cancelled', { taskId: t.id, nodeId: t.node_id, title: { zh: t.title_zh, en: t.title_en }, reason });
  }
  await ctx.trx.deleteFrom('process_timers').where('token_id', 'in', ids).execute();
}

/** Creates the task(s) of a task node for a token; answers how many. */
async function createTasks(ctx: StepContext, token: TokenState, node: TaskNode): Promise<number> {
  if (!node.assignee) return 0;
  const units = await resolveAssigneeUnits(ctx.trx, ctx.host, ctx.territory, ctx.current, node.assignee.unit);
  if (!units.length) return 0;
  const facts = await ctx.categoryFacts();
  const warnShare = node.warnShare ?? 0.8;
  // Step × urgency limits, and the rule that keeps them within the event's deadline: task-limits.ts.
  const plan = planTaskDeadline({
    def: ctx.def,
    node,
    urgency: ctx.current.urgency,
    category: facts,
    cal: ctx.cal,
    now: ctx.now,
    warnShare,
    eventDueAt: ctx.current.due_at,
  });
  const limit = plan.limit;
  const deadline = plan.dueAt && plan.warnAt ? { dueAt: plan.dueAt, warnAt: plan.warnAt } : null;
  const category = facts.name;
  for (const unit of units) {
    const task: TasksTable = {
      id: ctx.deps.ids.id(),
      instance_id: ctx.instance.id,
      token_id: token.row.id,
      event_id: ctx.event.id,
      node_id: node.id,
      title_zh: node.title.zh,
      title_en: node.title.en,
      unit_id: unit.unitId,
      role: node.assignee.role,
      user_id: unit.userId,
      status: unit.userId ? 'claimed' : 'open',
      outcome: null,
      note: null,
      time_kind: limit?.kind ?? null,
      limit_minutes: limit?.minutes ?? null,
      extra_minutes: 0,
      warn_share: warnShare,
      started_at: ctx.nowIso,
      due_at: deadline?.dueAt.toISOString() ?? null,
      warn_at: deadline?.warnAt.toISOString() ?? null,
      paused_at: null,
      pending_request: null,
      overdue: 0,
      urge_count: 0,
      created_at: ctx.nowIso,
      updated_at: ctx.nowIso,
      completed_at: null,
      completed_by: null,
    };
    ctx.newTasks.push(task);
    if (task.warn_at) ctx.addTimer('warn', task.warn_at, { taskId: task.id, tokenId: token.row.id });
    if (task.due_at) ctx.addTimer('due', task.due_at, { taskId: task.id, tokenId: token.row.id });
    const unitName = ctx.territory.getUnit(unit.unitId)?.name ?? '';
    ctx.log(
      'task.created',
      { taskId: task.id, nodeId: node.id, title: node.title, unitId: unit.unitId, unitName, role: task.role, dueAt: task.due_at },
      { orgUnitId: unit.unitId },
    );
    const members = unit.userId ? [{ userId: unit.userId }] : await unitMembers(ctx.trx, ctx.host, unit.unitId, task.role);
    for (const m of members) {
      if (ctx.alreadyTold?.has(m.userId)) continue;
      ctx.notify({
        channel: 'in_app',
        kind: 'task.assigned',
        recipientUserId: m.userId,
        eventId: ctx.event.id,
        link: `/events/${ctx.event.id}`,
        vars: { code: ctx.event.code, category, task: node.title.zh, unit: unitName },
        urgent: ctx.current.urgency !== 'normal',
        idempotencyKey: `task:${task.id}:assigned:${m.userId}`,
      });
    }
  }
  // The event's own deadline is its handling limit (the category's), not every step's.
  const handling = plan.setsEventDeadline && deadline;
  if (node.eventStatus && !ctx.keepEventStatus) ctx.patchEvent({ status: node.eventStatus, ...(handling ? { due_at: deadline.dueAt.toISOString() } : {}) });
  return units.length;
}

/** Runs a token on after something woke it (a completed task, a timer, a signal). */
export async function continueFrom(ctx: StepContext, token: TokenState, nodeId: string): Promise<void> {
  moveTo(token, nodeId);
  await run(ctx, token);
}

export type { ProcessDefinition };
