import type { OrgUnitKind } from '@liandong/contracts';
import type { CategoryFacts, EngineHost, EngineTerritory, EngineUnit, Member, NotificationRequest, TimelineEntry } from '../host.ts';
import { createEngineActions, type ActionRegistration } from '../runtime/actions.ts';
import type { Calendar } from '../time/calendar.ts';
import { defaultChinaCalendar } from '../time/china-calendar.ts';

/** A unit of the fake organisation: its members by role, and a code when departments look it up. */
export interface FakeUnit extends EngineUnit {
  code?: string;
  members?: ReadonlyArray<Member & { role: string }>;
}

export interface FakeHostOptions {
  units?: readonly FakeUnit[];
  categories?: Record<string, Partial<CategoryFacts>>;
  /** The process an event runs when its starter names none (default 'standard'). */
  processKey?: string;
  /** Co-handling units per event. */
  coUnits?: Record<string, string[]>;
  calendar?: Calendar;
  /** Actions of pretend modules. */
  registrations?: ActionRegistration[];
  templates?: readonly string[];
}

/** A timeline entry as recorded, numbered per event from 1 as the real writer numbers them. */
export interface RecordedEntry extends TimelineEntry {
  seq: number;
}

/**
 * An EngineHost held in memory, for the engine's own tests: the engine writes its tables
 * (instances, tokens, tasks, timers, the event row) to a real database, and this host records
 * what the real one would write elsewhere. It behaves like the real one where tests look:
 * timeline entries numbered gaplessly per event, notifications kept once per idempotency key
 * (in-app ones without a recipient and SMS without a phone skipped, as the outbox skips them),
 * and in-app notifications "pushed" only once the caller runs afterCommit. Entries of a step
 * whose transaction rolled back are not taken back: tests of the engine commit their steps.
 */
export interface FakeHost extends EngineHost {
  readonly entries: RecordedEntry[];
  readonly notified: NotificationRequest[];
  /** In-app notifications whose push ran (after the commit). */
  readonly pushed: NotificationRequest[];
  /** The kinds of an event's timeline, in order. */
  kindsOf(eventId: string): string[];
}

export function createFakeHost(opts: FakeHostOptions = {}): FakeHost {
  const units = new Map((opts.units ?? []).map((u) => [u.id, u]));
  const territory: EngineTerritory = {
    getUnit: (id) => units.get(id),
    findByCode: (kind: OrgUnitKind, code: string) => [...units.values()].find((u) => u.kind === kind && u.code === code),
    children: (id) => [...units.values()].filter((u) => u.parentId === id),
  };
  const entries: RecordedEntry[] = [];
  const notified: NotificationRequest[] = [];
  const pushed: NotificationRequest[] = [];
  const keys = new Set<string>();
  const calendar = opts.calendar ?? defaultChinaCalendar();
  const memberOf = (userId: string) => [...units.values()].flatMap((u) => (u.members ?? []).filter((m) => m.userId === userId).map((m) => ({ unit: u, m })));
  return {
    entries,
    notified,
    pushed,
    kindsOf: (eventId) => entries.filter((e) => e.eventId === eventId).map((e) => e.kind),
    timeline: {
      async append(_trx, batch) {
        for (const e of batch) {
          const last = entries.filter((x) => x.eventId === e.eventId).length;
          entries.push({ ...e, data: structuredClone(e.data), seq: last + 1 });
        }
      },
    },
    notifications: {
      async enqueue(_trx, requests) {
        const fresh: NotificationRequest[] = [];
        for (const r of requests) {
          if (r.channel === 'in_app' ? !r.recipientUserId : !r.phone) continue;
          if (keys.has(r.idempotencyKey)) continue;
          keys.add(r.idempotencyKey);
          notified.push(r);
          fresh.push(r);
        }
        const inApp = fresh.filter((r) => r.channel === 'in_app');
        return inApp.length ? () => void pushed.push(...inApp) : null;
      },
    },
    people: {
      async unitMembers(_trx, unitId, roles) {
        const seen = new Set<string>();
        return (units.get(unitId)?.members ?? [])
          .filter((m) => (!roles.length || roles.includes(m.role)) && !seen.has(m.userId) && seen.add(m.userId))
          .map(({ userId, phone }) => ({ userId, phone }));
      },
      async user(_trx, userId) {
        const hit = memberOf(userId)[0];
        return hit ? { userId, phone: hit.m.phone } : null;
      },
      async firstUnitOf(_trx, userId) {
        return memberOf(userId)[0]?.unit.id ?? null;
      },
      async coUnits(_trx, eventId) {
        return [...(opts.coUnits?.[eventId] ?? [])].sort();
      },
    },
    territory: () => territory,
    lookups: {
      async category(_trx, code) {
        const c = opts.categories?.[code];
        return {
          name: c?.name ?? code,
          timeLimitMinutes: c?.timeLimitMinutes ?? null,
          timeLimitKind: c?.timeLimitKind ?? 'working',
          requiresConfirmation: c?.requiresConfirmation ?? false,
        };
      },
      processKeyFor: async () => opts.processKey ?? 'standard',
    },
    calendar: async () => calendar,
    maskName: (name) => [...name][0] + '*'.repeat(Math.max(1, [...name].length - 1)),
    actions: createEngineActions(...(opts.registrations ?? [])),
    templates: opts.templates ?? ['task.assigned', 'event.closed'],
  };
}
