import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { applyReceipt, dispatchDue, startDispatcher } from './dispatcher.ts';
import { FakeSmsProvider } from './fake-sms.provider.ts';
import { attemptRows, clearOutbox, enqueue, notificationRow, smsRequest } from './notify.test-helpers.ts';
import { createInboxProvider } from './providers/inbox.provider.ts';

const zero = () => 0;

describe.each(TEST_DIALECTS)('SMS dispatcher on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { notify: { maxAttempts: 3, sendTimeoutMs: 100 } } });
  });
  afterAll(async () => t?.close());
  beforeEach(async () => clearOutbox(t));

  const counter = async (name: string) => (await t.deps.metrics.getSingleMetric(name)!.get()).values.find((v) => v.labels.provider === 'fake')?.value ?? 0;
  const pass = (provider: FakeSmsProvider, workerId = 'w1') => dispatchDue(t.deps, provider, { workerId, random: zero });

  it('sends due SMS with the normalised number and rendered text, and records the attempt', async () => {
    const fake = new FakeSmsProvider();
    const { created } = await enqueue(t, [smsRequest('a'), smsRequest('b', { phone: '13800000002' })]);
    const report = await pass(fake);
    expect(report).toMatchObject({ claimed: 2, sent: 2 });
    expect(fake.calls.map((c) => [c.to, c.text]).sort()).toEqual([
      ['13800000001', '【联动】测试短信：a'],
      ['13800000002', '【联动】测试短信：b'],
    ]);
    const row = await notificationRow(t, created[0]!.id);
    expect(row).toMatchObject({ status: 'sent', provider: 'fake', parts: 1, attempts: 1, sent_at: t.clock.now().toISOString(), claimed_by: null });
    expect(row.provider_message_id).toMatch(/^fake-/);
    const attempts = await attemptRows(t, row.id);
    expect(attempts).toMatchObject([{ attempt: 1, outcome: 'ok', provider: 'fake', provider_message_id: row.provider_message_id }]);
    expect(await pass(fake)).toMatchObject({ claimed: 0 });
    expect(fake.calls).toHaveLength(2);
  });

  it('retries a transient failure after an exponential backoff, then sends', async () => {
    const fake = new FakeSmsProvider().willDo('transient', 'transient');
    const { created } = await enqueue(t, [smsRequest('retry')]);
    const id = created[0]!.id;
    expect(await pass(fake)).toMatchObject({ retried: 1 });
    // With no jitter the first wait is 1 s (half of 2 s), the second 2 s.
    expect((await notificationRow(t, id)).next_attempt_at).toBe(new Date(t.clock.now().getTime() + 1_000).toISOString());
    t.clock.advance(999);
    expect(await pass(fake)).toMatchObject({ claimed: 0 });
    t.clock.advance(1);
    expect(await pass(fake)).toMatchObject({ claimed: 1, retried: 1 });
    t.clock.advance(1_999);
    expect(await pass(fake)).toMatchObject({ claimed: 0 });
    t.clock.advance(1);
    expect(await pass(fake)).toMatchObject({ sent: 1 });
    expect((await attemptRows(t, id)).map((a) => a.outcome)).toEqual(['transient', 'transient', 'ok']);
    expect((await notificationRow(t, id)).status).toBe('sent');
  });

  it('dead-letters after the configured number of attempts, and never tries again', async () => {
    const fake = new FakeSmsProvider().willDo('transient', 'transient', 'transient', 'transient');
    const { created } = await enqueue(t, [smsRequest('dead')]);
    for (let i = 0; i < 5; i++) {
      await pass(fake);
      t.clock.advance(10 * 60_000);
    }
    const row = await notificationRow(t, created[0]!.id);
    expect(row).toMatchObject({ status: 'dead', attempts: 3 });
    expect(row.last_error).toContain('gateway unavailable');
    expect(fake.calls).toHaveLength(3);
  });

  it('does not retry a permanent rejection', async () => {
    const fake = new FakeSmsProvider().willDo('permanent');
    const { created } = await enqueue(t, [smsRequest('perm')]);
    expect(await pass(fake)).toMatchObject({ failed: 1 });
    t.clock.advance(3_600_000);
    expect(await pass(fake)).toMatchObject({ claimed: 0 });
    expect(fake.calls).toHaveLength(1);
    expect(await notificationRow(t, created[0]!.id)).toMatchObject({ status: 'failed', last_error: 'number rejected by the operator (fake)' });
  });

  it('a send that hangs times out: the attempt is ambiguous and the SMS is retried later', async () => {
    const fake = new FakeSmsProvider({ supportsIdempotency: true }).willDo('hang');
    const { created } = await enqueue(t, [smsRequest('hang')]);
    expect(await pass(fake)).toMatchObject({ retried: 1 });
    expect((await attemptRows(t, created[0]!.id))[0]).toMatchObject({ outcome: 'ambiguous', error: expect.stringContaining('within 100 ms') });
    expect((await notificationRow(t, created[0]!.id)).status).toBe('queued');
    await fake.stop();
  });

  it('puts back unsent a claimed SMS whose turn comes after its claim could run out', async () => {
    const fake = new FakeSmsProvider();
    // Claim: 100 ms timeout × 2 rounds + 30 s. The first send takes 30.15 s of clock time.
    fake.beforeSend = () => t.clock.advance(30_150);
    const { created } = await enqueue(t, [smsRequest('slow-1'), smsRequest('slow-2', { phone: '13800000002' })]);
    expect(await dispatchDue(t.deps, fake, { workerId: 'w1', limit: 2, concurrency: 1 })).toMatchObject({ claimed: 2, sent: 1, retried: 1 });
    expect(fake.calls.map((c) => c.idempotencyKey)).toEqual(['slow-1']);
    expect(await notificationRow(t, created[1]!.id)).toMatchObject({ status: 'queued', claimed_by: null });
    expect((await attemptRows(t, created[1]!.id))[0]).toMatchObject({ outcome: 'transient', error: expect.stringContaining('claim ran out') });
    fake.beforeSend = null;
    expect(await pass(fake)).toMatchObject({ sent: 1 });
  });

  /** The state a worker leaves when it dies after the provider accepted the SMS and before the ack was written. */
  async function crashAfterSend(fake: FakeSmsProvider, key: string) {
    const { created } = await enqueue(t, [smsRequest(key)]);
    const row = await notificationRow(t, created[0]!.id);
    const now = t.clock.now().toISOString();
    await fake.send({ notificationId: row.id, to: row.recipient_phone!, text: row.body, idempotencyKey: row.idempotency_key, urgent: true });
    await t.deps.db
      .updateTable('notifications')
      .set({ status: 'sending', attempts: 1, claimed_by: 'crashed-worker', claimed_until: new Date(t.clock.now().getTime() + 60_000).toISOString() })
      .where('id', '=', row.id)
      .execute();
    await t.deps.db
      .insertInto('notification_attempts')
      .values({
        id: t.deps.ids.id(),
        notification_id: row.id,
        attempt: 1,
        provider: fake.name,
        started_at: now,
        finished_at: null,
        outcome: null,
        provider_message_id: null,
        error: null,
      })
      .execute();
    return row.id;
  }

  it('after a crash between send and ack, resends once with the same key: an idempotent provider delivers one SMS', async () => {
    const fake = new FakeSmsProvider({ supportsIdempotency: true });
    const id = await crashAfterSend(fake, 'crash-idem');
    expect(await pass(fake)).toMatchObject({ claimed: 0 }); // the claim is still live
    t.clock.advance(60_000);
    expect(await pass(fake)).toMatchObject({ claimed: 1, ambiguous: 1, sent: 1 });
    expect(await pass(fake)).toMatchObject({ claimed: 0 });
    expect(fake.calls.map((c) => c.idempotencyKey)).toEqual(['crash-idem', 'crash-idem']);
    expect(fake.delivered).toHaveLength(1);
    expect((await attemptRows(t, id)).map((a) => a.outcome)).toEqual(['ambiguous', 'ok']);
    expect(await notificationRow(t, id)).toMatchObject({ status: 'sent', attempts: 2, provider_message_id: fake.delivered[0]!.providerMessageId });
  });

  it('without provider idempotency the default policy resends (never lost), and the log shows the ambiguity', async () => {
    const fake = new FakeSmsProvider({ supportsIdempotency: false });
    const id = await crashAfterSend(fake, 'crash-plain');
    t.clock.advance(60_000);
    expect(await pass(fake)).toMatchObject({ ambiguous: 1, sent: 1 });
    expect(fake.delivered).toHaveLength(2);
    expect((await attemptRows(t, id)).map((a) => a.outcome)).toEqual(['ambiguous', 'ok']);
  });

  it("with onAmbiguous 'hold' a non-idempotent provider is not asked twice; the SMS is failed for an operator", async () => {
    const fake = new FakeSmsProvider({ supportsIdempotency: false });
    const id = await crashAfterSend(fake, 'crash-hold');
    t.clock.advance(60_000);
    const deps = { ...t.deps, config: { ...t.deps.config, notify: { ...t.deps.config.notify, onAmbiguous: 'hold' as const } } };
    expect(await dispatchDue(deps, fake, { workerId: 'w1' })).toMatchObject({ ambiguous: 1, held: 1, sent: 0 });
    expect(fake.calls).toHaveLength(1);
    const row = await notificationRow(t, id);
    expect(row.status).toBe('failed');
    expect(row.last_error).toMatch(/^held:/);
  });

  it('two dispatchers running at once never send one SMS twice', async () => {
    const fake = new FakeSmsProvider();
    const items = Array.from({ length: 120 }, (_, i) => smsRequest(`c${i}`, { phone: `139${String(i).padStart(8, '0')}` }));
    await enqueue(t, items);
    const [a, b] = await Promise.all([
      dispatchDue(t.deps, fake, { workerId: 'w1', limit: 100, concurrency: 8 }),
      dispatchDue(t.deps, fake, { workerId: 'w2', limit: 100, concurrency: 8 }),
    ]);
    expect(a.claimed + b.claimed).toBe(120);
    expect(Math.min(a.claimed, b.claimed)).toBeGreaterThan(0);
    const sentIds = fake.calls.map((c) => c.notificationId);
    expect(new Set(sentIds).size).toBe(sentIds.length);
    expect(sentIds).toHaveLength(120);
    const attempts = await t.deps.db.selectFrom('notification_attempts').select('notification_id').execute();
    expect(attempts).toHaveLength(120);
  });

  it('applies delivery receipts; late and unknown receipts change nothing', async () => {
    const fake = new FakeSmsProvider();
    const { created } = await enqueue(t, [smsRequest('r1'), smsRequest('r2', { phone: '13800000002' })]);
    const [delivered0, failed0] = [await counter('liandong_sms_delivered_total'), await counter('liandong_sms_failed_total')];
    await pass(fake);
    const [r1, r2] = await Promise.all(created.map((c) => notificationRow(t, c.id)));
    const at = '2026-11-28T02:00:05.000Z';
    expect(await applyReceipt(t.deps, 'fake', { providerMessageId: r1!.provider_message_id!, status: 'delivered', at })).toBe('applied');
    expect(await applyReceipt(t.deps, 'fake', { providerMessageId: r2!.provider_message_id!, status: 'failed', at, error: 'UNDELIV' })).toBe('applied');
    expect(await applyReceipt(t.deps, 'fake', { providerMessageId: r1!.provider_message_id!, status: 'failed', at })).toBe('late');
    expect(await applyReceipt(t.deps, 'other', { providerMessageId: r1!.provider_message_id!, status: 'failed', at })).toBe('unknown');
    expect(await applyReceipt(t.deps, 'fake', { providerMessageId: 'nope', status: 'delivered', at })).toBe('unknown');
    expect(await notificationRow(t, r1!.id)).toMatchObject({ status: 'delivered', delivered_at: at });
    expect(await notificationRow(t, r2!.id)).toMatchObject({ status: 'failed', delivered_at: null, last_error: 'UNDELIV' });
    expect(await counter('liandong_sms_delivered_total')).toBe(delivered0 + 1);
    expect(await counter('liandong_sms_failed_total')).toBe(failed0 + 1);
    expect(await t.deps.metrics.metrics()).toMatch(/liandong_sms_sent_total\{provider="fake"\} \d+/);
  });

  it('the running dispatcher delivers through the inbox provider, receipts included, and stops cleanly', async () => {
    const inbox = createInboxProvider(t.deps);
    const { created } = await enqueue(t, [smsRequest('live'), smsRequest('live-2', { phone: '13800000002' })]);
    const d = await startDispatcher(t.deps, inbox, { pollMs: 20 });
    d.wake();
    await vi.waitFor(async () => {
      for (const c of created) expect((await notificationRow(t, c.id)).status).toBe('delivered');
    });
    await d.stop();
    expect(inbox.sent.map((s) => s.to).sort()).toEqual(['13800000001', '13800000002']);
    expect(await t.deps.metrics.metrics()).toMatch(/liandong_outbox_queued 0/);
  });

  it("sends an urgent event's SMS when its linkage commits, not at the next poll", async () => {
    const fake = new FakeSmsProvider();
    // Its first pass finds nothing; the next poll would be ten minutes later.
    const d = await startDispatcher(t.deps, fake, { pollMs: 600_000 });
    try {
      await vi.waitFor(() => expect(fake.started).toBe(true), { timeout: 3_000 });
      const res = await t.as('duty')('POST', '/api/v1/events', {
        category: '0501',
        title: '水源地有人游泳',
        source: 'hotline',
        location: { lng: 122.05, lat: 30.05 },
      });
      expect(res.statusCode, res.body).toBe(201);
      await vi.waitFor(() => expect(fake.calls.map((c) => c.to).sort()).toEqual(['13800000004', '13800000005', '13800000008']), { timeout: 3_000 });
    } finally {
      await d.stop();
    }
  });

  it('keeps the messages while the provider cannot start, and sends them once it can', async () => {
    const fake = new FakeSmsProvider();
    let refusals = 1;
    const start = fake.start.bind(fake);
    fake.start = async (cb) => {
      if (refusals-- > 0) throw new Error('connection refused');
      return start(cb);
    };
    const { created } = await enqueue(t, [smsRequest('later')]);
    const d = await startDispatcher(t.deps, fake, { pollMs: 20 });
    await vi.waitFor(async () => expect((await notificationRow(t, created[0]!.id)).status).toBe('sent'), { timeout: 3_000 });
    await d.stop();
    expect(fake.started).toBe(false);
  });
});
