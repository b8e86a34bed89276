import type { ListTasksQuery, TaskAction, TaskActionRequest, TaskView } from '@liandong/contracts';
import type { TasksTable } from '../../db/schema.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { continueFrom, openInstance } from '../../engine/runtime/runner.ts';
import { extendInstant, shiftByPause } from '../../engine/runtime/sla.ts';
import type { StepContext } from '../../engine/runtime/step-context.ts';
import type { TimeKind } from '../../engine/time/deadline.ts';
import type { Principal } from '../auth/principal.ts';
import { loadCalendar } from '../calendar/calendar.loader.ts';
import { linkUploadsToEvent } from '../events/events.repository.ts';
import { canActOnTask, canApprove, isAdmin, isTaskHandler } from './tasks.policy.ts';
import { presentTasks } from './tasks.presenter.ts';
import { findTasks, findTaskRow } from './tasks.repository.ts';

export type TasksDeps = Pick<
  AppDeps,
  'db' | 'clock' | 'ids' | 'territory' | 'logger' | 'dialect' | 'writes' | 'config' | 'caches' | 'stream' | 'bus' | 'engineHost'
>;

const OPEN = new Set(['open', 'claimed', 'shelved']);
const DUE_SOON_MS = 4 * 3_600_000;

export async function listTasks(deps: TasksDeps, principal: Principal, q: ListTasksQuery): Promise<{ items: TaskView[] }> {
  if (q.assignee === 'all' && !isAdmin(principal)) throw new AppError('FORBIDDEN', 'Only administrators may list every task');
  const now = deps.clock.now();
  const rows = await findTasks(deps.db, {
    assignee: q.assignee,
    userId: principal.userId,
    memberships: principal.memberships.map((m) => ({ unitId: m.orgUnitId, role: m.role })),
    status: q.status,
    eventId: q.eventId,
    dueBefore: q.due === 'soon' ? new Date(now.getTime() + DUE_SOON_MS).toISOString() : undefined,
    overdueAt: q.due === 'overdue' ? now : undefined,
    limit: q.limit,
  });
  return { items: await presentTasks(deps, rows, now) };
}

export async function getTask(deps: TasksDeps, principal: Principal, id: string): Promise<TaskView> {
  const row = await findTaskRow(deps.db, id);
  if (!row || !canSeeTask(deps, principal, row)) throw new AppError('TASK_NOT_FOUND', 'Task not found');
  return (await presentTasks(deps, [row], deps.clock.now()))[0]!;
}

function canSeeTask(deps: TasksDeps, principal: Principal, row: TasksTable): boolean {
  return (
    isAdmin(principal) ||
    canActOnTask(principal, row, deps.territory.getUnit(row.unit_id)?.path) ||
    principal.memberships.some((m) => m.orgUnitId === row.unit_id)
  );
}

interface ActionInput {
  principal: Principal;
  taskId: string;
  action: TaskAction;
  body: TaskActionRequest;
}

/**
 * One action on one task, in one transaction with everything it causes (the process moving on,
 * new tasks, timeline, notifications): 404 when the caller may not see the task, 403 when they
 * may not act on it, 409 when the task is not in a state (or the step does not allow) the action.
 */
export async function actOnTask(deps: TasksDeps, input: ActionInput): Promise<TaskView> {
  const cal = await loadCalendar(deps);
  const after: Array<() => void> = [];
  await deps.writes.transaction(async (trx) => {
    const task = await findTaskRow(trx, input.taskId, deps.dialect === 'postgres');
    const { principal } = input;
    if (!task || !canSeeTask(deps, principal, task)) throw new AppError('TASK_NOT_FOUND', 'Task not found');
    const unitPath = deps.territory.getUnit(task.unit_id)?.path;
    if (!canActOnTask(principal, task, unitPath)) throw new AppError('FORBIDDEN', 'You are not a handler of this task');
    const ctx = await openInstance(trx, deps, task.instance_id, cal, principal);
    if (!ctx) throw new AppError('TASK_NOT_FOUND', 'Task not found');
    if (ctx.instance.status !== 'running') throw new AppError('INVALID_STATE', `The process is ${ctx.instance.status}`);
    const node = ctx.nodes.get(task.node_id);
    if (node?.kind !== 'task') throw new AppError('INVALID_STATE', 'The task’s step no longer exists');
    const step = new TaskStep(ctx, task, principal);
    await step[input.action](input.body, node, unitPath);
    await ctx.flush();
    after.push(...ctx.afterCommit);
  });
  for (const f of after) f();
  const row = await findTaskRow(deps.db, input.taskId);
  return (await presentTasks(deps, [row!], deps.clock.now()))[0]!;
}

type Node = Extract<StepContext['def']['nodes'][number], { kind: 'task' }>;

class TaskStep {
  constructor(
    private ctx: StepContext,
    private task: TasksTable,
    private principal: Principal,
  ) {}

  private get trx() {
    return this.ctx.trx;
  }

  private requireStatus(...allowed: TasksTable['status'][]): void {
    if (!allowed.includes(this.task.status)) throw new AppError('INVALID_STATE', `The task is ${this.task.status}`, { status: this.task.status, allowed });
  }

  private requireAllowed(what: 'return' | 'transfer' | 'extend' | 'shelve', node: Node): void {
    const ok = what === 'return' ? !!node.allow?.return : !!node.allow?.[what];
    if (!ok) throw new AppError('INVALID_STATE', `This step does not allow ${what}`, { allowed: node.allow ?? {} });
  }

  private async update(set: Partial<TasksTable>): Promise<void> {
    Object.assign(this.task, set);
    await this.trx
      .updateTable('tasks')
      .set({ ...set, updated_at: this.ctx.nowIso })
      .where('id', '=', this.task.id)
      .execute();
  }

  private log(kind: string, data: Record<string, unknown> = {}): void {
    this.ctx.log(
      kind,
      { taskId: this.task.id, nodeId: this.task.node_id, title: { zh: this.task.title_zh, en: this.task.title_en }, ...data },
      { orgUnitId: this.task.unit_id },
    );
  }

  private async dropSlaTimers(): Promise<void> {
    await this.trx.deleteFrom('process_timers').where('task_id', '=', this.task.id).execute();
  }

  private async rescheduleSla(): Promise<void> {
    await this.dropSlaTimers();
    const ref = { taskId: this.task.id, tokenId: this.task.token_id };
    if (this.task.warn_at && this.task.warn_at > this.ctx.nowIso) this.ctx.addTimer('warn', this.task.warn_at, ref);
    if (this.task.due_at && this.task.overdue === 0) this.ctx.addTimer('due', this.task.due_at, ref);
  }

  async claim(): Promise<void> {
    this.requireStatus('open');
    await this.update({ status: 'claimed', user_id: this.principal.userId });
    this.log('task.claimed');
  }

  async complete(body: TaskActionRequest, node: Node): Promise<void> {
    this.requireStatus('open', 'claimed');
    const outcome = body.outcome ?? (node.outcomes.length === 1 ? node.outcomes[0]!.key : undefined);
    const chosen = node.outcomes.find((o) => o.key === outcome);
    if (!chosen) {
      throw new AppError('UNKNOWN_OUTCOME', outcome ? `Unknown outcome ${outcome}` : 'Choose an outcome', { outcomes: node.outcomes.map((o) => o.key) });
    }
    const photos = body.attachments?.map((a) => a.dataId) ?? [];
    if (photos.length) {
      const linked = await linkUploadsToEvent(this.trx, this.ctx.event.id, photos, this.principal.userId);
      if (linked !== photos.length) throw new AppError('INVALID_ATTACHMENT', 'An attachment is unknown, not yours, or already used', { attachments: photos });
    }
    await this.update({
      status: 'completed',
      outcome: chosen.key,
      note: body.note ?? null,
      user_id: this.task.user_id ?? this.principal.userId,
      completed_at: this.ctx.nowIso,
      completed_by: this.principal.userId,
    });
    await this.dropSlaTimers();
    this.log('task.completed', { outcome: chosen.key, outcomeTitle: chosen.title ?? null, note: body.note ?? null, attachments: photos.length });
    await this.leave(chosen.next);
  }

  /** Moves the token on once none of its tasks (one per co-handling unit) is still open. */
  private async leave(next: string): Promise<void> {
    const open = await this.trx
      .selectFrom('tasks')
      .select('id')
      .where('token_id', '=', this.task.token_id)
      .where('status', 'in', ['open', 'claimed', 'shelved'])
      .where('id', '!=', this.task.id)
      .execute();
    if (open.length) return;
    const token = this.ctx.tokens.get(this.task.token_id);
    if (token) await continueFrom(this.ctx, token, next);
  }

  async return(body: TaskActionRequest, node: Node): Promise<void> {
    this.requireStatus('open', 'claimed');
    this.requireAllowed('return', node);
    await this.update({ status: 'returned', note: body.note ?? null, completed_at: this.ctx.nowIso, completed_by: this.principal.userId });
    await this.dropSlaTimers();
    // The other units' parts of the same step end with it.
    const siblings = await this.trx
      .selectFrom('tasks')
      .select('id')
      .where('token_id', '=', this.task.token_id)
      .where('status', 'in', ['open', 'claimed', 'shelved'])
      .execute();
    if (siblings.length) {
      const ids = siblings.map((s) => s.id);
      await this.trx
        .updateTable('tasks')
        .set({ status: 'cancelled', updated_at: this.ctx.nowIso, completed_at: this.ctx.nowIso })
        .where('id', 'in', ids)
        .execute();
      await this.trx.deleteFrom('process_timers').where('task_id', 'in', ids).execute();
    }
    this.log('task.returned', { note: body.note ?? null });
    const token = this.ctx.tokens.get(this.task.token_id);
    if (token) await continueFrom(this.ctx, token, node.allow!.return!.next);
  }

  async transfer(body: TaskActionRequest, node: Node): Promise<void> {
    this.requireStatus('open', 'claimed');
    this.requireAllowed('transfer', node);
    const to = body.toUnitId ? this.ctx.deps.territory.getUnit(body.toUnitId) : undefined;
    if (!body.toUnitId) throw new AppError('VALIDATION_FAILED', 'toUnitId is required to transfer a task', { field: 'toUnitId' });
    if (!to) throw new AppError('UNKNOWN_ORG_UNIT', `No unit ${body.toUnitId}`, { field: 'toUnitId' });
    if (to.id === this.task.unit_id) throw new AppError('INVALID_STATE', 'The task is already with that unit');
    const from = this.task.unit_id;
    await this.update({ unit_id: to.id, user_id: null, status: 'open' });
    this.log('task.transferred', {
      fromUnitId: from,
      fromUnitName: this.ctx.deps.territory.getUnit(from)?.name ?? '',
      toUnitId: to.id,
      toUnitName: to.name,
      note: body.note ?? null,
    });
    if (this.task.node_id === node.id && node.eventStatus)
      this.ctx.patchEvent({ lead_unit_id: this.ctx.event.lead_unit_id === from ? to.id : this.ctx.event.lead_unit_id });
    const { unitMembers } = await import('../../engine/runtime/assignment.ts');
    for (const m of await unitMembers(this.trx, this.ctx.host, to.id, this.task.role, { fresh: true })) {
      this.ctx.notify({
        channel: 'in_app',
        kind: 'task.assigned',
        recipientUserId: m.userId,
        eventId: this.ctx.event.id,
        link: `/events/${this.ctx.event.id}`,
        vars: { code: this.ctx.event.code, category: (await this.ctx.categoryFacts()).name, task: this.task.title_zh, unit: to.name },
        urgent: false,
        idempotencyKey: `task:${this.task.id}:transferred:${to.id}:${this.ctx.nowIso}:${m.userId}`,
      });
    }
  }

  /** Extension (延期): granted at once when the caller may approve, else waits for approval. */
  async extend(body: TaskActionRequest, node: Node, unitPath?: string): Promise<void> {
    this.requireStatus('open', 'claimed');
    this.requireAllowed('extend', node);
    if (!body.extraMinutes) throw new AppError('VALIDATION_FAILED', 'extraMinutes is required to extend a task', { field: 'extraMinutes' });
    if (!this.task.due_at) throw new AppError('INVALID_STATE', 'The task has no time limit to extend');
    if (this.task.pending_request) throw new AppError('INVALID_STATE', 'A request is already waiting for approval');
    if (canApprove(this.principal, this.task, unitPath) && !isTaskHandler(this.principal, this.task))
      return this.grantExtension(body.extraMinutes, body.note ?? null);
    await this.request('extend', body);
  }

  private async request(kind: 'extend' | 'shelve', body: TaskActionRequest): Promise<void> {
    const pending = {
      kind,
      extraMinutes: body.extraMinutes ?? null,
      note: body.note ?? null,
      byUserId: this.principal.userId,
      byName: this.principal.name,
      at: this.ctx.nowIso,
    };
    await this.update({ pending_request: JSON.stringify(pending) });
    this.log(`task.${kind}_requested`, { extraMinutes: pending.extraMinutes, note: pending.note });
  }

  private async grantExtension(minutes: number, note: string | null): Promise<void> {
    const kind = (this.task.time_kind ?? 'working') as TimeKind;
    const due = extendInstant(this.ctx.cal, kind, new Date(this.task.due_at!), minutes);
    const warn = this.task.warn_at ? extendInstant(this.ctx.cal, kind, new Date(this.task.warn_at), minutes) : null;
    await this.update({
      extra_minutes: this.task.extra_minutes + minutes,
      due_at: due.toISOString(),
      warn_at: warn?.toISOString() ?? null,
      pending_request: null,
      overdue: due.toISOString() > this.ctx.nowIso ? 0 : this.task.overdue,
    });
    await this.rescheduleSla();
    this.log('task.extended', { extraMinutes: minutes, dueAt: this.task.due_at, note });
    this.ctx.patchEvent({ due_at: this.task.due_at });
  }

  /** Shelving (挂起): the clock stops; granted at once when the caller may approve. */
  async shelve(body: TaskActionRequest, node: Node, unitPath?: string): Promise<void> {
    this.requireStatus('open', 'claimed');
    this.requireAllowed('shelve', node);
    if (this.task.pending_request) throw new AppError('INVALID_STATE', 'A request is already waiting for approval');
    if (canApprove(this.principal, this.task, unitPath) && !isTaskHandler(this.principal, this.task)) return this.grantShelving(body.note ?? null);
    await this.request('shelve', body);
  }

  private async grantShelving(note: string | null): Promise<void> {
    await this.update({ status: 'shelved', paused_at: this.ctx.nowIso, pending_request: null });
    await this.dropSlaTimers();
    this.log('task.shelved', { note });
  }

  async resume(body: TaskActionRequest): Promise<void> {
    this.requireStatus('shelved');
    const kind = (this.task.time_kind ?? 'working') as TimeKind;
    const from = new Date(this.task.paused_at!);
    const shift = (iso: string | null) => (iso ? shiftByPause(this.ctx.cal, kind, new Date(iso), from, this.ctx.now).toISOString() : null);
    await this.update({ status: this.task.user_id ? 'claimed' : 'open', paused_at: null, due_at: shift(this.task.due_at), warn_at: shift(this.task.warn_at) });
    await this.rescheduleSla();
    this.log('task.resumed', { dueAt: this.task.due_at, note: body.note ?? null });
    if (this.task.due_at) this.ctx.patchEvent({ due_at: this.task.due_at });
  }

  async approve(body: TaskActionRequest, _node: Node, unitPath?: string): Promise<void> {
    if (!this.task.pending_request) throw new AppError('INVALID_STATE', 'Nothing is waiting for approval');
    if (!canApprove(this.principal, this.task, unitPath))
      throw new AppError('FORBIDDEN', 'Approving needs a dispatcher, duty officer or leader above the task’s unit');
    if (body.approved === undefined) throw new AppError('VALIDATION_FAILED', 'approved (true or false) is required', { field: 'approved' });
    const pending = JSON.parse(this.task.pending_request) as { kind: 'extend' | 'shelve'; extraMinutes: number | null };
    if (!body.approved) {
      await this.update({ pending_request: null });
      this.log(`task.${pending.kind}_rejected`, { note: body.note ?? null });
      return;
    }
    if (pending.kind === 'extend') return this.grantExtension(pending.extraMinutes ?? 0, body.note ?? null);
    return this.grantShelving(body.note ?? null);
  }
}

export { OPEN as OPEN_TASK_STATUSES };
