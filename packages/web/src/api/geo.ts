import { useQuery } from '@tanstack/react-query';
import { api, ApiError, itemsOf } from './client.ts';
import type { OrgUnit } from './types.ts';

export interface Geometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: number[][][] | number[][][][];
}
export interface BoundaryFeature {
  type: 'Feature';
  id?: string;
  properties: { id: string; name: string; nameEn?: string | null; code?: string | null; kind?: string; parentId?: string | null };
  geometry: Geometry;
}
export interface BoundaryCollection {
  type: 'FeatureCollection';
  features: BoundaryFeature[];
}

function isGeometry(g: unknown): g is Geometry {
  const t = (g as Geometry | null)?.type;
  return t === 'Polygon' || t === 'MultiPolygon';
}

/** Accepts a FeatureCollection, or a list of units with `boundary`, and gives a FeatureCollection. */
export function toBoundaryCollection(body: unknown): BoundaryCollection {
  const features: BoundaryFeature[] = [];
  const raw = body as { type?: string; features?: unknown[] };
  if (raw?.type === 'FeatureCollection' && Array.isArray(raw.features)) {
    for (const f of raw.features as Array<{ id?: string; properties?: Record<string, unknown>; geometry?: unknown }>) {
      if (!isGeometry(f.geometry)) continue;
      const p = f.properties ?? {};
      const id = String(p.id ?? f.id ?? p.code ?? p.name ?? features.length);
      features.push({
        type: 'Feature',
        properties: {
          id,
          name: String(p.name ?? p.nameZh ?? id),
          nameEn: (p.nameEn as string) ?? null,
          code: (p.code as string) ?? null,
          kind: p.kind as string,
          parentId: (p.parentId as string) ?? null,
        },
        geometry: f.geometry,
      });
    }
  } else {
    for (const u of itemsOf<OrgUnit & { boundary?: unknown }>(body)) {
      const g = (u.boundary as { geometry?: unknown })?.geometry ?? u.boundary;
      if (!isGeometry(g)) continue;
      features.push({
        type: 'Feature',
        properties: { id: u.id, name: u.name, nameEn: u.nameEn, code: u.code, kind: u.kind, parentId: u.parentId },
        geometry: g,
      });
    }
  }
  return { type: 'FeatureCollection', features };
}

async function fetchBoundaries(kind: 'township' | 'village' | 'grid'): Promise<BoundaryCollection> {
  try {
    return toBoundaryCollection(await api.get('/api/v1/org-units/boundaries', { kind }));
  } catch (e) {
    // Older servers only give boundaries on the unit detail: fine for the few townships.
    if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 400) || kind !== 'township') throw e;
    const units = itemsOf<OrgUnit>(await api.get('/api/v1/org-units', { kind }));
    const details = await Promise.all(units.map((u) => api.get<OrgUnit>(`/api/v1/org-units/${u.id}`)));
    return toBoundaryCollection(details);
  }
}

/** Boundaries of one territorial level; they change only on an import, so they are cached long. */
export function useBoundaries(kind: 'township' | 'village' | 'grid', enabled = true) {
  return useQuery({
    queryKey: ['boundaries', kind],
    queryFn: () => fetchBoundaries(kind),
    staleTime: 30 * 60_000,
    enabled,
  });
}

/** Rings of a geometry as [lng, lat] arrays (outer and holes), for drawing outlines. */
export function ringsOf(g: Geometry): number[][][] {
  if (g.type === 'Polygon') return g.coordinates as number[][][];
  return (g.coordinates as number[][][][]).flat();
}

/** A simple label point: the centre of the bounding box of the largest ring. */
export function labelPointOf(g: Geometry): [number, number] {
  let best: number[][] = [];
  for (const r of ringsOf(g)) if (r.length > best.length) best = r;
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of best) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return [(minX + maxX) / 2, (minY + maxY) / 2];
}
