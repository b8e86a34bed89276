import type { OrgUnitKind } from '@liandong/contracts';

/** A unit as the in-memory territory cache holds it. */
export interface UnitInfo {
  id: string;
  parentId: string | null;
  kind: OrgUnitKind;
  code: string | null;
  name: string;
  nameEn: string | null;
  /** '/county/township/…/self/' — subtree membership is a prefix test. */
  path: string;
  areaUnitId: string | null;
}

/** The territorial chain of a point, county first. */
export interface LocatedChain {
  county: UnitInfo;
  township: UnitInfo;
  village: UnitInfo;
  grid: UnitInfo;
}

/**
 * The county's territory in memory: the unit tree and a spatial index of grid boundaries.
 * `locate` is the hot path of routing (R-tree candidates, then exact point-in-polygon).
 * Rebuilt by `reload()` whenever boundaries or units change.
 */
export interface Territory {
  locate(lng: number, lat: number): LocatedChain | null;
  getUnit(id: string): UnitInfo | undefined;
  /** The first unit of a kind with this code (departments are addressed by code in routing rules). */
  findByCode(kind: OrgUnitKind, code: string): UnitInfo | undefined;
  children(id: string): UnitInfo[];
  /** Ancestors from the root down to and including the unit. */
  ancestors(id: string): UnitInfo[];
  reload(): Promise<void>;
}
