import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUS_TOPICS, LocalBus, type BusDelivery, type BusMessage } from '../lib/bus.ts';
import { createLogger } from '../lib/logger.ts';
import { until } from '../testing/child-process.ts';
import { openTestDatabase } from '../testing/databases.ts';
import { PgBus } from './pg-bus.ts';
import type { DatabaseHandle } from './database.ts';

const logger = createLogger({ level: process.env.BUS_DEBUG ? 'debug' : 'silent' });
type Heard = Array<{ topic: string; message: BusMessage; delivery: BusDelivery }>;
const listen = (bus: LocalBus, topic: string, into: Heard) => bus.subscribe(topic, (message, delivery) => into.push({ topic, message, delivery }));

describe('in-process bus', () => {
  it('delivers to this node’s subscribers at once, once each, until they unsubscribe', async () => {
    const bus = new LocalBus();
    const heard: Heard = [];
    const off = listen(bus, 'x', heard);
    listen(bus, 'y', heard);
    bus.publish('x', { n: 1 });
    expect(heard).toEqual([{ topic: 'x', message: { n: 1 }, delivery: { origin: bus.nodeId, local: true } }]);
    off();
    bus.publish('x', { n: 2 });
    expect(heard).toHaveLength(1);
    await bus.close();
  });

  it('keeps delivering to the others when a subscriber throws', () => {
    const errors: unknown[] = [];
    const bus = new LocalBus((err) => errors.push(err));
    const heard: Heard = [];
    bus.subscribe('x', () => {
      throw new Error('boom');
    });
    listen(bus, 'x', heard);
    bus.publish('x', { n: 1 });
    expect(heard).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });
});

describe('PostgreSQL bus (LISTEN/NOTIFY)', () => {
  let db: DatabaseHandle & { url: string };
  const buses: PgBus[] = [];
  const node = async () => {
    const b = new PgBus({ url: db.url, logger, retryMs: { min: 20, max: 200 } });
    buses.push(b);
    await b.start();
    return b;
  };
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    for (const b of buses) await b.close();
    await db?.close();
  });

  it('carries a message to every other node, and to its own node once (not again from the echo)', async () => {
    const [a, b] = [await node(), await node()];
    const atA: Heard = [];
    const atB: Heard = [];
    listen(a, 'stream', atA);
    listen(b, 'stream', atB);
    for (let i = 0; i < 100; i++) a.publish('stream', { i });
    await until(() => atB.length === 100, 'node B to hear 100 messages', 10_000);
    expect(atB.map((h) => h.message.i)).toEqual([...Array(100).keys()]);
    expect(atB[0]!.delivery).toEqual({ origin: a.nodeId, local: false });
    // A heard its own at once; a message from B after them proves A's echoes were dropped.
    b.publish('stream', { from: 'b' });
    await until(() => atA.some((h) => h.message.from === 'b'), 'node A to hear B', 10_000);
    expect(atA.filter((h) => h.delivery.local).map((h) => h.message.i)).toEqual([...Array(100).keys()]);
    expect(atA).toHaveLength(101);
  });

  it('refuses a message that would not fit in a NOTIFY: send ids, not rows', async () => {
    const a = await node();
    expect(() => a.publish('stream', { body: 'x'.repeat(8_000) })).toThrow(/too large/);
  });

  it('after its connection is killed, reconnects, listens again, sends what was published meanwhile and resets caches', async () => {
    const [a, b] = [await node(), await node()];
    const atB: Heard = [];
    listen(b, 'stream', atB);
    listen(b, BUS_TOPICS.cache, atB);
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const kill = (pid: number | null) => admin.query('select pg_terminate_backend($1)', [pid]);
    try {
      // A's connection goes (the database restarted, the network dropped) and A publishes at once.
      await kill(a.backendPid);
      a.publish('stream', { after: 'drop' });
      await until(() => atB.some((h) => h.message.after === 'drop'), 'the message published during the drop', 10_000);
      // B's goes: it comes back, listens again, and knows it may have missed invalidations.
      await kill(b.backendPid);
      await until(() => atB.some((h) => h.topic === BUS_TOPICS.cache && h.message.cache === '*'), 'B to reset its caches after reconnecting', 10_000);
      a.publish('stream', { after: 'reconnect' });
      await until(() => atB.some((h) => h.message.after === 'reconnect'), 'a message after the reconnect', 10_000);
    } finally {
      await admin.end();
    }
  });
});
