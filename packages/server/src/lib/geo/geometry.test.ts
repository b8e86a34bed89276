import { describe, expect, it } from 'vitest';
import { checkAreaGeometry } from './geometry-check.ts';
import { areaM2, centroidOf, roundGeometry, type AreaGeometry } from './geometry.ts';

const square: AreaGeometry = {
  type: 'Polygon',
  coordinates: [
    [
      [122, 30],
      [122.1, 30],
      [122.1, 30.1],
      [122, 30.1],
      [122, 30],
    ],
  ],
};

describe('geometry helpers', () => {
  it('measures area in square metres within a per cent of the geodesic value', () => {
    // A 0.1° square at 30°N is about 9.6 × 11.1 km ≈ 107 km² (geodesic 106.9 km²).
    expect(areaM2(square) / 1e6).toBeGreaterThan(105.9);
    expect(areaM2(square) / 1e6).toBeLessThan(108);
  });

  it('puts the centroid of a shape with a hole away from the hole', () => {
    const holed: AreaGeometry = {
      type: 'Polygon',
      coordinates: [
        square.coordinates[0],
        [
          [122, 30],
          [122, 30.1],
          [122.05, 30.1],
          [122.05, 30],
          [122, 30],
        ],
      ],
    };
    const [x, y] = centroidOf(holed);
    expect(x).toBeCloseTo(122.075, 9);
    expect(y).toBeCloseTo(30.05, 9);
  });

  it('rounds coordinates to 6 decimals and drops repeated positions', () => {
    const g: AreaGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [122.12345678, 30],
          [122.12345679, 30.0000000001],
          [122.2, 30],
          [122.2, 30.1],
          [122.12345678, 30],
        ],
      ],
    };
    expect(roundGeometry(g).coordinates).toEqual([
      [
        [122.123457, 30],
        [122.2, 30],
        [122.2, 30.1],
        [122.123457, 30],
      ],
    ]);
  });
});

describe('checkAreaGeometry', () => {
  it('accepts polygons with holes and multipolygons', () => {
    expect(checkAreaGeometry(square).problems).toEqual([]);
    expect(checkAreaGeometry({ type: 'MultiPolygon', coordinates: [square.coordinates] }).problems).toEqual([]);
  });

  // A table of cases, one a line.
  // prettier-ignore
  it.each([
    [{ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }, /not closed/],
    [{ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] }, /at least 4/],
    [{ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] }, /intersects itself/],
    [{ type: 'Polygon', coordinates: [[[0, 0], [2, 0], [1, 0], [1, 1], [0, 0]]] }, /intersects itself/], // an edge folding back on itself
    [{ type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 2], [1, 0], [0, 2], [0, 0]]] }, /intersects itself/], // touching its own vertex
    [{ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 0], [0, 0]]] }, /fewer than 3 distinct/],
    [{ type: 'Polygon', coordinates: [[[0, 0], [200, 0], [1, 1], [0, 0]]] }, /outside WGS-84/],
    [{ type: 'Polygon', coordinates: [[[0, 0], ['1', 0], [1, 1], [0, 0]]] }, /not \[lng, lat\]/],
    [{ type: 'LineString', coordinates: [[0, 0], [1, 1]] }, /must be Polygon or MultiPolygon/],
    [null, /missing/],
  ])('reports %j', (g, message) => {
    const { geometry, problems } = checkAreaGeometry(g);
    expect(geometry).toBeUndefined();
    expect(problems.join('; ')).toMatch(message);
  });
});
