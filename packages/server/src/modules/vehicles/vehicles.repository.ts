import { sql, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database, VehiclesTable } from '../../db/schema.ts';
import { plateOrNull } from './plate.ts';

export type VehicleRow = VehiclesTable;

/**
 * The owner of a plate, for the process engine's lookup_vehicle_owner action (called inside its
 * step transaction). One primary-key read; an invalid or unknown plate gives null.
 */
export async function findVehicleOwner(
  q: Kysely<Database> | Transaction<Database>,
  plate: string,
): Promise<{ plate: string; ownerName: string; ownerPhone: string | null } | null> {
  const normalised = plateOrNull(plate);
  if (!normalised) return null;
  const row = await q.selectFrom('vehicles').select(['plate', 'owner_name', 'owner_phone']).where('plate', '=', normalised).executeTakeFirst();
  return row ? { plate: row.plate, ownerName: row.owner_name, ownerPhone: row.owner_phone } : null;
}

export async function findVehicle(db: Db, plate: string): Promise<VehicleRow | undefined> {
  return db.selectFrom('vehicles').selectAll().where('plate', '=', plate).executeTakeFirst();
}

export interface VehicleListFilter {
  /** Part of a plate (already upper-cased, separators removed). */
  plateLike?: string;
  /** Part of an owner's name or phone: only for callers who see them unmasked. */
  ownerLike?: string;
  afterPlate?: string;
  limit: number;
}

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function findVehicles(db: Db, f: VehicleListFilter): Promise<VehicleRow[]> {
  let query = db.selectFrom('vehicles').selectAll();
  // An explicit ESCAPE: SQLite has no default escape character, PostgreSQL's is the backslash.
  const plate = f.plateLike ? likePattern(f.plateLike) : null;
  const owner = f.ownerLike ? likePattern(f.ownerLike) : null;
  if (plate && owner) {
    query = query.where(sql<SqlBool>`(plate like ${plate} escape '\\' or owner_name like ${owner} escape '\\' or owner_phone like ${owner} escape '\\')`);
  } else if (plate) {
    query = query.where(sql<SqlBool>`plate like ${plate} escape '\\'`);
  } else if (owner) {
    query = query.where(sql<SqlBool>`(owner_name like ${owner} escape '\\' or owner_phone like ${owner} escape '\\')`);
  }
  if (f.afterPlate !== undefined) query = query.where('plate', '>', f.afterPlate);
  return query.orderBy('plate').limit(f.limit).execute();
}

/** Inserts or replaces the vehicle; created_at survives a replace. */
export async function upsertVehicles(db: Db, rows: VehicleRow[]): Promise<void> {
  // 8 columns per row: chunks stay far below both engines' bound-parameter limits.
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('vehicles')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) =>
        oc.column('plate').doUpdateSet((eb) => ({
          plate_kind: eb.ref('excluded.plate_kind'),
          owner_name: eb.ref('excluded.owner_name'),
          owner_phone: eb.ref('excluded.owner_phone'),
          vehicle_type: eb.ref('excluded.vehicle_type'),
          note: eb.ref('excluded.note'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

/** Adds the vehicles whose plates are not registered yet; registered ones are left as they are. */
export async function insertMissingVehicles(db: Db, rows: VehicleRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('vehicles')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.column('plate').doNothing())
      .execute();
  }
}

/** Which of these plates are registered. */
export async function findExistingPlates(db: Db, plates: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < plates.length; i += 1000) {
    const rows = await db
      .selectFrom('vehicles')
      .select('plate')
      .where('plate', 'in', plates.slice(i, i + 1000))
      .execute();
    for (const r of rows) found.add(r.plate);
  }
  return found;
}

export async function deleteVehicle(db: Db, plate: string): Promise<boolean> {
  const res = await db.deleteFrom('vehicles').where('plate', '=', plate).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}
