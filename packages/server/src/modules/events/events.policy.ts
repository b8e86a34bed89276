import { ROLES, type Role, type Urgency } from '@liandong/contracts';
import type { EventsTable } from '../../db/schema.ts';
import type { Principal } from '../auth/principal.ts';

/** Every role may report except integrators signed in as users (they integrate through API keys). */
export const REPORTING_ROLES: Role[] = ROLES.filter((r) => r !== 'integrator');
/** 督办 is a superior's act. */
export const SUPERVISING_ROLES: Role[] = ['admin', 'leader', 'duty_officer'];
/** Who may reopen a closed event besides its reporter. */
export const REOPENING_ROLES: Role[] = ['admin', 'leader', 'duty_officer', 'dispatcher'];

// Final statuses are defined once, in contracts.
export { isFinalStatus } from '@liandong/contracts';

export const isReporter = (p: Principal, e: Pick<EventsTable, 'reporter_user_id'>) => p.kind === 'user' && p.userId !== null && e.reporter_user_id === p.userId;

export const hasAnyRole = (p: Principal, roles: Role[]) => p.kind === 'user' && roles.some((r) => p.roles.includes(r));

/** Supervision raises urgency one level; critical stays critical. */
export function raiseUrgency(u: string): Urgency {
  return u === 'normal' ? 'urgent' : 'critical';
}

/** Limits of an event's `occurredAt` (config `events`): not before go-live, not far in the future. */
export interface OccurredAtBounds {
  goLive: string;
  maxFutureMinutes: number;
}

export const DEFAULT_OCCURRED_AT_BOUNDS: OccurredAtBounds = { goLive: '2020-01-01', maxFutureMinutes: 5 };

/**
 * Why `occurredAt` cannot be right (a year-1 or year-9999 date, a clock set wrong), or null.
 * The future limit is taken from the server's clock, with a little slack for the reporter's.
 */
export function occurredAtProblem(occurredAt: string, now: Date, bounds: OccurredAtBounds): string | null {
  const at = Date.parse(occurredAt);
  if (at < Date.parse(bounds.goLive)) return `occurredAt ${occurredAt} is before the county went live (${bounds.goLive})`;
  if (at > now.getTime() + bounds.maxFutureMinutes * 60_000) {
    return `occurredAt ${occurredAt} is more than ${bounds.maxFutureMinutes} minutes ahead of the server's clock (${now.toISOString()})`;
  }
  return null;
}
