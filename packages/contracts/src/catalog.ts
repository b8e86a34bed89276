import { z } from 'zod';
import { CATEGORY_FAMILIES, TIME_LIMIT_KINDS, Urgency } from './enums.ts';

/**
 * Who leads an event of a category: a territorial level of the event's location
 * (its grid, village, township or the county), or a named department (by code).
 */
export const UnitRule = z.union([z.object({ level: z.enum(['grid', 'village', 'township', 'county']) }), z.object({ department: z.string().min(1) })]);
export type UnitRule = z.infer<typeof UnitRule>;

export const Category = z.object({
  code: z.string().regex(/^[0-9]{2,16}$/),
  parentCode: z.string().nullable(),
  family: z.enum(CATEGORY_FAMILIES),
  nameZh: z.string().min(1).max(64),
  nameEn: z.string().min(1).max(128),
  defaultUrgency: Urgency,
  timeLimitMinutes: z.number().int().positive().nullable(),
  timeLimitKind: z.enum(TIME_LIMIT_KINDS),
  requiresConfirmation: z.boolean(),
  dedupWindowMinutes: z.number().int().min(0).max(10080),
  dedupRadiusM: z.number().min(0).max(10000),
  leadRule: UnitRule.nullable(),
  coHandlingRules: z.array(UnitRule),
  processKey: z.string().nullable(),
  isActive: z.boolean(),
});
export type Category = z.infer<typeof Category>;

export const PutCategoryRequest = Category.omit({ code: true })
  .partial()
  .extend({
    nameZh: z.string().min(1).max(64),
    nameEn: z.string().min(1).max(128),
  });
