import type { Selectable, Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { OrgUnitsTable } from '../../db/schema.ts';

export type OrgUnitRow = Selectable<OrgUnitsTable>;
/** A row without its (possibly large) boundary. */
export type OrgUnitSummaryRow = Omit<OrgUnitRow, 'boundary'>;

const SUMMARY_COLUMNS = [
  'id',
  'parent_id',
  'kind',
  'code',
  'name',
  'name_en',
  'path',
  'depth',
  'area_unit_id',
  'centroid_lng',
  'centroid_lat',
  'sort_order',
  'created_at',
  'updated_at',
] as const;

/** Every unit with its boundary: for the in-memory territory and the boundary importer. */
export async function findAllUnitRows(db: Db): Promise<OrgUnitRow[]> {
  return db.selectFrom('org_units').selectAll().orderBy('depth').orderBy('sort_order').orderBy('code').orderBy('id').execute();
}

export async function findUnitSummaries(db: Db, filter: { parentId?: string; kind?: string }): Promise<OrgUnitSummaryRow[]> {
  let q = db.selectFrom('org_units').select(SUMMARY_COLUMNS);
  if (filter.parentId) q = q.where('parent_id', '=', filter.parentId);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  return q.orderBy('depth').orderBy('sort_order').orderBy('code').orderBy('name').orderBy('id').execute();
}

export async function findUnitRowById(db: Db, id: string): Promise<OrgUnitRow | undefined> {
  return db.selectFrom('org_units').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUnitIdByKindCode(db: Db, kind: string, code: string): Promise<string | undefined> {
  const row = await db.selectFrom('org_units').select('id').where('kind', '=', kind).where('code', '=', code).executeTakeFirst();
  return row?.id;
}

/** Units of one kind with a boundary, optionally within the subtree whose path starts with `pathPrefix`. */
export async function findBoundaryRows(db: Db, kind: string, pathPrefix?: string) {
  let q = db.selectFrom('org_units').select(['id', 'kind', 'code', 'name', 'name_en', 'boundary']).where('kind', '=', kind).where('boundary', 'is not', null);
  // Ids are UUIDs, so the prefix holds no LIKE wildcards.
  if (pathPrefix) q = q.where('path', 'like', `${pathPrefix}%`);
  return q.orderBy('sort_order').orderBy('code').orderBy('id').execute();
}

export async function insertUnitRow(db: Db, row: OrgUnitRow): Promise<void> {
  await db.insertInto('org_units').values(row).execute();
}

export async function updateUnitRow(db: Db, id: string, patch: Updateable<OrgUnitsTable>): Promise<void> {
  await db.updateTable('org_units').set(patch).where('id', '=', id).execute();
}

export async function findUserDisplayName(db: Db, userId: string): Promise<string | null> {
  const row = await db.selectFrom('users').select('display_name').where('id', '=', userId).executeTakeFirst();
  return row?.display_name ?? null;
}
