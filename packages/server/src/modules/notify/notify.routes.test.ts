import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { dispatchDue } from './dispatcher.ts';
import { FakeSmsProvider } from './fake-sms.provider.ts';
import { clearOutbox, enqueue, smsRequest } from './notify.test-helpers.ts';
import type { NotificationRequest } from './notify.types.ts';

const inApp = (key: string, userId: string, over: Partial<NotificationRequest> = {}): NotificationRequest => ({
  channel: 'in_app',
  kind: 'event.assigned',
  recipientUserId: userId,
  vars: { code: key, category: '暴露垃圾', place: '南浦村' },
  urgent: false,
  idempotencyKey: key,
  link: `/events/${key}`,
  ...over,
});

describe.each(TEST_DIALECTS)('notification routes on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => clearOutbox(t));

  describe('in-app inbox', () => {
    it('lists only the caller’s notifications, newest first, with the unread count and pages', async () => {
      const me = t.fixture.users.gwA1a!.id;
      await enqueue(t, [inApp('E1', me), inApp('E2', me), inApp('E3', me), inApp('X1', t.fixture.users.gwB1a!.id)]);
      const res = await t.as('gwA1a')('GET', '/api/v1/notifications?mine=1&limit=2');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.unreadCount).toBe(3);
      expect(body.items.map((n: { body: string }) => n.body)).toEqual([
        '【联动】新事件待处置：E3 暴露垃圾，地点：南浦村。请及时处置。',
        '【联动】新事件待处置：E2 暴露垃圾，地点：南浦村。请及时处置。',
      ]);
      expect(body.items[0]).toMatchObject({ title: '新事件待处置', link: '/events/E3', read: false, readAt: null });
      const next = await t.as('gwA1a')('GET', `/api/v1/notifications?mine=1&limit=2&cursor=${encodeURIComponent(body.nextCursor)}`);
      expect(next.json().items.map((n: { link: string }) => n.link)).toEqual(['/events/E1']);
      expect(next.json().nextCursor).toBeNull();
      const other = await t.as('gwB1a')('GET', '/api/v1/notifications?mine=1');
      expect(other.json()).toMatchObject({ unreadCount: 1, items: [{ link: '/events/X1' }] });
    });

    it('marks one and then all read; another user’s notification is not found', async () => {
      const me = t.fixture.users.gwA1a!.id;
      const { created } = await enqueue(t, [inApp('R1', me), inApp('R2', me), inApp('R3', me), inApp('Y1', t.fixture.users.gwB1a!.id)]);
      const read = await t.as('gwA1a')('POST', `/api/v1/notifications/${created[0]!.id}/read`);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toMatchObject({ unreadCount: 2, notification: { id: created[0]!.id, read: true, readAt: t.clock.now().toISOString() } });
      const unread = await t.as('gwA1a')('GET', '/api/v1/notifications?mine=1&unread=1');
      expect(unread.json().items).toHaveLength(2);
      const foreign = await t.as('gwA1a')('POST', `/api/v1/notifications/${created[3]!.id}/read`);
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json().error.code).toBe('NOTIFICATION_NOT_FOUND');
      const all = await t.as('gwA1a')('POST', '/api/v1/notifications/read-all');
      expect(all.json()).toEqual({ updated: 2, unreadCount: 0 });
      expect((await t.as('gwB1a')('GET', '/api/v1/notifications')).json().unreadCount).toBe(1);
    });

    it('needs a signed-in user', async () => {
      expect((await t.app.inject('/api/v1/notifications')).statusCode).toBe(401);
    });
  });

  describe('SMS log (administrators)', () => {
    it('lists every SMS with its public status, full number and provider message id; filters by number, event and status', async () => {
      const eventId = t.deps.ids.id();
      const { created } = await enqueue(t, [
        smsRequest('s1', { eventId }),
        smsRequest('s2', { phone: '13800000002' }),
        smsRequest('s3', { phone: '13800000003' }),
      ]);
      const fake = new FakeSmsProvider().willDo('ok', 'permanent', 'ok');
      await dispatchDue(t.deps, fake, { workerId: 'w', concurrency: 1 });
      // s3 is being sent right now by a worker: still "queued" to the public.
      await t.deps.db.updateTable('notifications').set({ status: 'sending' }).where('id', '=', created[2]!.id).execute();

      const admin = t.as('admin');
      const all = (await admin('GET', '/api/v1/sms-messages')).json();
      const byId = new Map(all.items.map((m: { id: string }) => [m.id, m]));
      expect(byId.get(created[0]!.id)).toMatchObject({
        to: '13800000001',
        status: 'sent',
        state: 'sent',
        eventId,
        providerMessageId: 'fake-1',
        parts: 1,
        text: '【联动】测试短信：s1',
      });
      expect(byId.get(created[1]!.id)).toMatchObject({ status: 'failed', state: 'failed', lastError: 'number rejected by the operator (fake)' });
      expect(byId.get(created[2]!.id)).toMatchObject({ status: 'queued', state: 'sending' });

      expect((await admin('GET', '/api/v1/sms-messages?to=%2B86%20138-0000-0002')).json().items.map((m: { id: string }) => m.id)).toEqual([created[1]!.id]);
      expect((await admin('GET', `/api/v1/sms-messages?eventId=${eventId}`)).json().items).toHaveLength(1);
      expect((await admin('GET', '/api/v1/sms-messages?status=failed')).json().items.map((m: { id: string }) => m.id)).toEqual([created[1]!.id]);
      expect((await admin('GET', '/api/v1/sms-messages?status=queued')).json().items.map((m: { id: string }) => m.id)).toEqual([created[2]!.id]);
      const bad = await admin('GET', '/api/v1/sms-messages?to=12345');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toContain('to: not a mainland mobile number');
      expect((await admin('GET', '/api/v1/sms-messages?status=dead')).statusCode).toBe(400);
    });

    it('shows the attempt log of one SMS', async () => {
      const { created } = await enqueue(t, [smsRequest('a1')]);
      const fake = new FakeSmsProvider().willDo('transient');
      await dispatchDue(t.deps, fake, { workerId: 'w', random: () => 0 });
      t.clock.advance(1_000);
      await dispatchDue(t.deps, fake, { workerId: 'w', random: () => 0 });
      const res = await t.as('admin')('GET', `/api/v1/sms-messages/${created[0]!.id}/attempts`);
      expect(res.statusCode).toBe(200);
      expect(res.json().message.status).toBe('sent');
      expect(res.json().items).toMatchObject([
        { attempt: 1, outcome: 'transient', error: 'gateway unavailable (fake)', provider: 'fake' },
        { attempt: 2, outcome: 'ok', providerMessageId: 'fake-1' },
      ]);
      expect((await t.as('admin')('GET', `/api/v1/sms-messages/${t.deps.ids.id()}/attempts`)).statusCode).toBe(404);
    });

    it('is refused to everyone but administrators', async () => {
      const { created } = await enqueue(t, [smsRequest('z')]);
      for (const user of ['leader', 'duty', 'dispatcherA', 'gwA1a']) {
        for (const url of ['/api/v1/sms-messages', `/api/v1/sms-messages/${created[0]!.id}/attempts`, '/api/v1/sms-templates']) {
          const res = await t.as(user)('GET', url);
          expect(res.statusCode, `${user} ${url}`).toBe(403);
        }
        expect((await t.as(user)('PUT', '/api/v1/sms-templates/test', { locale: 'zh', body: 'x' })).statusCode).toBe(403);
      }
    });
  });

  describe('templates', () => {
    it('lists every kind in both languages', async () => {
      const res = await t.as('admin')('GET', '/api/v1/sms-templates');
      const items = res.json().items as Array<{ kind: string; locale: string; body: string; variables: string[]; overridden: boolean }>;
      const kinds = new Set(items.map((i) => i.kind));
      for (const k of ['event.assigned', 'event.urgent', 'event.urged', 'event.supervised', 'parking.reminder', 'care.alert', 'test'])
        expect(kinds.has(k), k).toBe(true);
      expect(items.find((i) => i.kind === 'parking.reminder' && i.locale === 'zh')).toMatchObject({
        body: '【联动】您的车辆{plate}在{place}违规停放，请于{minutes}分钟内驶离。',
        variables: ['plate', 'place', 'minutes'],
        overridden: false,
      });
    });

    it('an administrator’s edit is used for the next notification and audited', async () => {
      const admin = t.as('admin');
      const res = await admin('PUT', '/api/v1/sms-templates/parking.reminder', { locale: 'zh', body: '【县交警】{plate}请在{minutes}分钟内驶离{place}。' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ overridden: true, body: '【县交警】{plate}请在{minutes}分钟内驶离{place}。', updatedBy: t.fixture.users.admin!.id });
      const { created } = await enqueue(t, [smsRequest('after-edit', { kind: 'parking.reminder', vars: { plate: '浙B1', place: '北门', minutes: 5 } })]);
      expect(created[0]!.body).toBe('【县交警】浙B1请在5分钟内驶离北门。');
      const audit = await t.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'sms_template.update').execute();
      expect(audit.at(-1)).toMatchObject({ target_id: 'parking.reminder:zh', actor_user_id: t.fixture.users.admin!.id });
    });

    it('refuses unknown variables and unknown kinds with 422 and details', async () => {
      const admin = t.as('admin');
      const res = await admin('PUT', '/api/v1/sms-templates/parking.reminder', { locale: 'zh', body: '{plate} {owner} {phone}' });
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toMatchObject({
        code: 'TEMPLATE_INVALID',
        details: { unknownVariables: ['owner', 'phone'], allowedVariables: ['plate', 'place', 'minutes'] },
      });
      const kind = await admin('PUT', '/api/v1/sms-templates/nope', { locale: 'zh', body: 'x' });
      expect(kind.statusCode).toBe(422);
      expect(kind.json().error.details.knownKinds).toContain('test');
      expect((await admin('PUT', '/api/v1/sms-templates/test', { locale: 'fr', body: 'x' })).statusCode).toBe(400);
    });
  });
});
