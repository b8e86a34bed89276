import * as polygonClippingModule from 'polygon-clipping';
import { describe, expect, it } from 'vitest';
import { generateTerritory, pointInPolygon, polygonArea, samplePointInPolygon, type GeneratedUnit, type Position } from './territory.generator.ts';
import { createRng } from './prng.ts';

const polygonClipping = ((polygonClippingModule as unknown as { default?: typeof polygonClippingModule }).default ??
  polygonClippingModule) as typeof polygonClippingModule;

const territory = generateTerritory(20261128);
const { county, townships, villages, grids } = territory;

const bbox = (u: GeneratedUnit) => {
  const ring = u.boundary.coordinates[0];
  return [Math.min(...ring.map((p) => p[0])), Math.min(...ring.map((p) => p[1])), Math.max(...ring.map((p) => p[0])), Math.max(...ring.map((p) => p[1]))];
};
const overlapArea = (a: GeneratedUnit, b: GeneratedUnit) => {
  const inter = polygonClipping.intersection(a.boundary.coordinates as never, b.boundary.coordinates as never);
  return inter.reduce((s, poly) => s + polygonArea({ type: 'Polygon', coordinates: poly as Position[][] }), 0);
};

describe('generateTerritory', () => {
  it('has the shape of a county: 7 townships, about 70 villages and 350 grids, about 30 km × 25 km', () => {
    expect(townships.map((t) => t.name)).toEqual(['高亭镇', '衢山镇', '岱西镇', '岱东镇', '长涂镇', '秀山乡', '东沙镇']);
    expect(villages.length).toBeGreaterThanOrEqual(60);
    expect(villages.length).toBeLessThanOrEqual(80);
    expect(grids.length).toBeGreaterThanOrEqual(320);
    expect(grids.length).toBeLessThanOrEqual(380);
    const [minLng, minLat, maxLng, maxLat] = bbox(county);
    const widthKm = (maxLng - minLng) * 111.32 * Math.cos((30.25 * Math.PI) / 180);
    const heightKm = (maxLat - minLat) * 111.32;
    expect(widthKm).toBeGreaterThan(22);
    expect(widthKm).toBeLessThan(40);
    expect(heightKm).toBeGreaterThan(18);
    expect(heightKm).toBeLessThan(33);
    expect(county.centroid[0]).toBeCloseTo(122.2, 0);
  });

  it('gives every level an admin-style code under its parent and unique names', () => {
    expect(county.code).toBe('330922');
    for (const t of townships) expect(t.code).toMatch(/^330922\d{3}$/);
    for (const v of villages) {
      expect(v.code).toMatch(/^330922\d{6}$/);
      expect(v.code.startsWith(v.parentCode!)).toBe(true);
      expect(v.name).toMatch(/(村|社区)$/);
      expect(v.nameEn).toMatch(/ (Village|Community)$/);
    }
    for (const g of grids) {
      expect(g.code).toMatch(/^330922\d{6}-\d{2}$/);
      expect(g.code.startsWith(`${g.parentCode}-`)).toBe(true);
      expect(g.name).toMatch(/第\d+网格$/);
    }
    expect(new Set(villages.map((v) => v.name)).size).toBe(villages.length);
    expect(new Set(grids.map((g) => g.code)).size).toBe(grids.length);
  });

  it('tiles the county with grids: areas add up and no two grids overlap', () => {
    const countyArea = polygonArea(county.boundary);
    const sum = (units: GeneratedUnit[]) => units.reduce((s, u) => s + polygonArea(u.boundary), 0);
    expect(Math.abs(sum(grids) - countyArea) / countyArea).toBeLessThan(1e-9);
    expect(Math.abs(sum(villages) - countyArea) / countyArea).toBeLessThan(1e-9);
    expect(Math.abs(sum(townships) - countyArea) / countyArea).toBeLessThan(1e-9);
    const boxes = grids.map(bbox);
    let checked = 0;
    for (let i = 0; i < grids.length; i++) {
      for (let j = i + 1; j < grids.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        if (a[2] < b[0] || b[2] < a[0] || a[3] < b[1] || b[3] < a[1]) continue;
        checked++;
        expect(overlapArea(grids[i], grids[j])).toBeLessThan(1e-15);
      }
    }
    expect(checked).toBeGreaterThan(grids.length);
    for (const level of [townships, villages]) {
      for (let i = 0; i < level.length; i++) {
        for (let j = i + 1; j < level.length; j++) {
          if (level[i].parentCode === level[j].parentCode) expect(overlapArea(level[i], level[j])).toBeLessThan(1e-15);
        }
      }
    }
  });

  it('shares every inner edge between exactly two grids with identical vertices', () => {
    const key = (a: Position, b: Position) => `${a[0]},${a[1]}>${b[0]},${b[1]}`;
    const edges = new Map<string, number>();
    for (const g of grids) {
      const ring = g.boundary.coordinates[0];
      for (let i = 0; i < ring.length - 1; i++) edges.set(key(ring[i], ring[i + 1]), (edges.get(key(ring[i], ring[i + 1])) ?? 0) + 1);
    }
    const countyRing = county.boundary.coordinates[0];
    const outer = new Set<string>();
    for (let i = 0; i < countyRing.length - 1; i++) outer.add(key(countyRing[i], countyRing[i + 1]));
    let inner = 0;
    for (const [k, n] of edges) {
      expect(n).toBe(1);
      const [a, b] = k.split('>');
      if (edges.has(`${b}>${a}`)) inner++;
      else expect(outer.has(k)).toBe(true);
    }
    expect(inner).toBeGreaterThan(grids.length * 2);
  });

  it('draws every unit as one polygon whose label point lies inside it', () => {
    for (const u of [county, ...townships, ...villages, ...grids]) {
      expect(u.boundary.type).toBe('Polygon');
      expect(u.boundary.coordinates).toHaveLength(1);
      expect(pointInPolygon(u.centroid, u.boundary)).toBe(true);
    }
  });

  it('samples points inside a grid', () => {
    const rng = createRng(1);
    for (const g of grids.slice(0, 50)) expect(pointInPolygon(samplePointInPolygon(rng, g.boundary), g.boundary)).toBe(true);
  });

  it('is the same for the same seed and different for another', () => {
    expect(JSON.stringify(generateTerritory(20261128))).toBe(JSON.stringify(territory));
    const other = generateTerritory(7);
    expect(JSON.stringify(other.county.boundary)).not.toBe(JSON.stringify(county.boundary));
  });
});
