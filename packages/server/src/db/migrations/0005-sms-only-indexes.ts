import { sql, type Kysely } from 'kysely';

// Frozen in time: imports nothing from application code.

/*
 * Two indexes of notifications serve SMS only: the receipt lookup by the provider's message id
 * and the per-number rate limit. In-app notifications (four of five) have neither a provider
 * message id nor a phone, yet each was entered in both. Partial indexes leave them out: two
 * index entries less per in-app notification, on the hot path of linkage. Queries that use them
 * compare the column with `=`, which implies NOT NULL, so both engines still use the indexes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index "notifications_provider_msg_idx"`.execute(db);
  await sql`create index "notifications_provider_msg_idx" on "notifications" ("provider_message_id") where "provider_message_id" is not null`.execute(db);
  await sql`drop index "notifications_phone_idx"`.execute(db);
  await sql`create index "notifications_phone_idx" on "notifications" ("recipient_phone", "scheduled_at") where "recipient_phone" is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index "notifications_provider_msg_idx"`.execute(db);
  await sql`create index "notifications_provider_msg_idx" on "notifications" ("provider_message_id")`.execute(db);
  await sql`drop index "notifications_phone_idx"`.execute(db);
  await sql`create index "notifications_phone_idx" on "notifications" ("recipient_phone", "scheduled_at")`.execute(db);
}
