import Flatbush from 'flatbush';
import { polygonsOf, type AreaGeometry } from './geometry.ts';

/**
 * Point location over a set of area geometries (the county's grids): a flatbush R-tree of
 * bounding boxes gives candidates, an exact crossing-number test decides.
 *
 * Hot path rules: `locate` allocates nothing. The R-tree is walked with a preallocated stack
 * over flatbush's documented serialized layout, and each shape's edges live in one flat
 * Float64Array, pre-sorted into horizontal bands so a point only tests the edges of its band.
 *
 * Boundaries: every edge is stored with its lower end first, so two shapes sharing an edge
 * evaluate bit-identical arithmetic for it, and the half-open rule (an edge covers
 * lowY ≤ y < highY; a point counts a crossing only when strictly left of the edge) gives a
 * point on a shared edge or vertex to exactly one of them — the shape to its right (east),
 * or above (north) on a horizontal edge. When shapes overlap (bad data), the first in
 * input order wins, so results are deterministic for a given input.
 */
export interface GridIndex {
  /** Index (into the input array) of the shape containing the point, or -1. */
  locate(lng: number, lat: number): number;
  readonly size: number;
}

export interface IndexedShape {
  geometry: AreaGeometry;
}

/** Edges of one shape, banded. Layout documented in buildShape. */
interface Shape {
  minY: number;
  bandScale: number;
  bandCount: number;
  /** bandStart[b]..bandStart[b+1] (in edges) are the edges overlapping band b. */
  bandStart: Uint32Array;
  /** Per edge: lowX, lowY, highX, highY (lowY < highY). */
  edges: Float64Array;
}

/** Shapes with more edges than this get bands; below it a straight scan is faster. */
const BAND_THRESHOLD = 24;
/** Average edges per band aimed for. */
const EDGES_PER_BAND = 4;
const MAX_BANDS = 1024;
const NODE_SIZE = 8;

/** Builds the index. Shapes are referenced by their position in `shapes`. */
export function buildGridIndex(shapes: readonly IndexedShape[]): GridIndex {
  const n = shapes.length;
  if (n === 0) return { locate: () => -1, size: 0 };
  const built = shapes.map((s) => buildShape(s.geometry));

  const tree = new Flatbush(n, NODE_SIZE, Float64Array);
  for (const s of shapes) {
    const [minX, minY, maxX, maxY] = boxOf(s.geometry);
    tree.add(minX, minY, maxX, maxY);
  }
  tree.finish();

  // flatbush's serialized layout (README, "Flatbush.from"): an 8-byte header, then all node
  // boxes (4 × Float64 each, leaves first, root last), then node indices.
  const levelBounds: number[] = [];
  let count = n;
  let numNodes = n;
  levelBounds.push(n * 4);
  do {
    count = Math.ceil(count / NODE_SIZE);
    numNodes += count;
    levelBounds.push(numNodes * 4);
  } while (count !== 1);
  const boxes = new Float64Array(tree.data, 8, numNodes * 4);
  const indices = numNodes < 16384 ? new Uint16Array(tree.data, 8 + numNodes * 32, numNodes) : new Uint32Array(tree.data, 8 + numNodes * 32, numNodes);
  const bounds = Int32Array.from(levelBounds);
  const numItems4 = n * 4;
  // Depth-first stack of (node position, level); its bound is levels × node size.
  const stack = new Int32Array(2 * (levelBounds.length + 1) * NODE_SIZE);

  // Leaf hits must be decided in input order to make overlaps deterministic; the tree visits
  // leaves in Hilbert order, so candidates are first collected, then tested lowest index first.
  const candidates = new Int32Array(n);

  const locate = (x: number, y: number): number => {
    let top = 0;
    let found = 0;
    stack[top++] = boxes.length - 4;
    stack[top++] = bounds.length - 1;
    while (top > 0) {
      const level = stack[--top];
      const nodeIndex = stack[--top];
      const end = Math.min(nodeIndex + NODE_SIZE * 4, bounds[level]);
      for (let pos = nodeIndex; pos < end; pos += 4) {
        if (x < boxes[pos] || y < boxes[pos + 1] || x > boxes[pos + 2] || y > boxes[pos + 3]) continue;
        const index = indices[pos >> 2];
        if (nodeIndex >= numItems4) {
          stack[top++] = index;
          stack[top++] = level - 1;
        } else if (pointInShape(built[index], x, y)) {
          candidates[found++] = index;
        }
      }
    }
    if (found === 0) return -1;
    let best = candidates[0];
    for (let i = 1; i < found; i++) if (candidates[i] < best) best = candidates[i];
    return best;
  };
  return { locate, size: n };
}

function boxOf(geometry: AreaGeometry): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const polygon of polygonsOf(geometry)) {
    // Holes lie inside the outer ring, so the outer ring bounds the polygon.
    for (const [x, y] of polygon[0]) {
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}

/**
 * All rings of all parts go into one edge list: with the even-odd rule, holes and separate
 * parts need no bookkeeping. Horizontal edges never change the crossing count and are dropped.
 */
function buildShape(geometry: AreaGeometry): Shape {
  const raw: number[] = [];
  let minY = Infinity;
  let maxY = -Infinity;
  for (const polygon of polygonsOf(geometry)) {
    for (const ring of polygon) {
      const m = ring.length;
      for (let i = 0; i < m; i++) {
        const a = ring[i];
        const b = ring[(i + 1) % m];
        if (a[1] === b[1]) continue;
        const [low, high] = a[1] < b[1] ? [a, b] : [b, a];
        raw.push(low[0], low[1], high[0], high[1]);
        if (low[1] < minY) minY = low[1];
        if (high[1] > maxY) maxY = high[1];
      }
    }
  }
  const edgeCount = raw.length / 4;
  if (edgeCount <= BAND_THRESHOLD || !(maxY > minY)) {
    return { minY: 0, bandScale: 0, bandCount: 1, bandStart: Uint32Array.of(0, edgeCount), edges: Float64Array.from(raw) };
  }
  const bandCount = Math.min(MAX_BANDS, Math.ceil(edgeCount / EDGES_PER_BAND));
  const bandScale = bandCount / (maxY - minY);
  const bandOf = (y: number) => Math.min(bandCount - 1, Math.max(0, Math.floor((y - minY) * bandScale)));
  const perBand: number[][] = Array.from({ length: bandCount }, () => []);
  for (let e = 0; e < edgeCount; e++) {
    const b0 = bandOf(raw[e * 4 + 1]);
    const b1 = bandOf(raw[e * 4 + 3]);
    for (let b = b0; b <= b1; b++) perBand[b].push(e);
  }
  const bandStart = new Uint32Array(bandCount + 1);
  let total = 0;
  for (let b = 0; b < bandCount; b++) {
    bandStart[b] = total;
    total += perBand[b].length;
  }
  bandStart[bandCount] = total;
  const edges = new Float64Array(total * 4);
  let k = 0;
  for (const list of perBand) {
    for (const e of list) {
      edges[k++] = raw[e * 4];
      edges[k++] = raw[e * 4 + 1];
      edges[k++] = raw[e * 4 + 2];
      edges[k++] = raw[e * 4 + 3];
    }
  }
  return { minY, bandScale, bandCount, bandStart, edges };
}

function pointInShape(s: Shape, x: number, y: number): boolean {
  let band = 0;
  if (s.bandCount > 1) {
    band = Math.floor((y - s.minY) * s.bandScale);
    if (band < 0) band = 0;
    else if (band >= s.bandCount) band = s.bandCount - 1;
  }
  const edges = s.edges;
  const end = s.bandStart[band + 1] * 4;
  let inside = false;
  for (let i = s.bandStart[band] * 4; i < end; i += 4) {
    const ly = edges[i + 1];
    const hy = edges[i + 3];
    if (y < ly || y >= hy) continue;
    const lx = edges[i];
    // Strictly left of the upward edge (low → high): the ray to +x crosses it.
    if ((edges[i + 2] - lx) * (y - ly) - (x - lx) * (hy - ly) > 0) inside = !inside;
  }
  return inside;
}
