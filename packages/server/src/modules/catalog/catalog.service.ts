import { PutCategoryRequest, type Category, type UnitRule } from '@liandong/contracts';
import type { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { toDbBool } from '../../db/database.ts';
import type { CategoriesTable } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { writeAudit } from '../auth/audit.ts';
import type { Principal } from '../auth/principal.ts';
import { presentCategory } from './catalog.presenter.ts';
import {
  existingDepartmentCodes,
  findCategoryRow,
  forgetCachedCategories,
  insertCategoryRow,
  listCategoryRows,
  maxCategorySortOrder,
  updateCategoryRow,
} from './catalog.repository.ts';

export type PutCategoryInput = z.infer<typeof PutCategoryRequest>;

export async function listCategories(deps: Pick<AppDeps, 'db'>, filter: { family?: string; activeOnly?: boolean } = {}): Promise<Category[]> {
  return (await listCategoryRows(deps.db, filter)).map(presentCategory);
}

/** The category with this code; throws CATEGORY_NOT_FOUND. */
export async function getCategory(deps: Pick<AppDeps, 'db'>, code: string): Promise<Category> {
  const row = await findCategoryRow(deps.db, code);
  if (!row) throw notFound('CATEGORY_NOT_FOUND', `Category ${code}`);
  return presentCategory(row);
}

/**
 * Creates or updates a category (admin). Rules are checked against the org tree so that
 * routing never meets a department that does not exist; the change is audited.
 */
export async function putCategory(
  deps: Pick<AppDeps, 'db' | 'clock' | 'bus'>,
  principal: Principal,
  code: string,
  input: PutCategoryInput,
  meta: { ip?: string | null } = {},
): Promise<{ category: Category; created: boolean }> {
  const now = deps.clock.now().toISOString();
  const departmentCodes = [input.leadRule, ...(input.coHandlingRules ?? [])]
    .filter((r): r is Extract<UnitRule, { department: string }> => !!r && 'department' in r)
    .map((r) => r.department);
  const known = await existingDepartmentCodes(deps.db, [...new Set(departmentCodes)]);
  const unknown = [...new Set(departmentCodes)].filter((c) => !known.has(c));
  if (unknown.length) {
    throw new AppError('UNKNOWN_ORG_UNIT', `Unknown department code in routing rule: ${unknown.join(', ')}`, { departments: unknown });
  }
  if (input.parentCode !== undefined && input.parentCode !== null) {
    if (input.parentCode === code) throw new AppError('SEMANTIC_ERROR', 'A category cannot be its own parent');
    if (!(await findCategoryRow(deps.db, input.parentCode))) {
      throw new AppError('UNKNOWN_CATEGORY', `Parent category ${input.parentCode} does not exist`, { parentCode: input.parentCode });
    }
  }

  const saved = await deps.db.transaction().execute(async (trx) => {
    const existing = await findCategoryRow(trx, code);
    const base: Category = existing
      ? presentCategory(existing)
      : {
          code,
          parentCode: null,
          family: 'event',
          nameZh: input.nameZh,
          nameEn: input.nameEn,
          defaultUrgency: 'normal',
          timeLimitMinutes: null,
          timeLimitKind: 'working',
          requiresConfirmation: false,
          dedupWindowMinutes: 0,
          dedupRadiusM: 0,
          leadRule: null,
          coHandlingRules: [],
          processKey: null,
          isActive: true,
        };
    const next: Category = { ...base, ...stripUndefined(input), code };
    const row: Omit<CategoriesTable, 'code'> = {
      parent_code: next.parentCode,
      family: next.family,
      name_zh: next.nameZh,
      name_en: next.nameEn,
      default_urgency: next.defaultUrgency,
      time_limit_minutes: next.timeLimitMinutes,
      time_limit_kind: next.timeLimitKind,
      requires_confirmation: toDbBool(next.requiresConfirmation),
      dedup_window_minutes: next.dedupWindowMinutes,
      dedup_radius_m: next.dedupRadiusM,
      lead_rule: next.leadRule ? JSON.stringify(next.leadRule) : null,
      co_handling_rules: JSON.stringify(next.coHandlingRules),
      process_key: next.processKey,
      is_active: toDbBool(next.isActive),
      sort_order: existing?.sort_order ?? (await maxCategorySortOrder(trx)) + 1,
      updated_at: now,
    };
    if (existing) await updateCategoryRow(trx, code, row);
    else await insertCategoryRow(trx, { code, ...row });
    await writeAudit(trx, {
      at: now,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: existing ? 'category.update' : 'category.create',
      targetType: 'category',
      targetId: code,
      ip: meta.ip ?? null,
      details: { before: existing ? presentCategory(existing) : null, after: next },
    });
    return { category: next, created: !existing };
  });
  forgetCachedCategories(deps);
  return saved;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
