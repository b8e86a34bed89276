import type { EnqueuedNotification } from '../notify/outbox.ts';
import type { AppDeps } from '../../deps.ts';
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

/** A notification just written (as enqueueNotifications reports it), told to its recipient's streams. */
/** What a stream needs of a notification just enqueued (outbox.ts). */
export type NewInAppNotification = Pick<
  EnqueuedNotification,
  'id' | 'channel' | 'kind' | 'recipientUserId' | 'eventId' | 'link' | 'title' | 'body' | 'urgent' | 'createdAt'
>;

/**
 * Tells open streams about a committed event creation: `event.created` to every stream whose
 * scope covers it, and `notification` to each notified user who has a stream open. Called by
 * the creating request after its commit — in-process delivery: a client connected to another
 * node hears of it when it refetches (see stream.routes.ts).
 */
export function publishEventCreated(deps: PublishDeps, e: CreatedEventFacts, notifications: readonly NewInAppNotification[]): void {
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
  pushNotifications(deps, notifications);
}

/**
 * Sends committed in-app notifications to their recipients' open streams, with the fields the
 * inbox lists. Every module that notifies calls it with enqueueNotifications' `created` after
 * its commit (never before: a client must not hear of a row it cannot read yet).
 */
export function pushNotifications(deps: Pick<AppDeps, 'db'>, created: readonly NewInAppNotification[]): number {
  const hub = streamHubOf(deps);
  if (hub.size === 0) return 0;
  let sent = 0;
  for (const n of created) {
    if (n.channel !== 'in_app' || !n.recipientUserId) continue;
    sent += hub.sendToUser(n.recipientUserId, 'notification', {
      id: n.id,
      kind: n.kind,
      title: n.title,
      body: n.body,
      link: n.link,
      eventId: n.eventId,
      urgent: n.urgent,
      read: false,
      readAt: null,
      createdAt: n.createdAt,
    });
  }
  return sent;
}
