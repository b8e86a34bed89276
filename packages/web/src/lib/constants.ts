import type { EventSource, EventStatus, Role, Urgency } from '../api/types.ts';

// The contract's enumerated values, from its zod-free module so the bundle does not pull zod in.
export { EVENT_STATUSES, EVENT_SOURCES, URGENCIES, ROLES, API_KEY_SCOPES, ORG_UNIT_KINDS } from '@liandong/contracts/values';

/** antd Tag colours per status: open work in blues/oranges, finished in green/grey. */
export const STATUS_COLORS: Record<EventStatus, string> = {
  reported: 'blue',
  pending_confirmation: 'purple',
  accepted: 'cyan',
  dispatched: 'geekblue',
  in_progress: 'orange',
  awaiting_verification: 'gold',
  closed: 'green',
  rejected: 'red',
  void: 'default',
};

/** The same colours as hex, for map points. */
export const STATUS_HEX: Record<EventStatus, string> = {
  reported: '#1677ff',
  pending_confirmation: '#722ed1',
  accepted: '#13c2c2',
  dispatched: '#2f54eb',
  in_progress: '#fa8c16',
  awaiting_verification: '#faad14',
  closed: '#52c41a',
  rejected: '#f5222d',
  void: '#8c8c8c',
};

export const URGENCY_COLORS: Record<Urgency, string> = { normal: 'default', urgent: 'orange', critical: 'red' };

/** The report source a role files under by default. */
export function defaultSourceFor(roles: readonly Role[]): EventSource {
  if (roles.includes('grid_worker')) return 'patrol';
  if (roles.includes('officer')) return 'officer';
  if (roles.includes('deputy')) return 'deputy';
  if (roles.includes('leader')) return 'superior';
  return 'hotline';
}
