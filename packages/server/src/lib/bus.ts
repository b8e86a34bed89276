import { randomUUID } from 'node:crypto';

/**
 * The bus between the nodes of one installation: small JSON facts ("calendar edited", "event
 * created: id, units") published after a commit and heard by every node, this one included.
 * In-process by default (one node: SQLite, tests); PostgreSQL LISTEN/NOTIFY on PostgreSQL
 * (db/pg-bus.ts). Messages are small — ids and facts, never rows: a receiver reads the rest.
 */
export type BusMessage = Record<string, unknown>;

export interface BusDelivery {
  /** The node that published it. */
  origin: string;
  /** True when this node published it (delivered at once, in the publishing call). */
  local: boolean;
}

export type BusHandler = (message: BusMessage, delivery: BusDelivery) => void;

export interface Bus {
  /** This node's id (random per process). */
  readonly nodeId: string;
  /**
   * Sends a message to every node. Call it after the commit of what it tells of: this node's
   * subscribers get it at once (synchronously), other nodes when the transport delivers it.
   */
  publish(topic: string, message: BusMessage): void;
  /** Returns the unsubscribe function. */
  subscribe(topic: string, handler: BusHandler): () => void;
  close(): Promise<void>;
}

/** NOTIFY's payload limit is 8000 bytes; a message stays well below it (topic and envelope included). */
export const MAX_BUS_PAYLOAD_BYTES = 7_000;

/** Topics (one place, so that publishers and subscribers agree). */
export const BUS_TOPICS = {
  /** `{ cache: 'calendar' | 'duty' | 'categories' | 'principals' | 'templates', ... }` */
  cache: 'cache',
  /** Live updates for SSE clients of every node (modules/stream/stream.bus.ts). */
  stream: 'stream',
  /** `{}`: a commit queued SMS; the SMS dispatchers run a pass now (modules/notify/dispatcher.ts). */
  smsQueued: 'sms.queued',
} as const;

/** The subscribers of one node and its local delivery: the in-process bus, and the base of the PostgreSQL one. */
export class LocalBus implements Bus {
  readonly nodeId: string;
  private readonly handlers = new Map<string, Set<BusHandler>>();
  private closed = false;

  constructor(
    private readonly onError: (err: unknown, topic: string) => void = () => {},
    nodeId: string = randomUUID(),
  ) {
    this.nodeId = nodeId;
  }

  publish(topic: string, message: BusMessage): void {
    if (this.closed) return;
    this.deliver(topic, message, { origin: this.nodeId, local: true });
  }

  subscribe(topic: string, handler: BusHandler): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  /** Hands a message to this node's subscribers of its topic; a failing handler does not stop the others. */
  protected deliver(topic: string, message: BusMessage, delivery: BusDelivery): void {
    const set = this.handlers.get(topic);
    if (!set) return;
    for (const h of [...set]) {
      try {
        h(message, delivery);
      } catch (err) {
        this.onError(err, topic);
      }
    }
  }

  protected get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }
}

/** The envelope sent between nodes: origin, topic, message. */
export function encodeEnvelope(origin: string, topic: string, message: BusMessage): string {
  const text = JSON.stringify({ o: origin, t: topic, m: message });
  if (Buffer.byteLength(text) > MAX_BUS_PAYLOAD_BYTES) {
    throw new Error(`bus message on ${topic} too large (${Buffer.byteLength(text)} bytes): send ids and let receivers read the rest`);
  }
  return text;
}

export function decodeEnvelope(text: string): { origin: string; topic: string; message: BusMessage } | null {
  try {
    const v = JSON.parse(text) as { o?: unknown; t?: unknown; m?: unknown };
    if (typeof v.o !== 'string' || typeof v.t !== 'string' || !v.m || typeof v.m !== 'object') return null;
    return { origin: v.o, topic: v.t, message: v.m as BusMessage };
  } catch {
    return null;
  }
}
