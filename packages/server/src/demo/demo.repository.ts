import type { Role } from '@liandong/contracts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { PlanCategory, PlanGrid } from './events.generator.ts';
import { DEMO_COUNTY_CODE, type PolygonGeometry } from './territory.generator.ts';

/** The audit action that marks a finished demo seed. */
export const DEMO_MARKER_ACTION = 'demo.seeded';
/** Demo events carry externalIds `demo-000001`…; nothing else uses the prefix. */
const DEMO_EXTERNAL_PREFIX = 'demo-';

export async function findCounties(db: Db) {
  return db.selectFrom('org_units').select(['id', 'code', 'name', 'created_at']).where('kind', '=', 'county').execute();
}

export async function isDemoComplete(db: Db): Promise<boolean> {
  const row = await db.selectFrom('audit_log').select('id').where('action', '=', DEMO_MARKER_ACTION).limit(1).executeTakeFirst();
  return !!row;
}

/**
 * Multi-row inserts in chunks sized to stay under both engines' bound-parameter limits
 * (SQLite 32,766; PostgreSQL 65,535).
 */
export async function insertRows<T extends keyof Database>(db: Db, table: T, rows: Database[T][], onProgress?: (done: number) => void): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0] as object).length;
  const size = Math.max(1, Math.floor(20_000 / columns));
  for (let i = 0; i < rows.length; i += size) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + size) as never)
      .execute();
    onProgress?.(Math.min(rows.length, i + size));
  }
}

export async function countDemo(db: Db): Promise<Record<string, number>> {
  const kinds = await db
    .selectFrom('org_units')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('kind')
    .execute();
  const byKind = new Map(kinds.map((k) => [k.kind, Number(k.n)]));
  const one = async (q: Promise<{ n: number | string } | undefined>) => Number((await q)?.n ?? 0);
  const demoEvents = db.selectFrom('events').where('external_id', 'like', `${DEMO_EXTERNAL_PREFIX}%`);
  return {
    townships: byKind.get('township') ?? 0,
    villages: byKind.get('village') ?? 0,
    grids: byKind.get('grid') ?? 0,
    departments: byKind.get('department') ?? 0,
    stations: byKind.get('station') ?? 0,
    users: await one(
      db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst(),
    ),
    categories: await one(
      db
        .selectFrom('categories')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst(),
    ),
    events: await one(demoEvents.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst()),
    'open events': await one(
      demoEvents
        .where('is_open', '=', 1)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst(),
    ),
    vehicles: await one(
      db
        .selectFrom('vehicles')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst(),
    ),
  };
}

export async function listDemoExternalIds(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('events').select('external_id').where('external_id', 'like', `${DEMO_EXTERNAL_PREFIX}%`).execute();
  return new Set(rows.map((r) => r.external_id!));
}

export interface DemoEventState {
  id: string;
  status: string;
  leadUnitId: string | null;
  townshipId: string | null;
  villageId: string | null;
  gridId: string | null;
  reporterUserId: string | null;
  dueAt: string | null;
}

export async function findDemoEventStates(db: Db, externalIds: string[]): Promise<Map<string, DemoEventState>> {
  if (!externalIds.length) return new Map();
  const rows = await db
    .selectFrom('events')
    .select(['id', 'external_id', 'status', 'lead_unit_id', 'township_id', 'village_id', 'grid_id', 'reporter_user_id', 'due_at'])
    .where('external_id', 'in', externalIds)
    .execute();
  return new Map(
    rows.map((r) => [
      r.external_id!,
      {
        id: r.id,
        status: r.status,
        leadUnitId: r.lead_unit_id,
        townshipId: r.township_id,
        villageId: r.village_id,
        gridId: r.grid_id,
        reporterUserId: r.reporter_user_id,
        dueAt: r.due_at,
      },
    ]),
  );
}

/** The demo county's grids with the names events mention, in code order. */
export async function loadPlanGrids(db: Db): Promise<PlanGrid[]> {
  const rows = await db
    .selectFrom('org_units')
    .select(['id', 'parent_id', 'kind', 'code', 'name', 'boundary'])
    .where('kind', 'in', ['township', 'village', 'grid'])
    .where('code', 'like', `${DEMO_COUNTY_CODE}%`)
    .orderBy('code')
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return rows
    .filter((r) => r.kind === 'grid' && r.boundary)
    .map((g) => {
      const village = byId.get(g.parent_id!)!;
      const township = byId.get(village.parent_id!)!;
      return {
        code: g.code!,
        boundary: JSON.parse(g.boundary!) as PolygonGeometry,
        villageName: village.name,
        townshipName: township.name,
        community: village.name.endsWith('社区'),
      };
    });
}

export async function loadPlanCategories(db: Db): Promise<PlanCategory[]> {
  const rows = await db
    .selectFrom('categories')
    .select(['code', 'name_zh', 'time_limit_minutes', 'time_limit_kind', 'requires_confirmation', 'dedup_window_minutes'])
    .where('parent_code', 'is not', null)
    .where('is_active', '=', 1)
    .orderBy('code')
    .execute();
  return rows.map((r) => ({
    code: r.code,
    name: r.name_zh,
    timeLimitMinutes: r.time_limit_minutes === null ? null : Number(r.time_limit_minutes),
    timeLimitKind: r.time_limit_kind,
    requiresConfirmation: Number(r.requires_confirmation) === 1,
    dedupWindowMinutes: Number(r.dedup_window_minutes),
  }));
}

export interface DemoPerson {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  orgUnitId: string;
}

export async function loadDemoPeople(db: Db): Promise<DemoPerson[]> {
  const rows = await db
    .selectFrom('users')
    .innerJoin('memberships', 'memberships.user_id', 'users.id')
    .select(['users.id as userId', 'users.username', 'users.display_name as displayName', 'memberships.role', 'memberships.org_unit_id as orgUnitId'])
    .where('users.is_active', '=', 1)
    .orderBy('users.username')
    .orderBy('memberships.role')
    .execute();
  return rows.map((r) => ({ ...r, role: r.role as Role }));
}
