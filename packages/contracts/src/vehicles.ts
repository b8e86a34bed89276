import { z } from 'zod';

/** Kinds of Chinese licence plate (GA 36-2018) the registry recognises. */
export const PLATE_KINDS = ['ordinary', 'new_energy', 'coach', 'police', 'trailer', 'consulate', 'hong_kong', 'macau', 'embassy'] as const;
export const PlateKind = z.enum(PLATE_KINDS);
export type PlateKind = z.infer<typeof PlateKind>;

/**
 * A registered vehicle of the thematic database. The owner's name and phone are personal data:
 * masked (张**, 138****0001) for everyone but administrators; `masked` says which the caller got.
 */
export const Vehicle = z.object({
  plate: z.string(),
  plateKind: PlateKind,
  ownerName: z.string(),
  ownerPhone: z.string().nullable(),
  vehicleType: z.string().nullable(),
  note: z.string().nullable(),
  masked: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Vehicle = z.infer<typeof Vehicle>;

/** PUT /vehicles/:plate (upsert). The phone is a mainland mobile number (SMS reminders go to it). */
export const PutVehicleRequest = z
  .object({
    ownerName: z.string().trim().min(1).max(64),
    ownerPhone: z.string().trim().max(20).nullable().optional(),
    vehicleType: z.string().trim().max(32).nullable().optional(),
    note: z.string().trim().max(500).nullable().optional(),
  })
  .strict();
export type PutVehicleRequest = z.infer<typeof PutVehicleRequest>;

/** POST /vehicles: the same as PUT with the plate in the body. */
export const CreateVehicleRequest = PutVehicleRequest.extend({ plate: z.string().trim().min(1).max(32) }).strict();
export type CreateVehicleRequest = z.infer<typeof CreateVehicleRequest>;

/**
 * POST /vehicles/import answer. Valid rows are written (new plates `imported`, known plates
 * `updated`); each refused row is listed with its 1-based line number in the file (the header
 * is row 1) and the column at fault.
 */
export const VehicleImportReport = z.object({
  imported: z.number().int(),
  updated: z.number().int(),
  errors: z.array(z.object({ row: z.number().int(), field: z.string(), message: z.string() })),
});
export type VehicleImportReport = z.infer<typeof VehicleImportReport>;
