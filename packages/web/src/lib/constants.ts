import type { EventSource, EventStatus, Role, Urgency, ApiKeyScope, OrgUnitKind } from '../api/types.ts';

// Mirrors of the contract enums (types checked against the contract); runtime values are
// duplicated here so the bundle does not pull zod in.
export const EVENT_STATUSES = [
  'reported',
  'pending_confirmation',
  'accepted',
  'dispatched',
  'in_progress',
  'awaiting_verification',
  'closed',
  'rejected',
  'void',
] as const satisfies readonly EventStatus[];

export const EVENT_SOURCES = ['patrol', 'citizen', 'deputy', 'hotline', 'officer', 'iot', 'video', 'superior'] as const satisfies readonly EventSource[];
export const URGENCIES = ['normal', 'urgent', 'critical'] as const satisfies readonly Urgency[];
export const ROLES = [
  'admin',
  'leader',
  'duty_officer',
  'dispatcher',
  'handler',
  'grid_worker',
  'officer',
  'deputy',
  'integrator',
] as const satisfies readonly Role[];
export const API_KEY_SCOPES = [
  'events:read',
  'events:write',
  'alarms:write',
  'telemetry:write',
  'signals:write',
  'org:read',
] as const satisfies readonly ApiKeyScope[];
export const ORG_UNIT_KINDS = ['county', 'township', 'village', 'grid', 'department', 'station'] as const satisfies readonly OrgUnitKind[];

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
