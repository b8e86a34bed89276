import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

describe.each(TEST_DIALECTS)('org routes on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  describe('locate', () => {
    it('answers the full chain for a point inside each fixture grid', async () => {
      for (const [gridKey, p] of Object.entries(t.fixture.points)) {
        const res = await t.as('gwA1a')('GET', `/api/v1/org-units/locate?lng=${p.lng}&lat=${p.lat}`);
        expect(res.statusCode, gridKey).toBe(200);
        const chain = res.json().chain;
        expect(chain.map((c: { kind: string }) => c.kind)).toEqual(['county', 'township', 'village', 'grid']);
        expect(chain[3].id).toBe(t.fixture.units[gridKey]);
        // Fixture keys: grid gA1a lies in village vA1 of township tA.
        expect(chain[2].id).toBe(t.fixture.units[`v${gridKey.slice(1, 3)}`]);
        expect(chain[1].id).toBe(t.fixture.units[`t${gridKey.slice(1, 2)}`]);
        expect(chain[0].code).toBe('330999');
      }
    });

    it('gives points on shared edges and corners to exactly one grid: the one east, or north', async () => {
      const gridAt = async (lng: number, lat: number) => (await t.as('duty')('GET', `/api/v1/org-units/locate?lng=${lng}&lat=${lat}`)).json().chain[3].id;
      expect(await gridAt(122.1, 30.05)).toBe(t.fixture.units.gA1b); // between gA1a and gA1b
      expect(await gridAt(122.2, 30.05)).toBe(t.fixture.units.gB1a); // township border
      expect(await gridAt(122.05, 30.1)).toBe(t.fixture.units.gA2a); // village border, east-west edge
      expect(await gridAt(122.2, 30.1)).toBe(t.fixture.units.gB2a); // corner of four grids
      expect(await gridAt(122.0, 30.0)).toBe(t.fixture.units.gA1a); // the county's south-west corner
    });

    it('answers 422 OUTSIDE_JURISDICTION for a point in no grid', async () => {
      for (const [lng, lat] of [
        [121.9, 30.1],
        [122.2, 30.25],
        [0, 0],
        [122.4, 30.1],
      ]) {
        const res = await t.as('duty')('GET', `/api/v1/org-units/locate?lng=${lng}&lat=${lat}`);
        expect(res.statusCode, `${lng},${lat}`).toBe(422);
        expect(res.json().error.code).toBe('OUTSIDE_JURISDICTION');
      }
    });

    it('answers 400 for missing, empty, non-numeric or out-of-range coordinates', async () => {
      for (const q of ['lat=30.1', 'lng=122.1', 'lng=&lat=30.1', 'lng=abc&lat=30.1', 'lng=122.1&lat=95', 'lng=190&lat=30', 'lng=122.1&lat=NaN']) {
        const res = await t.as('duty')('GET', `/api/v1/org-units/locate?${q}`);
        expect(res.statusCode, q).toBe(400);
        expect(res.json().error.code).toBe('VALIDATION_FAILED');
      }
    });

    it('requires a signed-in caller', async () => {
      const res = await t.app.inject('/api/v1/org-units/locate?lng=122.1&lat=30.05');
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('list and detail', () => {
    it('lists the children of a unit, without boundaries', async () => {
      const res = await t.as('handlerVA1')('GET', `/api/v1/org-units?parentId=${t.fixture.units.county}`);
      expect(res.statusCode).toBe(200);
      const items = res.json().items as Array<{ kind: string; code: string; boundary?: unknown; centroid: unknown }>;
      expect(items.filter((u) => u.kind === 'township').map((u) => u.code)).toEqual(['330999001', '330999002']);
      expect(
        items
          .filter((u) => u.kind === 'department')
          .map((u) => u.code)
          .sort(),
      ).toEqual(['civil_affairs', 'construction', 'enforcement', 'traffic_police', 'water']);
      expect(items.every((u) => u.boundary === undefined)).toBe(true);
      expect(items.find((u) => u.code === '330999001')!.centroid).toEqual({ lng: 122.1, lat: 30.1 });
    });

    it('filters by kind', async () => {
      const res = await t.as('duty')('GET', '/api/v1/org-units?kind=grid');
      expect(res.json().items).toHaveLength(8);
      const bad = await t.as('duty')('GET', '/api/v1/org-units?kind=planet');
      expect(bad.statusCode).toBe(400);
    });

    it('answers 404 for an unknown parent or unit', async () => {
      const list = await t.as('duty')('GET', '/api/v1/org-units?parentId=nope');
      expect(list.statusCode).toBe(404);
      expect(list.json().error.code).toBe('ORG_UNIT_NOT_FOUND');
      const one = await t.as('duty')('GET', '/api/v1/org-units/01930000-0000-7000-8000-000000000000');
      expect(one.statusCode).toBe(404);
      expect(one.json().error.code).toBe('ORG_UNIT_NOT_FOUND');
    });

    it('shows a territorial unit with its boundary and a department without one', async () => {
      const grid = (await t.as('duty')('GET', `/api/v1/org-units/${t.fixture.units.gA1a}`)).json();
      expect(grid).toMatchObject({ id: t.fixture.units.gA1a, kind: 'grid', parentId: t.fixture.units.vA1, code: '330999001001-01' });
      expect(grid.boundary).toEqual({
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
      });
      const water = (await t.as('duty')('GET', `/api/v1/org-units/${t.fixture.units.water}`)).json();
      expect(water.kind).toBe('department');
      expect(water.boundary).toBeUndefined();
    });

    it('refuses unauthenticated callers', async () => {
      expect((await t.app.inject('/api/v1/org-units')).statusCode).toBe(401);
      expect((await t.app.inject(`/api/v1/org-units/${t.fixture.units.county}`)).statusCode).toBe(401);
    });
  });

  describe('boundaries for maps', () => {
    it('answers a FeatureCollection of one level, limited to a subtree', async () => {
      const all = await t.as('leader')('GET', '/api/v1/org-units/boundaries?kind=grid');
      expect(all.statusCode).toBe(200);
      expect(all.json().type).toBe('FeatureCollection');
      expect(all.json().features).toHaveLength(8);
      const inA = (await t.as('leader')('GET', `/api/v1/org-units/boundaries?kind=grid&parentId=${t.fixture.units.tA}`)).json();
      expect(inA.features.map((f: { properties: { code: string } }) => f.properties.code).sort()).toEqual([
        '330999001001-01',
        '330999001001-02',
        '330999001002-01',
        '330999001002-02',
      ]);
      expect(inA.features[0].properties).toEqual(
        expect.objectContaining({ kind: 'grid', name: expect.any(String), nameEn: expect.any(String), id: expect.any(String) }),
      );
      const townships = (await t.as('leader')('GET', '/api/v1/org-units/boundaries?kind=township')).json();
      expect(townships.features).toHaveLength(2);
    });

    it('needs a kind', async () => {
      expect((await t.as('leader')('GET', '/api/v1/org-units/boundaries')).statusCode).toBe(400);
      expect((await t.as('leader')('GET', '/api/v1/org-units/boundaries?kind=department')).statusCode).toBe(400);
    });
  });

  describe('create and update (admin)', () => {
    it('creates a department under the county and a station under it, with an audit record', async () => {
      const dep = await t.as('admin')('POST', '/api/v1/org-units', { kind: 'department', code: 'market', name: '县市场监管局', nameEn: 'Market Regulation' });
      expect(dep.statusCode).toBe(201);
      expect(dep.json()).toMatchObject({ kind: 'department', parentId: t.fixture.units.county, code: 'market', centroid: null });
      expect(t.deps.territory.findByCode('department', 'market')?.id).toBe(dep.json().id);

      const station = await t.as('admin')('POST', '/api/v1/org-units', {
        kind: 'station',
        parentId: dep.json().id,
        code: 'market-330999002',
        name: '西岙市场监管所',
        areaUnitId: t.fixture.units.tB,
      });
      expect(station.statusCode).toBe(201);
      expect(station.json()).toMatchObject({ parentId: dep.json().id, areaUnitId: t.fixture.units.tB });
      expect(t.deps.territory.ancestors(station.json().id).map((u) => u.kind)).toEqual(['county', 'department', 'station']);

      const audit = await t.deps.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'org.create')
        .where('target_id', '=', dep.json().id)
        .executeTakeFirst();
      expect(audit?.actor_user_id).toBe(t.fixture.users.admin.id);
    });

    it('refuses a duplicate code, a station without department and a wrong parent', async () => {
      const dup = await t.as('admin')('POST', '/api/v1/org-units', { kind: 'department', code: 'water', name: 'Another water bureau' });
      expect(dup.statusCode).toBe(409);
      const orphan = await t.as('admin')('POST', '/api/v1/org-units', { kind: 'station', name: 'Loose station' });
      expect(orphan.statusCode).toBe(422);
      const underGrid = await t.as('admin')('POST', '/api/v1/org-units', { kind: 'station', parentId: t.fixture.units.gA1a, name: 'Grid station' });
      expect(underGrid.statusCode).toBe(422);
      const territorial = await t.as('admin')('POST', '/api/v1/org-units', { kind: 'grid', name: 'Hand-made grid' });
      expect(territorial.statusCode).toBe(400);
      const count = await t.deps.db
        .selectFrom('org_units')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('name', 'in', ['Another water bureau', 'Loose station', 'Grid station'])
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(0);
    });

    it('renames a grid, and locate shows the new name at once', async () => {
      const res = await t.as('admin')('PATCH', `/api/v1/org-units/${t.fixture.units.gB2b}`, { name: '山前村东网格', nameEn: 'Shanqian East Grid' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ name: '山前村东网格', nameEn: 'Shanqian East Grid', code: '330999002002-02' });
      const located = await t.as('duty')('GET', '/api/v1/org-units/locate?lng=122.35&lat=30.15');
      expect(located.json().chain[3].name).toBe('山前村东网格');
      const empty = await t.as('admin')('PATCH', `/api/v1/org-units/${t.fixture.units.gB2b}`, {});
      expect(empty.statusCode).toBe(400);
      const missing = await t.as('admin')('PATCH', '/api/v1/org-units/nope', { name: 'x' });
      expect(missing.statusCode).toBe(404);
    });

    it('is for administrators only', async () => {
      const post = await t.as('leader')('POST', '/api/v1/org-units', { kind: 'department', name: 'x' });
      expect(post.statusCode).toBe(403);
      expect(post.json().error.code).toBe('FORBIDDEN');
      expect((await t.as('gwA1a')('PATCH', `/api/v1/org-units/${t.fixture.units.gA1a}`, { name: 'mine' })).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/org-units', payload: { kind: 'department', name: 'x' } })).statusCode).toBe(401);
    });
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = (await t.app.inject('/api/docs/json')).json();
    for (const path of [
      '/api/v1/org-units',
      '/api/v1/org-units/locate',
      '/api/v1/org-units/{id}',
      '/api/v1/org-units/import',
      '/api/v1/org-units/boundaries',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/api/v1/org-units/import'].post.description).toContain('parentCode');
  });
});
