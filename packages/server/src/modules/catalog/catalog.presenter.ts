import type { Category, UnitRule } from '@liandong/contracts';
import type { CategoriesTable } from '../../db/schema.ts';
import { fromDbBool } from '../../db/database.ts';

/** A category row as the API shows it; JSON columns parsed, booleans as booleans. */
export function presentCategory(row: CategoriesTable): Category {
  return {
    code: row.code,
    parentCode: row.parent_code,
    family: row.family as Category['family'],
    nameZh: row.name_zh,
    nameEn: row.name_en,
    defaultUrgency: row.default_urgency as Category['defaultUrgency'],
    timeLimitMinutes: row.time_limit_minutes,
    timeLimitKind: row.time_limit_kind as Category['timeLimitKind'],
    requiresConfirmation: fromDbBool(row.requires_confirmation),
    dedupWindowMinutes: row.dedup_window_minutes,
    dedupRadiusM: Number(row.dedup_radius_m),
    leadRule: row.lead_rule ? (JSON.parse(row.lead_rule) as UnitRule) : null,
    coHandlingRules: JSON.parse(row.co_handling_rules || '[]') as UnitRule[],
    processKey: row.process_key,
    isActive: fromDbBool(row.is_active),
  };
}
