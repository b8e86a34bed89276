import { placeOfEvent } from '../../engine/runtime/event-place.ts';
import type { Transaction } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import type { Database, EventsTable } from '../../db/schema.ts';
import { findOnDutyUsers, onDutyCacheOf, type OnDutyUnit } from '../duty/on-duty.ts';
import { appendTimeline } from '../events/timeline.ts';
import { publishEventCreated } from '../stream/stream.publish.ts';
import { enqueueNotifications, type EnqueuedNotification } from './outbox.ts';
import type { NotificationRequest } from './notify.types.ts';

export type LinkageDeps = Pick<AppDeps, 'db' | 'clock' | 'ids' | 'territory' | 'logger' | 'caches' | 'stream' | 'bus'> & Partial<Pick<AppDeps, 'config'>>;

/** Urgencies that also send an SMS to everyone notified. */
const SMS_URGENCIES = new Set(['urgent', 'critical']);
const ROLE_WORDS = { lead: '主办', co: '协办' } as const;

export interface LinkageInput {
  event: EventsTable;
  /** The event's units as just written: the lead first, then co-handling ones. */
  units: ReadonlyArray<{ org_unit_id: string; role: string }>;
  categoryName: string;
  /** Who reported it: not notified of their own report. */
  reporterUserId: string | null;
}

export interface LinkageUnitSummary {
  unitId: string;
  unitName: string;
  role: 'lead' | 'co';
  /** Whether a roster named those on duty or the unit's handling members stood in. */
  onDuty: OnDutyUnit['source'];
  users: number;
  sms: number;
}

export interface LinkageResult {
  units: LinkageUnitSummary[];
  inApp: number;
  sms: number;
  /** Staff whose phone is not a mainland mobile number: no SMS for them, the event goes on. */
  invalidPhones: number;
  /** Everyone told in-app (the event's first tasks do not tell them again). */
  toldUserIds: ReadonlySet<string>;
  /** Tells open streams about the event and its notifications. Call after the commit only. */
  afterCommit(): void;
}

/**
 * Linkage on creation (联动): the on-duty members of the lead and every co-handling unit are
 * notified at once, in the creating transaction — in-app for everyone, and by SMS too when the
 * event is urgent or critical and they have a phone. Idempotency keys make a retried creation
 * notify no one twice. The reporter is not notified of their own report. A 'notified' timeline
 * entry records units and counts (never numbers).
 */
export async function notifyOnEventCreated(trx: Transaction<Database>, deps: LinkageDeps, input: LinkageInput): Promise<LinkageResult> {
  return (await notifyOnEventsCreated(trx, deps, [input]))[0]!;
}

/**
 * notifyOnEventCreated for many events in one transaction (the linkage worker's batch): one
 * duty lookup, one multi-row insert of every notification and one of every 'notified' entry,
 * instead of a round of statements per event — per event the fan-out costs about as much as
 * the event itself, so statements per event are what a busy server runs out of.
 */
export async function notifyOnEventsCreated(trx: Transaction<Database>, deps: LinkageDeps, inputs: readonly LinkageInput[]): Promise<LinkageResult[]> {
  if (!inputs.length) return [];
  const now = deps.clock.now();
  const onDuty = await findOnDutyUsers(
    trx,
    inputs.flatMap((i) => i.units.map((u) => u.org_unit_id)),
    now,
    onDutyCacheOf(deps),
  );

  interface Planned {
    input: LinkageInput;
    summaries: LinkageUnitSummary[];
    recipients: Map<string, { phone: string | null; role: 'lead' | 'co'; unitId: string; unitName: string }>;
  }
  const planned: Planned[] = [];
  const requests: NotificationRequest[] = [];
  /** The input each request belongs to (skipped requests are reported by index). */
  const requestOwner: number[] = [];
  for (const [n, input] of inputs.entries()) {
    const { event } = input;
    const withSms = SMS_URGENCIES.has(event.urgency);
    const reporter = input.reporterUserId;
    const place = placeOfEvent(deps.territory, event);
    // One notification per person, even when they are on duty in two of the units (lead wins).
    const recipients: Planned['recipients'] = new Map();
    const summaries: LinkageUnitSummary[] = [];
    for (const u of input.units) {
      const role = u.role === 'lead' ? 'lead' : 'co';
      const unitName = deps.territory.getUnit(u.org_unit_id)?.name ?? '';
      const duty = onDuty.get(u.org_unit_id) ?? { source: 'members' as const, users: [] };
      const users = duty.users.filter((p) => p.userId !== reporter);
      summaries.push({ unitId: u.org_unit_id, unitName, role, onDuty: duty.source, users: users.length, sms: 0 });
      for (const p of users) if (!recipients.has(p.userId)) recipients.set(p.userId, { phone: p.phone, role, unitId: u.org_unit_id, unitName });
    }
    for (const [userId, r] of recipients) {
      const vars = { code: event.code, title: event.title, category: input.categoryName, place, role: ROLE_WORDS[r.role], unit: r.unitName };
      const common = { recipientUserId: userId, eventId: event.id, link: `/events/${event.id}`, vars, urgent: withSms };
      requests.push({ ...common, channel: 'in_app', kind: 'event.assigned', idempotencyKey: `event:${event.id}:assigned:${userId}:in_app` });
      requestOwner.push(n);
      if (withSms && r.phone) {
        requests.push({ ...common, channel: 'sms', kind: 'event.urgent', phone: r.phone, idempotencyKey: `event:${event.id}:assigned:${userId}:sms` });
        requestOwner.push(n);
      }
    }
    planned.push({ input, summaries, recipients });
  }
  const result = await enqueueNotifications(trx, deps, requests, { skipInvalid: true });

  const created = planned.map(() => [] as EnqueuedNotification[]);
  const eventIndex = new Map(inputs.map((i, n) => [i.event.id, n]));
  for (const c of result.created) created[eventIndex.get(c.eventId!)!]!.push(c);
  const invalid = planned.map(() => 0);
  for (const s of result.skipped) invalid[requestOwner[s.index]!]!++;

  const at = now.toISOString();
  const outcomes: LinkageResult[] = [];
  const entries: Array<{ eventId: string; orgUnitId: string | null; data: Record<string, unknown> }> = [];
  for (const [n, { input, summaries, recipients }] of planned.entries()) {
    const { event } = input;
    const mine = created[n]!;
    const smsUsers = new Set(mine.filter((c) => c.channel === 'sms').map((c) => c.recipientUserId));
    // Each SMS is counted once, under the unit the person was notified for.
    for (const s of summaries) s.sms = [...smsUsers].filter((u) => u && recipients.get(u)?.unitId === s.unitId).length;
    const inApp = mine.filter((c) => c.channel === 'in_app').length;
    const summary = { units: summaries, inApp, sms: smsUsers.size, invalidPhones: invalid[n]! };
    entries.push({ eventId: event.id, orgUnitId: event.lead_unit_id, data: summary });
    const unitIds = input.units.map((u) => u.org_unit_id);
    outcomes.push({
      ...summary,
      toldUserIds: new Set(mine.filter((c) => c.channel === 'in_app' && c.recipientUserId).map((c) => c.recipientUserId!)),
      afterCommit: () =>
        publishEventCreated(
          deps,
          {
            id: event.id,
            code: event.code,
            title: event.title,
            categoryCode: event.category_code,
            urgency: event.urgency,
            status: event.status,
            createdAt: event.created_at,
            countyId: event.county_id,
            townshipId: event.township_id,
            villageId: event.village_id,
            gridId: event.grid_id,
            unitIds,
            reporterUserId: event.reporter_user_id,
          },
          mine,
        ),
    });
  }
  await appendNotifiedEntries(trx, deps, at, entries);
  return outcomes;
}

/** The 'notified' timeline entries of many events, in one batch of the timeline's writer. */
async function appendNotifiedEntries(
  trx: Transaction<Database>,
  deps: Pick<LinkageDeps, 'ids'>,
  at: string,
  entries: ReadonlyArray<{ eventId: string; orgUnitId: string | null; data: Record<string, unknown> }>,
): Promise<void> {
  await appendTimeline(
    trx,
    deps.ids,
    entries.map((e) => ({ eventId: e.eventId, at, kind: 'notified', actor: null, orgUnitId: e.orgUnitId, data: e.data })),
  );
}
