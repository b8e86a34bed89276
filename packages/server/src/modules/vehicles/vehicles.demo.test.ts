import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../db/database.ts';
import { openTestDatabase, TEST_DIALECTS } from '../../testing/databases.ts';
import { normalizePlate } from './plate.ts';
import { DEMO_VEHICLE_COUNT, planDemoVehicles, seedDemoVehicles } from './vehicles.demo.ts';

describe('demo vehicles', () => {
  const at = '2024-11-28T00:00:00.000Z';
  const rows = planDemoVehicles(7, at);

  it('are about two thousand distinct, valid 蒙J plates of several kinds', () => {
    expect(rows).toHaveLength(DEMO_VEHICLE_COUNT);
    expect(new Set(rows.map((r) => r.plate)).size).toBe(rows.length);
    for (const r of rows) {
      expect(r.plate.startsWith('蒙J')).toBe(true);
      expect(normalizePlate(r.plate)).toEqual({ plate: r.plate, kind: r.plate_kind });
      if (r.owner_phone !== null) expect(r.owner_phone).toMatch(/^1[3-9]\d{9}$/);
      expect(r.owner_name.length).toBeGreaterThanOrEqual(2);
    }
    const kinds = new Set(rows.map((r) => r.plate_kind));
    expect([...kinds].sort()).toEqual(['new_energy', 'ordinary', 'trailer']);
    expect(rows.filter((r) => r.plate_kind === 'new_energy').length).toBeGreaterThan(200);
  });

  it('are the same for the same seed and differ for another', () => {
    expect(planDemoVehicles(7, at)).toEqual(rows);
    expect(planDemoVehicles(8, at).map((r) => r.plate)).not.toEqual(rows.map((r) => r.plate));
  });
});

describe.each(TEST_DIALECTS)('demo vehicle seed on %s', (dialect) => {
  it('is idempotent and leaves an operator’s edits alone', async () => {
    const database = await openTestDatabase(dialect);
    try {
      await migrateToLatest(database.db);
      const at = '2024-11-28T00:00:00.000Z';
      await seedDemoVehicles(database.db, 7, at);
      const first = planDemoVehicles(7, at)[0];
      await database.db
        .updateTable('vehicles')
        .set({ owner_name: '改过的', updated_at: '2026-01-01T00:00:00.000Z' })
        .where('plate', '=', first.plate)
        .execute();
      await seedDemoVehicles(database.db, 7, at);
      const n = await database.db
        .selectFrom('vehicles')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(DEMO_VEHICLE_COUNT);
      const edited = await database.db.selectFrom('vehicles').select('owner_name').where('plate', '=', first.plate).executeTakeFirstOrThrow();
      expect(edited.owner_name).toBe('改过的');
    } finally {
      await database.close();
    }
  });
});
