import type { Role } from '@liandong/contracts';
import type { Principal } from '../auth/principal.ts';

/** Who may look vehicles up: the enforcement and command roles, and administrators. */
export const VEHICLE_READERS: Role[] = ['admin', 'officer', 'dispatcher', 'duty_officer', 'leader'];

/**
 * Owners' names and phones are personal data: only administrators (who maintain the registry)
 * see them in full; the others see enough to recognise a record (张**, 138****0001). The
 * owner is reached through the process engine's SMS, which reads the registry itself.
 */
export function seesOwnerInFull(principal: Principal): boolean {
  return principal.kind === 'user' && principal.roles.includes('admin');
}

/** 张三丰 → 张**, 李四 → 李*: the surname stays, the given name is hidden. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}
