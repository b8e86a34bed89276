import type { OrgUnitKind } from '@liandong/contracts';
import type { Db } from '../../db/database.ts';
import { checkAreaGeometry } from '../../lib/geo/geometry-check.ts';
import type { AreaGeometry } from '../../lib/geo/geometry.ts';
import { buildGridIndex, type GridIndex } from '../../lib/geo/grid-index.ts';
import type { Logger } from '../../lib/logger.ts';
import { findAllUnitRows, type OrgUnitRow } from './org.repository.ts';
import type { LocatedChain, Territory, UnitInfo } from './territory.ts';

/** One immutable snapshot; `reload()` builds a new one and swaps it in whole. */
interface Snapshot {
  units: Map<string, UnitInfo>;
  byCode: Map<string, UnitInfo>;
  children: Map<string, UnitInfo[]>;
  index: GridIndex;
  /** chains[i] is the chain of the grid at index position i (precomputed: locate allocates nothing). */
  chains: LocatedChain[];
}

/**
 * Loads the unit tree and the grid index from the database. Grids whose boundary is unusable or
 * whose chain is not grid → village → township → county are left out of `locate` (and logged),
 * so one bad row cannot stop the server from starting.
 */
export async function loadTerritory(db: Db, logger?: Pick<Logger, 'warn'>): Promise<Territory> {
  let snapshot = buildSnapshot(await findAllUnitRows(db), logger);
  let pending: Promise<void> = Promise.resolve();

  const reloadNow = async () => {
    const next = buildSnapshot(await findAllUnitRows(db), logger);
    snapshot = next;
  };

  return {
    locate(lng, lat) {
      const s = snapshot;
      const i = s.index.locate(lng, lat);
      return i < 0 ? null : s.chains[i];
    },
    getUnit: (id) => snapshot.units.get(id),
    findByCode: (kind, code) => snapshot.byCode.get(codeKey(kind, code)),
    children: (id) => [...(snapshot.children.get(id) ?? [])],
    ancestors(id) {
      const s = snapshot;
      const out: UnitInfo[] = [];
      // The depth bound guards against a parent cycle in hand-edited data.
      for (let u = s.units.get(id), n = 0; u && n < 64; u = u.parentId ? s.units.get(u.parentId) : undefined, n++) out.push(u);
      return out.reverse();
    },
    // Reloads run one after another so a slow, older load never overwrites a newer one.
    reload() {
      pending = pending.then(reloadNow, reloadNow);
      return pending;
    },
  };
}

const codeKey = (kind: string, code: string) => `${kind}\u0000${code}`;

/** Builds a snapshot from rows (exported for tests that need no database). */
export function buildSnapshot(rows: OrgUnitRow[], logger?: Pick<Logger, 'warn'>): Snapshot {
  const units = new Map<string, UnitInfo>();
  const byCode = new Map<string, UnitInfo>();
  const children = new Map<string, UnitInfo[]>();
  // Rows come ordered by depth, sort order, code: children lists and "first by code" follow that order.
  for (const r of rows) {
    const unit: UnitInfo = {
      id: r.id,
      parentId: r.parent_id,
      kind: r.kind as OrgUnitKind,
      code: r.code,
      name: r.name,
      nameEn: r.name_en,
      path: r.path,
      areaUnitId: r.area_unit_id,
    };
    units.set(r.id, unit);
    if (r.code !== null && !byCode.has(codeKey(r.kind, r.code))) byCode.set(codeKey(r.kind, r.code), unit);
  }
  for (const r of rows) {
    if (!r.parent_id) continue;
    const list = children.get(r.parent_id);
    if (list) list.push(units.get(r.id)!);
    else children.set(r.parent_id, [units.get(r.id)!]);
  }

  const shapes: Array<{ geometry: AreaGeometry }> = [];
  const chains: LocatedChain[] = [];
  // Index order decides overlaps (first wins): sort by code so it does not depend on insertion order.
  const grids = rows.filter((r) => r.kind === 'grid' && r.boundary).sort((a, b) => cmp(a.code ?? '', b.code ?? '') || cmp(a.id, b.id));
  for (const r of grids) {
    const grid = units.get(r.id)!;
    const village = grid.parentId ? units.get(grid.parentId) : undefined;
    const township = village?.parentId ? units.get(village.parentId) : undefined;
    const county = township?.parentId ? units.get(township.parentId) : undefined;
    if (village?.kind !== 'village' || township?.kind !== 'township' || county?.kind !== 'county') {
      logger?.warn({ gridId: r.id }, 'grid left out of the territory index: its chain is not village → township → county');
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(r.boundary!);
    } catch {
      parsed = null;
    }
    const { geometry, problems } = checkAreaGeometry(parsed);
    if (!geometry) {
      logger?.warn({ gridId: r.id, problems }, 'grid left out of the territory index: invalid boundary');
      continue;
    }
    shapes.push({ geometry });
    chains.push(Object.freeze({ county, township, village, grid }));
  }
  return { units, byCode, children, index: buildGridIndex(shapes), chains };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
