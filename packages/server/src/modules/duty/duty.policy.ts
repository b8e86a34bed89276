import type { Role } from '@liandong/contracts';
import type { Principal } from '../auth/principal.ts';

/** Who keeps a unit's roster: its administrators, leaders and dispatchers, or those of a unit above it. */
const ROSTER_KEEPERS: readonly Role[] = ['admin', 'leader', 'dispatcher'];

export function canEditRoster(principal: Principal, unitPath: string): boolean {
  if (principal.kind !== 'user') return false;
  return principal.memberships.some((m) => ROSTER_KEEPERS.includes(m.role) && unitPath.startsWith(m.orgUnitPath));
}

/** Anyone working in the unit or above it sees who is on duty there. */
export function canViewRoster(principal: Principal, unitPath: string): boolean {
  if (principal.kind !== 'user') return false;
  return principal.memberships.some((m) => m.role !== 'integrator' && unitPath.startsWith(m.orgUnitPath));
}
