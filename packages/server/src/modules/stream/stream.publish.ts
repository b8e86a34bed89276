import type { AppDeps } from '../../deps.ts';
import type { NotificationsTable } from '../../db/schema.ts';
import { streamHubOf, type EventAudience } from './stream.hub.ts';

type PublishDeps = Pick<AppDeps, 'db' | 'territory' | 'logger'>;

/** The facts of a just-created event that a live client is told, and that pick who is told. */
export interface CreatedEventFacts {
  id: string;
  code: string;
  title: string;
  categoryCode: string;
  urgency: string;
  status: string;
  createdAt: string;
  countyId: string | null;
  townshipId: string | null;
  villageId: string | null;
  gridId: string | null;
  /** Lead and co-handling units. */
  unitIds: string[];
  reporterUserId: string | null;
}

/** In-app notification as a stream message (the same fields as the inbox lists). */
export function presentStreamNotification(row: NotificationsTable) {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    link: row.link,
    eventId: row.event_id,
    urgent: row.urgent === 1,
    createdAt: row.created_at,
    readAt: row.read_at,
  };
}

/**
 * Tells open streams about a committed event creation: `event.created` to every stream whose
 * scope covers it, and `notification` to each notified user who has a stream open. Called by
 * the creating request after its commit — in-process delivery: a client connected to another
 * node hears of it when it refetches (see stream.routes.ts). Never throws: live updates are a
 * courtesy on top of the committed rows.
 */
export function publishEventCreated(deps: PublishDeps, e: CreatedEventFacts, inApp: ReadonlyArray<{ userId: string; idempotencyKey: string }>): void {
  const hub = streamHubOf(deps);
  if (hub.size === 0) return;
  const unitPaths = [e.countyId, e.townshipId, e.villageId, e.gridId, ...e.unitIds]
    .map((id) => (id ? deps.territory.getUnit(id)?.path : undefined))
    .filter((p): p is string => !!p);
  const audience: EventAudience = { ...e, unitPaths };
  hub.sendToAudience(audience, 'event.created', {
    id: e.id,
    code: e.code,
    title: e.title,
    categoryCode: e.categoryCode,
    urgency: e.urgency,
    status: e.status,
    createdAt: e.createdAt,
  });
  const online = inApp.filter((n) => hub.hasUser(n.userId)).map((n) => n.idempotencyKey);
  if (online.length) {
    pushInAppNotifications(deps, online).catch((err: unknown) =>
      deps.logger.warn({ err, eventId: e.id }, 'live notification push failed'),
    );
  }
}

/**
 * Sends committed in-app notifications (named by their idempotency keys) to their recipients'
 * open streams. Other modules that notify (the process engine) call it after their commit.
 */
export async function pushInAppNotifications(deps: Pick<AppDeps, 'db'>, idempotencyKeys: string[]): Promise<number> {
  const hub = streamHubOf(deps);
  if (!idempotencyKeys.length || hub.size === 0) return 0;
  const rows = await deps.db
    .selectFrom('notifications')
    .selectAll()
    .where('idempotency_key', 'in', idempotencyKeys)
    .where('channel', '=', 'in_app')
    .orderBy('id')
    .execute();
  let sent = 0;
  for (const r of rows) if (r.recipient_user_id) sent += hub.sendToUser(r.recipient_user_id, 'notification', presentStreamNotification(r));
  return sent;
}
