import { EVENT_STATUSES, type EventView, type TimelineEntry } from '@liandong/contracts';
import type { AppDeps } from '../../deps.ts';
import type { EventsTable, EventUnitsTable } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Principal } from '../auth/principal.ts';
import { canSeeEvent, dataScopeOf, type DataScopeFilter, type EventScopeFacts } from '../auth/scope.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { isSystemActor, type EventActor } from './event-actor.ts';
import { isFinalStatus } from './events.policy.ts';
import { presentEvent, presentTimelineEntry } from './events.presenter.ts';
import { findEventRow, findEventsPage, listAttachments, listEventUnits, listTimelineRows, type PlazaFilter } from './events.repository.ts';

type QueryDeps = Pick<AppDeps, 'db' | 'territory' | 'clock'>;

export function scopeFactsOf(row: EventsTable, units: EventUnitsTable[]): EventScopeFacts {
  return {
    countyId: row.county_id,
    townshipId: row.township_id,
    villageId: row.village_id,
    gridId: row.grid_id,
    unitIds: units.filter((u) => u.event_id === row.id).map((u) => u.org_unit_id),
    reporterUserId: row.reporter_user_id,
  };
}

export function canActorSee(actor: EventActor, row: EventsTable, units: EventUnitsTable[]): boolean {
  return isSystemActor(actor) || canSeeEvent(dataScopeOf(actor), scopeFactsOf(row, units));
}

async function categoryNames(deps: QueryDeps, codes: string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await deps.db
    .selectFrom('categories')
    .select(['code', 'name_zh'])
    .where('code', 'in', [...new Set(codes)])
    .execute();
  return new Map(rows.map((r) => [r.code, r.name_zh]));
}

/** Full view of one event for an actor already allowed to see it (or a system actor). */
export async function loadEventView(deps: QueryDeps, actor: EventActor, row: EventsTable, o: { showTrackingToken: boolean }): Promise<EventView> {
  const [units, attachments, names] = await Promise.all([
    listEventUnits(deps.db, [row.id]),
    listAttachments(deps.db, row.id),
    categoryNames(deps, [row.category_code]),
  ]);
  return presentEvent(row, {
    territory: deps.territory,
    units,
    attachments,
    categoryName: names.get(row.category_code),
    showReporterPhone: canActorSee(actor, row, units),
    showTrackingToken: o.showTrackingToken,
    now: deps.clock.now(),
  });
}

/**
 * The event if the principal may see it. Outside the caller's scope the answer is the same
 * EVENT_NOT_FOUND as for an unknown id, so ids can't be probed.
 */
export async function findVisibleEvent(deps: QueryDeps, principal: Principal, id: string): Promise<{ row: EventsTable; units: EventUnitsTable[] }> {
  const row = await findEventRow(deps.db, id);
  if (!row) throw notFound();
  const units = await listEventUnits(deps.db, [id]);
  if (!canActorSee(principal, row, units)) throw notFound();
  return { row, units };
}

const notFound = () => new AppError('EVENT_NOT_FOUND', 'Event not found');

export async function getEventById(deps: QueryDeps, principal: Principal, id: string): Promise<EventView> {
  const { row } = await findVisibleEvent(deps, principal, id);
  return loadEventView(deps, principal, row, { showTrackingToken: true });
}

export async function getEventTimeline(deps: QueryDeps, principal: Principal, id: string): Promise<TimelineEntry[]> {
  await findVisibleEvent(deps, principal, id);
  return (await listTimelineRows(deps.db, id)).map(presentTimelineEntry);
}

export interface ListEventsInput {
  status?: string;
  category?: string;
  orgUnitId?: string;
  source?: string;
  q?: string;
  overdue?: string;
  supervised?: string;
  cursor?: string;
  limit: number;
}

/** A data scope split into parts that each match one index (see findEventsPage). */
export function splitScope(scope: DataScopeFilter): DataScopeFilter[] {
  if (scope.all) return [scope];
  const none = { all: false, territorial: [], departmentUnitIds: [], ownUserId: null };
  const parts: DataScopeFilter[] = scope.territorial.map((t) => ({ ...none, territorial: [t] }));
  if (scope.departmentUnitIds.length) parts.push({ ...none, departmentUnitIds: scope.departmentUnitIds });
  if (scope.ownUserId) parts.push({ ...none, ownUserId: scope.ownUserId });
  return parts;
}

const truthy = (v: string) => v === 'true' || v === '1';

/** Pages longer than this are heavy reads (see isHeavyPlazaRead). */
export const LIGHT_PAGE_MAX = 50;

/**
 * Whether a plaza page runs on the read pool (`deps.reads`, off SQLite's writing connection)
 * rather than on `deps.db`. A page is light when each scope part walks one index range in id
 * order and every row it meets belongs on the page, so it stops after `limit` rows: scope
 * parts of territorial units or own submissions, with only the filters that index answers —
 * open/closed (`status=open`, or a status list that implies it without naming statuses), a
 * territorial `orgUnitId` (the township index carries village and grid ids), the cursor — and
 * a page of at most LIGHT_PAGE_MAX rows. Everything else is heavy: a filter checked row by row
 * after the index (text search, category, source, a list of statuses, overdue, supervised, a
 * department's dispatched events) or a department scope (an event_units probe per row) walks
 * until it has found a page, all of the range when matches are rare; and a long page reads
 * many rows whatever the filter.
 */
export function isHeavyPlazaRead(parts: DataScopeFilter[], f: PlazaFilter, limit: number): boolean {
  if (limit > LIGHT_PAGE_MAX) return true;
  if (parts.some((p) => p.departmentUnitIds.length > 0)) return true;
  if (f.unit?.kind === 'units') return true;
  return Boolean(f.statuses?.length || f.categoryPrefix || f.source || f.q || f.overdue || f.supervised !== undefined);
}

/** The event plaza (事件广场): newest first, limited to the caller's data scope. */
export async function listEvents(
  deps: QueryDeps & Pick<AppDeps, 'secret' | 'clock' | 'reads'>,
  principal: Principal,
  input: ListEventsInput,
): Promise<{ items: EventView[]; nextCursor: string | null }> {
  // One instant for the filter and the `overdue` fields of the page, so they agree.
  const now = deps.clock.now();
  const filter: PlazaFilter = {};
  if (input.status) {
    if (input.status === 'open') filter.isOpen = 1;
    else {
      const statuses = input.status
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = statuses.filter((s) => !(EVENT_STATUSES as readonly string[]).includes(s));
      if (bad.length)
        throw new AppError('VALIDATION_FAILED', `Unknown status: ${bad.join(', ')}`, [
          { path: 'querystring.status', message: `one of open, ${EVENT_STATUSES.join(', ')}` },
        ]);
      filter.statuses = statuses;
      // Lets the (<level>_id, is_open, id) indexes serve status lists too.
      if (statuses.every((s) => !isFinalStatus(s))) filter.isOpen = 1;
      else if (statuses.every(isFinalStatus)) filter.isOpen = 0;
    }
  }
  if (input.category) {
    if (!/^[0-9]{1,16}$/.test(input.category))
      throw new AppError('VALIDATION_FAILED', 'category is a category code or its major prefix', [{ path: 'querystring.category', message: 'digits' }]);
    filter.categoryPrefix = input.category;
  }
  if (input.orgUnitId) {
    const unit = deps.territory.getUnit(input.orgUnitId);
    if (!unit) throw new AppError('UNKNOWN_ORG_UNIT', `Unknown org unit ${input.orgUnitId}`);
    if (unit.kind === 'department') {
      filter.unit = {
        kind: 'units',
        ids: [
          unit.id,
          ...deps.territory
            .children(unit.id)
            .filter((c) => c.kind === 'station')
            .map((c) => c.id),
        ],
      };
    } else if (unit.kind === 'station') filter.unit = { kind: 'units', ids: [unit.id] };
    else filter.unit = { kind: 'territorial', level: unit.kind, id: unit.id };
  }
  if (input.source) filter.source = input.source;
  if (input.q) filter.q = input.q;
  if (input.overdue) filter.overdue = { now, value: truthy(input.overdue) };
  if (input.supervised) filter.supervised = truthy(input.supervised);
  if (input.cursor) filter.beforeId = decodeCursor(deps.secret, input.cursor);

  const parts = splitScope(dataScopeOf(principal));
  if (parts.length === 0) return { items: [], nextCursor: null };
  const heavy = isHeavyPlazaRead(parts, filter, input.limit);
  const rows = await findEventsPage(deps.db, parts, filter, input.limit + 1, heavy ? (q) => deps.reads.query(q) : undefined);
  const page = rows.slice(0, input.limit);
  const [units, names] = await Promise.all([
    listEventUnits(
      deps.db,
      page.map((r) => r.id),
    ),
    categoryNames(
      deps,
      page.map((r) => r.category_code),
    ),
  ]);
  return {
    items: page.map((row) =>
      presentEvent(row, {
        territory: deps.territory,
        units,
        categoryName: names.get(row.category_code),
        showReporterPhone: false,
        showTrackingToken: false,
        now,
      }),
    ),
    nextCursor: rows.length > input.limit ? encodeCursor(deps.secret, page[page.length - 1].id) : null,
  };
}
