import type { InstanceView, SignalSender } from '@liandong/contracts';
import type { Transaction } from 'kysely';
import type { Database, EventsTable, ProcessInstancesTable } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { resolveAssigneeUnits } from '../../engine/runtime/assignment.ts';
import { activeProcessVersion, loadProcessVersion } from '../../engine/runtime/definition-store.ts';
import { continueFrom, openInstance, run } from '../../engine/runtime/runner.ts';
import { deliverSignal } from '../../engine/runtime/signals.ts';
import type { StepContext } from '../../engine/runtime/step-context.ts';
import { writeAudit, type AuditEntry } from '../auth/audit.ts';
import type { Principal } from '../auth/principal.ts';
import { loadCalendar } from '../calendar/calendar.loader.ts';
import { findVisibleEvent } from '../events/event-query.service.ts';
import { findEventRow, listEventUnits } from '../events/events.repository.ts';
import { keyBindingCoversEvent } from '../events/key-binding.ts';
import { decideSignal } from './signals.policy.ts';
import type { TasksDeps } from './tasks.service.ts';
import { processKeyFor } from '../intake/process-choice.ts';
import { queuedProcessKey } from '../notify/linkage-queue.ts';

export async function presentInstance(db: TasksDeps['db'], row: ProcessInstancesTable): Promise<InstanceView> {
  const [tokens, timers] = await Promise.all([
    db.selectFrom('process_tokens').selectAll().where('instance_id', '=', row.id).orderBy('created_at').execute(),
    db.selectFrom('process_timers').selectAll().where('instance_id', '=', row.id).orderBy('due_at').execute(),
  ]);
  return {
    id: row.id,
    eventId: row.event_id,
    processKey: row.process_key,
    version: row.version,
    status: row.status,
    vars: JSON.parse(row.vars),
    error: row.error ? JSON.parse(row.error) : null,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    tokens: tokens.map((t) => ({ id: t.id, nodeId: t.node_id, state: t.state, signal: t.signal })),
    timers: timers.map((t) => ({ id: t.id, kind: t.kind, dueAt: t.due_at, taskId: t.task_id })),
  };
}

/** The process instances of an event the caller can see, newest first. */
export async function eventInstances(deps: TasksDeps, principal: Principal, eventId: string): Promise<{ items: InstanceView[] }> {
  await findVisibleEvent(deps, principal, eventId);
  const rows = await deps.db
    .selectFrom('process_instances')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return { items: await Promise.all(rows.map((r) => presentInstance(deps.db, r))) };
}

/**
 * POST /events/:id/signals: wakes what waits for the signal; 0 delivered is not an error (the car
 * may leave late). Only the senders the event's process declares for the signal may send it
 * (signals.policy.ts); every attempt, allowed or refused, goes to the audit log.
 */
export async function signalEvent(
  deps: TasksDeps,
  principal: Principal,
  eventId: string,
  name: string,
  data?: Record<string, unknown>,
  ctx: { ip: string | null } = { ip: null },
) {
  const row = await findSignalTarget(deps, principal, eventId);
  const senders = await declaredSenders(deps, row, name);
  const roleUnits = await Promise.all(
    senders.map((s) =>
      s.kind === 'role' ? resolveAssigneeUnits(deps.db as unknown as Transaction<Database>, deps.engineHost, deps.territory, row, s.unit) : null,
    ),
  );
  const decision = decideSignal(principal, senders, { reporterUserId: row.reporter_user_id, roleUnits });
  const audit = (action: string, details: Record<string, unknown>): AuditEntry => ({
    at: deps.clock.now().toISOString(),
    actorUserId: principal.userId,
    actorName: principal.name,
    action,
    targetType: 'event',
    targetId: eventId,
    ip: ctx.ip,
    details: { name, ...(principal.apiKeyId ? { apiKeyId: principal.apiKeyId } : {}), ...details },
  });
  if (!decision.allowed) {
    await deps.writes.transaction((trx) => writeAudit(trx, audit('process.signal_refused', { reason: decision.reason })));
    throw new AppError('SIGNAL_FORBIDDEN', `You may not send signal ${name} to this event: ${decision.reason}`, { name });
  }
  const cal = await loadCalendar(deps);
  const result = await deps.writes.transaction(async (trx) => {
    const r = await deliverSignal(trx, deps, { eventId, name, data, actor: principal, cal });
    await writeAudit(trx, audit('process.signal', { as: decision.as, delivered: r.delivered }));
    return r;
  });
  for (const f of result.afterCommit) f();
  return { eventId, name, delivered: result.delivered };
}

/**
 * The event a signal is addressed to: one the user can see; for an API key (which needs no read
 * scope to signal), any event within the unit it is bound to. Anything else is not found.
 */
async function findSignalTarget(deps: TasksDeps, principal: Principal, eventId: string): Promise<EventsTable> {
  if (principal.kind !== 'api_key') return (await findVisibleEvent(deps, principal, eventId)).row;
  const row = await findEventRow(deps.db, eventId);
  if (!row || !keyBindingCoversEvent(principal, row, await listEventUnits(deps.db, [eventId]))) throw new AppError('EVENT_NOT_FOUND', 'Event not found');
  return row;
}

/**
 * Who the event's processes let send `name`: the senders of every wait for it, in every process
 * version the event has run on (a late signal after the wait is over is still judged by them),
 * or, before its process starts, in the active version of the process it will start.
 */
async function declaredSenders(deps: TasksDeps, row: EventsTable, name: string): Promise<SignalSender[]> {
  let versions = await deps.db.selectFrom('process_instances').select(['process_key', 'version']).distinct().where('event_id', '=', row.id).execute();
  if (versions.length === 0) {
    // The process the intake queued for it, else the one the engine will choose (modules/intake/process-choice.ts).
    const key = (await queuedProcessKey(deps.db, row.id)) ?? (await processKeyFor(deps.db, row));
    const active = await activeProcessVersion(deps.db, key);
    versions = active ? [{ process_key: key, version: active }] : [];
  }
  const senders: SignalSender[] = [];
  for (const v of versions) {
    const def = await loadProcessVersion(deps.db, deps.db, v.process_key, v.version);
    for (const node of def.nodes) if (node.kind === 'wait' && node.signal?.name === name) senders.push(...(node.signal.senders ?? []));
  }
  return senders;
}

type AdminAction = 'retry' | 'skip' | 'suspend' | 'resume' | 'migrate';

/**
 * Administrators' tools for a stuck or outdated instance: run a failed step again, skip it,
 * suspend and resume (timers wait, task actions are refused), or move it to another version
 * of its process when every place it stands at exists there.
 */
export async function actOnInstance(
  deps: TasksDeps,
  principal: Principal,
  id: string,
  action: AdminAction,
  body: { version?: number; note?: string },
): Promise<InstanceView> {
  const cal = await loadCalendar(deps);
  const after: Array<() => void> = [];
  await deps.writes.transaction(async (trx) => {
    const ctx = await openInstance(trx, deps, id, cal, principal);
    if (!ctx) throw new AppError('INSTANCE_NOT_FOUND', 'Process instance not found');
    const inst = ctx.instance;
    const need = (...s: ProcessInstancesTable['status'][]) => {
      if (!s.includes(inst.status)) throw new AppError('INVALID_STATE', `The instance is ${inst.status}`, { status: inst.status, allowed: s });
    };
    const setStatus = (status: ProcessInstancesTable['status']) => {
      inst.status = status;
      ctx.instanceDirty = true;
    };
    const failedNode = inst.error ? (JSON.parse(inst.error) as { nodeId: string }).nodeId : null;
    const failedToken = () => [...ctx.tokens.values()].find((tk) => !tk.deleted && tk.row.node_id === failedNode);
    switch (action) {
      case 'suspend':
        need('running');
        setStatus('suspended');
        break;
      case 'resume':
        need('suspended');
        setStatus('running');
        break;
      case 'retry': {
        need('failed');
        setStatus('running');
        inst.error = null;
        const token = failedToken();
        if (token) await run(ctx, token);
        break;
      }
      case 'skip': {
        need('failed');
        const token = failedToken();
        const node = failedNode ? ctx.nodes.get(failedNode) : undefined;
        const next = node && 'next' in node ? (node.next as string) : undefined;
        if (!token || !next) throw new AppError('INVALID_STATE', 'The failed step has no single next step to skip to');
        setStatus('running');
        inst.error = null;
        ctx.log('process.step_skipped', { nodeId: failedNode, note: body.note ?? null });
        await continueFrom(ctx, token, next);
        break;
      }
      case 'migrate':
        await migrate(ctx, body.version);
        break;
    }
    ctx.log(`process.${action}`, { instanceId: inst.id, status: inst.status, version: inst.version, note: body.note ?? null });
    await ctx.flush();
    after.push(...ctx.afterCommit);
  });
  for (const f of after) f();
  const row = await deps.db.selectFrom('process_instances').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return presentInstance(deps.db, row);
}

async function migrate(ctx: StepContext, version: number | undefined): Promise<void> {
  const inst = ctx.instance;
  if (!['running', 'suspended'].includes(inst.status)) throw new AppError('INVALID_STATE', `The instance is ${inst.status}`);
  const target =
    version ?? (await ctx.trx.selectFrom('processes').select('active_version').where('key', '=', inst.process_key).executeTakeFirst())?.active_version;
  if (!target || target === inst.version) throw new AppError('INVALID_STATE', 'The instance is already on that version');
  const def = await loadProcessVersion(ctx.deps.db, ctx.trx, inst.process_key, target);
  const ids = new Set(def.nodes.map((n) => n.id));
  const missing = [...ctx.tokens.values()].filter((t) => !t.deleted && !ids.has(t.row.node_id)).map((t) => t.row.node_id);
  if (missing.length) throw new AppError('INVALID_STATE', `Version ${target} has no step ${missing.join(', ')} where the instance stands`, { missing });
  inst.version = target;
  ctx.instanceDirty = true;
}
