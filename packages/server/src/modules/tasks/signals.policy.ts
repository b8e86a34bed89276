import type { SignalSender } from '@liandong/contracts';
import type { AssignedUnit } from '../../engine/runtime/assignment.ts';
import type { Principal } from '../auth/principal.ts';
import { isAdmin } from './tasks.policy.ts';

/**
 * What a caller may be allowed to send a signal as: the sender rule that matched (`admin` for an
 * administrator's intervention), or why not.
 */
export type SignalDecision = { allowed: true; as: string } | { allowed: false; reason: string };

export interface SignalFacts {
  reporterUserId: string | null;
  /** For each sender at the same index: the units its `role` rule names for the event (null for other kinds). */
  roleUnits: ReadonlyArray<readonly AssignedUnit[] | null>;
}

/** A sender rule in words, for the audit log and the refusal's message. */
export function senderLabel(s: SignalSender): string {
  switch (s.kind) {
    case 'platform':
      return 'platform';
    case 'reporter':
      return 'reporter';
    case 'role':
      return `role:${s.role}@${typeof s.unit === 'object' ? `department:${s.unit.department}` : s.unit}`;
    case 'apiKey':
      return `apiKey:${s.scope}`;
  }
}

/**
 * Who may send a signal through the API, given the senders the process declares for it (every
 * wait of the event's processes that waits for that name; none declared → only administrators
 * and the platform). The platform's own signals never come through here. The caller can see the
 * event already (a unit-bound key: the event is within its unit).
 */
export function decideSignal(principal: Principal, senders: readonly SignalSender[], facts: SignalFacts): SignalDecision {
  for (const [i, s] of senders.entries()) {
    switch (s.kind) {
      case 'platform':
        break;
      case 'reporter':
        if (principal.kind === 'user' && principal.userId !== null && principal.userId === facts.reporterUserId) return { allowed: true, as: senderLabel(s) };
        break;
      case 'role': {
        if (principal.kind !== 'user') break;
        const units = facts.roleUnits[i] ?? [];
        const member = principal.memberships.some(
          (m) => m.role === s.role && units.some((u) => u.unitId === m.orgUnitId && (u.userId === null || u.userId === principal.userId)),
        );
        if (member) return { allowed: true, as: senderLabel(s) };
        break;
      }
      case 'apiKey':
        if (principal.kind === 'api_key' && principal.apiKeyScopes?.includes(s.scope)) return { allowed: true, as: senderLabel(s) };
        break;
    }
  }
  if (principal.kind === 'user' && isAdmin(principal)) return { allowed: true, as: 'admin' };
  return {
    allowed: false,
    reason: senders.length
      ? `only ${senders.map(senderLabel).join(', ')} or an administrator`
      : 'only the platform or an administrator (the process names no other sender)',
  };
}
