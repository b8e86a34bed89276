import { z } from 'zod';
import { OrgUnitKind } from './enums.ts';

export const LngLat = z.object({
  lng: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
});

/** An organisation unit as the API shows it. `boundary` only on detail, for territorial units. */
export const OrgUnit = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  kind: OrgUnitKind,
  code: z.string().nullable(),
  name: z.string(),
  nameEn: z.string().nullable(),
  /** For a station: the township it serves. */
  areaUnitId: z.string().nullable(),
  centroid: LngLat.nullable(),
  boundary: z.unknown().optional(),
});
export type OrgUnit = z.infer<typeof OrgUnit>;

export const OrgChainEntry = z.object({ id: z.string(), kind: OrgUnitKind, name: z.string(), nameEn: z.string().nullable(), code: z.string().nullable() });
export type OrgChainEntry = z.infer<typeof OrgChainEntry>;

export const LocateResult = z.object({ chain: z.array(OrgChainEntry) });

/** A report of problems found in an imported boundary set. */
export const BoundaryIssue = z.object({
  kind: z.enum(['overlap', 'gap', 'orphan', 'invalid_geometry', 'duplicate_code', 'missing_field', 'cycle']),
  featureIds: z.array(z.string()),
  message: z.string(),
  areaM2: z.number().optional(),
});
export type BoundaryIssue = z.infer<typeof BoundaryIssue>;

export const ImportReport = z.object({
  created: z.number(),
  updated: z.number(),
  issues: z.array(BoundaryIssue),
  applied: z.boolean(),
});
export type ImportReport = z.infer<typeof ImportReport>;

/** Administrators create departments (条) and their stations; territorial units come from boundary import. */
export const CreateOrgUnitRequest = z.object({
  kind: z.enum(['department', 'station']),
  /** Department: the county (default: the only county) or a parent department. Station: its department. */
  parentId: z.string().min(1).optional(),
  code: z.string().trim().min(1).max(64).nullish(),
  name: z.string().trim().min(1).max(200),
  nameEn: z.string().trim().max(200).nullish(),
  /** Station only: the territorial unit (usually a township) it serves. */
  areaUnitId: z.string().min(1).nullish(),
  sortOrder: z.number().int().min(0).max(1_000_000).optional(),
});
export type CreateOrgUnitRequest = z.infer<typeof CreateOrgUnitRequest>;

/** Rename or re-code a unit; moving a unit is not supported. */
export const UpdateOrgUnitRequest = z
  .object({
    code: z.string().trim().min(1).max(64).nullable(),
    name: z.string().trim().min(1).max(200),
    nameEn: z.string().trim().max(200).nullable(),
    areaUnitId: z.string().min(1).nullable(),
    sortOrder: z.number().int().min(0).max(1_000_000),
  })
  .partial()
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'Send at least one field to change' });
export type UpdateOrgUnitRequest = z.infer<typeof UpdateOrgUnitRequest>;
