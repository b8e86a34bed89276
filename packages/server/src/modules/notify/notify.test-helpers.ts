import type { TestApp } from '../../testing/test-app.ts';
import type { NotificationRequest } from './notify.types.ts';
import { enqueueNotifications, type EnqueueOptions } from './outbox.ts';

/** An SMS request; urgent by default so that quiet hours and the rate limit stay out of the way. */
export const smsRequest = (key: string, over: Partial<NotificationRequest> = {}): NotificationRequest => ({
  channel: 'sms',
  kind: 'test',
  phone: '+86 138-0000-0001',
  vars: { text: key },
  urgent: true,
  idempotencyKey: key,
  ...over,
});

export const enqueue = (t: TestApp, items: NotificationRequest[], opts?: EnqueueOptions) =>
  t.deps.db.transaction().execute((trx) => enqueueNotifications(trx, t.deps, items, opts));

export const notificationRow = (t: TestApp, id: string) => t.deps.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

export const attemptRows = (t: TestApp, id: string) =>
  t.deps.db.selectFrom('notification_attempts').selectAll().where('notification_id', '=', id).orderBy('attempt').execute();

/** Empties the outbox between tests that share one database. */
export async function clearOutbox(t: TestApp): Promise<void> {
  await t.deps.db.deleteFrom('notification_attempts').execute();
  await t.deps.db.deleteFrom('notifications').execute();
  await t.deps.db.deleteFrom('sms_templates').execute();
}
