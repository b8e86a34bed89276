import type { PlateKind, Vehicle } from '@liandong/contracts';
import { maskPhone } from '../users/phone.ts';
import { maskName } from './vehicles.policy.ts';
import type { VehicleRow } from './vehicles.repository.ts';

export function toVehicleView(r: VehicleRow, inFull: boolean): Vehicle {
  return {
    plate: r.plate,
    plateKind: r.plate_kind as PlateKind,
    ownerName: inFull ? r.owner_name : maskName(r.owner_name),
    ownerPhone: r.owner_phone === null ? null : inFull ? r.owner_phone : maskPhone(r.owner_phone),
    vehicleType: r.vehicle_type,
    note: r.note,
    masked: !inFull,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
