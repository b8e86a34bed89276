import type { Role } from '@liandong/contracts';
import type { MembershipsTable, OrgUnitsTable, UsersTable } from '../db/schema.ts';
import { personName, phoneNumber } from './names.ts';
import { createRng, hashString, type Rng } from './prng.ts';
import type { GeneratedTerritory, GeneratedUnit } from './territory.generator.ts';

/** The fifteen departments every catalogue routing rule can name, with their Chinese and English names. */
export const DEMO_DEPARTMENTS: ReadonlyArray<{ code: string; name: string; nameEn: string }> = [
  { code: 'water', name: '县水利局', nameEn: 'Water Resources Bureau' },
  { code: 'enforcement', name: '县综合行政执法局', nameEn: 'Comprehensive Administrative Law Enforcement Bureau' },
  { code: 'construction', name: '县住建局', nameEn: 'Housing and Urban-Rural Development Bureau' },
  { code: 'civil_affairs', name: '县民政局', nameEn: 'Civil Affairs Bureau' },
  { code: 'traffic_police', name: '县公安局交警大队', nameEn: 'Traffic Police Brigade' },
  { code: 'environment', name: '县生态环境分局', nameEn: 'Ecology and Environment Branch' },
  { code: 'market_regulation', name: '县市场监管局', nameEn: 'Market Regulation Bureau' },
  { code: 'emergency', name: '县应急管理局', nameEn: 'Emergency Management Bureau' },
  { code: 'health', name: '县卫健局', nameEn: 'Health Commission' },
  { code: 'education', name: '县教育局', nameEn: 'Education Bureau' },
  { code: 'transport', name: '县交通运输局', nameEn: 'Transport Bureau' },
  { code: 'natural_resources', name: '县自然资源和规划分局', nameEn: 'Natural Resources and Planning Branch' },
  { code: 'agriculture', name: '县农业农村局', nameEn: 'Agriculture and Rural Affairs Bureau' },
  { code: 'public_security', name: '县公安局', nameEn: 'Public Security Bureau' },
  { code: 'fire_rescue', name: '县消防救援大队', nameEn: 'Fire and Rescue Brigade' },
];

/** Local stations: one enforcement squad and one police station per township, water stations on the larger islands. */
const STATIONS: ReadonlyArray<{ department: string; suffix: string; suffixEn: string; townships: 'all' | number[] }> = [
  { department: 'enforcement', suffix: '执法中队', suffixEn: 'Enforcement Squad', townships: 'all' },
  { department: 'public_security', suffix: '派出所', suffixEn: 'Police Station', townships: 'all' },
  { department: 'water', suffix: '水利站', suffixEn: 'Water Station', townships: [0, 1, 4, 5] },
];

export interface DemoOrg {
  units: OrgUnitsTable[];
  users: UsersTable[];
  memberships: MembershipsTable[];
}

/**
 * UUIDv7-shaped ids from a timestamp and the seeded stream: the same seed gives the same ids,
 * and ids still sort by time like the ones the platform makes.
 */
export function uuidv7At(ms: number, rng: Rng): string {
  const t = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  const r = () => rng.uint32().toString(16).padStart(8, '0');
  const rand = r() + r() + r();
  const variant = (8 + (parseInt(rand[3], 16) & 3)).toString(16);
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${rand.slice(0, 3)}-${variant}${rand.slice(4, 7)}-${rand.slice(7, 19)}`;
}

/**
 * The demo county's organisation as rows, a pure function of the territory, the seed and the
 * time: territorial units, departments and stations, and users for every role sharing one
 * password hash. Usernames say where people work: `gw-<grid code>`, `vh-<village code>`,
 * `disp-<township code>-1`, `dh-<department>-1`, `sh-<station code>`, `officer-<township code>-1`.
 */
export function generateOrg(territory: GeneratedTerritory, seed: number, nowIso: string, passwordHash: string): DemoOrg {
  const rng = createRng((seed ^ hashString('org')) >>> 0);
  const nowMs = Date.parse(nowIso);
  const newId = () => uuidv7At(nowMs, rng);
  const units: OrgUnitsTable[] = [];
  const byCode = new Map<string, OrgUnitsTable>();
  const addUnit = (u: {
    kind: string;
    code: string;
    parent: OrgUnitsTable | null;
    name: string;
    nameEn: string;
    sortOrder: number;
    area?: OrgUnitsTable;
    geo?: GeneratedUnit;
  }) => {
    const id = newId();
    const path = `${u.parent ? u.parent.path : '/'}${id}/`;
    const row: OrgUnitsTable = {
      id,
      parent_id: u.parent?.id ?? null,
      kind: u.kind,
      code: u.code,
      name: u.name,
      name_en: u.nameEn,
      path,
      depth: path.split('/').length - 3,
      area_unit_id: u.area?.id ?? null,
      boundary: u.geo ? JSON.stringify(u.geo.boundary) : null,
      centroid_lng: u.geo ? u.geo.centroid[0] : null,
      centroid_lat: u.geo ? u.geo.centroid[1] : null,
      sort_order: u.sortOrder,
      created_at: nowIso,
      updated_at: nowIso,
    };
    units.push(row);
    byCode.set(`${u.kind}:${u.code}`, row);
    return row;
  };
  const fromGeo = (g: GeneratedUnit) =>
    addUnit({
      kind: g.kind,
      code: g.code,
      parent: g.parentCode ? unitOf(byCode, g.parentCode) : null,
      name: g.name,
      nameEn: g.nameEn,
      sortOrder: g.sortOrder,
      geo: g,
    });

  const county = fromGeo(territory.county);
  const townships = territory.townships.map(fromGeo);
  const villages = territory.villages.map(fromGeo);
  const grids = territory.grids.map(fromGeo);
  const departments = DEMO_DEPARTMENTS.map((d, i) =>
    addUnit({ kind: 'department', code: d.code, parent: county, name: d.name, nameEn: d.nameEn, sortOrder: 100 + i }),
  );
  const stations: OrgUnitsTable[] = [];
  for (const s of STATIONS) {
    const dept = departments.find((d) => d.code === s.department)!;
    townships.forEach((t, i) => {
      if (s.townships !== 'all' && !s.townships.includes(i)) return;
      const short = t.name.slice(0, -1);
      const shortEn = t.name_en!.split(' ')[0];
      stations.push(
        addUnit({
          kind: 'station',
          code: `${s.department}-${t.code}`,
          parent: dept,
          name: `${short}${s.suffix}`,
          nameEn: `${shortEn} ${s.suffixEn}`,
          sortOrder: i,
          area: t,
        }),
      );
    });
  }

  const users: UsersTable[] = [];
  const memberships: MembershipsTable[] = [];
  const phones = new Set<string>();
  const addUser = (username: string, unit: OrgUnitsTable, role: Role, displayName = personName(rng)) => {
    const id = newId();
    users.push({
      id,
      username,
      display_name: displayName,
      phone: phoneNumber(rng, phones),
      password_hash: passwordHash,
      is_active: 1,
      created_at: nowIso,
      updated_at: nowIso,
    });
    memberships.push({ id: newId(), user_id: id, org_unit_id: unit.id, role, created_at: nowIso });
  };
  addUser('admin', county, 'admin', '系统管理员');
  for (let i = 1; i <= 2; i++) addUser(`leader-${i}`, county, 'leader');
  for (let i = 1; i <= 4; i++) addUser(`duty-${i}`, county, 'duty_officer');
  for (let i = 1; i <= 2; i++) addUser(`dispatcher-${i}`, county, 'dispatcher');
  for (const t of townships) for (let i = 1; i <= 2; i++) addUser(`disp-${t.code}-${i}`, t, 'dispatcher');
  for (const v of villages) addUser(`vh-${v.code}`, v, 'handler');
  for (const g of grids) addUser(`gw-${g.code}`, g, 'grid_worker');
  for (const d of departments) for (let i = 1; i <= 2; i++) addUser(`dh-${d.code}-${i}`, d, 'handler');
  for (const s of stations) addUser(`sh-${s.code}`, s, 'handler');
  for (const s of stations.filter((s) => s.code!.startsWith('enforcement-'))) {
    const township = s.code!.slice('enforcement-'.length);
    for (let i = 1; i <= 2; i++) addUser(`officer-${township}-${i}`, s, 'officer');
  }
  for (let i = 1; i <= 20; i++) addUser(`deputy-${String(i).padStart(2, '0')}`, townships[(i - 1) % townships.length], 'deputy');
  addUser('integrator', county, 'integrator');
  return { units, users, memberships };
}

function unitOf(byCode: Map<string, OrgUnitsTable>, code: string): OrgUnitsTable {
  for (const kind of ['county', 'township', 'village']) {
    const u = byCode.get(`${kind}:${code}`);
    if (u) return u;
  }
  throw new Error(`unknown parent ${code}`);
}
