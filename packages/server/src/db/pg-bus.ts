import pg from 'pg';
import { BUS_TOPICS, LocalBus, decodeEnvelope, encodeEnvelope, type BusMessage } from '../lib/bus.ts';
import type { Logger } from '../lib/logger.ts';

/** The one NOTIFY channel of an installation (NOTIFY is per database, so installations never hear each other). */
export const BUS_CHANNEL = 'liandong_bus';
/** Messages published while the connection is down, sent after it is back (oldest dropped past this). */
const MAX_PENDING = 10_000;

export interface PgBusOptions {
  url: string;
  logger: Logger;
  /** Reconnect back-off: first and longest wait. */
  retryMs?: { min: number; max: number };
}

/**
 * The bus over PostgreSQL LISTEN/NOTIFY: one dedicated client per node that LISTENs and sends
 * every NOTIFY (so this node's messages leave in the order published). A node hands its own
 * messages to its subscribers at once and drops their echo. When the connection drops it
 * reconnects with back-off, LISTENs again, sends what was published meanwhile, and tells its
 * cache subscribers to start afresh (`{ cache: '*' }`): invalidations of other nodes may have
 * been missed while it was away.
 */
export class PgBus extends LocalBus {
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private pending: string[] = [];
  private sending = false;
  private retry: NodeJS.Timeout | null = null;
  private attempt = 0;
  private everConnected = false;
  /** Connection generation: an old client's late events are ignored. */
  private generation = 0;

  constructor(private readonly opts: PgBusOptions) {
    super((err, topic) => opts.logger.error({ err, topic }, 'bus subscriber failed'));
  }

  /** Resolves once LISTEN is in place the first time (retrying with back-off until then); later drops reconnect by themselves. */
  start(): Promise<void> {
    this.connecting ??= new Promise<void>((resolve) => {
      this.onFirstConnect = resolve;
      void this.connect();
    });
    return this.connecting;
  }

  private onFirstConnect: () => void = () => {};

  get connected(): boolean {
    return this.client !== null;
  }

  override publish(topic: string, message: BusMessage): void {
    if (this.isClosed) return;
    const payload = encodeEnvelope(this.nodeId, topic, message);
    super.publish(topic, message);
    this.pending.push(payload);
    if (this.pending.length > MAX_PENDING) this.pending.shift();
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.sending || !this.client) return;
    this.sending = true;
    try {
      while (this.pending.length && this.client) {
        const client = this.client;
        const batch = this.pending.slice(0, 64);
        // One round trip for up to 64 messages; each is its own NOTIFY, in order.
        const values = batch.map((_, i) => `pg_notify($1, $${i + 2})`).join(', ');
        try {
          await client.query(`select ${values}`, [BUS_CHANNEL, ...batch]);
          this.pending.splice(0, batch.length);
        } catch (err) {
          // The connection broke: kept for the reconnect (dropConnection runs from the client's error).
          this.opts.logger.warn({ err: (err as Error).message }, 'bus: notify failed; kept for the reconnect');
          this.dropConnection(client);
          break;
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    // keepAlive: a connection dropped by the network is noticed (and replaced) rather than waited on.
    const client = new pg.Client({ connectionString: this.opts.url, keepAlive: true, application_name: 'liandong-bus' });
    client.on('error', (err) => {
      this.opts.logger.warn({ err: err.message }, 'bus connection lost');
      this.dropConnection(client);
    });
    client.on('end', () => this.dropConnection(client));
    client.on('notification', (n) => {
      if (generation !== this.generation || n.channel !== BUS_CHANNEL || !n.payload) return;
      const env = decodeEnvelope(n.payload);
      // Our own messages were delivered when published.
      if (!env || env.origin === this.nodeId) return;
      this.deliver(env.topic, env.message, { origin: env.origin, local: false });
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${BUS_CHANNEL}`);
    } catch (err) {
      client.removeAllListeners('end');
      void client.end().catch(() => {});
      if (this.isClosed) return;
      this.opts.logger.warn({ err: (err as Error).message }, 'bus: connecting failed; trying again');
      this.attempt++;
      this.scheduleReconnect();
      return;
    }
    if (this.isClosed || generation !== this.generation) {
      void client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.attempt = 0;
    if (this.everConnected) {
      this.opts.logger.info('bus reconnected');
      // What other nodes invalidated while this one was away is unknown: every cache starts afresh.
      this.deliver(BUS_TOPICS.cache, { cache: '*' }, { origin: this.nodeId, local: true });
    }
    this.everConnected = true;
    this.onFirstConnect();
    void this.flush();
  }

  private dropConnection(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.generation++;
    void client.end().catch(() => {});
    if (!this.isClosed) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.retry || this.isClosed) return;
    const { min, max } = this.opts.retryMs ?? { min: 100, max: 5_000 };
    const wait = Math.min(max, min * 2 ** Math.min(this.attempt, 16));
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, wait);
    this.retry.unref();
  }

  /** The server process of the bus connection (tests terminate it as a network failure would). */
  get backendPid(): number | null {
    return (this.client as unknown as { processID?: number } | null)?.processID ?? null;
  }

  override async close(): Promise<void> {
    // What is still pending is sent before the connection goes.
    while (this.sending) await new Promise((r) => setTimeout(r, 5));
    await this.flush();
    this.onFirstConnect();
    await super.close();
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const c = this.client;
    this.client = null;
    this.generation++;
    if (c) {
      c.removeAllListeners('end');
      await c.end().catch(() => {});
    }
  }
}
