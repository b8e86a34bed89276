import type { PolygonGeometry, Position } from './geometry.ts';

export interface TilingOptions {
  /** Cells across and down. */
  nx: number;
  ny: number;
  /** [minLng, minLat, maxLng, maxLat] covered exactly by the tiling. */
  bbox: [number, number, number, number];
  /** Share of a cell by which interior corners and edge points move (0 = rectangles; < 0.5 keeps cells simple). */
  jitter?: number;
  /** Extra points on every cell edge, shared bit-for-bit by the two cells along it. */
  edgePoints?: number;
  seed?: number;
}

/** A small seeded PRNG (mulberry32): benchmarks and property tests must be repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A gap-free, overlap-free tiling of a rectangle by jittered quadrilateral cells whose edges
 * carry extra wobbly points — the shape of real grid boundaries, made without a database.
 * Cells are returned row by row from the south-west (index = row × nx + column).
 */
export function syntheticTiling(opts: TilingOptions): PolygonGeometry[] {
  const { nx, ny, bbox } = opts;
  const jitter = opts.jitter ?? 0.3;
  const extra = opts.edgePoints ?? 0;
  const random = seededRandom(opts.seed ?? 1);
  const [minX, minY, maxX, maxY] = bbox;
  const w = (maxX - minX) / nx;
  const h = (maxY - minY) / ny;

  // Corners: border corners stay on the rectangle so the union is exactly the bbox.
  const corner: Position[][] = [];
  for (let j = 0; j <= ny; j++) {
    corner.push([]);
    for (let i = 0; i <= nx; i++) {
      const dx = i > 0 && i < nx ? (random() - 0.5) * 2 * jitter * w : 0;
      const dy = j > 0 && j < ny ? (random() - 0.5) * 2 * jitter * h : 0;
      corner[j].push([i === nx ? maxX : minX + i * w + dx, j === ny ? maxY : minY + j * h + dy]);
    }
  }

  // Points along an edge from a to b, wobbling sideways except on the outer border.
  const wobble = (a: Position, b: Position, onBorder: boolean): Position[] => {
    const pts: Position[] = [];
    for (let k = 1; k <= extra; k++) {
      const t = k / (extra + 1);
      const off = onBorder ? 0 : (random() - 0.5) * jitter * 0.5;
      // Perpendicular offset, scaled to the cell size so rings stay simple.
      const px = -(b[1] - a[1]);
      const py = b[0] - a[0];
      pts.push([a[0] + (b[0] - a[0]) * t + px * off * (1 / (extra + 1)), a[1] + (b[1] - a[1]) * t + py * off * (1 / (extra + 1))]);
    }
    return pts;
  };
  const horizontal: Position[][][] = []; // [j][i]: from corner[j][i] to corner[j][i+1]
  for (let j = 0; j <= ny; j++) {
    horizontal.push([]);
    for (let i = 0; i < nx; i++) horizontal[j].push(wobble(corner[j][i], corner[j][i + 1], j === 0 || j === ny));
  }
  const vertical: Position[][][] = []; // [j][i]: from corner[j][i] to corner[j+1][i]
  for (let j = 0; j < ny; j++) {
    vertical.push([]);
    for (let i = 0; i <= nx; i++) vertical[j].push(wobble(corner[j][i], corner[j + 1][i], i === 0 || i === nx));
  }

  const cells: PolygonGeometry[] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      // Counter-clockwise: south edge east, east edge north, north edge west, west edge south.
      const ring: Position[] = [
        corner[j][i],
        ...horizontal[j][i],
        corner[j][i + 1],
        ...vertical[j][i + 1],
        corner[j + 1][i + 1],
        ...[...horizontal[j + 1][i]].reverse(),
        corner[j + 1][i],
        ...[...vertical[j][i]].reverse(),
        corner[j][i],
      ];
      cells.push({ type: 'Polygon', coordinates: [ring.map((p) => [p[0], p[1]] as Position)] });
    }
  }
  return cells;
}
