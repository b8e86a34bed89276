import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CategoriesTable, Database } from '../../db/schema.ts';
import { BUS_TOPICS, type Bus } from '../../lib/bus.ts';

type Q = Db | Kysely<Database>;

export function listCategoryRows(db: Q, filter: { family?: string; activeOnly?: boolean } = {}): Promise<CategoriesTable[]> {
  let q = db.selectFrom('categories').selectAll();
  if (filter.family) q = q.where('family', '=', filter.family);
  if (filter.activeOnly) q = q.where('is_active', '=', 1);
  return q.orderBy('sort_order').orderBy('code').execute();
}

export function findCategoryRow(db: Q, code: string): Promise<CategoriesTable | undefined> {
  return db.selectFrom('categories').selectAll().where('code', '=', code).executeTakeFirst();
}

/**
 * Every report reads its category; the catalogue changes a few times a year. Rows read for
 * taking events in are kept by this node's CategoryCache (a member of the runtime) for
 * CATEGORY_TTL_MS, and dropped on every node by every edit through the catalogue
 * (forgetCachedCategories publishes `{ cache: 'categories' }` on the bus).
 */
const CATEGORY_TTL_MS = 5_000;

export class CategoryCache {
  readonly rows = new Map<string, { at: number; row: CategoriesTable }>();
  parents: { at: number; parents: Set<string> } | null = null;

  clear(): void {
    this.rows.clear();
    this.parents = null;
  }
}

export interface CategorySource {
  db: Q;
  caches: { categories: CategoryCache };
}

/** findCategoryRow through the cache (read-only use: the row is shared). */
export async function findCategoryRowCached(source: CategorySource, code: string): Promise<CategoriesTable | undefined> {
  const cache = source.caches.categories.rows;
  const now = performance.now();
  const hit = cache.get(code);
  if (hit && now - hit.at < CATEGORY_TTL_MS) return hit.row;
  const row = await findCategoryRow(source.db, code);
  if (row) cache.set(code, { at: now, row });
  else cache.delete(code);
  return row;
}

/**
 * True when `code` is a category in use that has subcategories in use (a 大类 with 小类): events
 * are filed under the leaves only. Read through the same cache as the rows.
 */
export async function hasActiveSubcategoriesCached(source: CategorySource, code: string): Promise<boolean> {
  const now = performance.now();
  const cache = source.caches.categories;
  let hit = cache.parents;
  if (!hit || now - hit.at >= CATEGORY_TTL_MS) {
    const rows = await source.db
      .selectFrom('categories')
      .select('parent_code')
      .distinct()
      .where('is_active', '=', 1)
      .where('parent_code', 'is not', null)
      .execute();
    hit = { at: now, parents: new Set(rows.map((r) => r.parent_code!)) };
    cache.parents = hit;
  }
  return hit.parents.has(code);
}

/** After a category was created or changed (committed): every node drops its cached rows. */
export function forgetCachedCategories(deps: { bus: Bus }): void {
  deps.bus.publish(BUS_TOPICS.cache, { cache: 'categories' });
}

export function insertCategoryRow(db: Q, row: CategoriesTable): Promise<unknown> {
  return db.insertInto('categories').values(row).execute();
}

export function updateCategoryRow(db: Q, code: string, row: Omit<CategoriesTable, 'code'>): Promise<unknown> {
  return db.updateTable('categories').set(row).where('code', '=', code).execute();
}

export async function maxCategorySortOrder(db: Q): Promise<number> {
  const r = await db
    .selectFrom('categories')
    .select((eb) => eb.fn.max('sort_order').as('m'))
    .executeTakeFirst();
  return Number(r?.m ?? 0);
}

/** Department codes among `codes` that exist (routing rules address departments by code). */
export async function existingDepartmentCodes(db: Q, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db.selectFrom('org_units').select('code').where('kind', '=', 'department').where('code', 'in', codes).execute();
  return new Set(rows.map((r) => r.code!));
}
