import type { OrgUnitKind, Role } from '@liandong/contracts';
import type { Principal } from './principal.ts';

/**
 * The data scope of a principal, resolved from memberships. Pure data, so the event,
 * people and record queries of every module filter the same way.
 *
 * Rules (the matrix in scope.test.ts checks every role × level × event case):
 * - A county-level admin, leader, duty officer or dispatcher sees everything (`all`).
 * - Any other territorial membership (county, township, village, grid) of a working role sees
 *   events located in that unit's subtree.
 * - A department member sees events dispatched (lead or co-handling) to the department or to
 *   any of its stations; a station member sees events dispatched to that station.
 * - Deputies and integrator users get nothing from their membership: deputies watch what they
 *   submitted, and every signed-in user sees their own submissions.
 * - API keys see nothing unless they hold `events:read`; then the key's unit as above
 *   (territorial subtree or department/station), or the whole county when the key has no unit.
 */
export interface DataScopeFilter {
  /** Sees the whole county (county-level admin, leader, duty officer…). */
  all: boolean;
  /** Territorial units whose subtrees are visible, with their kind (picks the events column). */
  territorial: Array<{ id: string; kind: Extract<OrgUnitKind, 'county' | 'township' | 'village' | 'grid'>; path: string }>;
  /** Departments and stations: events dispatched to them (lead or co-handling) are visible. */
  departmentUnitIds: string[];
  /** Events this user submitted (deputies, reporters) are visible. */
  ownUserId: string | null;
}

/** Facts about an event that visibility depends on. */
export interface EventScopeFacts {
  countyId: string | null;
  townshipId: string | null;
  villageId: string | null;
  gridId: string | null;
  /** Units the event is dispatched to (lead and co-handling). */
  unitIds: string[];
  reporterUserId: string | null;
}

/** Roles whose county-level membership opens the whole county. */
export const COUNTY_WIDE_ROLES: readonly Role[] = ['admin', 'leader', 'duty_officer', 'dispatcher'];
/** Roles whose membership opens no unit's data (they see only their own submissions). */
const NON_TERRITORIAL_ROLES: readonly Role[] = ['deputy', 'integrator'];

export const EMPTY_SCOPE: DataScopeFilter = Object.freeze({ all: false, territorial: [], departmentUnitIds: [], ownUserId: null }) as DataScopeFilter;

export function dataScopeOf(principal: Principal): DataScopeFilter {
  const scope: DataScopeFilter = { all: false, territorial: [], departmentUnitIds: [], ownUserId: null };
  if (principal.kind === 'api_key') {
    if (!principal.apiKeyScopes?.includes('events:read')) return scope;
    if (principal.memberships.length === 0) scope.all = true;
    for (const m of principal.memberships) addUnit(scope, m);
    return normalise(scope);
  }
  scope.ownUserId = principal.userId;
  for (const m of principal.memberships) {
    if (NON_TERRITORIAL_ROLES.includes(m.role)) continue;
    if (m.orgUnitKind === 'county' && COUNTY_WIDE_ROLES.includes(m.role)) scope.all = true;
    addUnit(scope, m);
  }
  return normalise(scope);
}

function addUnit(scope: DataScopeFilter, m: Principal['memberships'][number]): void {
  switch (m.orgUnitKind) {
    case 'county':
    case 'township':
    case 'village':
    case 'grid':
      scope.territorial.push({ id: m.orgUnitId, kind: m.orgUnitKind, path: m.orgUnitPath });
      break;
    case 'department':
      scope.departmentUnitIds.push(m.orgUnitId, ...(m.stationIds ?? []));
      break;
    case 'station':
      scope.departmentUnitIds.push(m.orgUnitId);
      break;
  }
}

/** Drops duplicates and units already inside another visible subtree, so SQL filters stay short. */
function normalise(scope: DataScopeFilter): DataScopeFilter {
  if (scope.all) return { all: true, territorial: [], departmentUnitIds: [], ownUserId: scope.ownUserId };
  const paths = scope.territorial.map((t) => t.path);
  scope.territorial = scope.territorial.filter((t, i) => paths.indexOf(t.path) === i && !paths.some((p) => p !== t.path && t.path.startsWith(p)));
  scope.departmentUnitIds = [...new Set(scope.departmentUnitIds)];
  return scope;
}

const COLUMN_OF_KIND = { county: 'countyId', township: 'townshipId', village: 'villageId', grid: 'gridId' } as const;

export function canSeeEvent(scope: DataScopeFilter, event: EventScopeFacts): boolean {
  if (scope.all) return true;
  if (scope.ownUserId !== null && event.reporterUserId === scope.ownUserId) return true;
  if (scope.territorial.some((t) => event[COLUMN_OF_KIND[t.kind]] === t.id)) return true;
  return event.unitIds.some((u) => scope.departmentUnitIds.includes(u));
}

/**
 * Whether the caller may see a person's personal data (phone…), given the paths of the units
 * the person belongs to: the person works within one of the caller's territorial subtrees,
 * or in one of the caller's departments/stations (or a station below such a department).
 */
export function canSeeUser(scope: DataScopeFilter, userUnitPaths: string[]): boolean {
  if (scope.all) return true;
  return userUnitPaths.some((path) => scope.territorial.some((t) => path.startsWith(t.path)) || scope.departmentUnitIds.some((id) => path.includes(`/${id}/`)));
}

/** True when the scope covers a unit (by its path): used to check writes such as "dispatch to this unit". */
export function scopeCoversUnit(scope: DataScopeFilter, unitPath: string): boolean {
  return canSeeUser(scope, [unitPath]);
}

/**
 * The units an API key is bound to, as a scope: the territorial subtree of each, or for a
 * department or station the events dispatched to it. Null when nothing binds: a user, or a key
 * bound to no unit (county-wide). Unlike `dataScopeOf` this needs no read scope: it says where a
 * key may act (create events, send signals), not what it may read.
 */
export function keyBindingOf(principal: Principal): DataScopeFilter | null {
  if (principal.kind !== 'api_key' || principal.memberships.length === 0) return null;
  const scope: DataScopeFilter = { all: false, territorial: [], departmentUnitIds: [], ownUserId: null };
  for (const m of principal.memberships) addUnit(scope, m);
  return normalise(scope);
}

/** True when the principal is not a unit-bound key, or the event (its place or its units) lies within the key's unit. */
export function keyBindingCovers(principal: Principal, event: Omit<EventScopeFacts, 'reporterUserId'>): boolean {
  const binding = keyBindingOf(principal);
  return binding === null || canSeeEvent(binding, { ...event, reporterUserId: null });
}
