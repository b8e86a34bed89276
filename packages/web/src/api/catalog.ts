import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, itemsOf } from './client.ts';
import type { Category, OrgUnit, OrgUnitKind } from './types.ts';

export function useCategories() {
  return useQuery({
    queryKey: ['categories'],
    queryFn: async () => itemsOf<Category>(await api.get('/api/v1/categories')),
    staleTime: 10 * 60_000,
  });
}

/** The category's name in the current language. */
export function useCategoryName(): (c: Pick<Category, 'nameZh' | 'nameEn'> | undefined) => string {
  const { i18n } = useTranslation();
  return (c) => (c ? (i18n.language === 'en' ? c.nameEn || c.nameZh : c.nameZh) : '');
}

export interface CategoryNode {
  value: string;
  label: string;
  children?: CategoryNode[];
}

/** Major → minor tree for cascaders; only minor categories are selectable leaves. */
export function categoryTree(categories: Category[], name: (c: Category) => string, activeOnly = true): CategoryNode[] {
  const list = activeOnly ? categories.filter((c) => c.isActive !== false) : categories;
  const majors = list.filter((c) => !c.parentCode);
  return majors
    .map((m) => ({
      value: m.code,
      label: `${name(m)}`,
      children: list.filter((c) => c.parentCode === m.code).map((c) => ({ value: c.code, label: `${name(c)}（${c.code}）` })),
    }))
    .filter((m) => m.children.length > 0);
}

const KINDS: OrgUnitKind[] = ['county', 'township', 'village', 'grid', 'department', 'station'];

/** Every org unit (without boundaries), fetched per kind. */
export function useOrgUnits(enabled = true) {
  return useQuery({
    enabled,
    queryKey: ['org-units', 'all'],
    queryFn: async () => {
      const lists = await Promise.all(KINDS.map((kind) => api.get('/api/v1/org-units', { kind }).then((b) => itemsOf<OrgUnit>(b))));
      const seen = new Map<string, OrgUnit>();
      for (const u of lists.flat()) seen.set(u.id, u);
      return [...seen.values()];
    },
    staleTime: 10 * 60_000,
  });
}

/** The unit's name in the current language. */
export function useUnitName(): (u: Pick<OrgUnit, 'name' | 'nameEn'> | undefined) => string {
  const { i18n } = useTranslation();
  return (u) => (u ? (i18n.language === 'en' ? u.nameEn || u.name : u.name) : '');
}

/**
 * A unit's name in the current language by its id, for the places that carry only the Chinese
 * name the server stored (memberships, tasks, the timeline): in English the org list (cached for
 * ten minutes, fetched only in English) has the English one; `fallback` is shown meanwhile.
 */
export function useUnitLabel(): (id: unknown, fallback: string) => string {
  const { i18n } = useTranslation();
  const en = i18n.language === 'en';
  const units = useOrgUnits(en);
  return (id, fallback) => {
    if (!en || typeof id !== 'string') return fallback;
    const u = units.data?.find((x) => x.id === id);
    return u?.nameEn || u?.name || fallback;
  };
}

export interface UnitTreeNode {
  value: string;
  key: string;
  title: string;
  kind: OrgUnitKind;
  children: UnitTreeNode[];
}

export function unitTree(units: OrgUnit[], name: (u: OrgUnit) => string, kinds?: OrgUnitKind[]): UnitTreeNode[] {
  const list = kinds ? units.filter((u) => kinds.includes(u.kind)) : units;
  const byParent = new Map<string | null, OrgUnit[]>();
  const ids = new Set(list.map((u) => u.id));
  for (const u of list) {
    const parent = u.parentId && ids.has(u.parentId) ? u.parentId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), u]);
  }
  const build = (parent: string | null): UnitTreeNode[] =>
    (byParent.get(parent) ?? []).map((u) => ({ value: u.id, key: u.id, title: name(u), kind: u.kind, children: build(u.id) }));
  return build(null);
}
