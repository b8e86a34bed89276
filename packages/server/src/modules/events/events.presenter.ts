import { externalAttachmentUrl, type EventView, type OrgChainEntry, type TimelineEntry } from '@liandong/contracts';
import { presentChainEntry } from '../org/org.presenter.ts';
import type { AttachmentsTable, EventsTable, EventUnitsTable } from '../../db/schema.ts';
import { fromDbBool } from '../../db/database.ts';
import { isEventOverdue } from '../../engine/runtime/overdue.ts';
import type { Territory } from '../org/territory.ts';

/** 13812345678 → 138****5678; anything else keeps only its last 2 characters. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return `${'*'.repeat(Math.max(0, phone.length - 2))}${phone.slice(-2)}`;
}

export function orgChainOf(territory: Territory, row: Pick<EventsTable, 'county_id' | 'township_id' | 'village_id' | 'grid_id'>): OrgChainEntry[] {
  const out: OrgChainEntry[] = [];
  for (const id of [row.county_id, row.township_id, row.village_id, row.grid_id]) {
    const u = id ? territory.getUnit(id) : undefined;
    if (u) out.push(presentChainEntry(u));
  }
  return out;
}

/**
 * Where a client gets an attachment: an external file at its parsed https: URL, an uploaded one
 * from this server. A URL stored before URLs were checked is never handed out: it is presented as
 * the server's own path, which answers 404 for it.
 */
export function attachmentUrl(a: Pick<AttachmentsTable, 'id' | 'url'>): string {
  return (a.url !== null ? externalAttachmentUrl(a.url) : null) ?? `/api/v1/attachments/${a.id}`;
}

export interface PresentOptions {
  territory: Territory;
  units: EventUnitsTable[];
  attachments?: AttachmentsTable[];
  categoryName?: string;
  /** Reporter phone in clear only when the caller's scope covers the event's handling. */
  showReporterPhone: boolean;
  showTrackingToken: boolean;
  /** The injected clock's now: `overdue` is the red light at this instant (engine/runtime/overdue.ts). */
  now: Date;
}

/** Event row → EventView, whitelisting fields. */
export function presentEvent(row: EventsTable, o: PresentOptions): EventView {
  const reporter =
    row.reporter_name || row.reporter_phone
      ? { name: row.reporter_name, phone: row.reporter_phone ? (o.showReporterPhone ? row.reporter_phone : maskPhone(row.reporter_phone)) : null }
      : null;
  return {
    id: row.id,
    code: row.code,
    status: row.status as EventView['status'],
    closingKind: row.closing_kind as EventView['closingKind'],
    category: row.category_code,
    ...(o.categoryName ? { categoryName: o.categoryName } : {}),
    title: row.title,
    description: row.description,
    source: row.source as EventView['source'],
    urgency: row.urgency as EventView['urgency'],
    location: { lng: Number(row.lng), lat: Number(row.lat), address: row.address },
    orgChain: orgChainOf(o.territory, row),
    leadUnitId: row.lead_unit_id,
    coHandlingUnitIds: o.units.filter((u) => u.event_id === row.id && u.role === 'co').map((u) => u.org_unit_id),
    reporter,
    ...(o.showTrackingToken ? { trackingToken: row.tracking_token } : {}),
    externalId: row.external_id,
    occurredAt: row.occurred_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
    dueAt: row.due_at,
    supervised: fromDbBool(row.supervised),
    urgeCount: Number(row.urge_count),
    duplicateCount: Number(row.duplicate_count),
    ratingScore: row.rating_score,
    plate: row.plate,
    overdue: isEventOverdue(row, o.now),
    version: Number(row.version),
    attachments: (o.attachments ?? []).map((a) => ({
      id: a.id,
      kind: a.kind as EventView['attachments'][number]['kind'],
      url: attachmentUrl(a),
      mime: a.mime,
    })),
  } as EventView;
}

export function presentTimelineEntry(r: {
  id: string;
  seq: number;
  at: string;
  kind: string;
  actor_user_id: string | null;
  actor_name: string | null;
  org_unit_id: string | null;
  org_unit_name: string | null;
  data: string;
}): TimelineEntry {
  return {
    id: r.id,
    seq: Number(r.seq),
    at: r.at,
    kind: r.kind,
    actor: { id: r.actor_user_id, name: r.actor_name },
    orgUnit: r.org_unit_id ? { id: r.org_unit_id, name: r.org_unit_name ?? '' } : null,
    data: JSON.parse(r.data) as Record<string, unknown>,
  };
}
