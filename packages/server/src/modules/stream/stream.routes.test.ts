import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { MAX_STREAMS_PER_USER, streamHubOf } from './stream.hub.ts';

interface SseMessage {
  event: string;
  data: Record<string, unknown> & { error?: { code: string } };
}

/** A live SSE connection read with a real HTTP client: messages are awaited, never slept for. */
class SseClient {
  private buffer = '';
  private readonly messages: SseMessage[] = [];
  private waiters: Array<() => void> = [];
  private constructor(
    readonly status: number,
    private readonly controller: AbortController,
  ) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const controller = new AbortController();
    const res = await fetch(url, { headers, signal: controller.signal });
    const client = new SseClient(res.status, controller);
    if (res.status !== 200) {
      client.messages.push({ event: 'error', data: (await res.json()) as SseMessage['data'] });
      return client;
    }
    void client.pump(res.body!.getReader());
    return client;
  }

  private async pump(reader: ReadableStreamDefaultReader<Uint8Array>) {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.buffer += decoder.decode(value, { stream: true });
        let i;
        while ((i = this.buffer.indexOf('\n\n')) >= 0) {
          const block = this.buffer.slice(0, i);
          this.buffer = this.buffer.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) this.messages.push({ event, data: JSON.parse(data) as SseMessage['data'] });
        }
        for (const w of this.waiters.splice(0)) w();
      }
    } catch {
      // aborted
    }
  }

  /** Resolves with the first message matching, waiting for it to arrive; everything before it in `before`. */
  async next(match: (m: SseMessage) => boolean): Promise<{ message: SseMessage; before: SseMessage[] }> {
    for (;;) {
      const i = this.messages.findIndex(match);
      if (i >= 0) return { message: this.messages[i], before: this.messages.slice(0, i) };
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  first(): SseMessage | undefined {
    return this.messages[0];
  }

  close() {
    this.controller.abort();
  }
}

describe.each(TEST_DIALECTS)('live stream on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  const open: SseClient[] = [];
  const tokenOf = async (user: string) => (await t.login(user)).replace(/^Bearer /, '');
  const connect = async (query: string, headers?: Record<string, string>) => {
    const c = await SseClient.open(`${base}/api/v1/stream${query}`, headers);
    open.push(c);
    return c;
  };
  const report = async (user: string, over: Record<string, unknown>) => {
    const res = await fetch(`${base}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: await t.login(user), 'content-type': 'application/json' },
      body: JSON.stringify({ category: '0501', title: '水源地有人钓鱼', source: 'hotline', ...over }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; code: string };
  };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await t?.close();
  });

  it('delivers the notification for an event another user created to the on-duty handler’s open stream', async () => {
    const handler = await connect(`?access_token=${await tokenOf('handlerVA1')}`);
    expect(handler.status).toBe(200);
    await handler.next((m) => m.event === 'ready');

    const e = await report('duty', { location: { lng: 122.05, lat: 30.05 } });
    const { message } = await handler.next((m) => m.event === 'notification' && m.data.eventId === e.id);
    expect(message.data).toMatchObject({ kind: 'event.assigned', link: `/events/${e.id}`, readAt: null, urgent: true });
    expect(message.data.body).toContain(e.code);
    // The row pushed is the row the inbox holds.
    const row = await t.deps.db
      .selectFrom('notifications')
      .select(['id', 'recipient_user_id'])
      .where('id', '=', message.data.id as string)
      .executeTakeFirstOrThrow();
    expect(row.recipient_user_id).toBe(t.fixture.users.handlerVA1.id);
    const created = await handler.next((m) => m.event === 'event.created' && m.data.id === e.id);
    expect(created.message.data).toMatchObject({ code: e.code, categoryCode: '0501', urgency: 'urgent' });
  });

  it('tells a stream only of events within the caller’s scope (and unit filter)', async () => {
    const gridB = await connect('', { authorization: await t.login('gwB1a') });
    const townshipA = await connect(`?orgUnitId=${t.fixture.units.vA2}`, { authorization: await t.login('dispatcherA') });
    await gridB.next((m) => m.event === 'ready');
    await townshipA.next((m) => m.event === 'ready');

    const inA1 = await report('duty', { location: { lng: 122.06, lat: 30.06 } });
    const inA2 = await report('duty', { location: { lng: 122.06, lat: 30.16 } });
    const inB1 = await report('duty', { location: { lng: 122.26, lat: 30.06 } });

    const b = await gridB.next((m) => m.event === 'event.created' && m.data.id === inB1.id);
    expect(b.before.filter((m) => m.event === 'event.created').map((m) => m.data.id)).toEqual([]);
    const a = await townshipA.next((m) => m.event === 'event.created' && m.data.id === inA2.id);
    // Filtered to village A2: the township's own notification about A1 still comes, the A1 event does not.
    expect(a.before.filter((m) => m.event === 'event.created').map((m) => m.data.id)).toEqual([]);
    expect(a.before.some((m) => m.event === 'notification' && m.data.eventId === inA1.id)).toBe(true);
  });

  it('refuses missing, bad and out-of-scope requests with the error shape', async () => {
    const none = await connect('');
    expect(none.status).toBe(401);
    const bad = await connect('?access_token=not-a-token');
    expect(bad.status).toBe(401);
    expect(bad.first()?.data.error?.code).toBe('UNAUTHENTICATED');
    const outside = await connect(`?orgUnitId=${t.fixture.units.vB1}`, { authorization: await t.login('handlerVA1') });
    expect(outside.status).toBe(403);
    expect(outside.first()?.data.error?.code).toBe('OUT_OF_SCOPE');
  });

  it(`caps streams per user at ${MAX_STREAMS_PER_USER} and frees a slot when a client disconnects`, async () => {
    const hub = streamHubOf(t.deps);
    const token = await tokenOf('waterHandler');
    const streams: SseClient[] = [];
    for (let i = 0; i < MAX_STREAMS_PER_USER; i++) {
      const s = await connect(`?access_token=${token}`);
      await s.next((m) => m.event === 'ready');
      streams.push(s);
    }
    const refused = await connect(`?access_token=${token}`);
    expect(refused.status).toBe(429);
    expect(refused.first()?.data.error?.code).toBe('RATE_LIMITED');

    streams[0].close();
    await vi.waitFor(() => expect(hub.countOf(t.fixture.users.waterHandler.id)).toBe(MAX_STREAMS_PER_USER - 1));
    const again = await connect(`?access_token=${token}`);
    expect(again.status).toBe(200);
  });
});
