import type { Role } from '@liandong/contracts';
import type { TasksTable } from '../../db/schema.ts';
import type { Principal } from '../auth/principal.ts';

/** Who may grant an extension or a shelving, and resume or take over work: the command side. */
export const APPROVING_ROLES: readonly Role[] = ['dispatcher', 'duty_officer', 'leader'];

type TaskFacts = Pick<TasksTable, 'unit_id' | 'role' | 'user_id'>;

export const isAdmin = (p: Principal) => p.roles.includes('admin');

/** The task's own people: the one it is assigned to, or anyone with its role in its unit. */
export function isTaskHandler(p: Principal, task: TaskFacts): boolean {
  if (task.user_id) return task.user_id === p.userId;
  return p.memberships.some((m) => m.orgUnitId === task.unit_id && m.role === task.role);
}

/** The handlers, and the command side of the task's unit or any unit above it (paths are prefixes). */
export function canApprove(p: Principal, task: TaskFacts, unitPath: string | undefined): boolean {
  if (isAdmin(p)) return true;
  if (!unitPath) return false;
  return p.memberships.some((m) => APPROVING_ROLES.includes(m.role) && unitPath.startsWith(m.orgUnitPath));
}

/** Acting on a task: its handlers, or the command side above it (who may also re-dispatch). */
export function canActOnTask(p: Principal, task: TaskFacts, unitPath: string | undefined): boolean {
  return isTaskHandler(p, task) || canApprove(p, task, unitPath);
}
