import type { Kysely } from 'kysely';

// Frozen in time: imports nothing from application code.

export async function up(db: Kysely<any>): Promise<void> {
  // The outbox and the in-app inbox in one table: every notification is a row written in the
  // same transaction as the change that caused it. SMS rows move queued → sending → sent →
  // delivered (or failed / dead); in-app rows are delivered when committed and carry read_at.
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient_user_id', 'text')
    .addColumn('recipient_phone', 'text')
    .addColumn('event_id', 'text')
    .addColumn('link', 'text')
    .addColumn('title', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('urgent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text')
    // When the outbox first scheduled the SMS (after quiet hours and the rate limit): the
    // per-recipient rate limit counts these, and enqueue-to-submit latency starts here.
    .addColumn('scheduled_at', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('provider', 'text')
    .addColumn('provider_message_id', 'text')
    .addColumn('parts', 'integer')
    .addColumn('read_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('delivered_at', 'text')
    .execute();
  await db.schema.createIndex('notifications_due_idx').on('notifications').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('notifications_inbox_idx').on('notifications').columns(['recipient_user_id', 'channel', 'id']).execute();
  await db.schema.createIndex('notifications_event_idx').on('notifications').columns(['event_id']).execute();
  await db.schema.createIndex('notifications_provider_msg_idx').on('notifications').columns(['provider_message_id']).execute();
  await db.schema.createIndex('notifications_phone_idx').on('notifications').columns(['recipient_phone', 'scheduled_at']).execute();

  // Events whose linkage (notifying the on-duty staff of their units) is still to be done: written
  // with the event, in its transaction, and worked off in batches right after the commit
  // (modules/notify/linkage.worker.ts). A crash in between leaves the row here for the restart.
  await db.schema
    .createTable('linkage_queue')
    .addColumn('event_id', 'text', (c) => c.primaryKey().references('events.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Every delivery attempt: written (committed) before the provider is called and completed after,
  // so an attempt cut short by a crash stays visible as ambiguous.
  await db.schema
    .createTable('notification_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notification_id', 'text', (c) => c.notNull().references('notifications.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('outcome', 'text')
    .addColumn('provider_message_id', 'text')
    .addColumn('error', 'text')
    .addUniqueConstraint('notification_attempts_unique', ['notification_id', 'attempt'])
    .execute();

  await db.schema
    .createTable('sms_templates')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addPrimaryKeyConstraint('sms_templates_pk', ['kind', 'locale'])
    .execute();

  // Who of a unit is on duty when: [starts_at, ends_at). A unit without entries has all its
  // handling members on duty (small units keep no roster).
  await db.schema
    .createTable('duty_rosters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_unit_id', 'text', (c) => c.notNull().references('org_units.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('duty_rosters_unit_idx').on('duty_rosters').columns(['org_unit_id', 'ends_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['duty_rosters', 'sms_templates', 'notification_attempts', 'linkage_queue', 'notifications'])
    await db.schema.dropTable(t).ifExists().execute();
}
