import type { ImportReport, TerritorialKind } from '@liandong/contracts';
import { TERRITORIAL_KINDS } from '@liandong/contracts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { checkAreaGeometry } from '../../lib/geo/geometry-check.ts';
import { centroidOf } from '../../lib/geo/geometry.ts';
import { writeAudit } from '../auth/audit.ts';
import { checkBoundarySet, unitKey, type ExistingUnit } from './boundary-checks.ts';
import { findAllUnitRows, findUserDisplayName, insertUnitRow, updateUnitRow } from './org.repository.ts';

/**
 * Boundary import (区划边界导入).
 *
 * Input: a GeoJSON FeatureCollection (RFC 7946, WGS-84 lng/lat):
 *
 *     { "type": "FeatureCollection", "features": [
 *       { "type": "Feature",
 *         "properties": { "kind": "county" | "township" | "village" | "grid",
 *                         "code": "330999001", "name": "东港镇", "nameEn": "Donggang Town",
 *                         "parentCode": "330999" },
 *         "geometry": { "type": "Polygon" | "MultiPolygon", "coordinates": … } } ] }
 *
 * - `code` identifies a unit within its kind; a feature whose (kind, code) is stored updates
 *   that unit's name, nameEn (when given) and boundary, otherwise a unit is created.
 * - `parentCode` names the unit one level up (grid → village → township → county), in the file
 *   or already stored; a county has none. Moving a stored unit to another parent is refused.
 * - Rings must be closed, have at least 4 positions and not cross themselves; holes and
 *   MultiPolygons are fine.
 * - Siblings may not overlap, a unit may not extend outside its parent, and the children of a
 *   parent must cover it (no gaps), each beyond `toleranceM2` (default 10 m²).
 *
 * Every issue blocks: routing needs "every point in exactly one grid", so there is no class of
 * problem that could safely be applied as a warning. Nothing is written unless the whole set is
 * clean; then all units are written in one transaction with an audit record, and the in-memory
 * territory is reloaded.
 */
export interface ImportOptions {
  dryRun?: boolean;
  actorUserId?: string | null;
  ip?: string | null;
  toleranceM2?: number;
  onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_TOLERANCE_M2 = 10;

export async function importBoundaries(deps: AppDeps, input: unknown, opts: ImportOptions = {}): Promise<ImportReport> {
  const features = featuresOf(input);
  const total = features.length * (opts.dryRun ? 2 : 3);
  let done = 0;
  const onStep = () => opts.onProgress?.(++done, total);

  const rows = await findAllUnitRows(deps.db);
  const existing: ExistingUnit[] = rows
    .filter((r) => (TERRITORIAL_KINDS as readonly string[]).includes(r.kind) && r.code !== null)
    .map((r) => ({
      id: r.id,
      kind: r.kind as TerritorialKind,
      code: r.code!,
      parentId: r.parent_id,
      path: r.path,
      depth: r.depth,
      geometry: r.boundary ? (checkAreaGeometry(safeJson(r.boundary)).geometry ?? null) : null,
    }));
  const { planned, issues } = checkBoundarySet(features, existing, { toleranceM2: opts.toleranceM2 ?? DEFAULT_TOLERANCE_M2, onStep });
  const updated = planned.filter((u) => u.existing).length;
  const created = planned.length - updated;
  if (issues.length || opts.dryRun) {
    opts.onProgress?.(total, total);
    return { created, updated, issues, applied: false };
  }

  const now = deps.clock.now().toISOString();
  const actorName = opts.actorUserId ? await findUserDisplayName(deps.db, opts.actorUserId) : null;
  const levels = (kind: string) => TERRITORIAL_KINDS.indexOf(kind as TerritorialKind);
  const ordered = [...planned].sort((a, b) => levels(a.kind) - levels(b.kind));
  await deps.db.transaction().execute(async (trx) => {
    const placed = new Map<string, { id: string; path: string; depth: number }>(existing.map((e) => [unitKey(e.kind, e.code), e]));
    for (const u of ordered) {
      const [lng, lat] = centroidOf(u.geometry);
      const boundary = JSON.stringify({ type: u.geometry.type, coordinates: u.geometry.coordinates });
      if (u.existing) {
        await updateUnitRow(trx, u.existing.id, {
          name: u.name,
          ...(u.nameEn !== undefined ? { name_en: u.nameEn } : {}),
          boundary,
          centroid_lng: lng,
          centroid_lat: lat,
          updated_at: now,
        });
      } else {
        const parent = u.parentKey ? placed.get(u.parentKey) : undefined;
        if (u.parentKey && !parent) throw new Error(`parent ${u.parentKey} of ${u.key} was not placed`);
        const id = deps.ids.id();
        const path = `${parent?.path ?? '/'}${id}/`;
        const depth = parent ? parent.depth + 1 : 0;
        await insertUnitRow(trx, {
          id,
          parent_id: parent?.id ?? null,
          kind: u.kind,
          code: u.code,
          name: u.name,
          name_en: u.nameEn ?? null,
          path,
          depth,
          area_unit_id: null,
          boundary,
          centroid_lng: lng,
          centroid_lat: lat,
          sort_order: 0,
          created_at: now,
          updated_at: now,
        });
        placed.set(u.key, { id, path, depth });
      }
      onStep();
    }
    const county = ordered.find((u) => u.kind === 'county');
    await writeAudit(trx, {
      at: now,
      actorUserId: opts.actorUserId ?? null,
      actorName,
      action: 'org.import',
      targetType: 'org_unit',
      targetId: county ? (placed.get(county.key)?.id ?? null) : null,
      ip: opts.ip ?? null,
      details: { features: features.length, created, updated, codes: ordered.slice(0, 50).map((u) => u.code) },
    });
  });
  await deps.territory.reload();
  deps.logger.info({ created, updated }, 'boundaries imported');
  opts.onProgress?.(total, total);
  return { created, updated, issues: [], applied: true };
}

function featuresOf(input: unknown): unknown[] {
  const fc = input as { type?: unknown; features?: unknown } | null;
  if (!fc || typeof fc !== 'object' || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new AppError('VALIDATION_FAILED', 'Expected a GeoJSON FeatureCollection: {"type": "FeatureCollection", "features": [...]}');
  }
  if (fc.features.length === 0) throw new AppError('VALIDATION_FAILED', 'The FeatureCollection has no features');
  return fc.features;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
