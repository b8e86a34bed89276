import { z } from 'zod';

/** Kinds of organisation unit: four territorial levels (块) plus departments (条) and their stations. */
export const ORG_UNIT_KINDS = ['county', 'township', 'village', 'grid', 'department', 'station'] as const;
export const OrgUnitKind = z.enum(ORG_UNIT_KINDS);
export type OrgUnitKind = z.infer<typeof OrgUnitKind>;

/** The territorial levels, from the top. Every point of the county lies in exactly one grid. */
export const TERRITORIAL_KINDS = ['county', 'township', 'village', 'grid'] as const;
export type TerritorialKind = (typeof TERRITORIAL_KINDS)[number];

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
] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const EVENT_SOURCES = ['patrol', 'citizen', 'deputy', 'hotline', 'officer', 'iot', 'video', 'superior'] as const;
export const EventSource = z.enum(EVENT_SOURCES);
export type EventSource = z.infer<typeof EventSource>;

export const URGENCIES = ['normal', 'urgent', 'critical'] as const;
export const Urgency = z.enum(URGENCIES);
export type Urgency = z.infer<typeof Urgency>;

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
export const EventStatus = z.enum(EVENT_STATUSES);
export type EventStatus = z.infer<typeof EventStatus>;
/** Statuses after which an event needs no more work. */
export const FINAL_STATUSES: readonly EventStatus[] = ['closed', 'rejected', 'void'];

export const CLOSING_KINDS = ['normal', 'overdue', 'self_corrected', 'erroneous', 'special'] as const;
export const ClosingKind = z.enum(CLOSING_KINDS);
export type ClosingKind = z.infer<typeof ClosingKind>;

export const API_KEY_SCOPES = [
  'events:read',
  'events:write',
  'alarms:write',
  'telemetry:write',
  'signals:write',
  'org:read',
] as const;
export const ApiKeyScope = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

export const ATTACHMENT_KINDS = ['photo', 'video', 'audio', 'document'] as const;
export const AttachmentKind = z.enum(ATTACHMENT_KINDS);
export type AttachmentKind = z.infer<typeof AttachmentKind>;

export const CATEGORY_FAMILIES = ['event', 'component'] as const; // 事件 / 部件
export const TIME_LIMIT_KINDS = ['working', 'natural'] as const;
