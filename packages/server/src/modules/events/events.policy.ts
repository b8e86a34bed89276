import { FINAL_STATUSES, ROLES, type EventStatus, type Role, type Urgency } from '@liandong/contracts';
import type { EventsTable } from '../../db/schema.ts';
import type { Principal } from '../auth/principal.ts';

/** Every role may report except integrators signed in as users (they integrate through API keys). */
export const REPORTING_ROLES: Role[] = ROLES.filter((r) => r !== 'integrator');
/** 督办 is a superior's act. */
export const SUPERVISING_ROLES: Role[] = ['admin', 'leader', 'duty_officer'];
/** Who may reopen a closed event besides its reporter. */
export const REOPENING_ROLES: Role[] = ['admin', 'leader', 'duty_officer', 'dispatcher'];

export const isFinalStatus = (s: string) => FINAL_STATUSES.includes(s as EventStatus);

export const isReporter = (p: Principal, e: Pick<EventsTable, 'reporter_user_id'>) =>
  p.kind === 'user' && p.userId !== null && e.reporter_user_id === p.userId;

export const hasAnyRole = (p: Principal, roles: Role[]) => p.kind === 'user' && roles.some((r) => p.roles.includes(r));

/** Supervision raises urgency one level; critical stays critical. */
export function raiseUrgency(u: string): Urgency {
  return u === 'normal' ? 'urgent' : 'critical';
}

/**
 * Status an event starts in: AI and meter reports of a category that needs a human look wait
 * for the duty room's confirmation; everything else is reported (acceptance comes from the process).
 */
export function initialStatus(requiresConfirmation: boolean, source: string): EventStatus {
  return requiresConfirmation && (source === 'iot' || source === 'video') ? 'pending_confirmation' : 'reported';
}
