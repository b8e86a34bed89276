import { Delaunay } from 'd3-delaunay';
import * as polygonClippingModule from 'polygon-clipping';
import type { MultiPolygon as PcMultiPolygon, Polygon as PcPolygon } from 'polygon-clipping';
import { createRng, hashString, type Rng } from './prng.ts';
import { placeNames } from './names.ts';
import { areaDeg2, ringSignedArea } from '../lib/geo/geometry.ts';

// polygon-clipping is CommonJS with `module.exports = {union, …}`: Node's ESM loader exposes it as `default`.
const polygonClipping = ((polygonClippingModule as unknown as { default?: typeof polygonClippingModule }).default ??
  polygonClippingModule) as typeof polygonClippingModule;

export type Position = [number, number];
/** A GeoJSON Polygon: exterior ring counter-clockwise, closed (first = last). */
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Position[][];
}

export type TerritorialLevel = 'county' | 'township' | 'village' | 'grid';

export interface GeneratedUnit {
  kind: TerritorialLevel;
  code: string;
  /** Code of the parent unit; null for the county. */
  parentCode: string | null;
  name: string;
  nameEn: string;
  boundary: PolygonGeometry;
  /** A label point inside the boundary. */
  centroid: Position;
  sortOrder: number;
}

export interface GeneratedTerritory {
  county: GeneratedUnit;
  townships: GeneratedUnit[];
  villages: GeneratedUnit[];
  grids: GeneratedUnit[];
}

export interface TerritoryOptions {
  /** How many grids to aim for (the result is close, not exact). */
  gridTarget?: number;
  townships?: number;
  /** Grids per village on average. */
  gridsPerVillage?: number;
}

export const DEMO_COUNTY_CODE = '330922';
const COUNTY = { name: '岱海县', nameEn: 'Daihai County' };
const CENTER: Position = [122.2, 30.25];
const KM_PER_DEG_LAT = 111.32;
const KM_PER_DEG_LNG = 111.32 * Math.cos((CENTER[1] * Math.PI) / 180);
/** Coordinates are rounded to 1e-6° (about 0.1 m) so that the stored GeoJSON stays compact. */
const ROUND = 1e6;

/** Township names with relative sizes; the first is the county seat. */
const TOWNSHIPS: ReadonlyArray<{ zh: string; en: string; weight: number }> = [
  { zh: '高亭镇', en: 'Gaoting Town', weight: 1.5 },
  { zh: '衢山镇', en: 'Qushan Town', weight: 1.3 },
  { zh: '岱西镇', en: 'Daixi Town', weight: 1.0 },
  { zh: '岱东镇', en: 'Daidong Town', weight: 1.0 },
  { zh: '长涂镇', en: 'Changtu Town', weight: 0.8 },
  { zh: '秀山乡', en: 'Xiushan Township', weight: 0.6 },
  { zh: '东沙镇', en: 'Dongsha Town', weight: 0.8 },
];

/**
 * The demo county's territory, a pure function of the seed: an irregular island-like outline of
 * roughly 30 km × 25 km around 122.2°E 30.25°N cut into Voronoi grid cells. The county is the
 * union of its grids (not a clip of them), so grids tile it exactly: neighbours share Voronoi
 * vertices bit for bit and nothing needs clipping. Villages and townships are grown from grids
 * by adjacency, so each is one connected polygon.
 */
export function generateTerritory(seed: number, opts: TerritoryOptions = {}): GeneratedTerritory {
  const gridTarget = opts.gridTarget ?? 350;
  const townshipCount = Math.min(opts.townships ?? TOWNSHIPS.length, TOWNSHIPS.length);
  const gridsPerVillage = opts.gridsPerVillage ?? 5;
  for (let attempt = 0; attempt < 50; attempt++) {
    const rng = createRng((seed ^ hashString(`territory:${attempt}`)) >>> 0);
    const result = tryGenerate(rng, gridTarget, townshipCount, gridsPerVillage);
    if (result) return result;
  }
  throw new Error('could not generate a territory for this seed');
}

interface Cell {
  index: number;
  ring: Position[]; // lng/lat, closed, CCW
  site: Position; // km
  centroid: Position; // lng/lat
  neighbours: number[]; // indexes into the cells array
}

function tryGenerate(rng: Rng, gridTarget: number, townshipCount: number, gridsPerVillage: number): GeneratedTerritory | null {
  // Outline: an ellipse with a few random harmonics, star-shaped around the centre (so simple).
  const harmonics = [2, 3, 4, 5, 7].map((k) => ({ k, a: rng.float(0.05, 0.2) / Math.sqrt(k - 1), phase: rng.float(0, 2 * Math.PI) }));
  const radius = (theta: number) => {
    let f = 1;
    for (const h of harmonics) f += h.a * Math.cos(h.k * theta + h.phase);
    return Math.max(0.45, f);
  };
  const semi: Position = [15, 12.5];
  const inside = (x: number, y: number) => {
    const theta = Math.atan2(y / semi[1], x / semi[0]);
    const r = Math.hypot(x / semi[0], y / semi[1]);
    return r <= radius(theta);
  };
  // Shape area by integrating ½ r(θ)² over the unit ellipse parameterisation.
  let area = 0;
  const steps = 720;
  for (let i = 0; i < steps; i++) area += 0.5 * radius((2 * Math.PI * i) / steps) ** 2 * ((2 * Math.PI) / steps);
  area *= semi[0] * semi[1];
  // A hexagonal lattice cell covers 0.866 s².
  const spacing = Math.sqrt(area / (gridTarget * 0.866));

  // Jittered hexagonal seed points over a box well beyond the outline, relaxed once (Lloyd) so cells vary like real grids.
  const half: Position = [semi[0] * 1.6 + 2 * spacing, semi[1] * 1.6 + 2 * spacing];
  const bounds = [-half[0], -half[1], half[0], half[1]] as const;
  let points: number[] = [];
  const rowH = spacing * 0.866;
  for (let row = 0, y = -half[1] + rowH / 2; y < half[1]; row++, y += rowH) {
    for (let x = -half[0] + (row % 2 ? spacing : spacing / 2); x < half[0]; x += spacing) {
      points.push(x + rng.float(-0.45, 0.45) * spacing, y + rng.float(-0.45, 0.45) * rowH);
    }
  }
  let delaunay = new Delaunay(Float64Array.from(points));
  for (let iter = 0; iter < 1; iter++) {
    const voronoi = delaunay.voronoi(bounds as unknown as [number, number, number, number]);
    const relaxed: number[] = [];
    for (let i = 0; i < points.length / 2; i++) {
      const poly = voronoi.cellPolygon(i) as Position[] | null;
      if (!poly) relaxed.push(points[2 * i], points[2 * i + 1]);
      else relaxed.push(...ringCentroid(poly));
    }
    points = relaxed;
    delaunay = new Delaunay(Float64Array.from(points));
  }
  const voronoi = delaunay.voronoi(bounds as unknown as [number, number, number, number]);

  // Cells whose site lies in the outline, then the largest edge-connected group of them.
  const n = points.length / 2;
  const selected = new Set<number>();
  for (let i = 0; i < n; i++) if (inside(points[2 * i], points[2 * i + 1])) selected.add(i);
  const component = largestComponent(selected, (i) => [...delaunay.neighbors(i)].filter((j) => selected.has(j)));
  const order = [...component].sort((a, b) => a - b);
  const slot = new Map(order.map((i, k) => [i, k]));
  const cells: Cell[] = [];
  for (const i of order) {
    const poly = voronoi.cellPolygon(i) as Position[] | null;
    if (!poly) return null;
    const ring = closeRing(dedupe(poly.map(([x, y]) => toLngLat(x, y))));
    if (ring.length < 4) return null;
    if (ringSignedArea(ring) < 0) ring.reverse();
    cells.push({
      index: cells.length,
      ring,
      site: [points[2 * i], points[2 * i + 1]],
      centroid: roundPos(ringCentroid(ring)),
      neighbours: [...delaunay.neighbors(i)].filter((j) => slot.has(j)).map((j) => slot.get(j)!),
    });
  }

  const countyPoly = unionOf(cells.map((c) => c.ring));
  if (!countyPoly) return null;

  // Townships grown from far-apart seeds, villages grown inside each township.
  const all = cells.map((c) => c.index);
  const townshipTargets = TOWNSHIPS.slice(0, townshipCount).map((t) => t.weight);
  const townshipGroups = growRegions(rng, cells, all, townshipTargets);
  if (!townshipGroups) return null;
  const townshipUnits: GeneratedUnit[] = [];
  const villageUnits: GeneratedUnit[] = [];
  const gridUnits: GeneratedUnit[] = [];
  const takenNames = new Set<string>(TOWNSHIPS.map((t) => t.zh.slice(0, 2)));
  const county: GeneratedUnit = {
    kind: 'county',
    code: DEMO_COUNTY_CODE,
    parentCode: null,
    name: COUNTY.name,
    nameEn: COUNTY.nameEn,
    boundary: countyPoly,
    centroid: labelPoint(countyPoly, cells),
    sortOrder: 0,
  };
  for (const [t, group] of townshipGroups.entries()) {
    const tPoly = unionOf(group.map((i) => cells[i].ring));
    if (!tPoly) return null;
    const tCode = `${DEMO_COUNTY_CODE}${String(t + 1).padStart(3, '0')}`;
    townshipUnits.push({
      kind: 'township',
      code: tCode,
      parentCode: DEMO_COUNTY_CODE,
      name: TOWNSHIPS[t].zh,
      nameEn: TOWNSHIPS[t].en,
      boundary: tPoly,
      centroid: labelPoint(
        tPoly,
        group.map((i) => cells[i]),
      ),
      sortOrder: t,
    });
    const villageCount = Math.max(2, Math.round(group.length / gridsPerVillage));
    const villageGroups = growRegions(
      rng,
      cells,
      group,
      Array.from({ length: villageCount }, () => rng.float(0.7, 1.3)),
    );
    if (!villageGroups) return null;
    // Number villages from north-west to south-east, the way codes are usually handed out.
    const sortedVillages = villageGroups.map((g) => ({ g, c: meanCentroid(g.map((i) => cells[i])) })).sort((a, b) => b.c[1] - a.c[1] + (a.c[0] - b.c[0]) * 0.3);
    const names = placeNames(rng, sortedVillages.length, takenNames);
    // The township seat's villages (the first two) are urban communities.
    const seat = sortedVillages
      .map((v, k) => ({ k, d: dist(v.c, townshipUnits[t].centroid) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 2)
      .map((x) => x.k);
    for (const [v, { g }] of sortedVillages.entries()) {
      const vPoly = unionOf(g.map((i) => cells[i].ring));
      if (!vPoly) return null;
      const vCode = `${tCode}${String(v + 1).padStart(3, '0')}`;
      const community = seat.includes(v);
      const vName = names[v].zh + (community ? '社区' : '村');
      const vNameEn = `${names[v].pinyin} ${community ? 'Community' : 'Village'}`;
      villageUnits.push({
        kind: 'village',
        code: vCode,
        parentCode: tCode,
        name: vName,
        nameEn: vNameEn,
        boundary: vPoly,
        centroid: labelPoint(
          vPoly,
          g.map((i) => cells[i]),
        ),
        sortOrder: v,
      });
      const sortedGrids = [...g].sort((a, b) => cells[b].centroid[1] - cells[a].centroid[1] || cells[a].centroid[0] - cells[b].centroid[0]);
      for (const [k, ci] of sortedGrids.entries()) {
        gridUnits.push({
          kind: 'grid',
          code: `${vCode}-${String(k + 1).padStart(2, '0')}`,
          parentCode: vCode,
          name: `${vName}第${k + 1}网格`,
          nameEn: `${names[v].pinyin} Grid ${k + 1}`,
          boundary: { type: 'Polygon', coordinates: [cells[ci].ring] },
          centroid: cells[ci].centroid,
          sortOrder: k,
        });
      }
    }
  }
  return { county, townships: townshipUnits, villages: villageUnits, grids: gridUnits };
}

function toLngLat(x: number, y: number): Position {
  return [Math.round((CENTER[0] + x / KM_PER_DEG_LNG) * ROUND) / ROUND, Math.round((CENTER[1] + y / KM_PER_DEG_LAT) * ROUND) / ROUND];
}

function dedupe(ring: Position[]): Position[] {
  const out: Position[] = [];
  for (const p of ring) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  while (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  return out;
}

function closeRing(ring: Position[]): Position[] {
  return ring.length ? [...ring, [ring[0][0], ring[0][1]]] : ring;
}

/** Planar area of a polygon in squared degrees (holes subtracted). */
export function polygonArea(poly: PolygonGeometry): number {
  return areaDeg2([poly.coordinates]);
}

function ringCentroid(ring: Position[]): Position {
  let a = 0;
  let cx = 0;
  let cy = 0;
  const closed = ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring : [...ring, ring[0]];
  for (let i = 0; i < closed.length - 1; i++) {
    const f = closed[i][0] * closed[i + 1][1] - closed[i + 1][0] * closed[i][1];
    a += f;
    cx += (closed[i][0] + closed[i + 1][0]) * f;
    cy += (closed[i][1] + closed[i + 1][1]) * f;
  }
  return [cx / (3 * a), cy / (3 * a)];
}

/** Ray-casting point-in-polygon (holes excluded). */
export function pointInPolygon(p: Position, poly: PolygonGeometry): boolean {
  const inRing = (ring: Position[]) => {
    let c = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) c = !c;
    }
    return c;
  };
  const [outer, ...holes] = poly.coordinates;
  return inRing(outer) && !holes.some(inRing);
}

/** A uniform random point inside a polygon, by rejection from its bounding box. */
export function samplePointInPolygon(rng: Rng, poly: PolygonGeometry): Position {
  const ring = poly.coordinates[0];
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of ring) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  for (let i = 0; i < 1000; i++) {
    const p: Position = [Math.round(rng.float(minX, maxX) * ROUND) / ROUND, Math.round(rng.float(minY, maxY) * ROUND) / ROUND];
    if (pointInPolygon(p, poly)) return p;
  }
  return ringCentroid(ring);
}

function meanCentroid(cells: Cell[]): Position {
  let x = 0;
  let y = 0;
  for (const c of cells) {
    x += c.centroid[0];
    y += c.centroid[1];
  }
  return [x / cells.length, y / cells.length];
}

/** The area centroid when it falls inside; otherwise the centroid of the member cell nearest to it. */
function labelPoint(poly: PolygonGeometry, cells: Cell[]): Position {
  const c = ringCentroid(poly.coordinates[0]);
  if (pointInPolygon(c, poly)) return roundPos(c);
  let best = cells[0];
  for (const cell of cells) if (dist(cell.centroid, c) < dist(best.centroid, c)) best = cell;
  return roundPos(best.centroid);
}

const roundPos = (p: Position): Position => [Math.round(p[0] * ROUND) / ROUND, Math.round(p[1] * ROUND) / ROUND];
const dist = (a: Position, b: Position) => Math.hypot((a[0] - b[0]) * KM_PER_DEG_LNG, (a[1] - b[1]) * KM_PER_DEG_LAT);

/** The union of cell rings as one polygon without holes, or null when it is not one. */
function unionOf(rings: Position[][]): PolygonGeometry | null {
  const geoms = rings.map((r) => [r] as PcPolygon);
  const result: PcMultiPolygon = polygonClipping.union(geoms[0], ...geoms.slice(1));
  if (result.length !== 1 || result[0].length !== 1) return null;
  const outer = result[0][0] as Position[];
  if (ringSignedArea(outer) < 0) outer.reverse();
  return { type: 'Polygon', coordinates: [outer] };
}

function largestComponent(nodes: Set<number>, neighbours: (i: number) => number[]): Set<number> {
  const seen = new Set<number>();
  let best = new Set<number>();
  for (const start of [...nodes].sort((a, b) => a - b)) {
    if (seen.has(start)) continue;
    const comp = new Set<number>([start]);
    const stack = [start];
    seen.add(start);
    while (stack.length) {
      const i = stack.pop()!;
      for (const j of neighbours(i)) {
        if (!seen.has(j)) {
          seen.add(j);
          comp.add(j);
          stack.push(j);
        }
      }
    }
    if (comp.size > best.size) best = comp;
  }
  return best;
}

/**
 * Splits `members` into edge-connected regions sized roughly by `weights`: far-apart seeds,
 * then the region furthest below its share takes the frontier cell nearest its seed.
 */
function growRegions(rng: Rng, cells: Cell[], members: number[], weights: number[]): number[][] | null {
  const k = weights.length;
  if (members.length < k) return null;
  const memberSet = new Set(members);
  const total = weights.reduce((s, w) => s + w, 0);
  const targets = weights.map((w) => (w / total) * members.length);
  // Farthest-point seeds from a random start.
  const seeds = [rng.pick(members)];
  while (seeds.length < k) {
    let best = -1;
    let bestD = -1;
    for (const m of members) {
      const d = Math.min(...seeds.map((s) => dist(cells[s].centroid, cells[m].centroid)));
      if (d > bestD) {
        bestD = d;
        best = m;
      }
    }
    seeds.push(best);
  }
  const owner = new Map<number, number>();
  const regions: number[][] = seeds.map((s, r) => {
    owner.set(s, r);
    return [s];
  });
  const jitter = new Map(members.map((m) => [m, rng.float(0, 0.35)]));
  let remaining = members.length - k;
  while (remaining > 0) {
    const order = regions.map((reg, r) => ({ r, fill: reg.length / targets[r] })).sort((a, b) => a.fill - b.fill);
    let grew = false;
    for (const { r } of order) {
      let pick = -1;
      let pickScore = Infinity;
      for (const c of regions[r]) {
        for (const nb of cells[c].neighbours) {
          if (!memberSet.has(nb) || owner.has(nb)) continue;
          const score = dist(cells[nb].centroid, cells[seeds[r]].centroid) * (1 + jitter.get(nb)!);
          if (score < pickScore) {
            pickScore = score;
            pick = nb;
          }
        }
      }
      if (pick >= 0) {
        owner.set(pick, r);
        regions[r].push(pick);
        remaining--;
        grew = true;
        break;
      }
    }
    if (!grew) return null; // members not connected
  }
  return regions;
}
