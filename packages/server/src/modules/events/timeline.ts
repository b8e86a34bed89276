/*
 * THE timeline writer (issue 12.3): every entry of `event_timeline` is written by appendTimeline,
 * and only here is an entry numbered. Module writers (event creation, event actions, linkage, the
 * demo) call it; so does the process engine, through its host.
 *
 * Note for the engine host (modules/processes/engine-host.ts): implement
 * `timeline.append(trx, entries)` as
 *     (trx, entries) => appendTimeline(trx, deps.ids, entries, { eventRowsWritten: true }).then(() => undefined)
 * — a step's batch of engine TimelineEntry values (one transaction, one or several events) is a
 * valid input as it is. `eventRowsWritten` is right for StepContext.flush, which has already
 * updated the event row in this transaction (the lock on PostgreSQL); leave it out anywhere the
 * event row was not written first.
 */
import type { Transaction } from 'kysely';
import type { Database, EventTimelineTable } from '../../db/schema.ts';
import type { EngineActor } from '../../engine/host.ts';
import type { Ids } from '../../lib/ids.ts';
import { isPostgres, marks, rawQuery, rawQueryIn } from '../../db/raw-sql.ts';
import { actorUserId, isSystemActor } from './event-actor.ts';

export interface TimelineInput {
  eventId: string;
  /** ISO UTC. */
  at: string;
  /** 'reported', 'routed', 'comment', 'supervised', 'urged', 'rated', 'reopened', 'duplicate_merged', … */
  kind: string;
  /** A caller (a Principal is one) or the system; null for the platform itself. */
  actor: EngineActor | null;
  /** The unit the entry is shown under; when absent, a system actor's unit. */
  orgUnitId?: string | null;
  data?: Record<string, unknown>;
  /** The entry's id when the caller must choose it (the demo's deterministic ids); a new UUIDv7 otherwise. */
  id?: string;
}

export interface AppendTimelineOptions {
  /**
   * The caller has already inserted or updated every one of these events' rows in this
   * transaction (StepContext.flush, event creation): on PostgreSQL it holds their row locks, so
   * the writer skips its own touch of the rows (and leaves their `updated_at` as written).
   */
  eventRowsWritten?: boolean;
}

const INSERT_HEAD = 'insert into "event_timeline" ("id", "event_id", "seq", "at", "kind", "actor_user_id", "actor_name", "org_unit_id", "data") values ';
/** The next number of the event's timeline, counted in the statement itself (the unique index answers max). */
const TUPLE = '(?, ?, (select coalesce(max("seq"), 0) from "event_timeline" where "event_id" = ?) + ?, ?, ?, ?, ?, ?, ?)';
/** Rows per statement on PostgreSQL: 10 parameters a row, well under its limit of 65,535. */
const CHUNK = 500;

/**
 * Appends entries to the timelines of one or many events inside the caller's transaction, in
 * the order given, and answers the rows written (with their numbers). Each event's entries are
 * numbered on from its last one: 1, 2, 3… without gaps or repeats, whoever writes concurrently.
 *
 * Why that holds:
 * - the event rows are written before any number is taken (here, in id order, unless the caller
 *   already wrote them: `eventRowsWritten`). On PostgreSQL that takes their row locks until the
 *   commit, so two transactions appending to one event run one after the other; the numbering
 *   is a later statement, which (READ COMMITTED) sees every entry committed before the lock was
 *   granted. On SQLite the transaction is the only writer.
 * - on PostgreSQL the number is computed in the INSERT itself (`max(seq)` of the event + the
 *   entry's place among this statement's entries of the event), not read first and written
 *   later. On SQLite, whose transaction is the only writer, each event's last number is read
 *   once and the entries numbered on from it, one by one through one cached single-row statement.
 */
export async function appendTimeline(
  trx: Transaction<Database>,
  ids: Pick<Ids, 'id'>,
  input: TimelineInput | readonly TimelineInput[],
  opts: AppendTimelineOptions = {},
): Promise<EventTimelineTable[]> {
  const entries: readonly TimelineInput[] = Array.isArray(input) ? input : [input as TimelineInput];
  if (!entries.length) return [];
  const pg = isPostgres(trx);
  if (!opts.eventRowsWritten) await touchEvents(trx, pg, entries);
  const rows = entries.map((e) => rowOf(ids, e));

  if (!pg) {
    // The transaction is the only writer: each event's last number is read once and counted on
    // here, and the entries go through one cached single-row insert without RETURNING (which
    // cost as much again as the insert: 22–25 against 11–12 µs a row, 7 December 2026).
    const found = await rawQueryIn<{ event_id: string; seq: number }>(
      trx,
      (list) => `select "event_id", max("seq") as "seq" from "event_timeline" where "event_id" in (${list}) group by "event_id"`,
      [...new Set(rows.map((r) => r.event_id))],
    );
    const last = new Map(found.map((f) => [f.event_id, Number(f.seq)]));
    const text = `${INSERT_HEAD}(?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    for (const r of rows) {
      r.seq = (last.get(r.event_id) ?? 0) + 1;
      last.set(r.event_id, r.seq);
      await rawQuery(trx, text, [r.id, r.event_id, r.seq, r.at, r.kind, r.actor_user_id, r.actor_name, r.org_unit_id, r.data]);
    }
    return rows;
  }
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    // A statement does not see its own rows: each entry adds its place among the statement's entries of its event.
    const place = new Map<string, number>();
    const params = chunk.flatMap((r) => {
      const n = (place.get(r.event_id) ?? 0) + 1;
      place.set(r.event_id, n);
      return paramsOf(r, n);
    });
    const text = `${INSERT_HEAD}${chunk.map(() => TUPLE).join(', ')} returning "id", "seq"`;
    const seqs = new Map((await rawQuery<{ id: string; seq: number }>(trx, text, params)).map((o) => [o.id, Number(o.seq)]));
    for (const r of chunk) r.seq = seqs.get(r.id)!;
  }
  return rows;
}

function rowOf(ids: Pick<Ids, 'id'>, e: TimelineInput): EventTimelineTable {
  const actor = e.actor;
  return {
    id: e.id ?? ids.id(),
    event_id: e.eventId,
    seq: 0,
    at: e.at,
    kind: e.kind,
    actor_user_id: actor ? actorUserId(actor) : null,
    actor_name: actor ? actor.name : null,
    org_unit_id: e.orgUnitId !== undefined ? e.orgUnitId : actor && isSystemActor(actor) ? (actor.orgUnitId ?? null) : null,
    data: JSON.stringify(e.data ?? {}),
  };
}

function paramsOf(r: EventTimelineTable, offset: number): unknown[] {
  return [r.id, r.event_id, r.event_id, offset, r.at, r.kind, r.actor_user_id, r.actor_name, r.org_unit_id, r.data];
}

/**
 * Writes the events' rows (their `updated_at`, to the latest entry's time) before their entries
 * are numbered. On PostgreSQL several rows are locked in id order (the subquery's FOR UPDATE), so
 * two writers of overlapping batches never wait on each other crosswise.
 */
async function touchEvents(trx: Transaction<Database>, pg: boolean, entries: readonly TimelineInput[]): Promise<void> {
  const eventIds = [...new Set(entries.map((e) => e.eventId))].sort();
  const at = entries.reduce((max, e) => (e.at > max ? e.at : max), entries[0]!.at);
  if (eventIds.length === 1) {
    await rawQuery(trx, 'update "events" set "updated_at" = ? where "id" = ?', [at, eventIds[0]]);
  } else if (pg) {
    await rawQuery(
      trx,
      `update "events" set "updated_at" = ? where "id" in (select "id" from "events" where "id" in (${marks(eventIds.length)}) order by "id" for update)`,
      [at, ...eventIds],
    );
  } else {
    await rawQuery(trx, `update "events" set "updated_at" = ? where "id" in (${marks(eventIds.length)})`, [at, ...eventIds]);
  }
}
