import type { EventView } from '@liandong/contracts';
import type { Transaction } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import type { Database, EventsTable } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Principal } from '../auth/principal.ts';
import { canActorSee, loadEventView } from './event-query.service.ts';
import { hasAnyRole, isFinalStatus, isReporter, raiseUrgency, REOPENING_ROLES, SUPERVISING_ROLES } from './events.policy.ts';
import { findEventRow, incrementEventCounter, listEventUnits, updateEventRow } from './events.repository.ts';
import { appendTimeline, type TimelineInput } from './timeline.ts';

type ActionDeps = Pick<AppDeps, 'db' | 'clock' | 'ids' | 'territory'>;

interface ActionStep {
  /** Throws FORBIDDEN / INVALID_STATE when the action is not allowed now. */
  check(row: EventsTable): void;
  apply(trx: Transaction<Database>, row: EventsTable, nowIso: string): Promise<void>;
  timeline(row: EventsTable): Pick<TimelineInput, 'kind' | 'data'>;
}

/**
 * One action on one event: re-read inside the transaction, check visibility (404), permission
 * (403) and state (409), write the change and its timeline entry together.
 */
async function runAction(deps: ActionDeps, principal: Principal, eventId: string, step: ActionStep): Promise<EventView> {
  const nowIso = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    const row = await findEventRow(trx, eventId);
    if (!row || !canActorSee(principal, row, await listEventUnits(trx, [eventId]))) throw new AppError('EVENT_NOT_FOUND', 'Event not found');
    step.check(row);
    await step.apply(trx, row, nowIso);
    await appendTimeline(trx, deps.ids, { eventId, at: nowIso, actor: principal, orgUnitId: principal.memberships[0]?.orgUnitId ?? null, ...step.timeline(row) });
  });
  const row = await findEventRow(deps.db, eventId);
  return loadEventView(deps, principal, row!, { showTrackingToken: true });
}

const touch = (trx: Transaction<Database>, row: EventsTable, nowIso: string, set: Partial<EventsTable> = {}) =>
  updateEventRow(trx, row.id, { ...set, updated_at: nowIso });

export function addComment(deps: ActionDeps, principal: Principal, eventId: string, text: string): Promise<EventView> {
  return runAction(deps, principal, eventId, {
    check: () => {},
    apply: (trx, row, now) => touch(trx, row, now).then(() => undefined),
    timeline: () => ({ kind: 'comment', data: { text } }),
  });
}

/** 督办: a superior takes the event under supervision; urgency rises one level. */
export function superviseEvent(deps: ActionDeps, principal: Principal, eventId: string, note?: string): Promise<EventView> {
  return runAction(deps, principal, eventId, {
    check: (row) => {
      if (!hasAnyRole(principal, SUPERVISING_ROLES)) throw new AppError('FORBIDDEN', `Supervision needs one of the roles: ${SUPERVISING_ROLES.join(', ')}`);
      if (isFinalStatus(row.status)) throw new AppError('INVALID_STATE', `The event is ${row.status}`);
      if (row.supervised === 1) throw new AppError('INVALID_STATE', 'The event is already under supervision');
    },
    apply: async (trx, row, now) => {
      await touch(trx, row, now, { supervised: 1, urgency: raiseUrgency(row.urgency) });
    },
    timeline: (row) => ({ kind: 'supervised', data: { note: note ?? null, urgencyFrom: row.urgency, urgency: raiseUrgency(row.urgency) } }),
  });
}

/** 催办: a reminder to whoever handles the event now; anyone who can see the event may urge. */
export function urgeEvent(deps: ActionDeps, principal: Principal, eventId: string, note?: string): Promise<EventView> {
  return runAction(deps, principal, eventId, {
    check: (row) => {
      if (isFinalStatus(row.status)) throw new AppError('INVALID_STATE', `The event is ${row.status}`);
    },
    apply: (trx, row, now) => incrementEventCounter(trx, row.id, 'urge_count', now),
    timeline: (row) => ({ kind: 'urged', data: { note: note ?? null, urgeCount: row.urge_count + 1 } }),
  });
}

/** The reporter's satisfaction rating, once, after closing. */
export function rateEvent(deps: ActionDeps, principal: Principal, eventId: string, score: number, comment?: string): Promise<EventView> {
  return runAction(deps, principal, eventId, {
    check: (row) => {
      if (!isReporter(principal, row)) throw new AppError('FORBIDDEN', 'Only the reporter may rate the handling');
      if (row.status !== 'closed') throw new AppError('INVALID_STATE', 'Only a closed event can be rated');
      if (row.rating_score !== null) throw new AppError('INVALID_STATE', 'The event has already been rated');
    },
    apply: async (trx, row, now) => {
      await touch(trx, row, now, { rating_score: score });
    },
    timeline: () => ({ kind: 'rated', data: { score, comment: comment ?? null } }),
  });
}

/** Reopens a closed event: back to reported, for the process to take up again. */
export function reopenEvent(deps: ActionDeps, principal: Principal, eventId: string, note?: string): Promise<EventView> {
  return runAction(deps, principal, eventId, {
    check: (row) => {
      if (!hasAnyRole(principal, REOPENING_ROLES) && !isReporter(principal, row)) throw new AppError('FORBIDDEN', 'Only the reporter or the command centre may reopen an event');
      if (row.status !== 'closed') throw new AppError('INVALID_STATE', `Only a closed event can be reopened (it is ${row.status})`);
    },
    apply: async (trx, row, now) => {
      await touch(trx, row, now, { status: 'reported', is_open: 1, closed_at: null, closing_kind: null });
    },
    timeline: (row) => ({ kind: 'reopened', data: { note: note ?? null, previousClosingKind: row.closing_kind } }),
  });
}
