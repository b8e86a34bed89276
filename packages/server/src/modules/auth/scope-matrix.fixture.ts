import { ROLES, type ApiKeyScope, type OrgUnitKind, type Role } from '@liandong/contracts';
import type { Principal } from './principal.ts';

/**
 * The role × membership level × event matrix shared by the pure and the SQL scope tests,
 * with the expected answer written as an independent truth table.
 *
 * Units: county C; townships TA, TB; villages VA (in TA), VB (in TB); grids GA (in VA), GB (in VB);
 * department D with station S; another department D2.
 */
export type UnitKey = 'C' | 'TA' | 'VA' | 'GA' | 'TB' | 'VB' | 'GB' | 'D' | 'S' | 'D2';
export type Level = 'county' | 'township' | 'village' | 'grid' | 'department' | 'station';
export const LEVELS: Level[] = ['county', 'township', 'village', 'grid', 'department', 'station'];
/** Where the member sits for each level: always on the A side of the county. */
export const UNIT_OF_LEVEL: Record<Level, UnitKey> = { county: 'C', township: 'TA', village: 'VA', grid: 'GA', department: 'D', station: 'S' };

export type Location = 'A' | 'B' | 'outside';
export type Dispatch = 'none' | 'D' | 'S' | 'D2';
export interface EventCase {
  location: Location;
  dispatchedTo: Dispatch;
  own: boolean;
}
export const EVENT_CASES: EventCase[] = (['A', 'B', 'outside'] as Location[]).flatMap((location) =>
  (['none', 'D', 'S', 'D2'] as Dispatch[]).flatMap((dispatchedTo) => [false, true].map((own) => ({ location, dispatchedTo, own }))),
);

export const ME = 'user-me';
export const SOMEONE_ELSE = 'user-other';

export function unitPaths(ids: Record<UnitKey, string>): Record<UnitKey, string> {
  const p = (...keys: UnitKey[]) => `/${keys.map((k) => ids[k]).join('/')}/`;
  return {
    C: p('C'),
    TA: p('C', 'TA'),
    VA: p('C', 'TA', 'VA'),
    GA: p('C', 'TA', 'VA', 'GA'),
    TB: p('C', 'TB'),
    VB: p('C', 'TB', 'VB'),
    GB: p('C', 'TB', 'VB', 'GB'),
    D: p('C', 'D'),
    S: p('C', 'D', 'S'),
    D2: p('C', 'D2'),
  };
}

const KIND_OF_LEVEL: Record<Level, OrgUnitKind> = {
  county: 'county',
  township: 'township',
  village: 'village',
  grid: 'grid',
  department: 'department',
  station: 'station',
};

function membership(ids: Record<UnitKey, string>, level: Level, role: Role) {
  const key = UNIT_OF_LEVEL[level];
  return {
    orgUnitId: ids[key],
    orgUnitKind: KIND_OF_LEVEL[level],
    orgUnitName: key,
    orgUnitPath: unitPaths(ids)[key],
    role,
    ...(level === 'department' ? { stationIds: [ids.S] } : {}),
  };
}

export function userPrincipal(ids: Record<UnitKey, string>, role: Role, level: Level): Principal {
  return { kind: 'user', userId: ME, name: 'me', roles: [role], memberships: [membership(ids, level, role)], sessionId: 's' };
}

export function apiKeyPrincipal(ids: Record<UnitKey, string>, scopes: ApiKeyScope[], level: Level | null): Principal {
  return {
    kind: 'api_key',
    userId: ME,
    name: 'key',
    roles: ['integrator'],
    memberships: level ? [membership(ids, level, 'integrator')] : [],
    apiKeyScopes: scopes,
    apiKeyId: 'k',
  };
}

// ---- the truth table -------------------------------------------------------------------

/** Roles for which a county-level membership means "the whole county, even outside any grid". */
const COUNTY_WIDE: Record<Role, boolean> = {
  admin: true,
  leader: true,
  duty_officer: true,
  dispatcher: true,
  handler: false,
  grid_worker: false,
  officer: false,
  deputy: false,
  integrator: false,
};
/** Roles whose membership shows the unit's data at all. */
const UNIT_DATA: Record<Role, boolean> = {
  admin: true,
  leader: true,
  duty_officer: true,
  dispatcher: true,
  handler: true,
  grid_worker: true,
  officer: true,
  deputy: false,
  integrator: false,
};
/** Which events a unit member sees, by level (the member sits on the A side; D owns station S). */
const SEEN_BY_LEVEL: Record<Level, (e: EventCase) => boolean> = {
  county: (e) => e.location !== 'outside',
  township: (e) => e.location === 'A',
  village: (e) => e.location === 'A',
  grid: (e) => e.location === 'A',
  department: (e) => e.dispatchedTo === 'D' || e.dispatchedTo === 'S',
  station: (e) => e.dispatchedTo === 'S',
};

export function expectedForUser(role: Role, level: Level, e: EventCase): boolean {
  if (e.own) return true;
  if (!UNIT_DATA[role]) return false;
  if (level === 'county' && COUNTY_WIDE[role]) return true;
  return SEEN_BY_LEVEL[level](e);
}

export function expectedForApiKey(scopes: ApiKeyScope[], level: Level | null, e: EventCase): boolean {
  if (!scopes.includes('events:read')) return false;
  if (level === null) return true;
  return SEEN_BY_LEVEL[level](e);
}

export const API_KEY_SCOPE_SETS: ApiKeyScope[][] = [['alarms:write'], ['events:read'], ['events:read', 'events:write']];
export const API_KEY_LEVELS: Array<Level | null> = [null, ...LEVELS];
export { ROLES };

/** The event columns and dispatched units of a case, in the ids of a given unit set. */
export function eventFacts(ids: Record<UnitKey, string>, e: EventCase) {
  const loc =
    e.location === 'A'
      ? { countyId: ids.C, townshipId: ids.TA, villageId: ids.VA, gridId: ids.GA }
      : e.location === 'B'
        ? { countyId: ids.C, townshipId: ids.TB, villageId: ids.VB, gridId: ids.GB }
        : { countyId: null, townshipId: null, villageId: null, gridId: null };
  return { ...loc, unitIds: e.dispatchedTo === 'none' ? [] : [ids[e.dispatchedTo]], reporterUserId: e.own ? ME : SOMEONE_ELSE };
}
