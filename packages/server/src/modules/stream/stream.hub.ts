import { canSeeEvent, type DataScopeFilter, type EventScopeFacts } from '../auth/scope.ts';

/** Open streams one user may hold (tabs, phone and desk): past it, a new one is refused (429). */
export const MAX_STREAMS_PER_USER = 5;
/** A client this far behind (bytes buffered) is dropped rather than buffered without end. */
export const MAX_BUFFERED_BYTES = 1 << 20;

export interface StreamSubscriber {
  userId: string;
  scope: DataScopeFilter;
  /** Only events within this unit (`?orgUnitId=`), by id and path; null = the caller's whole scope. */
  unitFilter: { id: string; path: string } | null;
  /** Writes one chunk; false when the connection is gone or too far behind. */
  write(chunk: string): boolean;
  close(): void;
}

/** What an event-scoped message needs to pick its audience. */
export interface EventAudience extends EventScopeFacts {
  /** Paths of the event's territorial chain and units, for the `orgUnitId` filter. */
  unitPaths: string[];
}

export function formatSse(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The live-update hub of this node: open SSE connections by user. Messages are published
 * by the request that caused them, after its commit (see stream.publish.ts), so a client never
 * hears of a row it cannot read yet; other nodes' messages arrive over the bus (stream.bus.ts).
 */
export class StreamHub {
  private readonly byUser = new Map<string, Set<StreamSubscriber>>();
  private readonly subscribers = new Set<StreamSubscriber>();

  get size(): number {
    return this.subscribers.size;
  }

  countOf(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  hasUser(userId: string): boolean {
    return this.countOf(userId) > 0;
  }

  add(sub: StreamSubscriber): void {
    this.subscribers.add(sub);
    let set = this.byUser.get(sub.userId);
    if (!set) this.byUser.set(sub.userId, (set = new Set()));
    set.add(sub);
  }

  remove(sub: StreamSubscriber): void {
    this.subscribers.delete(sub);
    const set = this.byUser.get(sub.userId);
    if (!set) return;
    set.delete(sub);
    if (set.size === 0) this.byUser.delete(sub.userId);
  }

  sendToUser(userId: string, type: string, data: unknown): number {
    const set = this.byUser.get(userId);
    if (!set) return 0;
    return this.deliver([...set], formatSse(type, data));
  }

  /** To every stream whose scope covers the event (and whose unit filter, if any, contains it). */
  sendToAudience(audience: EventAudience, type: string, data: unknown): number {
    if (this.subscribers.size === 0) return 0;
    const targets = [...this.subscribers].filter(
      (s) => canSeeEvent(s.scope, audience) && (!s.unitFilter || audience.unitPaths.some((p) => p.startsWith(s.unitFilter!.path))),
    );
    return targets.length ? this.deliver(targets, formatSse(type, data)) : 0;
  }

  /** Ends every stream (the server is shutting down: clients reconnect to another node). */
  closeAll(): void {
    for (const s of [...this.subscribers]) {
      this.remove(s);
      s.close();
    }
  }

  private deliver(targets: StreamSubscriber[], chunk: string): number {
    let n = 0;
    for (const s of targets) {
      if (s.write(chunk)) n++;
      else {
        this.remove(s);
        s.close();
      }
    }
    return n;
  }
}

/** This node's hub (the runtime's LiveStream holds it; stream.bus.ts). */
export function streamHubOf(deps: { stream: { hub: StreamHub } }): StreamHub {
  return deps.stream.hub;
}
