import type { Transaction } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import type { Database, EventsTable } from '../../db/schema.ts';
import { findOnDutyUsers, onDutyCacheOf, type OnDutyUnit } from '../duty/on-duty.ts';
import { appendTimeline } from '../events/timeline.ts';
import { publishEventCreated } from '../stream/stream.publish.ts';
import { enqueueNotifications } from './outbox.ts';
import type { NotificationRequest } from './notify.types.ts';

export type LinkageDeps = Pick<AppDeps, 'db' | 'clock' | 'ids' | 'territory' | 'logger'> & Partial<Pick<AppDeps, 'config'>>;

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
  const { event } = input;
  const unitIds = input.units.map((u) => u.org_unit_id);
  const onDuty = await findOnDutyUsers(trx, unitIds, deps.clock.now(), onDutyCacheOf(deps));
  const withSms = SMS_URGENCIES.has(event.urgency);
  const reporter = input.reporterUserId;
  const place = event.address ?? placeOf(deps, event);

  // One notification per person, even when they are on duty in two of the units (lead wins).
  const recipients = new Map<string, { phone: string | null; role: 'lead' | 'co'; unitId: string; unitName: string }>();
  const summaries: LinkageUnitSummary[] = [];
  for (const u of input.units) {
    const role = u.role === 'lead' ? 'lead' : 'co';
    const unitName = deps.territory.getUnit(u.org_unit_id)?.name ?? '';
    const duty = onDuty.get(u.org_unit_id) ?? { source: 'members' as const, users: [] };
    const users = duty.users.filter((p) => p.userId !== reporter);
    summaries.push({ unitId: u.org_unit_id, unitName, role, onDuty: duty.source, users: users.length, sms: 0 });
    for (const p of users) if (!recipients.has(p.userId)) recipients.set(p.userId, { phone: p.phone, role, unitId: u.org_unit_id, unitName });
  }

  const requests: NotificationRequest[] = [];
  for (const [userId, r] of recipients) {
    const vars = { code: event.code, title: event.title, category: input.categoryName, place, role: ROLE_WORDS[r.role], unit: r.unitName };
    const common = { recipientUserId: userId, eventId: event.id, link: `/events/${event.id}`, vars, urgent: withSms };
    requests.push({ ...common, channel: 'in_app', kind: 'event.assigned', idempotencyKey: `event:${event.id}:assigned:${userId}:in_app` });
    if (withSms && r.phone) {
      requests.push({ ...common, channel: 'sms', kind: 'event.urgent', phone: r.phone, idempotencyKey: `event:${event.id}:assigned:${userId}:sms` });
    }
  }
  const result = await enqueueNotifications(trx, deps, requests, { skipInvalid: true });

  const smsUsers = new Set(result.created.filter((n) => n.channel === 'sms').map((n) => n.recipientUserId));
  // Each SMS is counted once, under the unit the person was notified for.
  for (const s of summaries) s.sms = [...smsUsers].filter((u) => u && recipients.get(u)?.unitId === s.unitId).length;
  const inApp = result.created.filter((n) => n.channel === 'in_app').length;
  const summary = { units: summaries, inApp, sms: smsUsers.size, invalidPhones: result.skipped.length };
  await appendTimeline(trx, deps.ids, {
    eventId: event.id,
    at: deps.clock.now().toISOString(),
    kind: 'notified',
    actor: null,
    orgUnitId: event.lead_unit_id,
    data: summary,
  });

  const created = result.created;
  return {
    ...summary,
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
        created,
      ),
  };
}

/** Where it is, for a text: the village and grid names (the address when the reporter gave one). */
function placeOf(deps: Pick<AppDeps, 'territory'>, event: EventsTable): string {
  const village = event.village_id ? deps.territory.getUnit(event.village_id)?.name : undefined;
  const grid = event.grid_id ? deps.territory.getUnit(event.grid_id)?.name : undefined;
  if (village && grid) return grid.includes(village) ? grid : `${village}${grid}`;
  return village ?? grid ?? `${event.lng.toFixed(5)},${event.lat.toFixed(5)}`;
}
