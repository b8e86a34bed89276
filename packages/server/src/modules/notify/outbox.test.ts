import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { clearOutbox, enqueue, notificationRow, smsRequest } from './notify.test-helpers.ts';
import { enqueueNotifications } from './outbox.ts';

// The fake clock starts at 2026-11-28T02:00Z = 10:00 in Beijing.
describe.each(TEST_DIALECTS)('outbox enqueue on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { notify: { ratePerHour: 2 } } });
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await clearOutbox(t);
    t.clock.set('2026-11-28T02:00:00.000Z');
  });

  it('renders the Chinese text by default and English on request; in-app rows are delivered at once', async () => {
    const user = t.fixture.users.gwA1a!.id;
    const { created } = await enqueue(t, [
      smsRequest('p1', { kind: 'parking.reminder', vars: { plate: '浙B12345', place: '人民路口', minutes: 5 }, urgent: false }),
      {
        channel: 'in_app',
        kind: 'event.assigned',
        recipientUserId: user,
        vars: { code: 'E1', category: '暴露垃圾', place: '南浦村' },
        urgent: false,
        idempotencyKey: 'i1',
        link: '/events/x',
        locale: 'en',
      },
    ]);
    expect(created.map((c) => c.body)).toEqual([
      '【联动】您的车辆浙B12345在人民路口违规停放，请于5分钟内驶离。',
      '[Liandong] New event to handle: E1 暴露垃圾 at 南浦村.',
    ]);
    expect(created[1]).toMatchObject({ channel: 'in_app', status: 'delivered', title: 'New event to handle', link: '/events/x' });
    const sms = await notificationRow(t, created[0]!.id);
    expect(sms).toMatchObject({ status: 'queued', recipient_phone: '13800000001', next_attempt_at: '2026-11-28T02:00:00.000Z', locale: 'zh', urgent: 0 });
  });

  it('rejects an invalid number with a clear error and writes nothing of the batch', async () => {
    const attempt = enqueue(t, [smsRequest('ok1'), smsRequest('bad', { phone: '12345' })]);
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/Notification 2 \(test\): phone .* is not a mainland mobile number/),
      details: { index: 1, field: 'phone' },
    });
    await expect(enqueue(t, [smsRequest('none', { phone: null })])).rejects.toMatchObject({ message: expect.stringContaining('phone is missing') });
    expect(await t.deps.db.selectFrom('notifications').selectAll().execute()).toEqual([]);
  });

  it('with skipInvalid, skips and reports bad numbers and queues the rest', async () => {
    const { created, skipped } = await enqueue(t, [smsRequest('s1'), smsRequest('s2', { phone: '0571-8888888' })], { skipInvalid: true });
    expect(created).toHaveLength(1);
    expect(skipped).toEqual([{ index: 1, idempotencyKey: 's2', field: 'phone', reason: expect.stringContaining('not a mainland mobile number') }]);
    expect(skipped[0]!.reason).not.toContain('8888888');
  });

  it('refuses unknown kinds and missing template variables', async () => {
    await expect(enqueue(t, [smsRequest('k', { kind: 'nope' })])).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'kind' } });
    await expect(enqueue(t, [smsRequest('v', { kind: 'parking.reminder', vars: { plate: 'x' } })])).rejects.toMatchObject({
      details: { field: 'vars', missing: ['place', 'minutes'] },
    });
  });

  it('one idempotency key is one notification, even across transactions', async () => {
    const first = await enqueue(t, [smsRequest('same')]);
    const second = await enqueue(t, [smsRequest('same', { vars: { text: 'different' } }), smsRequest('other')]);
    expect(first.created).toHaveLength(1);
    expect(second.duplicates).toEqual(['same']);
    expect(second.created.map((c) => c.body)).toEqual(['【联动】测试短信：other']);
    expect(await t.deps.db.selectFrom('notifications').select('body').orderBy('id').execute()).toEqual([
      { body: '【联动】测试短信：same' },
      { body: '【联动】测试短信：other' },
    ]);
  });

  it('is written with the transaction that caused it: a rollback leaves no notification', async () => {
    await expect(
      t.deps.db.transaction().execute(async (trx) => {
        await enqueueNotifications(trx, t.deps, [smsRequest('rolled')]);
        throw new Error('the use-case failed');
      }),
    ).rejects.toThrow('the use-case failed');
    expect(await t.deps.db.selectFrom('notifications').selectAll().execute()).toEqual([]);
  });

  it('defers non-urgent SMS at night to 07:00 Beijing; urgent ones go at once', async () => {
    t.clock.set('2026-11-28T15:30:00.000Z'); // 23:30 Beijing
    const { created } = await enqueue(t, [smsRequest('night', { urgent: false }), smsRequest('night-urgent', { urgent: true, phone: '13800000002' })]);
    expect(created.map((c) => c.nextAttemptAt)).toEqual(['2026-11-28T23:00:00.000Z', '2026-11-28T15:30:00.000Z']);
  });

  it('holds a number to its hourly limit for non-urgent SMS; urgent ones pass', async () => {
    const first = await enqueue(t, [smsRequest('r1', { urgent: false }), smsRequest('r2', { urgent: false })]);
    t.clock.advance(10 * 60_000);
    const later = await enqueue(t, [
      smsRequest('r3', { urgent: false }),
      smsRequest('r4', { urgent: true }),
      smsRequest('r5', { urgent: false, phone: '13800000002' }),
    ]);
    expect(first.created.map((c) => c.nextAttemptAt)).toEqual(['2026-11-28T02:00:00.000Z', '2026-11-28T02:00:00.000Z']);
    expect(later.created.map((c) => c.nextAttemptAt)).toEqual([
      '2026-11-28T03:00:00.000Z', // r1 and r2 leave the window at 03:00
      '2026-11-28T02:10:00.000Z',
      '2026-11-28T02:10:00.000Z', // another number is not affected
    ]);
  });
});
