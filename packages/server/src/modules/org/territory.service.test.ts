import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { loadTerritory } from './territory.service.ts';

describe.each(TEST_DIALECTS)('territory service on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('answers the tree from memory: units, codes, children, ancestors', () => {
    const { territory } = t.deps;
    const u = t.fixture.units;
    expect(territory.getUnit(u.gA1a)).toMatchObject({ kind: 'grid', code: '330999001001-01', parentId: u.vA1 });
    expect(territory.findByCode('department', 'water')?.id).toBe(u.water);
    expect(territory.findByCode('grid', 'water')).toBeUndefined();
    expect(territory.children(u.tA).map((c) => c.id)).toEqual([u.vA1, u.vA2]);
    expect(territory.ancestors(u.gB2b).map((a) => a.id)).toEqual([u.county, u.tB, u.vB2, u.gB2b]);
    expect(territory.ancestors('unknown')).toEqual([]);
  });

  it('leaves a grid with a broken boundary out of locate without failing to load, and reload sees changes', async () => {
    const warnings: unknown[] = [];
    await t.deps.db
      .updateTable('org_units')
      .set({ boundary: '{"type":"Polygon","coordinates":[[[122,30],[122.1,30]]]}' })
      .where('id', '=', t.fixture.units.gA1a)
      .execute();
    const territory = await loadTerritory(t.deps.db, { warn: (...args: unknown[]) => warnings.push(args) } as never);
    expect(territory.locate(122.05, 30.05)).toBeNull();
    expect(territory.locate(122.15, 30.05)?.grid.id).toBe(t.fixture.units.gA1b);
    expect(warnings).toHaveLength(1);

    await t.deps.db
      .updateTable('org_units')
      .set({
        boundary: JSON.stringify({
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
        }),
      })
      .where('id', '=', t.fixture.units.gA1a)
      .execute();
    const before = territory.locate(122.15, 30.05);
    await Promise.all([territory.reload(), territory.reload()]);
    expect(territory.locate(122.05, 30.05)?.grid.id).toBe(t.fixture.units.gA1a);
    // A new snapshot: objects handed out before the reload are not mutated.
    expect(before?.grid.id).toBe(t.fixture.units.gA1b);
  });
});
