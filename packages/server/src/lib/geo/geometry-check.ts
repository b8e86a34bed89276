import type { AreaGeometry, Ring } from './geometry.ts';

/**
 * Structural checks of a GeoJSON Polygon/MultiPolygon: what an importer can detect cheaply
 * before handing shapes to polygon clipping (which misbehaves on invalid input).
 * Returns human-readable problems; an empty list means the geometry can be used.
 */
export function checkAreaGeometry(value: unknown): { geometry?: AreaGeometry; problems: string[] } {
  const problems: string[] = [];
  if (!value || typeof value !== 'object') return { problems: ['geometry is missing'] };
  const g = value as { type?: unknown; coordinates?: unknown };
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
    return { problems: [`geometry type must be Polygon or MultiPolygon, got ${JSON.stringify(g.type ?? null)}`] };
  }
  if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return { problems: ['geometry has no coordinates'] };
  const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as unknown[];
  polygons.forEach((polygon, p) => {
    const where = g.type === 'MultiPolygon' ? `polygon ${p + 1}, ` : '';
    if (!Array.isArray(polygon) || polygon.length === 0) {
      problems.push(`${where}no rings`);
      return;
    }
    polygon.forEach((ring, r) => {
      const label = `${where}${r === 0 ? 'outer ring' : `hole ${r}`}`;
      problems.push(...checkRing(ring, label));
    });
  });
  return problems.length ? { problems } : { geometry: { type: g.type, coordinates: g.coordinates } as AreaGeometry, problems };
}

function checkRing(value: unknown, label: string): string[] {
  if (!Array.isArray(value)) return [`${label} is not an array of positions`];
  for (const [i, p] of value.entries()) {
    if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      return [`${label}: position ${i + 1} is not [lng, lat]`];
    }
    if (p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90) return [`${label}: position ${i + 1} is outside WGS-84 range`];
  }
  const ring = value as Ring;
  if (ring.length < 4) return [`${label} has ${ring.length} positions; a ring needs at least 4`];
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1]) return [`${label} is not closed (first and last positions differ)`];
  const distinct = dropRepeats(ring);
  if (distinct.length < 4) return [`${label} has fewer than 3 distinct positions`];
  const crossing = findSelfIntersection(distinct);
  if (crossing) return [`${label} intersects itself near [${crossing[0]}, ${crossing[1]}]`];
  return [];
}

function dropRepeats(ring: Ring): Ring {
  const out: Ring = [];
  for (const p of ring) {
    const q = out[out.length - 1];
    if (!q || q[0] !== p[0] || q[1] !== p[1]) out.push(p);
  }
  return out;
}

/** Orientation of (a, b, c): > 0 counter-clockwise, < 0 clockwise, 0 collinear. */
function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

function onSegment(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  return Math.min(ax, bx) <= cx && cx <= Math.max(ax, bx) && Math.min(ay, by) <= cy && cy <= Math.max(ay, by);
}

function segmentsIntersect(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const o1 = orient(ax, ay, bx, by, cx, cy);
  const o2 = orient(ax, ay, bx, by, dx, dy);
  const o3 = orient(cx, cy, dx, dy, ax, ay);
  const o4 = orient(cx, cy, dx, dy, bx, by);
  if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) return true;
  if (o1 === 0 && onSegment(ax, ay, bx, by, cx, cy)) return true;
  if (o2 === 0 && onSegment(ax, ay, bx, by, dx, dy)) return true;
  if (o3 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) return true;
  if (o4 === 0 && onSegment(cx, cy, dx, dy, bx, by)) return true;
  return false;
}

/**
 * A point where two non-adjacent edges of a closed ring meet, or null. Sweep over edges sorted
 * by their left end, so typical boundaries cost close to n log n rather than n².
 */
export function findSelfIntersection(ring: Ring): [number, number] | null {
  const n = ring.length - 1; // edges; the last position repeats the first
  const order = Array.from({ length: n }, (_, i) => i);
  const minX = (i: number) => Math.min(ring[i][0], ring[i + 1][0]);
  const maxX = (i: number) => Math.max(ring[i][0], ring[i + 1][0]);
  order.sort((a, b) => minX(a) - minX(b));
  for (let s = 0; s < n; s++) {
    const i = order[s];
    const right = maxX(i);
    const [ax, ay] = ring[i];
    const [bx, by] = ring[i + 1];
    for (let t = s + 1; t < n; t++) {
      const j = order[t];
      if (minX(j) > right) break;
      const adjacent = Math.abs(i - j) === 1 || Math.abs(i - j) === n - 1;
      const [cx, cy] = ring[j];
      const [dx, dy] = ring[j + 1];
      if (adjacent) {
        // Adjacent edges share one end; they are invalid only when they fold back over each other.
        const shared = i + 1 === j || (i === n - 1 && j === 0) ? ring[j] : ring[i];
        const a = shared === ring[i] ? ring[i + 1] : ring[i];
        const b = shared === ring[j] ? ring[j + 1] : ring[j];
        if (
          orient(shared[0], shared[1], a[0], a[1], b[0], b[1]) === 0 &&
          (a[0] - shared[0]) * (b[0] - shared[0]) + (a[1] - shared[1]) * (b[1] - shared[1]) > 0
        ) {
          return [shared[0], shared[1]];
        }
        continue;
      }
      if (segmentsIntersect(ax, ay, bx, by, cx, cy, dx, dy)) return [cx, cy];
    }
  }
  return null;
}
