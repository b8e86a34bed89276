import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AreaGeometry, PolygonGeometry } from './geometry.ts';
import { buildGridIndex } from './grid-index.ts';
import { syntheticTiling } from './synthetic-tiling.ts';

const rect = (a: number, b: number, c: number, d: number): PolygonGeometry => ({
  type: 'Polygon',
  coordinates: [
    [
      [a, b],
      [c, b],
      [c, d],
      [a, d],
      [a, b],
    ],
  ],
});
const index = (...geoms: AreaGeometry[]) => buildGridIndex(geoms.map((geometry) => ({ geometry })));

describe('buildGridIndex', () => {
  it('finds the shape containing a point and -1 outside every shape', () => {
    const idx = index(rect(0, 0, 1, 1), rect(1, 0, 2, 1), rect(0, 1, 2, 2));
    expect(idx.locate(0.5, 0.5)).toBe(0);
    expect(idx.locate(1.5, 0.5)).toBe(1);
    expect(idx.locate(1.9, 1.9)).toBe(2);
    expect(idx.locate(2.5, 0.5)).toBe(-1);
    expect(idx.locate(-0.0001, 0.5)).toBe(-1);
    expect(index().locate(0, 0)).toBe(-1);
  });

  it('does not answer inside a hole, but answers for the shape filling the hole', () => {
    const ring = [
      [0, 0],
      [4, 0],
      [4, 4],
      [0, 4],
      [0, 0],
    ];
    const hole = [
      [1, 1],
      [1, 3],
      [3, 3],
      [3, 1],
      [1, 1],
    ];
    const donut: PolygonGeometry = { type: 'Polygon', coordinates: [ring, hole] as never };
    expect(index(donut).locate(2, 2)).toBe(-1);
    expect(index(donut).locate(0.5, 2)).toBe(0);
    const both = index(donut, rect(1, 1, 3, 3));
    expect(both.locate(2, 2)).toBe(1);
    expect(both.locate(3.5, 3.5)).toBe(0);
  });

  it('covers every part of a MultiPolygon, including an island inside another part’s hole', () => {
    const multi: AreaGeometry = {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [0, 0],
            [4, 0],
            [4, 4],
            [0, 4],
            [0, 0],
          ],
          [
            [1, 1],
            [3, 1],
            [3, 3],
            [1, 3],
            [1, 1],
          ],
        ],
        [
          [
            [1.5, 1.5],
            [2.5, 1.5],
            [2.5, 2.5],
            [1.5, 2.5],
            [1.5, 1.5],
          ],
        ],
        [
          [
            [10, 10],
            [11, 10],
            [11, 11],
            [10, 11],
            [10, 10],
          ],
        ],
      ],
    };
    const idx = index(multi);
    expect(idx.locate(0.5, 0.5)).toBe(0);
    expect(idx.locate(1.2, 1.2)).toBe(-1);
    expect(idx.locate(2, 2)).toBe(0);
    expect(idx.locate(10.5, 10.5)).toBe(0);
    expect(idx.locate(7, 7)).toBe(-1);
  });

  it('gives a point on a shared edge or a shared corner to exactly one shape, the same every time', () => {
    // Four cells meeting at (1, 1), with a diagonal shared edge between the top two.
    const cells: PolygonGeometry[] = [
      rect(0, 0, 1, 1),
      rect(1, 0, 2, 1),
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 1],
            [1, 1],
            [1.3, 2],
            [0, 2],
            [0, 1],
          ],
        ],
      },
      {
        type: 'Polygon',
        coordinates: [
          [
            [1, 1],
            [2, 1],
            [2, 2],
            [1.3, 2],
            [1, 1],
          ],
        ],
      },
    ];
    const idx = index(...cells);
    const onEdges: Array<[number, number]> = [
      [1, 0.5], // vertical between 0 and 1
      [0.5, 1], // horizontal between 0 and 2
      [1.5, 1], // horizontal between 1 and 3
      [1, 1], // the shared corner
      [1.15, 1.5], // on the diagonal between 2 and 3
      [1.03, 1.1],
    ];
    for (const [x, y] of onEdges) {
      const owners = cells.filter((c) => index(c).locate(x, y) === 0).length;
      expect(owners, `(${x}, ${y})`).toBe(1);
      expect(idx.locate(x, y)).toBeGreaterThanOrEqual(0);
      expect(idx.locate(x, y)).toBe(idx.locate(x, y));
    }
    // The documented rule: east of a vertical edge, north of a horizontal one.
    expect(idx.locate(1, 0.5)).toBe(1);
    expect(idx.locate(0.5, 1)).toBe(2);
  });

  it('gives every point on the shared edges of a jittered tiling to exactly one cell', () => {
    const cells = syntheticTiling({ nx: 6, ny: 5, bbox: [122, 30, 122.3, 30.2], edgePoints: 5, jitter: 0.35, seed: 11 });
    const singles = cells.map((c) => index(c));
    const idx = buildGridIndex(cells.map((geometry) => ({ geometry })));
    let checked = 0;
    for (const cell of cells) {
      const ring = cell.coordinates[0];
      for (let i = 0; i + 1 < ring.length; i++) {
        for (const t of [0, 0.25, 0.5]) {
          const x = ring[i][0] + (ring[i + 1][0] - ring[i][0]) * t;
          const y = ring[i][1] + (ring[i + 1][1] - ring[i][1]) * t;
          if (x <= 122 || x >= 122.3 || y <= 30 || y >= 30.2) continue; // the county border has one side only
          const owners = singles.filter((s) => s.locate(x, y) === 0).length;
          expect(owners, `(${x}, ${y})`).toBe(1);
          expect(idx.locate(x, y)).toBe(singles.findIndex((s) => s.locate(x, y) === 0));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('lets the first shape win where shapes overlap, whatever the tree order', () => {
    expect(index(rect(0, 0, 2, 2), rect(1, 1, 3, 3)).locate(1.5, 1.5)).toBe(0);
    expect(index(rect(1, 1, 3, 3), rect(0, 0, 2, 2)).locate(1.5, 1.5)).toBe(0);
  });

  it('agrees with turf on random points for random jittered tilings (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          nx: fc.integer({ min: 1, max: 8 }),
          ny: fc.integer({ min: 1, max: 8 }),
          edgePoints: fc.integer({ min: 0, max: 12 }),
          jitter: fc.double({ min: 0, max: 0.4, noNaN: true }),
          seed: fc.integer({ min: 1, max: 2 ** 30 }),
        }),
        fc.array(fc.tuple(fc.double({ min: 121.95, max: 122.45, noNaN: true }), fc.double({ min: 29.95, max: 30.25, noNaN: true })), {
          minLength: 1,
          maxLength: 60,
        }),
        (opts, points) => {
          const cells = syntheticTiling({ ...opts, bbox: [122, 30, 122.4, 30.2] });
          const idx = buildGridIndex(cells.map((geometry) => ({ geometry })));
          for (const [x, y] of points) {
            // Points on a boundary belong to both sides for turf; those are covered by the edge tests above.
            const containing = cells.flatMap((c, i) => (booleanPointInPolygon([x, y], c, { ignoreBoundary: true }) ? [i] : []));
            const onBoundary = cells.some((c) => booleanPointInPolygon([x, y], c) && !booleanPointInPolygon([x, y], c, { ignoreBoundary: true }));
            if (onBoundary) continue;
            expect(containing.length).toBeLessThanOrEqual(1);
            expect(idx.locate(x, y)).toBe(containing.length ? containing[0] : -1);
          }
        },
      ),
      { numRuns: 200, seed: 20261128 },
    );
  });

  it('agrees with turf on shapes large enough to be banded', () => {
    // A star with many edges exercises the banded edge lists.
    const ring: Array<[number, number]> = [];
    for (let k = 0; k < 400; k++) {
      const a = (k / 400) * 2 * Math.PI;
      const r = k % 2 ? 1 : 0.55 + 0.4 * Math.sin(k);
      ring.push([r * Math.cos(a), r * Math.sin(a)]);
    }
    ring.push(ring[0]);
    const star: PolygonGeometry = { type: 'Polygon', coordinates: [ring] };
    const idx = index(star);
    fc.assert(
      fc.property(fc.double({ min: -1.1, max: 1.1, noNaN: true }), fc.double({ min: -1.1, max: 1.1, noNaN: true }), (x, y) => {
        if (booleanPointInPolygon([x, y], star) !== booleanPointInPolygon([x, y], star, { ignoreBoundary: true })) return;
        expect(idx.locate(x, y) === 0).toBe(booleanPointInPolygon([x, y], star));
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});
