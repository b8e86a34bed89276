import type { Role, TaskView } from '@liandong/contracts';
import type { TasksTable } from '../../db/schema.ts';
import type { AppDeps } from '../../deps.ts';
import { loadProcessVersion } from '../../engine/runtime/definition-store.ts';
import { isTaskOverdue } from '../../engine/runtime/overdue.ts';
import { taskSlaState } from '../../engine/runtime/sla.ts';

/** Tasks as the API shows them, with their event's headline and what their step allows. */
export async function presentTasks(deps: Pick<AppDeps, 'db' | 'territory'>, rows: TasksTable[], now: Date): Promise<TaskView[]> {
  if (!rows.length) return [];
  const eventIds = [...new Set(rows.map((r) => r.event_id))];
  const instanceIds = [...new Set(rows.map((r) => r.instance_id))];
  const events = new Map(
    (
      await deps.db
        .selectFrom('events')
        .select(['id', 'code', 'title', 'status', 'category_code', 'urgency', 'supervised'])
        .where('id', 'in', eventIds)
        .execute()
    ).map((e) => [e.id, e]),
  );
  const instances = new Map(
    (await deps.db.selectFrom('process_instances').select(['id', 'process_key', 'version']).where('id', 'in', instanceIds).execute()).map((i) => [i.id, i]),
  );
  const out: TaskView[] = [];
  for (const r of rows) {
    const e = events.get(r.event_id);
    const inst = instances.get(r.instance_id);
    const def = inst ? await loadProcessVersion(deps.db, deps.db, inst.process_key, inst.version) : undefined;
    const node = def?.nodes.find((n) => n.id === r.node_id);
    const task = node?.kind === 'task' ? node : undefined;
    out.push({
      id: r.id,
      eventId: r.event_id,
      eventCode: e?.code ?? '',
      eventTitle: e?.title ?? '',
      eventStatus: e?.status ?? '',
      categoryCode: e?.category_code ?? '',
      urgency: e?.urgency ?? 'normal',
      supervised: e?.supervised === 1,
      processKey: inst?.process_key ?? '',
      processVersion: inst?.version ?? 0,
      nodeId: r.node_id,
      title: { zh: r.title_zh, en: r.title_en },
      unitId: r.unit_id,
      unitName: deps.territory.getUnit(r.unit_id)?.name ?? '',
      role: r.role as Role,
      assigneeUserId: r.user_id,
      status: r.status,
      outcome: r.outcome,
      note: r.note,
      outcomes: (task?.outcomes ?? []).map((o) => ({ key: o.key, title: o.title ?? null })),
      allowed: {
        return: !!task?.allow?.return,
        transfer: !!task?.allow?.transfer,
        extend: !!task?.allow?.extend,
        shelve: !!task?.allow?.shelve,
      },
      timeKind: (r.time_kind as 'working' | 'natural' | null) ?? null,
      limitMinutes: r.limit_minutes,
      extraMinutes: r.extra_minutes,
      startedAt: r.started_at,
      dueAt: r.due_at,
      warnAt: r.warn_at,
      slaState: taskSlaState(r, now),
      overdue: isTaskOverdue(r, now),
      urgeCount: r.urge_count,
      pendingRequest: r.pending_request ? JSON.parse(r.pending_request) : null,
      createdAt: r.created_at,
      completedAt: r.completed_at,
    });
  }
  return out;
}
