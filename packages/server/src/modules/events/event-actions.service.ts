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
import { loadCalendar } from '../calendar/calendar.loader.ts';
import type { Calendar } from '../../engine/time/calendar.ts';
import { cancelInstancesOf } from '../../engine/runtime/runner.ts';
import { startInstance } from '../../engine/runtime/start.ts';
import { deliverSignal } from '../../engine/runtime/signals.ts';
import { taskHandlers } from '../../engine/runtime/timers.ts';
import { unitMembers } from '../../engine/runtime/assignment.ts';
import { enqueueNotifications } from '../notify/outbox.ts';
import { pushNotifications } from '../stream/stream.publish.ts';
import type { NotificationRequest } from '../notify/notify.types.ts';

type ActionDeps = Pick<AppDeps, 'db' | 'clock' | 'ids' | 'territory' | 'logger' | 'dialect' | 'writes' | 'caches' | 'stream' | 'bus' | 'engineHost'> &
  Partial<Pick<AppDeps, 'config'>>;

interface ActionStep {
  /** Throws FORBIDDEN / INVALID_STATE when the action is not allowed now. */
  check(row: EventsTable): void;
  apply(trx: Transaction<Database>, row: EventsTable, nowIso: string): Promise<void>;
  timeline(row: EventsTable): Pick<TimelineInput, 'kind' | 'data'>;
  /** What the process and the people concerned hear of it, after the timeline entry, in the same transaction. */
  follow?(trx: Transaction<Database>, row: EventsTable, cal: Calendar): Promise<Array<() => void>>;
}

/**
 * One action on one event: re-read inside the transaction, check visibility (404), permission
 * (403) and state (409), write the change and its timeline entry together.
 */
async function runAction(deps: ActionDeps, principal: Principal, eventId: string, step: ActionStep): Promise<EventView> {
  const nowIso = deps.clock.now().toISOString();
  const cal = await loadCalendar(deps);
  const after: Array<() => void> = [];
  await deps.db.transaction().execute(async (trx) => {
    const row = await findEventRow(trx, eventId);
    if (!row || !canActorSee(principal, row, await listEventUnits(trx, [eventId]))) throw new AppError('EVENT_NOT_FOUND', 'Event not found');
    step.check(row);
    await step.apply(trx, row, nowIso);
    await appendTimeline(trx, deps.ids, {
      eventId,
      at: nowIso,
      actor: principal,
      orgUnitId: principal.memberships[0]?.orgUnitId ?? null,
      ...step.timeline(row),
    });
    if (step.follow) after.push(...(await step.follow(trx, row, cal)));
  });
  for (const f of after) f();
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
    // A handler's comment is a progress update: a process waiting for one (deputy concern) hears it.
    follow: async (trx, row, cal) => ((await isHandlingNow(trx, principal, row.id)) ? signal(trx, deps, row, 'progress.updated', principal, cal) : []),
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
    follow: (trx, row) => tellAboutEvent(trx, deps, row, 'event.supervised', note, { leaders: true }),
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
    follow: (trx, row) => tellAboutEvent(trx, deps, row, 'event.urged', note, { leaders: false }),
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
    follow: (trx, row, cal) => signal(trx, deps, row, 'event.rated', principal, cal),
  });
}

/** Reopens a closed event: back to reported, for the process to take up again. */
export function reopenEvent(deps: ActionDeps, principal: Principal, eventId: string, note?: string): Promise<EventView> {
  return runAction(deps, principal, eventId, {
    check: (row) => {
      if (!hasAnyRole(principal, REOPENING_ROLES) && !isReporter(principal, row))
        throw new AppError('FORBIDDEN', 'Only the reporter or the command centre may reopen an event');
      if (row.status !== 'closed') throw new AppError('INVALID_STATE', `Only a closed event can be reopened (it is ${row.status})`);
    },
    apply: async (trx, row, now) => {
      await touch(trx, row, now, { status: 'reported', is_open: 1, closed_at: null, closing_kind: null });
    },
    timeline: (row) => ({ kind: 'reopened', data: { note: note ?? null, previousClosingKind: row.closing_kind } }),
    // The event's process starts afresh (its current version): a reopened event is accepted again.
    follow: async (trx, row, cal) => {
      // What still waits of the old run (a rating, a reminder) ends first: one live process per event.
      await cancelInstancesOf(trx, deps, row.id, cal, principal, 'reopened');
      const fresh = { ...row, status: 'reported', is_open: 1, closed_at: null, closing_kind: null };
      return (await startInstance(trx, deps, fresh, cal, { actor: principal, restart: true })).afterCommit;
    },
  });
}

async function signal(
  trx: Transaction<Database>,
  deps: ActionDeps,
  row: EventsTable,
  name: string,
  principal: Principal,
  cal: Calendar,
): Promise<Array<() => void>> {
  return (await deliverSignal(trx, deps, { eventId: row.id, name, actor: principal, cal })).afterCommit;
}

async function isHandlingNow(trx: Transaction<Database>, principal: Principal, eventId: string): Promise<boolean> {
  const open = await trx
    .selectFrom('tasks')
    .select(['unit_id', 'role', 'user_id'])
    .where('event_id', '=', eventId)
    .where('status', 'in', ['open', 'claimed'])
    .execute();
  return open.some((t) => (t.user_id ? t.user_id === principal.userId : principal.memberships.some((m) => m.orgUnitId === t.unit_id && m.role === t.role)));
}

/**
 * 催办 / 督办 reach people: the handlers of the event's open tasks (in-app and SMS), and for
 * supervision also the county's leaders. Counted on the event by the action itself.
 */
async function tellAboutEvent(
  trx: Transaction<Database>,
  deps: ActionDeps,
  row: EventsTable,
  kind: 'event.urged' | 'event.supervised',
  note: string | undefined,
  o: { leaders: boolean },
): Promise<Array<() => void>> {
  const tasks = await trx
    .selectFrom('tasks')
    .select(['id', 'unit_id', 'role', 'user_id'])
    .where('event_id', '=', row.id)
    .where('status', 'in', ['open', 'claimed', 'shelved'])
    .execute();
  const people = new Map<string, string | null>();
  for (const t of tasks) for (const h of await taskHandlers(trx, deps.engineHost, t)) people.set(h.userId, h.phone);
  if (o.leaders && row.county_id)
    for (const l of await unitMembers(trx, deps.engineHost, row.county_id, 'leader', { fresh: true })) people.set(l.userId, l.phone);
  const category =
    (await trx.selectFrom('categories').select('name_zh').where('code', '=', row.category_code).executeTakeFirst())?.name_zh ?? row.category_code;
  const at = deps.clock.now().getTime();
  const requests: NotificationRequest[] = [];
  for (const [userId, phone] of people) {
    const common = {
      kind,
      recipientUserId: userId,
      eventId: row.id,
      link: `/events/${row.id}`,
      vars: { code: row.code, category, note: note ?? '' },
      urgent: false,
    };
    requests.push({ ...common, channel: 'in_app', idempotencyKey: `${kind}:${row.id}:${at}:${userId}:in_app` });
    if (phone) requests.push({ ...common, channel: 'sms', phone, idempotencyKey: `${kind}:${row.id}:${at}:${userId}:sms` });
  }
  const result = await enqueueNotifications(trx, deps, requests, { skipInvalid: true });
  return [() => void pushNotifications(deps, result.created)];
}
