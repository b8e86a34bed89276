import type { Membership, Role, User } from '@liandong/contracts';
import type { UsersTable } from '../../db/schema.ts';
import type { MembershipRow } from '../auth/auth.repository.ts';
import { maskPhone } from './phone.ts';

export function toMembershipView(m: MembershipRow): Membership {
  return { id: m.id, orgUnitId: m.org_unit_id, orgUnitName: m.unit_name, orgUnitKind: m.unit_kind as Membership['orgUnitKind'], role: m.role as Role };
}

/** The API shape of a user; the phone is masked unless `showPhone` (caller's scope covers the user). */
export function toUserView(
  u: Pick<UsersTable, 'id' | 'username' | 'display_name' | 'phone' | 'is_active'>,
  memberships: MembershipRow[],
  showPhone: boolean,
): User {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    phone: u.phone === null ? null : showPhone ? u.phone : maskPhone(u.phone),
    isActive: u.is_active === 1,
    roles: [...new Set(memberships.map((m) => m.role as Role))],
    memberships: memberships.map(toMembershipView),
  };
}
