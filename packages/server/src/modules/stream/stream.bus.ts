import type { Db } from '../../db/database.ts';
import { BUS_TOPICS, type Bus, type BusMessage } from '../../lib/bus.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Territory } from '../org/territory.ts';
import { StreamHub, type EventAudience } from './stream.hub.ts';
import type { CreatedEventFacts, NewInAppNotification } from './stream.publish.ts';

/** Notification ids per bus message: `[id, userId]` pairs of ~80 bytes stay far below NOTIFY's limit. */
const NOTIFICATIONS_PER_MESSAGE = 60;

interface LiveStreamDeps {
  bus: Bus;
  db: Db;
  territory: Territory;
  logger: Logger;
}

/**
 * Live updates on every node: this node's hub (its SSE clients) plus the bus. A change is
 * delivered to this node's clients at once with what the publisher holds, and published as
 * small facts (`{ k: 'event', e }`, `{ k: 'notes', n: [[id, userId]…] }`) that every other
 * node's LiveStream hands to its own clients — reading the notification rows only for users
 * who have a stream open there. Own messages coming back from the bus are skipped: they were
 * delivered already.
 */
export class LiveStream {
  readonly hub = new StreamHub();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: LiveStreamDeps) {}

  start(): void {
    this.unsubscribe ??= this.deps.bus.subscribe(BUS_TOPICS.stream, (message, delivery) => {
      if (delivery.local) return;
      void this.fromOtherNode(message).catch((err) => this.deps.logger.warn({ err }, 'live update from another node failed'));
    });
  }

  /** Ends every stream and stops listening (the node is shutting down: clients reconnect elsewhere). */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.hub.closeAll();
  }

  /** An event creation committed: `event.created` to streams whose scope covers it, here and on every node. */
  eventCreated(e: CreatedEventFacts): void {
    this.deliverEvent(e);
    this.deps.bus.publish(BUS_TOPICS.stream, { k: 'event', e: { ...e } });
  }

  /** In-app notifications committed: to their recipients' streams, here and on every node. */
  notificationsCreated(created: readonly NewInAppNotification[]): number {
    const inApp = created.filter((n) => n.channel === 'in_app' && n.recipientUserId);
    if (!inApp.length) return 0;
    let sent = 0;
    if (this.hub.size) for (const n of inApp) sent += this.hub.sendToUser(n.recipientUserId!, 'notification', notificationView(n));
    for (let i = 0; i < inApp.length; i += NOTIFICATIONS_PER_MESSAGE) {
      const n = inApp.slice(i, i + NOTIFICATIONS_PER_MESSAGE).map((x) => [x.id, x.recipientUserId!]);
      this.deps.bus.publish(BUS_TOPICS.stream, { k: 'notes', n });
    }
    return sent;
  }

  private deliverEvent(e: CreatedEventFacts): number {
    if (this.hub.size === 0) return 0;
    const unitPaths = [e.countyId, e.townshipId, e.villageId, e.gridId, ...e.unitIds]
      .map((id) => (id ? this.deps.territory.getUnit(id)?.path : undefined))
      .filter((p): p is string => !!p);
    const audience: EventAudience = { ...e, unitPaths };
    return this.hub.sendToAudience(audience, 'event.created', {
      id: e.id,
      code: e.code,
      title: e.title,
      categoryCode: e.categoryCode,
      urgency: e.urgency,
      status: e.status,
      createdAt: e.createdAt,
    });
  }

  private async fromOtherNode(message: BusMessage): Promise<void> {
    if (this.hub.size === 0) return;
    if (message.k === 'event' && message.e && typeof message.e === 'object') {
      const e = message.e as CreatedEventFacts;
      if (typeof e.id !== 'string' || !Array.isArray(e.unitIds)) return;
      this.deliverEvent(e);
      return;
    }
    if (message.k === 'notes' && Array.isArray(message.n)) {
      // Only rows of users with a stream open on this node are read.
      const ids = (message.n as unknown[])
        .filter((p): p is [string, string] => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string' && this.hub.hasUser(p[1]))
        .map((p) => p[0]);
      if (!ids.length) return;
      const rows = await this.deps.db
        .selectFrom('notifications')
        .select(['id', 'channel', 'kind', 'recipient_user_id', 'event_id', 'link', 'title', 'body', 'urgent', 'created_at'])
        .where('id', 'in', ids)
        .orderBy('id')
        .execute();
      for (const r of rows) {
        if (r.channel !== 'in_app' || !r.recipient_user_id) continue;
        this.hub.sendToUser(r.recipient_user_id, 'notification', {
          id: r.id,
          kind: r.kind,
          title: r.title,
          body: r.body,
          link: r.link,
          eventId: r.event_id,
          urgent: r.urgent === 1,
          read: false,
          readAt: null,
          createdAt: r.created_at,
        });
      }
    }
  }
}

function notificationView(n: NewInAppNotification) {
  return {
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
  };
}
