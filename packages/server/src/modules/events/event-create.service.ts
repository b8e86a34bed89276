import { CreateEventRequest, externalAttachmentUrl, type EventView } from '@liandong/contracts';
import type { AppDeps } from '../../deps.ts';
import type { Transaction } from 'kysely';
import type { Database, EventsTable } from '../../db/schema.ts';
import { AppError, errorCodeOfIssues } from '../../errors.ts';
import { presentCategory } from '../catalog/catalog.presenter.ts';
import { findCategoryRowCached, hasActiveSubcategoriesCached } from '../catalog/catalog.repository.ts';
import { actorUserId, isSystemActor, type EventActor } from './event-actor.ts';
import { nextEventCode } from './event-code.ts';
import { canActorSee, loadEventView } from './event-query.service.ts';
import { presentEvent } from './events.presenter.ts';
import { DEFAULT_OCCURRED_AT_BOUNDS, initialStatus, occurredAtProblem } from './events.policy.ts';
import {
  findDedupCandidates,
  findEventByExternalId,
  insertIntakeKey,
  insertAttachmentRow,
  insertEventRow,
  insertEventUnits,
  linkUploadsToEvent,
  listAttachments,
  lockDedupScope,
  incrementEventCounter,
} from './events.repository.ts';
import { boundingBox, haversineM } from './geo.ts';
import { routeEvent } from './routing.policy.ts';
import { appendTimeline } from './timeline.ts';
import { uploaderIdOf } from './attachments.service.ts';
import { linkageDrainerOf } from '../notify/linkage.worker.ts';
import { insertRows } from '../../db/fast-insert.ts';
import { plateOrThrow } from '../vehicles/plate.ts';
import { assertKeyMayAnswer, assertWithinKeyBinding } from './key-binding.ts';

export type CreateEventDeps = Pick<AppDeps, 'db' | 'dialect' | 'writes' | 'clock' | 'ids' | 'territory' | 'logger' | 'caches' | 'stream' | 'bus'> & Partial<Pick<AppDeps, 'config'>>;

export interface CreateEventResult {
  /** created: a new event (201); existing: an externalId repeat (200); merged: folded into a nearby open event (200). */
  outcome: 'created' | 'existing' | 'merged';
  event: EventView;
}

/**
 * Creates an event from any source: validates, routes by place × category (条块合一), numbers
 * it, and writes the event, its units, attachments and first timeline entries in one
 * transaction. A repeat of (source, externalId) answers the existing event; a report of the
 * same category near an open one within the category's dedup window is merged into it.
 */
export interface CreateEventOptions {
  /** Notify the on-duty staff of the event's units (default). Off for history being imported or seeded. */
  linkage?: boolean;
}

export async function createEvent(deps: CreateEventDeps, actor: EventActor, rawInput: CreateEventRequest, opts: CreateEventOptions = {}): Promise<CreateEventResult> {
  const linkage = opts.linkage ?? true;
  const parsed = CreateEventRequest.safeParse(rawInput);
  if (!parsed.success) {
    throw new AppError(errorCodeOfIssues(parsed.error.issues), 'Invalid event', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  const input = parsed.data;
  if (input.plate !== undefined) input.plate = plateOrThrow(input.plate, 'body.plate').plate;
  if (input.selfHandled && !(actor.kind === 'user' && actor.roles.includes('grid_worker'))) {
    throw new AppError('FORBIDDEN', 'Only grid workers close what they fixed on the spot (selfHandled)');
  }

  if (input.externalId) {
    const existing = await findEventByExternalId(deps.db, input.source, input.externalId);
    if (existing) {
      await assertKeyMayAnswer(deps, actor, existing);
      return { outcome: 'existing', event: await loadEventView(deps, actor, existing, { showTrackingToken: true }) };
    }
  }

  const categoryRow = await findCategoryRowCached(deps, input.category);
  if (!categoryRow) throw new AppError('UNKNOWN_CATEGORY', `Unknown category ${input.category}`, { category: input.category });
  const category = presentCategory(categoryRow);
  if (!category.isActive) {
    throw new AppError('UNKNOWN_CATEGORY', `Category ${input.category} is no longer in use`, { category: input.category, reason: 'inactive' });
  }
  if (await hasActiveSubcategoriesCached(deps, category.code)) {
    throw new AppError('CATEGORY_NOT_LEAF', `Category ${input.category} is a major category (大类): file the event under one of its subcategories`, { category: input.category });
  }
  const occurredAtError = input.occurredAt === undefined ? null : occurredAtProblem(input.occurredAt, deps.clock.now(), deps.config?.events ?? DEFAULT_OCCURRED_AT_BOUNDS);
  if (occurredAtError) throw new AppError('OCCURRED_AT_OUT_OF_RANGE', occurredAtError, [{ path: 'body.occurredAt', message: occurredAtError }]);

  const chain = deps.territory.locate(input.location.lng, input.location.lat);
  if (!chain) {
    throw new AppError('OUTSIDE_JURISDICTION', 'The location is outside the county', { lng: input.location.lng, lat: input.location.lat });
  }
  const routing = routeEvent(deps.territory, chain, category);
  if (routing.unresolved.length) {
    deps.logger.warn({ category: category.code, departments: routing.unresolved }, 'routing rule names a department the org tree lacks');
  }
  if (!isSystemActor(actor)) assertWithinKeyBinding(deps, actor, chain, [routing.lead.id, ...routing.co.map((u) => u.id)]);

  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const uploads = (input.attachments ?? []).flatMap((a) => ('dataId' in a ? [a.dataId] : []));
  const links = (input.attachments ?? []).flatMap((a) => ('url' in a ? [a] : []));
  const uploader = isSystemActor(actor) ? null : uploaderIdOf(actor);

  const linkAttachments = async (trx: Parameters<typeof appendTimeline>[0], eventId: string) => {
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

  try {
    const result = await deps.writes.transaction(async (trx: Transaction<Database>) => {
      if (category.dedupWindowMinutes > 0) {
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
          await linkAttachments(trx, nearest.id);
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
          return { outcome: 'merged' as const, id: nearest.id };
        }
      }

      const id = deps.ids.id();
      const status = initialStatus(category.requiresConfirmation, input.source);
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
      await linkAttachments(trx, id);
      await appendTimeline(trx, deps.ids, {
        seq: 1,
        eventId: id,
        at: nowIso,
        kind: 'reported',
        actor,
        orgUnitId: chain.grid.id,
        data: {
          source: input.source,
          category: category.code,
          urgency: row.urgency,
          status,
          ...(input.externalId ? { externalId: input.externalId } : {}),
        },
      });
      await appendTimeline(trx, deps.ids, {
        seq: 2,
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
      });
      // Linkage (notifying the on-duty staff) is queued with the event and done right after the commit.
      if (linkage) await insertRows(trx, 'linkage_queue', [{ event_id: id, created_at: nowIso, process_key: input.selfHandled ? 'self-handled' : null }]);
      // The view is built from what was just written: creation is the hot path, so no re-reading.
      const view = presentEvent(row, {
        territory: deps.territory,
        units,
        attachments: uploads.length || links.length ? await listAttachments(trx, id) : [],
        categoryName: category.nameZh,
        showReporterPhone: canActorSee(actor, row, units),
        showTrackingToken: true,
        now,
      });
      return { outcome: 'created' as const, id, view };
    });
    if (result.outcome === 'created') {
      if (linkage) linkageDrainerOf(deps).kick();
      return { outcome: 'created', event: result.view };
    }
    const row = (await deps.db.selectFrom('events').selectAll().where('id', '=', result.id).executeTakeFirstOrThrow()) as EventsTable;
    return { outcome: result.outcome, event: await loadEventView(deps, actor, row, { showTrackingToken: true }) };
  } catch (err) {
    // A concurrent repeat of the same (source, externalId) lost the race on the unique constraint.
    if (input.externalId && isUniqueViolation(err)) {
      const existing = await findEventByExternalId(deps.db, input.source, input.externalId);
      if (existing) {
        await assertKeyMayAnswer(deps, actor, existing);
        return { outcome: 'existing', event: await loadEventView(deps, actor, existing, { showTrackingToken: true }) };
      }
    }
    throw err;
  }
}

export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
