import type { PutVehicleRequest, Vehicle, VehicleImportReport } from '@liandong/contracts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { writeAudit } from '../auth/audit.ts';
import type { Principal } from '../auth/principal.ts';
import { normalisePhone } from '../users/phone.ts';
import { isPlateError, normalizePlate, plateOrThrow } from './plate.ts';
import { readImportFile } from './vehicles.import.ts';
import { seesOwnerInFull } from './vehicles.policy.ts';
import { toVehicleView } from './vehicles.presenter.ts';
import { deleteVehicle, findExistingPlates, findVehicle, findVehicles, upsertVehicles, type VehicleRow } from './vehicles.repository.ts';

type VehicleDeps = Pick<AppDeps, 'db' | 'clock'>;
export interface RequestContext {
  ip: string | null;
}

function phoneOrThrow(input: string | null | undefined): string | null {
  if (input === null || input === undefined || input.trim() === '') return null;
  const phone = normalisePhone(input);
  if (!phone) {
    throw new AppError('VALIDATION_FAILED', 'ownerPhone must be a mainland mobile number (11 digits starting 13–19, +86 allowed)', [
      { path: 'body.ownerPhone', message: 'not a mainland mobile number' },
    ]);
  }
  return phone;
}

const blankToNull = (s: string | null | undefined) => (s === null || s === undefined || s.trim() === '' ? null : s.trim());

export async function listVehicles(deps: VehicleDeps, principal: Principal, q: { q?: string; cursor?: string; limit: number }) {
  const inFull = seesOwnerInFull(principal);
  let afterPlate: string | undefined;
  if (q.cursor) {
    afterPlate = Buffer.from(q.cursor, 'base64url').toString();
    if (!afterPlate || Buffer.from(afterPlate).toString('base64url') !== q.cursor)
      throw new AppError('INVALID_CURSOR', 'The cursor is not valid: use nextCursor from a previous page');
  }
  const text = q.q?.trim();
  // Plates are searched as they are stored; owners only by those who may see them, so a masked
  // list cannot be used to find out who owns a car.
  const plateLike = text
    ? text
        .normalize('NFKC')
        .replace(/[\s.·-]/g, '')
        .toUpperCase()
    : undefined;
  const rows = await findVehicles(deps.db, { plateLike: plateLike || undefined, ownerLike: inFull ? text : undefined, afterPlate, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => toVehicleView(r, inFull)),
    nextCursor: rows.length > q.limit ? Buffer.from(page[page.length - 1].plate).toString('base64url') : null,
  };
}

export async function getVehicle(deps: VehicleDeps, principal: Principal, plateInput: string): Promise<Vehicle> {
  const { plate } = plateOrThrow(plateInput, 'params.plate');
  const row = await findVehicle(deps.db, plate);
  if (!row) throw new AppError('VEHICLE_NOT_FOUND', `No vehicle with the plate ${plate} is registered`);
  return toVehicleView(row, seesOwnerInFull(principal));
}

/** Registers or replaces a vehicle; `created` tells which. */
export async function putVehicle(
  deps: VehicleDeps,
  principal: Principal,
  plateInput: string,
  input: PutVehicleRequest,
  ctx: RequestContext,
  platePath = 'params.plate',
): Promise<{ created: boolean; vehicle: Vehicle }> {
  const { plate, kind } = plateOrThrow(plateInput, platePath);
  const ownerPhone = phoneOrThrow(input.ownerPhone);
  const now = deps.clock.now().toISOString();
  const created = await deps.db.transaction().execute(async (trx) => {
    const existing = await findVehicle(trx, plate);
    const row: VehicleRow = {
      plate,
      plate_kind: kind,
      owner_name: input.ownerName.trim(),
      owner_phone: ownerPhone,
      vehicle_type: blankToNull(input.vehicleType),
      note: blankToNull(input.note),
      created_at: existing?.created_at ?? now,
      updated_at: now,
    };
    await upsertVehicles(trx, [row]);
    await writeAudit(trx, {
      at: now,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: existing ? 'vehicle.update' : 'vehicle.create',
      targetType: 'vehicle',
      targetId: plate,
      ip: ctx.ip,
      // Field names only: the values are the owner's personal data.
      details: { fields: Object.keys(input).filter((k) => input[k as keyof PutVehicleRequest] !== undefined) },
    });
    return !existing;
  });
  const row = await findVehicle(deps.db, plate);
  return { created, vehicle: toVehicleView(row!, seesOwnerInFull(principal)) };
}

export async function removeVehicle(deps: VehicleDeps, principal: Principal, plateInput: string, ctx: RequestContext): Promise<void> {
  const { plate } = plateOrThrow(plateInput, 'params.plate');
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    if (!(await deleteVehicle(trx, plate))) throw new AppError('VEHICLE_NOT_FOUND', `No vehicle with the plate ${plate} is registered`);
    await writeAudit(trx, {
      at: now,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: 'vehicle.delete',
      targetType: 'vehicle',
      targetId: plate,
      ip: ctx.ip,
    });
  });
}

const LIMITS = { owner: 64, type: 32, note: 500 } as const;

/**
 * Imports a CSV or XLSX registry file. Partial by design: every valid row is written (in one
 * transaction, so a crash leaves either all of them or none) and every refused row is reported
 * with its row number, column and reason, so the operator fixes only those and imports them
 * again. A plate that appears twice in the file is refused on its second row. A file that cannot
 * be read at all, or lacks the plate or owner column, is refused whole.
 */
export async function importVehicles(deps: VehicleDeps, principal: Principal, bytes: Buffer, ctx: RequestContext): Promise<VehicleImportReport> {
  const rows = await readImportFile(bytes);
  const now = deps.clock.now().toISOString();
  const errors: VehicleImportReport['errors'] = [];
  const valid = new Map<string, { row: number; value: VehicleRow }>();
  for (const { row, values } of rows) {
    const fail = (field: string, message: string) => errors.push({ row, field, message });
    const rawPlate = values.plate ?? '';
    const plate = rawPlate === '' ? { error: 'The plate is empty' } : normalizePlate(rawPlate);
    const owner = values.owner ?? '';
    const rawPhone = values.phone ?? '';
    const phone = rawPhone === '' ? null : normalisePhone(rawPhone);
    const before = errors.length;
    if (isPlateError(plate)) fail('plate', plate.error);
    else if (valid.has(plate.plate)) fail('plate', `The plate ${plate.plate} already appears on row ${valid.get(plate.plate)!.row}`);
    if (owner === '') fail('owner', 'The owner’s name is empty');
    else if ([...owner].length > LIMITS.owner) fail('owner', `The owner’s name is longer than ${LIMITS.owner} characters`);
    if (rawPhone !== '' && !phone) fail('phone', 'Not a mainland mobile number (11 digits starting 13–19, +86 allowed)');
    if ([...(values.type ?? '')].length > LIMITS.type) fail('type', `The vehicle type is longer than ${LIMITS.type} characters`);
    if ([...(values.note ?? '')].length > LIMITS.note) fail('note', `The note is longer than ${LIMITS.note} characters`);
    if (errors.length > before || isPlateError(plate)) continue;
    valid.set(plate.plate, {
      row,
      value: {
        plate: plate.plate,
        plate_kind: plate.kind,
        owner_name: owner,
        owner_phone: phone,
        vehicle_type: blankToNull(values.type),
        note: blankToNull(values.note),
        created_at: now,
        updated_at: now,
      },
    });
  }
  const toWrite = [...valid.values()].map((v) => v.value);
  const report = await deps.db.transaction().execute(async (trx) => {
    const existing = await findExistingPlates(
      trx,
      toWrite.map((v) => v.plate),
    );
    await upsertVehicles(trx, toWrite);
    const result = { imported: toWrite.length - existing.size, updated: existing.size, errors };
    await writeAudit(trx, {
      at: now,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: 'vehicle.import',
      targetType: 'vehicle',
      ip: ctx.ip,
      details: { rows: rows.length, imported: result.imported, updated: result.updated, refused: new Set(errors.map((e) => e.row)).size },
    });
    return result;
  });
  return report;
}
