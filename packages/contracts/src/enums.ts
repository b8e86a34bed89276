import { z } from 'zod';
import {
  ORG_UNIT_KINDS,
  TERRITORIAL_KINDS,
  ROLES,
  EVENT_SOURCES,
  URGENCIES,
  EVENT_STATUSES,
  CLOSING_KINDS,
  API_KEY_SCOPES,
  ATTACHMENT_KINDS,
} from './values.ts';

export * from './values.ts';

export const OrgUnitKind = z.enum(ORG_UNIT_KINDS);
export type OrgUnitKind = z.infer<typeof OrgUnitKind>;

export type TerritorialKind = (typeof TERRITORIAL_KINDS)[number];

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const EventSource = z.enum(EVENT_SOURCES);
export type EventSource = z.infer<typeof EventSource>;

export const Urgency = z.enum(URGENCIES);
export type Urgency = z.infer<typeof Urgency>;

export const EventStatus = z.enum(EVENT_STATUSES);
export type EventStatus = z.infer<typeof EventStatus>;
// FINAL_STATUSES and isFinalStatus are in values.ts (the web app uses them without zod).

export const ClosingKind = z.enum(CLOSING_KINDS);
export type ClosingKind = z.infer<typeof ClosingKind>;

export const ApiKeyScope = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

export const AttachmentKind = z.enum(ATTACHMENT_KINDS);
export type AttachmentKind = z.infer<typeof AttachmentKind>;
