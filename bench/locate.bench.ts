// locate(lng, lat): the R-tree + exact point-in-polygon index against a naive scan with
// @turf/boolean-point-in-polygon over all grids, on the demo county and on a synthetic
// 10,000-grid county, single core, measured in the same run.
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { buildGridIndex } from '../packages/server/src/lib/geo/grid-index.ts';
import type { AreaGeometry } from '../packages/server/src/lib/geo/geometry.ts';
import { generateTerritory } from '../packages/server/src/demo/territory.generator.ts';
import { prng } from './lib/populate.ts';
import { syntheticTiling } from '../packages/server/src/lib/geo/synthetic-tiling.ts';

type Grid = { geometry: AreaGeometry };

function bbox(grids: Grid[]): [number, number, number, number] {
  let [a, b, c, d] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const g of grids) {
    const polys = g.geometry.type === 'Polygon' ? [g.geometry.coordinates] : g.geometry.coordinates;
    for (const p of polys)
      for (const [x, y] of p[0]) {
        a = Math.min(a, x);
        b = Math.min(b, y);
        c = Math.max(c, x);
        d = Math.max(d, y);
      }
  }
  return [a, b, c, d];
}

/** Lookups per second of `locate` over `points` (flat lng,lat pairs), for at least `minMs`. */
function rate(locate: (lng: number, lat: number) => number, points: Float64Array, minMs: number): { perSec: number; hits: number } {
  let n = 0;
  let hits = 0;
  const t0 = performance.now();
  let elapsed: number;
  do {
    for (let i = 0; i < points.length; i += 2) if (locate(points[i], points[i + 1]) >= 0) hits++;
    n += points.length / 2;
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return { perSec: (n / elapsed) * 1000, hits: hits / n };
}

function randomPoints(grids: Grid[], count: number, seed: number): Float64Array {
  const [a, b, c, d] = bbox(grids);
  const rnd = prng(seed);
  const pts = new Float64Array(count * 2);
  for (let i = 0; i < count; i++) {
    pts[2 * i] = a + rnd() * (c - a);
    pts[2 * i + 1] = b + rnd() * (d - b);
  }
  return pts;
}

function measure(name: string, grids: Grid[], log: (s: string) => void) {
  const index = buildGridIndex(grids);
  const points = randomPoints(grids, 200_000, 3);
  const features = grids.map((g) => ({ type: 'Feature' as const, properties: {}, geometry: g.geometry }));
  const naive = (lng: number, lat: number) => {
    const pt = [lng, lat];
    for (let i = 0; i < features.length; i++) if (booleanPointInPolygon(pt, features[i] as never)) return i;
    return -1;
  };
  // Agreement check on a sample, so the speed is of a correct answer.
  let disagree = 0;
  for (let i = 0; i < 2000; i += 2) if (index.locate(points[i], points[i + 1]) !== naive(points[i], points[i + 1])) disagree++;
  rate(index.locate, points, 300); // warm-up
  const fast = rate(index.locate, points, 3000);
  const slowPoints = points.subarray(0, grids.length > 1000 ? 400 : 20_000);
  const slow = rate(naive, slowPoints, 3000);
  log(`  ${name}: ${Math.round(fast.perSec).toLocaleString()} lookups/s vs naive ${Math.round(slow.perSec).toLocaleString()}/s`);
  return { grids: grids.length, fast: fast.perSec, slow: slow.perSec, disagree, hits: fast.hits };
}

export async function runLocateBench(log: (s: string) => void): Promise<string> {
  const demo = generateTerritory(20261128).grids.map((g) => ({ geometry: g.boundary as AreaGeometry }));
  // 10,000 jittered cells with 8 extra points per edge: the shape of real grid boundaries.
  const big = syntheticTiling({ nx: 100, ny: 100, bbox: [121.5, 29.5, 121.9, 29.9], jitter: 0.3, edgePoints: 8, seed: 1 }).map((geometry) => ({ geometry }));
  const d = measure('demo county', demo, log);
  const s = measure('10,000 grids', big, log);
  const row = (label: string, r: typeof d, target: number) =>
    `| ${label} | ${r.grids.toLocaleString()} | **${Math.round(r.fast).toLocaleString()}** | ${Math.round(r.slow).toLocaleString()} | ${(r.fast / r.slow).toFixed(0)}× | ${(r.hits * 100).toFixed(1)} % | ${r.disagree} | ≥ ${target.toLocaleString()} ${r.fast >= target && r.disagree === 0 ? '✅' : '❌'} |`;
  return [
    '### locate(lng, lat)',
    '',
    "Command: `npm run bench -- locate`. Single core, 200,000 uniformly random points in the county's bounding box (so some fall outside), ≥ 3 s per figure.",
    '',
    '| county | grids | R-tree + exact PIP (lookups/s) | naive scan with @turf/boolean-point-in-polygon (lookups/s) | ratio | points inside | disagreements on 1,000 points | target |',
    '|---|---|---|---|---|---|---|---|',
    row('demo county', d, 1_500_000),
    row('synthetic jittered lattice', s, 800_000),
    '',
  ].join('\n');
}
