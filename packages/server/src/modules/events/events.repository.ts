import { eventNotOverdueWhere, eventOverdueWhere } from '../../engine/runtime/overdue.ts';
import { sql, type Compilable, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import type { AttachmentsTable, Database, EventsTable, EventUnitsTable } from '../../db/schema.ts';
import type { DataScopeFilter } from '../auth/scope.ts';
import { whereEventInScope } from '../auth/scope.sql.ts';
import { insertRows } from '../../db/fast-insert.ts';

type Q = Kysely<Database>;
type Trx = Transaction<Database>;
type EventsEb = ExpressionBuilder<Database, 'events'>;

export function findEventRow(db: Q, id: string): Promise<EventsTable | undefined> {
  return db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The event a (source, externalId) was created as or merged into. */
export function findEventByExternalId(db: Q, source: string, externalId: string): Promise<EventsTable | undefined> {
  return db
    .selectFrom('event_intake_keys as k')
    .innerJoin('events', 'events.id', 'k.event_id')
    .selectAll('events')
    .where('k.source', '=', source)
    .where('k.external_id', '=', externalId)
    .executeTakeFirst();
}

/** Records that (source, externalId) landed in an event; a concurrent repeat fails on the primary key. */
export async function insertIntakeKey(trx: Trx, key: { source: string; externalId: string; eventId: string; at: string }): Promise<void> {
  await trx.insertInto('event_intake_keys').values({ source: key.source, external_id: key.externalId, event_id: key.eventId, created_at: key.at }).execute();
}

/** Open events of a category created since `sinceIso` inside a lng/lat box (dedup candidates). */
export function findDedupCandidates(
  db: Q,
  c: { categoryCode: string; sinceIso: string; box: { minLng: number; maxLng: number; minLat: number; maxLat: number } },
): Promise<Array<Pick<EventsTable, 'id' | 'lng' | 'lat' | 'created_at'>>> {
  return db
    .selectFrom('events')
    .select(['id', 'lng', 'lat', 'created_at'])
    .where('category_code', '=', c.categoryCode)
    .where('is_open', '=', 1)
    .where('created_at', '>=', c.sinceIso)
    .where('lng', '>=', c.box.minLng)
    .where('lng', '<=', c.box.maxLng)
    .where('lat', '>=', c.box.minLat)
    .where('lat', '<=', c.box.maxLat)
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();
}

/**
 * Serialises dedup decisions for one category on PostgreSQL (two reports of one scene arriving
 * together must not both create an event). SQLite has a single writer already.
 */
export async function lockDedupScope(trx: Trx, dialect: 'sqlite' | 'postgres', categoryCode: string): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`event-dedup:${categoryCode}`}))`.execute(trx);
}

// Event creation is the hottest write: these two skip the query builder (db/fast-insert.ts).
export function insertEventRow(trx: Trx, row: EventsTable): Promise<unknown> {
  return insertRows(trx, 'events', [row]);
}

export function insertEventUnits(trx: Trx, rows: EventUnitsTable[]): Promise<unknown> {
  return insertRows(trx, 'event_units', rows);
}

// Timeline entries are written by timeline.ts (appendTimeline) only: it alone numbers them.

export function listEventUnits(db: Q, eventIds: string[]): Promise<EventUnitsTable[]> {
  if (eventIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('event_units').selectAll().where('event_id', 'in', eventIds).orderBy('created_at').orderBy('org_unit_id').execute();
}

/** Updates an event and bumps its version; returns the number of rows changed. */
export async function updateEventRow(trx: Trx, id: string, set: Partial<Omit<EventsTable, 'id' | 'version'>>, expectVersion?: number): Promise<number> {
  let q = trx
    .updateTable('events')
    .set({ ...set, version: sql<number>`version + 1` })
    .where('id', '=', id);
  if (expectVersion !== undefined) q = q.where('version', '=', expectVersion);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Adds one to a counter column, bumping version and updated_at. */
export async function incrementEventCounter(trx: Trx, id: string, column: 'duplicate_count' | 'urge_count', nowIso: string): Promise<void> {
  await trx
    .updateTable('events')
    .set((eb) => ({ [column]: eb(column, '+', 1), version: eb('version', '+', 1), updated_at: nowIso }))
    .where('id', '=', id)
    .execute();
}

export function insertAttachmentRow(db: Q, row: AttachmentsTable): Promise<unknown> {
  return db.insertInto('attachments').values(row).execute();
}

export function findAttachmentRow(db: Q, id: string): Promise<AttachmentsTable | undefined> {
  return db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Links uploads not yet attached to any event; returns how many were linked. */
export async function linkUploadsToEvent(trx: Trx, eventId: string, ids: string[], uploadedBy: string | null): Promise<number> {
  if (ids.length === 0) return 0;
  let q = trx.updateTable('attachments').set({ event_id: eventId }).where('id', 'in', ids).where('event_id', 'is', null).where('storage_path', 'is not', null);
  if (uploadedBy !== null) q = q.where('uploaded_by', '=', uploadedBy);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function listAttachments(db: Q, eventId: string): Promise<AttachmentsTable[]> {
  return db.selectFrom('attachments').selectAll().where('event_id', '=', eventId).orderBy('id').execute();
}

export function listTimelineRows(db: Q, eventId: string) {
  return db
    .selectFrom('event_timeline as t')
    .leftJoin('org_units as u', 'u.id', 't.org_unit_id')
    .select(['t.id', 't.seq', 't.at', 't.kind', 't.actor_user_id', 't.actor_name', 't.org_unit_id', 'u.name as org_unit_name', 't.data'])
    .where('t.event_id', '=', eventId)
    .orderBy('t.seq')
    .execute();
}

// ---- Plaza ----------------------------------------------------------------------------------

/** A subtree or a set of dispatched-to units: the plaza's `orgUnitId` filter. */
export type UnitFilter = { kind: 'territorial'; level: 'county' | 'township' | 'village' | 'grid'; id: string } | { kind: 'units'; ids: string[] };

export interface PlazaFilter {
  statuses?: string[];
  isOpen?: 0 | 1;
  categoryPrefix?: string;
  unit?: UnitFilter;
  source?: string;
  q?: string;
  /** Overdue or not at `now` (engine/runtime/overdue.ts). */
  overdue?: { now: Date; value: boolean };
  supervised?: boolean;
  beforeId?: string;
}

function unitWhere(eb: EventsEb, b: UnitFilter) {
  switch (b.kind) {
    case 'territorial':
      return eb(`events.${b.level}_id`, '=', b.id);
    case 'units':
      return eb('events.id', 'in', eb.selectFrom('event_units').select('event_units.event_id').where('event_units.org_unit_id', 'in', b.ids));
  }
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * One page of the plaza. The caller's scope comes split into parts (one per territorial unit,
 * one for dispatched-to departments, one for own submissions): each part runs as its own query
 * that walks its index ((<level>_id, is_open, id), (reporter_user_id, id), …) in id order and
 * stops after a page; the parts are merged here. One OR query would make the planner collect
 * and sort every matching row.
 */
export async function findEventsPage(
  db: Q,
  scopeParts: DataScopeFilter[],
  f: PlazaFilter,
  limit: number,
  /** Runs each part's query: `deps.reads.query` for heavy pages (event-query.service.ts). */
  exec: (q: Compilable<EventsTable>) => Promise<EventsTable[]> = (q) => db.executeQuery(q).then((r) => r.rows),
): Promise<EventsTable[]> {
  const run = (part: DataScopeFilter) => {
    let q = db
      .selectFrom('events')
      .selectAll()
      .where((eb) => whereEventInScope(eb, part));
    if (f.unit) {
      const unit = f.unit;
      q = q.where((eb) => unitWhere(eb, unit));
    }
    if (f.isOpen !== undefined) q = q.where('is_open', '=', f.isOpen);
    if (f.statuses?.length) q = q.where('status', 'in', f.statuses);
    if (f.categoryPrefix) q = q.where('category_code', 'like', `${escapeLike(f.categoryPrefix)}%`);
    if (f.source) q = q.where('source', '=', f.source);
    if (f.supervised !== undefined) q = q.where('supervised', '=', f.supervised ? 1 : 0);
    if (f.overdue) {
      const { now, value } = f.overdue;
      q = q.where((eb) => (value ? eventOverdueWhere(eb, now) : eventNotOverdueWhere(eb, now)));
    }
    if (f.q) {
      const pattern = `%${escapeLike(f.q.toLowerCase())}%`;
      q = q.where((eb) =>
        eb.or((['title', 'code', 'address'] as const).map((col) => sql<boolean>`lower(${sql.ref(`events.${col}`)}) like ${pattern} escape '\\'`)),
      );
    }
    if (f.beforeId) q = q.where('id', '<', f.beforeId);
    return exec(q.orderBy('id', 'desc').limit(limit));
  };
  const pages = await Promise.all(scopeParts.map(run));
  if (pages.length === 1) return pages[0];
  const seen = new Map<string, EventsTable>();
  for (const row of pages.flat()) seen.set(row.id, row);
  return [...seen.values()].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).slice(0, limit);
}
