import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AreaGeometry, PolygonGeometry } from '../../lib/geo/geometry.ts';
import { syntheticTiling } from '../../lib/geo/synthetic-tiling.ts';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { importBoundaries } from './boundary-import.ts';

const box = (a: number, b: number, c: number, d: number): PolygonGeometry => ({
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
const feature = (kind: string, code: string, parentCode: string | null, geometry: unknown, name = `Unit ${code}`) => ({
  type: 'Feature',
  properties: { kind, code, name, nameEn: `${kind} ${code}`, parentCode },
  geometry,
});
type Feature = ReturnType<typeof feature>;

/**
 * A second county (121.0–121.2°E × 29.0–29.1°N) beside the fixture one: 2 townships, one village
 * each. Village 1 has a grid with a hole and a MultiPolygon grid (its other half plus the island
 * filling the hole); village 2 is split by a jittered, many-pointed edge.
 */
function validSet(): { type: 'FeatureCollection'; features: Feature[] } {
  const [west, east] = syntheticTiling({ nx: 2, ny: 1, bbox: [121.1, 29.0, 121.2, 29.1], edgePoints: 20, jitter: 0.3, seed: 5 });
  const holed: AreaGeometry = {
    type: 'Polygon',
    coordinates: [
      box(121.0, 29.0, 121.05, 29.1).coordinates[0],
      [
        [121.02, 29.02],
        [121.02, 29.03],
        [121.03, 29.03],
        [121.03, 29.02],
        [121.02, 29.02],
      ],
    ],
  };
  const multi: AreaGeometry = {
    type: 'MultiPolygon',
    coordinates: [box(121.05, 29.0, 121.1, 29.1).coordinates, box(121.02, 29.02, 121.03, 29.03).coordinates],
  };
  return {
    type: 'FeatureCollection',
    features: [
      feature('county', '330888', null, box(121.0, 29.0, 121.2, 29.1), '新县'),
      feature('township', '330888001', '330888', box(121.0, 29.0, 121.1, 29.1)),
      feature('township', '330888002', '330888', box(121.1, 29.0, 121.2, 29.1)),
      feature('village', '330888001001', '330888001', box(121.0, 29.0, 121.1, 29.1)),
      feature('village', '330888002001', '330888002', box(121.1, 29.0, 121.2, 29.1)),
      feature('grid', '330888001001-01', '330888001001', holed),
      feature('grid', '330888001001-02', '330888001001', multi),
      feature('grid', '330888002001-01', '330888002001', west),
      feature('grid', '330888002001-02', '330888002001', east),
    ],
  };
}

describe.each(TEST_DIALECTS)('boundary import on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  const unitCount = async () =>
    Number(
      (
        await t.deps.db
          .selectFrom('org_units')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const issuesOf = async (set: unknown) => {
    const before = await unitCount();
    const report = await importBoundaries(t.deps, set);
    expect(report.applied).toBe(false);
    expect(await unitCount()).toBe(before);
    return report.issues;
  };

  it('validates a dry run without writing anything', async () => {
    const before = await unitCount();
    const progress: Array<[number, number]> = [];
    const report = await importBoundaries(t.deps, validSet(), { dryRun: true, onProgress: (d, n) => progress.push([d, n]) });
    expect(report).toEqual({ created: 9, updated: 0, issues: [], applied: false });
    expect(await unitCount()).toBe(before);
    expect(progress.at(-1)).toEqual([18, 18]);
    expect(t.deps.territory.locate(121.01, 29.01)).toBeNull();
  });

  it('reports an overlap between siblings precisely, and writes nothing', async () => {
    const set = validSet();
    set.features[8].geometry = box(121.13, 29.0, 121.2, 29.1); // the east grid now reaches over the jittered edge
    const issues = await issuesOf(set);
    const overlap = issues.find((i) => i.kind === 'overlap' && i.featureIds.includes('330888002001-02'));
    expect(overlap?.featureIds.sort()).toEqual(['330888002001-01', '330888002001-02']);
    expect(overlap?.areaM2).toBeGreaterThan(1000);
    expect(overlap?.message).toMatch(/overlap by/);
  });

  it('reports a gap in a parent not covered by its children', async () => {
    const set = validSet();
    set.features[6].geometry = box(121.05, 29.0, 121.1, 29.09); // leaves a strip at the north and the hole empty
    const issues = await issuesOf(set);
    const gap = issues.find((i) => i.kind === 'gap');
    expect(gap?.featureIds).toEqual(['330888001001']);
    // The 0.01° × 0.05° strip (about 54 ha at 29°N) plus the 1 km² hole, within a few per cent.
    const expected = (0.05 * 0.01 + 0.01 * 0.01) * 111_320 * 111_320 * Math.cos((29.05 * Math.PI) / 180);
    expect(gap!.areaM2! / expected).toBeGreaterThan(0.97);
    expect(gap!.areaM2! / expected).toBeLessThan(1.03);
    expect(issues).toHaveLength(1);
  });

  it('reports a child extending outside its parent', async () => {
    const set = validSet();
    set.features[4].geometry = box(121.1, 29.0, 121.21, 29.1);
    const issues = await issuesOf(set);
    expect(issues.some((i) => i.kind === 'overlap' && i.featureIds.join() === '330888002001,330888002' && /outside its parent/.test(i.message))).toBe(true);
  });

  it('reports orphans: a missing parent and a parent of the wrong level', async () => {
    const set = validSet();
    set.features.push(feature('grid', '330888002001-03', '330888009001', box(121.3, 29.0, 121.4, 29.1)));
    set.features[7].properties.parentCode = '330888002'; // a township, not a village
    const issues = await issuesOf(set);
    const orphans = issues.filter((i) => i.kind === 'orphan');
    expect(orphans.map((i) => i.featureIds[0]).sort()).toEqual(['330888002001-01', '330888002001-03']);
    expect(orphans.find((i) => i.featureIds[0] === '330888002001-01')!.message).toMatch(/is a township, but the parent of a grid must be a village/);
    expect(orphans.find((i) => i.featureIds[0] === '330888002001-03')!.message).toMatch(/neither in the file nor stored/);
  });

  it('reports invalid geometries: unclosed, too short, self-intersecting, wrong type', async () => {
    const set = validSet();
    set.features[5].geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [121.0, 29.0],
          [121.05, 29.0],
          [121.05, 29.1],
          [121.0, 29.1],
        ],
      ],
    };
    set.features[6].geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [121.05, 29.0],
          [121.1, 29.0],
          [121.05, 29.0],
        ],
      ],
    };
    set.features[7].geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [121.1, 29.0],
          [121.15, 29.1],
          [121.15, 29.0],
          [121.1, 29.1],
          [121.1, 29.0],
        ],
      ],
    };
    set.features[8].geometry = { type: 'Point', coordinates: [121.17, 29.05] };
    const issues = await issuesOf(set);
    const invalid = Object.fromEntries(issues.filter((i) => i.kind === 'invalid_geometry').map((i) => [i.featureIds[0], i.message]));
    expect(invalid['330888001001-01']).toMatch(/not closed/);
    expect(invalid['330888001001-02']).toMatch(/3 positions; a ring needs at least 4/);
    expect(invalid['330888002001-01']).toMatch(/intersects itself/);
    expect(invalid['330888002001-02']).toMatch(/must be Polygon or MultiPolygon/);
  });

  it('reports duplicate codes and missing fields', async () => {
    const set = validSet();
    set.features.push(feature('grid', '330888002001-02', '330888002001', box(121.15, 29.0, 121.2, 29.1)));
    set.features.push({
      type: 'Feature',
      properties: { kind: 'grid', code: 'X-1', parentCode: '330888002001' },
      geometry: box(121.15, 29.0, 121.2, 29.1),
    } as unknown as Feature);
    const issues = await issuesOf(set);
    expect(issues.find((i) => i.kind === 'duplicate_code')).toMatchObject({
      featureIds: ['330888002001-02'],
      message: expect.stringMatching(/features 9 and 10/),
    });
    expect(issues.find((i) => i.kind === 'missing_field')).toMatchObject({ featureIds: ['X-1'], message: expect.stringMatching(/name/) });
  });

  it('applies a valid set: creates the tree, locates in the new grids (holes, islands, jittered edges), audits', async () => {
    const report = await importBoundaries(t.deps, validSet(), { actorUserId: t.fixture.users.admin.id, ip: '10.0.0.9' });
    expect(report).toEqual({ created: 9, updated: 0, issues: [], applied: true });

    const grid = (lng: number, lat: number) => t.deps.territory.locate(lng, lat)?.grid.code ?? null;
    expect(grid(121.01, 29.01)).toBe('330888001001-01');
    expect(grid(121.025, 29.025)).toBe('330888001001-02'); // the island in the hole
    expect(grid(121.07, 29.05)).toBe('330888001001-02');
    expect(grid(121.11, 29.05)).toBe('330888002001-01');
    expect(grid(121.19, 29.05)).toBe('330888002001-02');
    expect(grid(121.25, 29.05)).toBeNull();
    expect(grid(122.05, 30.05)).toBe('330999001001-01'); // the fixture county is still there
    const chain = t.deps.territory.locate(121.19, 29.05)!;
    expect([chain.county.code, chain.township.code, chain.village.code]).toEqual(['330888', '330888002', '330888002001']);
    expect(chain.grid.path).toBe(`/${chain.county.id}/${chain.township.id}/${chain.village.id}/${chain.grid.id}/`);

    const row = await t.deps.db.selectFrom('org_units').selectAll().where('id', '=', chain.village.id).executeTakeFirstOrThrow();
    expect(row.depth).toBe(2);
    expect(row.centroid_lng).toBeCloseTo(121.15, 9);
    expect(row.centroid_lat).toBeCloseTo(29.05, 9);

    const audit = await t.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'org.import').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      actor_user_id: t.fixture.users.admin.id,
      actor_name: '系统管理员',
      target_type: 'org_unit',
      target_id: chain.county.id,
      ip: '10.0.0.9',
    });
    expect(JSON.parse(audit.details!)).toMatchObject({ created: 9, updated: 0, features: 9 });
  });

  it('updates stored units by (kind, code) on a second import and accepts children of stored parents', async () => {
    const set = validSet();
    set.features[4].properties.name = '新村';
    // Redraw the village-2 split as a straight line, and add nothing else.
    set.features[7].geometry = box(121.1, 29.0, 121.16, 29.1);
    set.features[8].geometry = box(121.16, 29.0, 121.2, 29.1);
    const before = await unitCount();
    const report = await importBoundaries(t.deps, set);
    expect(report).toMatchObject({ created: 0, updated: 9, applied: true });
    expect(await unitCount()).toBe(before);
    expect(t.deps.territory.locate(121.155, 29.05)?.grid.code).toBe('330888002001-01');
    expect(t.deps.territory.locate(121.165, 29.05)?.grid.code).toBe('330888002001-02');
    expect(t.deps.territory.locate(121.165, 29.05)?.village.name).toBe('新村');

    // Only grids, under a stored village: the stored siblings count for overlaps.
    const clash = await importBoundaries(t.deps, {
      type: 'FeatureCollection',
      features: [feature('grid', '330888002001-09', '330888002001', box(121.15, 29.0, 121.17, 29.1))],
    });
    expect(clash.applied).toBe(false);
    expect(clash.issues.filter((i) => i.kind === 'overlap').map((i) => i.featureIds.sort().join())).toEqual(
      expect.arrayContaining(['330888002001-01,330888002001-09', '330888002001-02,330888002001-09']),
    );
  });

  it('refuses to move a stored unit to another parent', async () => {
    const set = validSet();
    set.features[3].properties.parentCode = '330888002';
    set.features[3].geometry = box(121.1, 29.0, 121.2, 29.1);
    const issues = await issuesOf(set);
    expect(issues.some((i) => i.featureIds[0] === '330888001001' && /moving a unit/.test(i.message))).toBe(true);
  });

  describe('over HTTP', () => {
    it('answers 422 BOUNDARY_INVALID with the issues, 200 with the report on a dry run', async () => {
      const set = validSet();
      set.features[6].geometry = box(121.05, 29.0, 121.1, 29.09);
      const res = await t.as('admin')('POST', '/api/v1/org-units/import', set);
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('BOUNDARY_INVALID');
      expect(res.json().error.details.issues.map((i: { kind: string }) => i.kind)).toEqual(['gap']);
      const dry = await t.as('admin')('POST', '/api/v1/org-units/import?dryRun=1', set);
      expect(dry.statusCode).toBe(200);
      expect(dry.json()).toMatchObject({ applied: false, updated: 9, created: 0 });
      expect(dry.json().issues).toHaveLength(1);
    });

    it('applies a clean set and locate answers from the new boundaries', async () => {
      const set = validSet();
      set.features[7].geometry = box(121.1, 29.0, 121.13, 29.1);
      set.features[8].geometry = box(121.13, 29.0, 121.2, 29.1);
      const res = await t.as('admin')('POST', '/api/v1/org-units/import', set);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ created: 0, updated: 9, issues: [], applied: true });
      const located = await t.as('duty')('GET', '/api/v1/org-units/locate?lng=121.14&lat=29.05');
      expect(located.json().chain[3].code).toBe('330888002001-02');
    });

    it('answers 400 for a body that is not a FeatureCollection, 403 for non-admins, 401 without a token', async () => {
      const notFc = await t.as('admin')('POST', '/api/v1/org-units/import', { type: 'Feature', properties: {} });
      expect(notFc.statusCode).toBe(400);
      const res = await t.as('leader')('POST', '/api/v1/org-units/import', validSet());
      expect(res.statusCode).toBe(403);
      const anon = await t.app.inject({ method: 'POST', url: '/api/v1/org-units/import', payload: validSet() });
      expect(anon.statusCode).toBe(401);
    });
  });
});
