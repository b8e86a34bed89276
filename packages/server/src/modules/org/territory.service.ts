import type { OrgUnitKind } from '@liandong/contracts';
import type { Db } from '../../db/database.ts';
import type { LocatedChain, Territory, UnitInfo } from './territory.ts';

// PLACEHOLDER: a linear scan over grid bounding boxes; the org module replaces it with
// the flatbush R-tree and exact point-in-polygon.
export async function loadTerritory(db: Db): Promise<Territory> {
  let units = new Map<string, UnitInfo>();
  let grids: Array<{ unit: UnitInfo; box: [number, number, number, number] }> = [];
  const load = async () => {
    const rows = await db.selectFrom('org_units').selectAll().execute();
    units = new Map(rows.map((r) => [r.id, { id: r.id, parentId: r.parent_id, kind: r.kind as OrgUnitKind, code: r.code, name: r.name, nameEn: r.name_en, path: r.path, areaUnitId: r.area_unit_id }]));
    grids = rows
      .filter((r) => r.kind === 'grid' && r.boundary)
      .map((r) => {
        const ring = JSON.parse(r.boundary!).coordinates[0] as number[][];
        const xs = ring.map((p) => p[0]);
        const ys = ring.map((p) => p[1]);
        return { unit: units.get(r.id)!, box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] as [number, number, number, number] };
      });
  };
  await load();
  const territory: Territory = {
    locate(lng, lat): LocatedChain | null {
      const g = grids.find(({ box }) => lng >= box[0] && lng < box[2] && lat >= box[1] && lat < box[3]);
      if (!g) return null;
      const village = units.get(g.unit.parentId!)!;
      const township = units.get(village.parentId!)!;
      const county = units.get(township.parentId!)!;
      return { county, township, village, grid: g.unit };
    },
    getUnit: (id) => units.get(id),
    findByCode: (kind, code) => [...units.values()].find((u) => u.kind === kind && u.code === code),
    children: (id) => [...units.values()].filter((u) => u.parentId === id),
    ancestors(id) {
      const out: UnitInfo[] = [];
      for (let u = units.get(id); u; u = u.parentId ? units.get(u.parentId) : undefined) out.unshift(u);
      return out;
    },
    reload: load,
  };
  return territory;
}
