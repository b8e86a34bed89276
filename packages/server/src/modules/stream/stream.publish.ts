import type { EnqueuedNotification } from '../notify/outbox.ts';
import type { AppDeps } from '../../deps.ts';

type PublishDeps = Pick<AppDeps, 'stream'>;

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
 * scope covers it, and `notification` to each notified user who has a stream open — on this
 * node at once, on every other node over the bus (stream.bus.ts). Called by the creating
 * request after its commit.
 */
export function publishEventCreated(deps: PublishDeps, e: CreatedEventFacts, notifications: readonly NewInAppNotification[]): void {
  deps.stream.eventCreated(e);
  deps.stream.notificationsCreated(notifications);
}

/**
 * Sends committed in-app notifications to their recipients' open streams (every node), with
 * the fields the inbox lists. Every module that notifies calls it with enqueueNotifications'
 * `created` after its commit (never before: a client must not hear of a row it cannot read yet).
 * Returns how many streams of this node it reached.
 */
export function pushNotifications(deps: Pick<AppDeps, 'stream'>, created: readonly NewInAppNotification[]): number {
  return deps.stream.notificationsCreated(created);
}
