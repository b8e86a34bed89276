import type { Db } from '../../db/database.ts';
import { personName, phoneNumber } from '../../demo/names.ts';
import { createRng, hashString, type Rng } from '../../demo/prng.ts';
import { normalizePlate, isPlateError } from './plate.ts';
import { insertMissingVehicles, type VehicleRow } from './vehicles.repository.ts';

/** The demo county's plates: 蒙J (the issuing authority of the demo prefecture). */
const PREFIX = '蒙J';
export const DEMO_VEHICLE_COUNT = 2000;

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const digits = (rng: Rng, n: number) => Array.from({ length: n }, () => String(rng.int(0, 9))).join('');
const letter = (rng: Rng, from = LETTERS) => from[rng.int(0, from.length - 1)];

/** A serial as issued: mostly digits, some with one or two letters (never I or O). */
function ordinarySerial(rng: Rng): string {
  const chars = digits(rng, 5).split('');
  const letters = rng.chance(0.45) ? (rng.chance(0.4) ? 2 : 1) : 0;
  const positions = rng.shuffle([0, 1, 2, 3, 4]).slice(0, letters);
  for (const p of positions) chars[p] = letter(rng);
  return chars.join('');
}

function planPlate(rng: Rng): { serial: string; type: string } {
  const r = rng.next();
  if (r < 0.78)
    return {
      serial: ordinarySerial(rng),
      type: rng.weighted([
        ['小型轿车', 6],
        ['小型普通客车', 2],
        ['小型越野客车', 2],
        ['轻型普通货车', 1],
      ] as const),
    };
  if (r < 0.95) return { serial: letter(rng, 'DABCEFGHJK') + (rng.chance(0.3) ? letter(rng) : String(rng.int(0, 9))) + digits(rng, 4), type: '小型轿车' };
  if (r < 0.98) return { serial: digits(rng, 5) + letter(rng, 'DF'), type: rng.pick(['大型普通客车', '重型普通货车']) };
  return { serial: digits(rng, 4) + '挂', type: '重型普通半挂车' };
}

/** The demo registry: the same vehicles for the same seed, every plate valid and distinct. */
export function planDemoVehicles(seed: number, atIso: string, count = DEMO_VEHICLE_COUNT): VehicleRow[] {
  const rng = createRng((seed ^ hashString('vehicles')) >>> 0);
  const plates = new Set<string>();
  const phones = new Set<string>();
  const rows: VehicleRow[] = [];
  while (rows.length < count) {
    const { serial, type } = planPlate(rng);
    const parsed = normalizePlate(PREFIX + serial);
    if (isPlateError(parsed) || plates.has(parsed.plate)) continue;
    plates.add(parsed.plate);
    rows.push({
      plate: parsed.plate,
      plate_kind: parsed.kind,
      owner_name: personName(rng),
      owner_phone: rng.chance(0.95) ? phoneNumber(rng, phones) : null,
      vehicle_type: type,
      note: null,
      created_at: atIso,
      updated_at: atIso,
    });
  }
  return rows;
}

/** Adds the demo registry; plates already registered (an earlier run, an operator's edit) are left alone. */
export async function seedDemoVehicles(db: Db, seed: number, atIso: string): Promise<void> {
  await insertMissingVehicles(db, planDemoVehicles(seed, atIso));
}
