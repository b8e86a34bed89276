import type { OrgUnitKind } from '@liandong/contracts';
import type { Transaction } from 'kysely';
import type { Database, EventsTable } from '../db/schema.ts';
import type { Clock } from '../lib/clock.ts';
import type { Ids } from '../lib/ids.ts';
import type { Calendar } from './time/calendar.ts';
import type { EngineActions } from './runtime/action-types.ts';

/*
 * The engine's port: everything it needs from the rest of the platform, and nothing else. The
 * engine owns its tables (process_*, tasks) and the event row it advances; what belongs to the
 * modules — the timeline's numbering, the outbox and live pushes, who is a member of a unit,
 * categories, calendars, module actions — it reaches only through an EngineHost, implemented by
 * the modules (modules/processes/engine-host.ts) and handed to it in its deps. Tests may hand it
 * a small fake (engine/testing/fake-host.ts). engine/ imports nothing from modules/.
 */

// ---------------------------------------------------------------------------------------------
// Shared types (modules import them from here)

/**
 * The system acting on an event: an IoT rule, a video adapter, the process engine, the demo
 * generator.
 */
export interface SystemActor {
  kind: 'system';
  /** Shown on the timeline, e.g. '物联中台 IoT hub'. */
  name: string;
  /** The unit acting, when there is one (e.g. the camera's owner). */
  orgUnitId?: string | null;
}

/** A caller as the engine sees it (a user or an API key; the auth module's Principal is one). */
export interface CallerActor {
  kind: 'user' | 'api_key';
  userId: string | null;
  name: string;
  memberships: ReadonlyArray<{ orgUnitId: string }>;
}

/** Who causes a change the engine records. */
export type EngineActor = CallerActor | SystemActor;

export const isSystemActor = (a: EngineActor): a is SystemActor => a.kind === 'system';

/** The user id to record for an actor (API keys act for their creator only in the audit log). */
export const actorUserId = (a: EngineActor): string | null => (a.kind === 'user' ? a.userId : null);

export type NotificationChannel = 'sms' | 'in_app';
export type Locale = 'zh' | 'en';

/** What a use-case asks for, inside its own transaction (the notify module's outbox takes it). */
export interface NotificationRequest {
  channel: NotificationChannel;
  /** Template kind, e.g. 'event.assigned', 'event.urgent', 'parking.reminder'. */
  kind: string;
  /** The user notified (in-app: required; SMS: optional, for the record). */
  recipientUserId?: string | null;
  /** SMS: the number as given (+86 and separators accepted); validated and normalised. */
  phone?: string | null;
  eventId?: string | null;
  /** Where the in-app notification leads, e.g. '/events/<id>'. */
  link?: string | null;
  /** Template variables; a value may be given per language ({ zh, en }). */
  vars: Record<string, string | number | Readonly<Record<Locale, string>>>;
  /** Urgent notifications ignore quiet hours and the per-recipient rate limit. */
  urgent: boolean;
  /** The same key twice is one notification: retried use-cases never notify twice. */
  idempotencyKey: string;
  locale?: Locale;
}

/** One entry of an event's timeline as the engine writes it (numbered by the host). */
export interface TimelineEntry {
  eventId: string;
  /** ISO UTC. */
  at: string;
  kind: string;
  actor: EngineActor | null;
  orgUnitId: string | null;
  data: Record<string, unknown>;
}

/** A unit of the organisation, as far as the engine reads it. */
export interface EngineUnit {
  id: string;
  kind: string;
  name: string;
  parentId: string | null;
  areaUnitId?: string | null;
}

/** The organisation's units (the org module's Territory is one). */
export interface EngineTerritory {
  getUnit(id: string): EngineUnit | undefined;
  findByCode(kind: OrgUnitKind, code: string): EngineUnit | undefined;
  children(id: string): readonly EngineUnit[];
}

/** A person a task or a notification goes to. */
export interface Member {
  userId: string;
  phone: string | null;
}

/** What a step reads of an event's category. */
export interface CategoryFacts {
  name: string;
  timeLimitMinutes: number | null;
  timeLimitKind: string;
  requiresConfirmation: boolean;
}

type Trx = Transaction<Database>;

/** The step's own time and ids (a step may run on a clock of its own, e.g. the demo's history). */
export interface StepTime {
  clock: Clock;
  ids: Ids;
}

// ---------------------------------------------------------------------------------------------
// The port

export interface EngineHost {
  /** The event's timeline: appends a step's entries in `trx`, numbered after the event's last entry. */
  timeline: {
    append(trx: Trx, entries: readonly TimelineEntry[], step: StepTime): Promise<void>;
  };
  /**
   * Notifications: enqueued in `trx` (invalid ones skipped, never failing the step); answers
   * what to run once the transaction committed (the live push to open streams), if anything.
   */
  notifications: {
    enqueue(trx: Trx, requests: readonly NotificationRequest[], step: StepTime): Promise<(() => void) | null>;
  };
  /** Assignment candidates and the people behind them. */
  people: {
    /**
     * Active members of a unit with one of the roles (any role when empty), each once. `cached`:
     * what was read a moment ago may be reused (the duty cache, which membership and account
     * changes invalidate); otherwise read afresh.
     */
    unitMembers(trx: Trx, unitId: string, roles: readonly string[], opts: { cached: boolean }): Promise<Member[]>;
    /** One user's phone, if the user exists. */
    user(trx: Trx, userId: string): Promise<Member | null>;
    /** The first unit a user is a member of (for steps given to the reporter). */
    firstUnitOf(trx: Trx, userId: string): Promise<string | null>;
    /** The co-handling units of an event, by id. */
    coUnits(trx: Trx, eventId: string): Promise<string[]>;
  };
  /** The organisation's units. */
  territory(): EngineTerritory;
  /** Lookups of the catalogue. */
  lookups: {
    /** The category's facts; its code as name when unknown. */
    category(trx: Trx, code: string): Promise<CategoryFacts>;
    /** The process a new event runs when its starter names none. */
    processKeyFor(trx: Trx, event: EventsTable): Promise<string>;
  };
  /** The working calendar (the default one), for deadlines outside a caller's step. */
  calendar(): Promise<Calendar>;
  /** Masks a person's name for a message read on a lock screen (personal data is masked by default). */
  maskName(name: string): string;
  /** The actions processes may use: the engine's built-ins and those the modules registered. */
  actions: EngineActions;
  /** Notification template kinds send_sms / notify_unit may name. */
  templates: readonly string[];
}
