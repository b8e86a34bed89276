import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { CATALOGUE_DEPARTMENT_CODES, CATALOGUE_SEED, seedCatalogue } from './catalog.seed.ts';

describe.each(TEST_DIALECTS)('catalog on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  const count = async (table: 'categories' | 'audit_log') => {
    const q =
      table === 'categories'
        ? t.deps.db.selectFrom('categories').select((eb) => eb.fn.countAll().as('n'))
        : // Sign-ins are audited too; only catalogue changes count here.
          t.deps.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('action', 'like', 'category.%');
    return Number((await q.executeTakeFirstOrThrow()).n);
  };

  it('lists major and minor categories with parentCode and parsed routing rules', async () => {
    const res = await t.as('gwA1a')('GET', '/api/v1/categories');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{ code: string; parentCode: string | null; leadRule: unknown; coHandlingRules: unknown[] }>;
    expect(items.map((c) => c.code)).toEqual(expect.arrayContaining(['01', '0101', '02', '0201', '05', '0501']));
    const water = items.find((c) => c.code === '0501')!;
    expect(water).toMatchObject({ parentCode: '05', requiresConfirmation: true, timeLimitKind: 'natural', leadRule: { level: 'village' } });
    expect(water.coHandlingRules).toEqual([{ department: 'water' }, { level: 'township' }]);
  });

  it('needs a signed-in caller', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/categories' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('answers one category and 404 for an unknown code', async () => {
    expect((await t.as('gwA1a')('GET', '/api/v1/categories/0201')).json()).toMatchObject({ code: '0201', leadRule: { department: 'construction' } });
    const missing = await t.as('gwA1a')('GET', '/api/v1/categories/9999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('CATEGORY_NOT_FOUND');
  });

  it('lets an administrator create and then update a category, auditing both', async () => {
    const before = await count('audit_log');
    const body = { nameZh: '乱扔烟头', nameEn: 'Cigarette litter', parentCode: '01', leadRule: { department: 'enforcement' }, timeLimitMinutes: 120 };
    const created = await t.as('admin')('PUT', '/api/v1/categories/0190', body);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ code: '0190', parentCode: '01', family: 'event', isActive: true, leadRule: { department: 'enforcement' } });
    const updated = await t.as('admin')('PUT', '/api/v1/categories/0190', { nameZh: '乱扔烟头', nameEn: 'Cigarette butts', isActive: false });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ nameEn: 'Cigarette butts', isActive: false, timeLimitMinutes: 120, parentCode: '01' });
    expect(await count('audit_log')).toBe(before + 2);
    const audit = await t.deps.db.selectFrom('audit_log').selectAll().where('target_id', '=', '0190').orderBy('at').execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['category.create', 'category.update']);
  });

  it('refuses non-administrators', async () => {
    const res = await t.as('dispatcherA')('PUT', '/api/v1/categories/0191', { nameZh: '测试', nameEn: 'Test' });
    expect(res.statusCode).toBe(403);
  });

  it('rejects rules naming unknown departments, unknown parents and malformed rules, writing nothing', async () => {
    const before = [await count('categories'), await count('audit_log')];
    const unknownDept = await t.as('admin')('PUT', '/api/v1/categories/0192', { nameZh: '测试', nameEn: 'Test', coHandlingRules: [{ department: 'nope' }] });
    expect(unknownDept.statusCode).toBe(422);
    expect(unknownDept.json().error).toMatchObject({ code: 'UNKNOWN_ORG_UNIT', details: { departments: ['nope'] } });
    const unknownParent = await t.as('admin')('PUT', '/api/v1/categories/9901', { nameZh: '测试', nameEn: 'Test', parentCode: '99' });
    expect(unknownParent.statusCode).toBe(422);
    expect(unknownParent.json().error.code).toBe('UNKNOWN_CATEGORY');
    const badRule = await t.as('admin')('PUT', '/api/v1/categories/0193', { nameZh: '测试', nameEn: 'Test', leadRule: { level: 'planet' } });
    expect(badRule.statusCode).toBe(400);
    expect(badRule.json().error.code).toBe('VALIDATION_FAILED');
    const badCode = await t.as('admin')('PUT', '/api/v1/categories/abc', { nameZh: '测试', nameEn: 'Test' });
    expect(badCode.statusCode).toBe(400);
    expect([await count('categories'), await count('audit_log')]).toEqual(before);
  });

  it('seeds the default catalogue idempotently, keeping existing codes as they are', async () => {
    const first = await seedCatalogue(t.deps.db, '2026-11-28T00:00:00.000Z');
    // The fixture already holds 01/0101, 02/0201, 05/0501 and 06/0601 (parking); only the rest is new.
    const fixtureCodes = ['01', '0101', '02', '0201', '05', '0501', '06', '0601'];
    expect(first).toBe(CATALOGUE_SEED.filter((s) => !fixtureCodes.includes(s.code)).length);
    expect(await seedCatalogue(t.deps.db, '2026-11-28T00:00:00.000Z')).toBe(0);
    const res = await t.as('admin')('GET', '/api/v1/categories');
    const items = res.json().items as Array<{ code: string; parentCode: string | null; nameZh: string; processKey: string | null }>;
    // The fixture's 0101 keeps its own settings.
    expect(items.find((c) => c.code === '0101')).toMatchObject({ requiresConfirmation: false, processKey: null });
    // So does the fixture's parking category (30 minutes, where the seed says 60)…
    expect(items.find((c) => c.code === '0601')).toMatchObject({ nameZh: '违规停车', processKey: 'parking', parentCode: '06', timeLimitMinutes: 30 });
    // …while the seed's new minor categories land under the fixture's major one.
    expect(items.find((c) => c.code === '0602')).toMatchObject({ nameZh: '占道经营', processKey: 'ai-alarm', parentCode: '06' });
    expect(items.find((c) => c.code === '0701')).toMatchObject({
      leadRule: { level: 'grid' },
      coHandlingRules: [{ department: 'civil_affairs' }],
      timeLimitKind: 'natural',
    });
    expect(items.length).toBeGreaterThanOrEqual(40);
    expect(items.length).toBeLessThanOrEqual(70);
  });
});

describe('default catalogue', () => {
  it('uses only the agreed department codes and has a parent for every minor category', () => {
    const codes = new Set(CATALOGUE_SEED.map((s) => s.code));
    for (const s of CATALOGUE_SEED) {
      expect(s.code).toMatch(/^\d{2}(\d{2})?$/);
      if (s.code.length === 4) expect(codes.has(s.code.slice(0, 2))).toBe(true);
      for (const rule of [s.lead, ...(s.co ?? [])]) {
        if (rule && 'department' in rule) expect(CATALOGUE_DEPARTMENT_CODES).toContain(rule.department);
      }
    }
    expect(codes.size).toBe(CATALOGUE_SEED.length);
  });
});
