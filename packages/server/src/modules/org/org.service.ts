import type { CreateOrgUnitRequest, OrgUnit, OrgUnitKind, UpdateOrgUnitRequest } from '@liandong/contracts';
import type { Updateable } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import type { OrgUnitsTable } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { writeAudit } from '../auth/audit.ts';
import type { Principal } from '../auth/principal.ts';
import { findBoundaryRows, findUnitIdByKindCode, findUnitRowById, findUnitSummaries, insertUnitRow, updateUnitRow, type OrgUnitRow } from './org.repository.ts';
import { isTerritorialKind, presentBoundaryFeature, presentChain, presentOrgUnit, type BoundaryFeature } from './org.presenter.ts';

type Deps = Pick<AppDeps, 'db' | 'clock' | 'ids' | 'territory'>;
interface RequestMeta {
  ip?: string | null;
}

export async function listOrgUnits(deps: Deps, filter: { parentId?: string; kind?: OrgUnitKind }): Promise<OrgUnit[]> {
  if (filter.parentId) await getUnitRow(deps, filter.parentId);
  const rows = await findUnitSummaries(deps.db, filter);
  return rows.map((r) => presentOrgUnit(r));
}

/** One unit, with its boundary GeoJSON when it is territorial. Throws ORG_UNIT_NOT_FOUND. */
export async function getOrgUnitById(deps: Deps, id: string): Promise<OrgUnit> {
  return presentOrgUnit(await getUnitRow(deps, id), { withBoundary: true });
}

/** The territorial chain of a point; OUTSIDE_JURISDICTION when it lies in no grid. */
export function locatePoint(deps: Deps, lng: number, lat: number) {
  const chain = deps.territory.locate(lng, lat);
  if (!chain) throw new AppError('OUTSIDE_JURISDICTION', `The point (${lng}, ${lat}) lies in no grid of the county`, { lng, lat });
  return presentChain(chain);
}

/**
 * Boundaries of one level as a FeatureCollection for maps, optionally limited to the subtree
 * of `parentId` (a township's grids, say; the unit itself is in its own subtree).
 */
export async function getBoundaryCollection(deps: Deps, q: { kind: 'county' | 'township' | 'village' | 'grid'; parentId?: string }) {
  const prefix = q.parentId ? (await getUnitRow(deps, q.parentId)).path : undefined;
  const rows = await findBoundaryRows(deps.db, q.kind, prefix);
  const features: BoundaryFeature[] = [];
  for (const r of rows) {
    try {
      features.push(presentBoundaryFeature(r));
    } catch {
      // A stored boundary that is not JSON cannot be drawn; the rest of the map still can.
    }
  }
  return { type: 'FeatureCollection' as const, features };
}

export async function createOrgUnit(deps: Deps, principal: Principal, input: CreateOrgUnitRequest, meta: RequestMeta = {}): Promise<OrgUnit> {
  const now = deps.clock.now().toISOString();
  const unit = await deps.db.transaction().execute(async (trx) => {
    const parent = await resolveParent(trx, input);
    let areaUnitId: string | null = null;
    if (input.areaUnitId) {
      if (input.kind !== 'station') throw new AppError('SEMANTIC_ERROR', 'Only a station serves an area (areaUnitId)');
      areaUnitId = (await getTerritorialUnit(trx, input.areaUnitId)).id;
    }
    const code = input.code ?? null;
    if (code !== null && (await findUnitIdByKindCode(trx, input.kind, code)))
      throw new AppError('CONFLICT', `A ${input.kind} with code ${code} already exists`, { code });
    const id = deps.ids.id();
    const row: OrgUnitRow = {
      id,
      parent_id: parent.id,
      kind: input.kind,
      code,
      name: input.name,
      name_en: input.nameEn ?? null,
      path: `${parent.path}${id}/`,
      depth: parent.depth + 1,
      area_unit_id: areaUnitId,
      boundary: null,
      centroid_lng: null,
      centroid_lat: null,
      sort_order: input.sortOrder ?? 0,
      created_at: now,
      updated_at: now,
    };
    await insertUnitRow(trx, row);
    const unit = presentOrgUnit(row);
    await writeAudit(trx, {
      at: now,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: 'org.create',
      targetType: 'org_unit',
      targetId: id,
      ip: meta.ip ?? null,
      details: { after: unit },
    });
    return unit;
  });
  await deps.territory.reload();
  return unit;
}

export async function updateOrgUnit(deps: Deps, principal: Principal, id: string, input: UpdateOrgUnitRequest, meta: RequestMeta = {}): Promise<OrgUnit> {
  const now = deps.clock.now().toISOString();
  const unit = await deps.db.transaction().execute(async (trx) => {
    const before = await getUnitRow({ db: trx }, id);
    const patch: Updateable<OrgUnitsTable> = { updated_at: now };
    if (input.name !== undefined) patch.name = input.name;
    if (input.nameEn !== undefined) patch.name_en = input.nameEn;
    if (input.sortOrder !== undefined) patch.sort_order = input.sortOrder;
    if (input.code !== undefined && input.code !== before.code) {
      if (input.code === null && isTerritorialKind(before.kind))
        throw new AppError('SEMANTIC_ERROR', 'Territorial units need a code: boundary import matches them by it');
      if (input.code !== null && (await findUnitIdByKindCode(trx, before.kind, input.code))) {
        throw new AppError('CONFLICT', `A ${before.kind} with code ${input.code} already exists`, { code: input.code });
      }
      patch.code = input.code;
    }
    if (input.areaUnitId !== undefined) {
      if (before.kind !== 'station') throw new AppError('SEMANTIC_ERROR', 'Only a station serves an area (areaUnitId)');
      patch.area_unit_id = input.areaUnitId === null ? null : (await getTerritorialUnit(trx, input.areaUnitId)).id;
    }
    await updateUnitRow(trx, id, patch);
    const after = { ...before, ...patch } as OrgUnitRow;
    const changed = Object.keys(patch).filter((k) => k !== 'updated_at');
    await writeAudit(trx, {
      at: now,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: 'org.update',
      targetType: 'org_unit',
      targetId: id,
      ip: meta.ip ?? null,
      details: { changed, before: presentOrgUnit(before), after: presentOrgUnit(after) },
    });
    return presentOrgUnit(after, { withBoundary: true });
  });
  await deps.territory.reload();
  return unit;
}

async function getUnitRow(deps: Pick<Deps, 'db'>, id: string): Promise<OrgUnitRow> {
  const row = await findUnitRowById(deps.db, id);
  if (!row) throw notFound('ORG_UNIT_NOT_FOUND', `Org unit ${id}`);
  return row;
}

async function getTerritorialUnit(db: Deps['db'], id: string): Promise<OrgUnitRow> {
  const row = await findUnitRowById(db, id);
  if (!row || !isTerritorialKind(row.kind)) throw new AppError('UNKNOWN_ORG_UNIT', `No territorial unit ${id}`, { areaUnitId: id });
  return row;
}

/** Departments hang under the county or another department; stations under a department. */
async function resolveParent(db: Deps['db'], input: CreateOrgUnitRequest): Promise<OrgUnitRow> {
  if (!input.parentId) {
    if (input.kind === 'station') throw new AppError('SEMANTIC_ERROR', 'A station needs parentId: the department it belongs to');
    const counties = await findUnitSummaries(db, { kind: 'county' });
    if (counties.length !== 1) throw new AppError('SEMANTIC_ERROR', 'Name the parent (parentId): there is not exactly one county');
    return getUnitRow({ db }, counties[0].id);
  }
  const parent = await findUnitRowById(db, input.parentId);
  if (!parent) throw new AppError('UNKNOWN_ORG_UNIT', `No org unit ${input.parentId}`, { parentId: input.parentId });
  const allowed = input.kind === 'department' ? ['county', 'department'] : ['department'];
  if (!allowed.includes(parent.kind)) {
    throw new AppError('SEMANTIC_ERROR', `A ${input.kind} belongs to a ${allowed.join(' or ')}, not a ${parent.kind}`, { parentId: input.parentId });
  }
  return parent;
}
