/*
 * Plain GeoJSON polygon helpers in WGS-84 degrees. Areas use a local equirectangular
 * projection: at county scale (tens of km) the error is well under 1 %, which is all the
 * boundary checks need (their tolerances are in square metres, not survey precision).
 */

export type Position = [number, number];
export type Ring = Position[];
export type PolygonCoords = Ring[];

export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: PolygonCoords;
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: PolygonCoords[];
}
export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;

/** Metres per degree of latitude (mean); a degree of longitude is this × cos(latitude). */
export const METRES_PER_DEGREE = 111_320;

/** The polygons of a Polygon or MultiPolygon, each as rings (outer first, then holes). */
export function polygonsOf(geometry: AreaGeometry): PolygonCoords[] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** [minLng, minLat, maxLng, maxLat] over every ring. */
export function bboxOf(geometry: AreaGeometry): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const polygon of polygonsOf(geometry)) {
    for (const ring of polygon) {
      for (const [x, y] of ring) {
        if (x < minX) minX = x;
        if (y < minY) minY = y;
        if (x > maxX) maxX = x;
        if (y > maxY) maxY = y;
      }
    }
  }
  return [minX, minY, maxX, maxY];
}

/** Signed shoelace area of a ring in square degrees (counter-clockwise positive). */
export function ringSignedArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  }
  return sum / 2;
}

/** Area of polygons (holes subtracted) in square degrees, whatever the ring orientation. */
export function areaDeg2(polygons: PolygonCoords[]): number {
  let total = 0;
  for (const polygon of polygons) {
    polygon.forEach((ring, i) => {
      const a = Math.abs(ringSignedArea(ring));
      total += i === 0 ? a : -a;
    });
  }
  return total;
}

function metresScale(polygons: PolygonCoords[]): number {
  let sumLat = 0;
  let n = 0;
  for (const polygon of polygons) {
    for (const [, y] of polygon[0] ?? []) {
      sumLat += y;
      n++;
    }
  }
  const lat = n ? sumLat / n : 0;
  return METRES_PER_DEGREE * METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
}

/** Approximate area in square metres of polygons given as coordinate arrays (polygon-clipping output). */
export function areaM2OfPolygons(polygons: PolygonCoords[]): number {
  if (!polygons.length) return 0;
  return areaDeg2(polygons) * metresScale(polygons);
}

/** Approximate area in square metres. */
export function areaM2(geometry: AreaGeometry): number {
  return areaM2OfPolygons(polygonsOf(geometry));
}

/**
 * Area-weighted centroid (holes subtracted). For a concave unit it may fall outside the shape;
 * it is a label position and a map centre, not a routing point.
 */
export function centroidOf(geometry: AreaGeometry): Position {
  return centroidOfPolygons(polygonsOf(geometry));
}

export function centroidOfPolygons(polygons: PolygonCoords[]): Position {
  let cx = 0;
  let cy = 0;
  let total = 0;
  for (const polygon of polygons) {
    polygon.forEach((ring, r) => {
      // Accumulate relative to the first vertex so large absolute coordinates lose no precision.
      const [ox, oy] = ring[0];
      let a = 0;
      let sx = 0;
      let sy = 0;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const x0 = ring[j][0] - ox;
        const y0 = ring[j][1] - oy;
        const x1 = ring[i][0] - ox;
        const y1 = ring[i][1] - oy;
        const f = x0 * y1 - x1 * y0;
        a += f;
        sx += (x0 + x1) * f;
        sy += (y0 + y1) * f;
      }
      if (a === 0) return;
      // Outer rings add, holes subtract, regardless of their winding (sx / a is winding-free).
      const sign = r === 0 ? 1 : -1;
      const area = Math.abs(a) / 2;
      cx += sign * area * (sx / (3 * a) + ox);
      cy += sign * area * (sy / (3 * a) + oy);
      total += sign * area;
    });
  }
  if (total === 0) {
    const [minX, minY, maxX, maxY] = bboxOf({ type: 'MultiPolygon', coordinates: polygons });
    return [(minX + maxX) / 2, (minY + maxY) / 2];
  }
  return [cx / total, cy / total];
}

/** Rounds every coordinate to `decimals` places (6 ≈ 0.1 m), dropping repeated positions. */
export function roundGeometry(geometry: AreaGeometry, decimals = 6): AreaGeometry {
  const f = 10 ** decimals;
  const roundRing = (ring: Ring): Ring => {
    const out: Ring = [];
    for (const [x, y] of ring) {
      const p: Position = [Math.round(x * f) / f, Math.round(y * f) / f];
      const last = out[out.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
    }
    return out;
  };
  const roundPolygon = (polygon: PolygonCoords) => polygon.map(roundRing);
  return geometry.type === 'Polygon'
    ? { type: 'Polygon', coordinates: roundPolygon(geometry.coordinates) }
    : { type: 'MultiPolygon', coordinates: geometry.coordinates.map(roundPolygon) };
}
