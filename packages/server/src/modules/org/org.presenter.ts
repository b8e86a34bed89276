import type { OrgChainEntry, OrgUnit, OrgUnitKind } from '@liandong/contracts';
import { TERRITORIAL_KINDS } from '@liandong/contracts';
import { roundGeometry, type AreaGeometry } from '../../lib/geo/geometry.ts';
import type { OrgUnitRow, OrgUnitSummaryRow } from './org.repository.ts';
import type { LocatedChain, UnitInfo } from './territory.ts';

export const isTerritorialKind = (kind: string) => (TERRITORIAL_KINDS as readonly string[]).includes(kind);

/** Row → API shape. The boundary only when asked for (detail of a territorial unit). */
export function presentOrgUnit(row: OrgUnitSummaryRow & { boundary?: string | null }, opts: { withBoundary?: boolean } = {}): OrgUnit {
  const unit: OrgUnit = {
    id: row.id,
    parentId: row.parent_id,
    kind: row.kind as OrgUnitKind,
    code: row.code,
    name: row.name,
    nameEn: row.name_en,
    areaUnitId: row.area_unit_id,
    centroid: row.centroid_lng !== null && row.centroid_lat !== null ? { lng: row.centroid_lng, lat: row.centroid_lat } : null,
  };
  if (opts.withBoundary && isTerritorialKind(row.kind)) unit.boundary = row.boundary ? (JSON.parse(row.boundary) as unknown) : null;
  return unit;
}

export function presentChainEntry(u: UnitInfo): OrgChainEntry {
  return { id: u.id, kind: u.kind, name: u.name, nameEn: u.nameEn, code: u.code };
}

export function presentChain(chain: LocatedChain): { chain: OrgChainEntry[] } {
  return { chain: [chain.county, chain.township, chain.village, chain.grid].map(presentChainEntry) };
}

export interface BoundaryFeature {
  type: 'Feature';
  id: string;
  properties: { id: string; name: string; nameEn: string | null; code: string | null; kind: OrgUnitKind };
  geometry: AreaGeometry;
}

/** A map feature: coordinates rounded to 6 decimals (about 0.1 m) to keep the payload small. */
export function presentBoundaryFeature(row: Pick<OrgUnitRow, 'id' | 'kind' | 'code' | 'name' | 'name_en' | 'boundary'>): BoundaryFeature {
  return {
    type: 'Feature',
    id: row.id,
    properties: { id: row.id, name: row.name, nameEn: row.name_en, code: row.code, kind: row.kind as OrgUnitKind },
    geometry: roundGeometry(JSON.parse(row.boundary!) as AreaGeometry, 6),
  };
}
