import { externalAttachmentUrl, type Category, type CreateEventRequest, type EventStatus, type EventView } from '@liandong/contracts';
import type { Transaction } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import type { Database, EventsTable } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { LocatedChain } from '../org/territory.ts';
import { uploaderIdOf } from './attachments.service.ts';
import { actorUserId, isSystemActor, type EventActor } from './event-actor.ts';
import { nextEventCode } from './event-code.ts';
import { canActorSee } from './event-query.service.ts';
import { presentEvent } from './events.presenter.ts';
import {
  findDedupCandidates,
  incrementEventCounter,
  insertAttachmentRow,
  insertEventRow,
  insertEventUnits,
  insertIntakeKey,
  linkUploadsToEvent,
  listAttachments,
  lockDedupScope,
} from './events.repository.ts';
import { boundingBox, haversineM } from './geo.ts';
import type { Routing } from './routing.policy.ts';
import { appendTimeline } from './timeline.ts';

export type EventWriteDeps = Pick<AppDeps, 'dialect' | 'clock' | 'ids' | 'territory'>;

/**
 * A report the intake (modules/intake) has accepted: its body read once, its category, place,
 * routing and first status decided. The events module writes it as it stands.
 */
export interface AcceptedReport {
  input: CreateEventRequest;
  category: Category;
  chain: LocatedChain;
  routing: Routing;
  status: EventStatus;
  /** Fold it into an open event of the same category nearby, within the category's window (the source's dedup rule). */
  mergeNearby: boolean;
}

export type WrittenEvent = { outcome: 'created'; id: string; row: EventsTable; view: EventView } | { outcome: 'merged'; id: string };

/**
 * Writes an accepted report inside the caller's transaction: either merged into a nearby open
 * event (its duplicate count, attachments and a `duplicate_merged` entry), or a new event with
 * its number, units, attachments, intake key and first timeline entries (reported, routed).
 * The view of a new event is built from what was just written (creation is the hot path).
 */
export async function writeReportedEvent(trx: Transaction<Database>, deps: EventWriteDeps, actor: EventActor, report: AcceptedReport): Promise<WrittenEvent> {
  const { input, category, chain, routing, status } = report;
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const uploads = (input.attachments ?? []).flatMap((a) => ('dataId' in a ? [a.dataId] : []));
  const links = (input.attachments ?? []).flatMap((a) => ('url' in a ? [a] : []));
  const uploader = isSystemActor(actor) ? null : uploaderIdOf(actor);

  const linkAttachments = async (eventId: string) => {
    const distinct = [...new Set(uploads)];
    if ((await linkUploadsToEvent(trx, eventId, distinct, uploader)) !== distinct.length) {
      throw new AppError('INVALID_ATTACHMENT', 'An attachment dataId is unknown, already used, or not uploaded by you', { dataIds: distinct });
    }
    for (const l of links) {
      await insertAttachmentRow(trx, {
        id: deps.ids.id(),
        event_id: eventId,
        kind: l.kind,
        mime: null,
        size_bytes: null,
        sha256: null,
        storage_path: null,
        // Validated by the schema; stored in its parsed form, which is what is served.
        url: externalAttachmentUrl(l.url),
        original_name: null,
        uploaded_by: uploader,
        created_at: nowIso,
      });
    }
  };

  if (report.mergeNearby && category.dedupWindowMinutes > 0) {
    await lockDedupScope(trx, deps.dialect, category.code);
    const since = new Date(now.getTime() - category.dedupWindowMinutes * 60_000).toISOString();
    const candidates = await findDedupCandidates(trx, {
      categoryCode: category.code,
      sinceIso: since,
      box: boundingBox(input.location, category.dedupRadiusM),
    });
    const nearest = candidates
      .map((c) => ({ id: c.id, distanceM: haversineM(input.location, { lng: Number(c.lng), lat: Number(c.lat) }) }))
      .filter((c) => c.distanceM <= category.dedupRadiusM)
      .sort((a, b) => a.distanceM - b.distanceM)[0];
    if (nearest) {
      await incrementEventCounter(trx, nearest.id, 'duplicate_count', nowIso);
      await linkAttachments(nearest.id);
      await appendTimeline(trx, deps.ids, {
        eventId: nearest.id,
        at: nowIso,
        kind: 'duplicate_merged',
        actor,
        orgUnitId: chain.grid.id,
        data: {
          source: input.source,
          title: input.title,
          externalId: input.externalId ?? null,
          location: { lng: input.location.lng, lat: input.location.lat },
          distanceM: Math.round(nearest.distanceM),
        },
      });
      if (input.externalId) await insertIntakeKey(trx, { source: input.source, externalId: input.externalId, eventId: nearest.id, at: nowIso });
      return { outcome: 'merged', id: nearest.id };
    }
  }

  const id = deps.ids.id();
  // Working-time limits need the calendar, which the process engine owns; natural time is plain arithmetic.
  const dueAt =
    category.timeLimitMinutes && category.timeLimitKind === 'natural' ? new Date(now.getTime() + category.timeLimitMinutes * 60_000).toISOString() : null;
  const row: EventsTable = {
    id,
    code: await nextEventCode(trx, now),
    category_code: category.code,
    title: input.title,
    description: input.description ?? null,
    status,
    is_open: 1,
    closing_kind: null,
    urgency: input.urgency ?? category.defaultUrgency,
    source: input.source,
    external_id: input.externalId ?? null,
    lng: input.location.lng,
    lat: input.location.lat,
    address: input.location.address ?? null,
    county_id: chain.county.id,
    township_id: chain.township.id,
    village_id: chain.village.id,
    grid_id: chain.grid.id,
    lead_unit_id: routing.lead.id,
    reporter_user_id: actorUserId(actor),
    reporter_name: input.reporter?.name ?? (actor.kind === 'user' ? actor.name : null),
    reporter_phone: input.reporter?.phone ?? null,
    tracking_token: deps.ids.token(),
    plate: input.plate ?? null,
    overdue: 0,
    occurred_at: input.occurredAt ? new Date(input.occurredAt).toISOString() : nowIso,
    created_at: nowIso,
    updated_at: nowIso,
    closed_at: null,
    due_at: dueAt,
    supervised: 0,
    urge_count: 0,
    duplicate_count: 0,
    rating_score: null,
    version: 1,
  };
  await insertEventRow(trx, row);
  const units = [
    { event_id: id, org_unit_id: routing.lead.id, role: 'lead', created_at: nowIso },
    ...routing.co.map((u) => ({ event_id: id, org_unit_id: u.id, role: 'co', created_at: nowIso })),
  ];
  await insertEventUnits(trx, units);
  if (input.externalId) await insertIntakeKey(trx, { source: input.source, externalId: input.externalId, eventId: id, at: nowIso });
  await linkAttachments(id);
  // The new event's first entries (1 and 2): its row was inserted above, in this transaction.
  await appendTimeline(
    trx,
    deps.ids,
    [
      {
        eventId: id,
        at: nowIso,
        kind: 'reported',
        actor,
        orgUnitId: chain.grid.id,
        data: { source: input.source, category: category.code, urgency: row.urgency, status, ...(input.externalId ? { externalId: input.externalId } : {}) },
      },
      {
        eventId: id,
        at: nowIso,
        kind: 'routed',
        actor: null,
        orgUnitId: routing.lead.id,
        data: {
          leadUnitId: routing.lead.id,
          leadUnitName: routing.lead.name,
          coHandlingUnitIds: routing.co.map((u) => u.id),
          coHandlingUnitNames: routing.co.map((u) => u.name),
        },
      },
    ],
    { eventRowsWritten: true },
  );
  const view = presentEvent(row, {
    territory: deps.territory,
    units,
    attachments: uploads.length || links.length ? await listAttachments(trx, id) : [],
    categoryName: category.nameZh,
    showReporterPhone: canActorSee(actor, row, units),
    showTrackingToken: true,
    now,
  });
  return { outcome: 'created', id, row, view };
}

export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
