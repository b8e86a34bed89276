import type { Kysely, Transaction } from 'kysely';
import type { Database, TasksTable } from '../../db/schema.ts';
import { taskOverdueWhere } from '../../engine/runtime/overdue.ts';

type Q = Kysely<Database> | Transaction<Database>;

/** One task; `lock` takes its row lock (PostgreSQL) so two actions on it serialise. */
export async function findTaskRow(db: Q, id: string, lock = false): Promise<TasksTable | undefined> {
  let q = db.selectFrom('tasks').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export interface TaskFilter {
  assignee: 'me' | 'unit' | 'all';
  userId: string | null;
  memberships: Array<{ unitId: string; role: string }>;
  status: 'open' | 'done' | 'all';
  eventId?: string;
  /** Open tasks due before this instant (ISO). */
  dueBefore?: string;
  /** Tasks overdue at this instant (engine/runtime/overdue.ts). */
  overdueAt?: Date;
  limit: number;
}

/** The inbox: most pressing first (earliest due, those without a limit last), then oldest. */
export async function findTasks(db: Q, f: TaskFilter): Promise<TasksTable[]> {
  let q = db.selectFrom('tasks').selectAll();
  if (f.assignee === 'me') {
    const units = f.memberships;
    q = q.where((eb) =>
      eb.or([
        ...(f.userId ? [eb('user_id', '=', f.userId)] : []),
        ...units.map((m) => eb.and([eb('unit_id', '=', m.unitId), eb('role', '=', m.role), eb('user_id', 'is', null)])),
        eb.lit(false),
      ]),
    );
  } else if (f.assignee === 'unit') {
    const ids = [...new Set(f.memberships.map((m) => m.unitId))];
    q = ids.length ? q.where('unit_id', 'in', ids) : q.where((eb) => eb.lit(false));
  }
  if (f.status === 'open') q = q.where('status', 'in', ['open', 'claimed', 'shelved']);
  else if (f.status === 'done') q = q.where('status', 'in', ['completed', 'returned', 'cancelled']);
  if (f.eventId) q = q.where('event_id', '=', f.eventId);
  if (f.dueBefore) q = q.where('due_at', '<=', f.dueBefore).where('status', 'in', ['open', 'claimed']);
  if (f.overdueAt) {
    const at = f.overdueAt;
    q = q.where((eb) => taskOverdueWhere(eb, at));
  }
  return q
    .orderBy((eb) => eb.fn.coalesce('due_at', eb.val('9999')), 'asc')
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .limit(f.limit)
    .execute();
}
