/**
 * The enumerated values of the contract as plain arrays, without zod, so the web bundle can use
 * them at run time; enums.ts builds the zod schemas from these.
 */

/** Kinds of organisation unit: four territorial levels (块) plus departments (条) and their stations. */
export const ORG_UNIT_KINDS = ['county', 'township', 'village', 'grid', 'department', 'station'] as const;

/** The territorial levels, from the top. Every point of the county lies in exactly one grid. */
export const TERRITORIAL_KINDS = ['county', 'township', 'village', 'grid'] as const;

export const ROLES = ['admin', 'leader', 'duty_officer', 'dispatcher', 'handler', 'grid_worker', 'officer', 'deputy', 'integrator'] as const;

/** Roles whose members stand in for a unit when no roster entry covers the moment (modules/duty/on-duty.ts). */
export const HANDLING_ROLES: ReadonlyArray<(typeof ROLES)[number]> = ['handler', 'dispatcher', 'duty_officer', 'grid_worker', 'officer', 'leader'];

export const EVENT_SOURCES = ['patrol', 'citizen', 'deputy', 'hotline', 'officer', 'iot', 'video', 'superior'] as const;

export const URGENCIES = ['normal', 'urgent', 'critical'] as const;

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
] as const;

/** Statuses after which an event needs no more work: the one definition (server, engine and web app use it). */
export const FINAL_STATUSES: ReadonlyArray<(typeof EVENT_STATUSES)[number]> = ['closed', 'rejected', 'void'];
const FINAL_STATUS_SET: ReadonlySet<string> = new Set(FINAL_STATUSES);
/** Whether an event in this status needs no more work. */
export const isFinalStatus = (status: string): boolean => FINAL_STATUS_SET.has(status);

export const CLOSING_KINDS = ['normal', 'overdue', 'self_corrected', 'erroneous', 'special'] as const;

export const API_KEY_SCOPES = ['events:read', 'events:write', 'alarms:write', 'telemetry:write', 'signals:write', 'org:read'] as const;

export const ATTACHMENT_KINDS = ['photo', 'video', 'audio', 'document'] as const;

export const CATEGORY_FAMILIES = ['event', 'component'] as const; // 事件 / 部件

export const TIME_LIMIT_KINDS = ['working', 'natural'] as const;
