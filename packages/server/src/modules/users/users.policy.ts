import type { Principal } from '../auth/principal.ts';

/**
 * Administrators manage people and memberships within the subtrees of the units where they
 * hold the admin role. A user without any membership belongs to no subtree, so only a
 * county-level administrator manages them.
 */
export function canManageUnit(principal: Principal, unitPath: string): boolean {
  return principal.memberships.some((m) => m.role === 'admin' && unitPath.startsWith(m.orgUnitPath));
}

export function canManageUser(principal: Principal, userUnitPaths: string[]): boolean {
  if (userUnitPaths.length === 0) return principal.memberships.some((m) => m.role === 'admin' && m.orgUnitKind === 'county');
  return userUnitPaths.some((p) => canManageUnit(principal, p));
}

/**
 * Subtrees whose people the caller may list (names and roles): those of every membership except
 * integrator ones. Phones are shown only where the data scope also covers the person, so a deputy
 * finds the staff of their township but not their phone numbers.
 */
export function listableUnitPaths(principal: Principal): string[] {
  return principal.memberships.filter((m) => m.role !== 'integrator').map((m) => m.orgUnitPath);
}
