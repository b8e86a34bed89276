import type { Transaction } from 'kysely';
import type { Database, EventTimelineTable } from '../../db/schema.ts';
import type { Ids } from '../../lib/ids.ts';
import { insertRows } from '../../db/fast-insert.ts';
import { actorUserId, isSystemActor, type EventActor } from './event-actor.ts';

export interface TimelineInput {
  eventId: string;
  /** ISO UTC. */
  at: string;
  /** 'reported', 'routed', 'comment', 'supervised', 'urged', 'rated', 'reopened', 'duplicate_merged', … */
  kind: string;
  actor: EventActor | null;
  orgUnitId?: string | null;
  data?: Record<string, unknown>;
  /** The entry's number when the caller knows it (the first entries of a new event); skips the lookup. */
  seq?: number;
}

/**
 * Appends one entry to an event's timeline inside the caller's transaction. The event row is
 * touched first: on PostgreSQL that takes its row lock, so concurrent appends to one event
 * serialise and `max(seq) + 1` stays unique; on SQLite the transaction is the single writer.
 */
export async function appendTimeline(trx: Transaction<Database>, ids: Pick<Ids, 'id'>, e: TimelineInput): Promise<EventTimelineTable> {
  let seq = e.seq;
  if (seq === undefined) {
    await trx.updateTable('events').set({ updated_at: e.at }).where('id', '=', e.eventId).execute();
    const last = await trx
      .selectFrom('event_timeline')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('event_id', '=', e.eventId)
      .executeTakeFirst();
    seq = Number(last?.seq ?? 0) + 1;
  }
  const actor = e.actor;
  const row: EventTimelineTable = {
    id: ids.id(),
    event_id: e.eventId,
    seq,
    at: e.at,
    kind: e.kind,
    actor_user_id: actor ? actorUserId(actor) : null,
    actor_name: actor ? actor.name : null,
    org_unit_id: e.orgUnitId ?? (actor && isSystemActor(actor) ? (actor.orgUnitId ?? null) : null),
    data: JSON.stringify(e.data ?? {}),
  };
  await insertRows(trx, 'event_timeline', [row]);
  return row;
}
