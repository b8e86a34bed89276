import { insertRows } from '../../db/fast-insert.ts';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Db, Dialect } from '../../db/database.ts';
import type { Database, NotificationAttemptsTable, NotificationsTable } from '../../db/schema.ts';

type Q = Kysely<Database> | Transaction<Database>;
export type NotificationRow = NotificationsTable;
export type AttemptRow = NotificationAttemptsTable;

/** Inserts rows whose idempotency key is new, in one statement; answers the keys inserted. */
export async function insertNotificationsIfNew(db: Q, rows: NotificationRow[]): Promise<Set<string>> {
  const keys = new Set<string>();
  // Chunks keep a statement well under either engine's limit on bound parameters (a linkage batch notifies hundreds).
  for (let i = 0; i < rows.length; i += 400) {
    const inserted = await insertRows(db, 'notifications', rows.slice(i, i + 400), { onConflictDoNothing: 'idempotency_key', returning: 'idempotency_key' });
    for (const r of inserted) keys.add(String(r.idempotency_key));
  }
  return keys;
}

/** Scheduled times (ISO) of a number's live SMS after `since`: what its rate limit counts. */
export async function findScheduledTimes(db: Q, phone: string, since: string): Promise<string[]> {
  const rows = await db
    .selectFrom('notifications')
    .select('scheduled_at')
    .where('recipient_phone', '=', phone)
    .where('scheduled_at', '>', since)
    .where('channel', '=', 'sms')
    .where('status', 'not in', ['failed', 'dead'])
    .execute();
  return rows.map((r) => r.scheduled_at!).filter(Boolean);
}

export async function findTemplateOverrideRows(db: Q) {
  return db.selectFrom('sms_templates').selectAll().execute();
}

export async function upsertTemplateOverride(db: Q, row: { kind: string; locale: string; body: string; updated_at: string; updated_by: string | null }) {
  await db
    .insertInto('sms_templates')
    .values(row)
    .onConflict((oc) => oc.columns(['kind', 'locale']).doUpdateSet({ body: row.body, updated_at: row.updated_at, updated_by: row.updated_by }))
    .execute();
}

/**
 * Claims up to `limit` due SMS for one worker: queued rows whose time has come, and rows left
 * 'sending' by a worker whose claim expired (it crashed or hung). On PostgreSQL the selection
 * skips rows another worker is claiming at this moment, so two dispatchers never claim one row.
 * On SQLite the whole database has one writer, which serialises claims.
 */
export async function claimDueRows(trx: Transaction<Database>, dialect: Dialect, p: { now: string; claimUntil: string; workerId: string; limit: number }) {
  let due = trx
    .selectFrom('notifications')
    .select('id')
    .where('channel', '=', 'sms')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'queued'), eb('next_attempt_at', '<=', p.now)]),
        eb.and([eb('status', '=', 'sending'), eb('claimed_until', '<=', p.now)]),
      ]),
    )
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(p.limit);
  if (dialect === 'postgres') due = due.forUpdate().skipLocked();
  const rows = await trx
    .updateTable('notifications')
    .set({ status: 'sending', claimed_until: p.claimUntil, claimed_by: p.workerId, attempts: sql<number>`attempts + 1`, updated_at: p.now })
    .where('id', 'in', due)
    .returningAll()
    .execute();
  // RETURNING has no order: urgent first, then oldest first.
  return rows.sort((a, b) => b.urgent - a.urgent || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Attempts of these notifications still without an outcome: cut short by a crash. Marks them ambiguous. */
export async function markOpenAttemptsAmbiguous(trx: Q, notificationIds: string[], now: string): Promise<Set<string>> {
  if (!notificationIds.length) return new Set();
  const rows = await trx
    .updateTable('notification_attempts')
    .set({ outcome: 'ambiguous', finished_at: now, error: 'no outcome recorded: the worker stopped between send and acknowledgement' })
    .where('notification_id', 'in', notificationIds)
    .where('outcome', 'is', null)
    .returning('notification_id')
    .execute();
  return new Set(rows.map((r) => r.notification_id));
}

export async function insertAttempts(trx: Q, rows: AttemptRow[]): Promise<void> {
  if (rows.length) await trx.insertInto('notification_attempts').values(rows).execute();
}

export async function finishAttempt(trx: Q, id: string, p: { finishedAt: string; outcome: string; providerMessageId?: string | null; error?: string | null }) {
  await trx
    .updateTable('notification_attempts')
    .set({ finished_at: p.finishedAt, outcome: p.outcome, provider_message_id: p.providerMessageId ?? null, error: p.error ?? null })
    .where('id', '=', id)
    .execute();
}

/**
 * Records the outcome of a claimed send, only while the claim is still ours (same worker, same
 * attempt): a worker that overran its claim must not overwrite the re-claiming worker's state.
 */
export async function updateClaimedRow(trx: Q, id: string, claim: { workerId: string; attempts: number }, set: Partial<NotificationRow>): Promise<boolean> {
  const r = await trx
    .updateTable('notifications')
    .set({ ...set, claimed_until: null, claimed_by: null })
    .where('id', '=', id)
    .where('claimed_by', '=', claim.workerId)
    .where('attempts', '=', claim.attempts)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function findByProviderMessageId(db: Q, provider: string, providerMessageId: string) {
  return db
    .selectFrom('notifications')
    .select(['id', 'status', 'sent_at', 'kind'])
    .where('provider_message_id', '=', providerMessageId)
    .where('provider', '=', provider)
    .executeTakeFirst();
}

export async function applyReceiptRow(
  db: Q,
  id: string,
  set: { status: string; delivered_at: string | null; last_error: string | null; updated_at: string },
): Promise<boolean> {
  const r = await db.updateTable('notifications').set(set).where('id', '=', id).where('status', '=', 'sent').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function countQueued(db: Db): Promise<number> {
  const r = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', 'in', ['queued', 'sending'])
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export interface SmsQuery {
  to?: string;
  eventId?: string;
  statuses?: string[];
  afterId?: string;
  limit: number;
}

export async function findSmsRows(db: Db, q: SmsQuery) {
  let query = db.selectFrom('notifications').selectAll().where('channel', '=', 'sms');
  if (q.to) query = query.where('recipient_phone', '=', q.to);
  if (q.eventId) query = query.where('event_id', '=', q.eventId);
  if (q.statuses) query = query.where('status', 'in', q.statuses);
  if (q.afterId) query = query.where('id', '<', q.afterId);
  return query
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
}

export async function findSmsRow(db: Db, id: string) {
  return db.selectFrom('notifications').selectAll().where('id', '=', id).where('channel', '=', 'sms').executeTakeFirst();
}

export async function findAttemptRows(db: Db, notificationId: string) {
  return db.selectFrom('notification_attempts').selectAll().where('notification_id', '=', notificationId).orderBy('attempt').execute();
}

export async function findInboxRows(db: Db, userId: string, q: { unreadOnly: boolean; afterId?: string; limit: number }) {
  let query = db.selectFrom('notifications').selectAll().where('recipient_user_id', '=', userId).where('channel', '=', 'in_app');
  if (q.unreadOnly) query = query.where('read_at', 'is', null);
  if (q.afterId) query = query.where('id', '<', q.afterId);
  return query
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
}

export async function countUnread(db: Db, userId: string): Promise<number> {
  const r = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('recipient_user_id', '=', userId)
    .where('channel', '=', 'in_app')
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function findInboxRow(db: Db, userId: string, id: string) {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('id', '=', id)
    .where('recipient_user_id', '=', userId)
    .where('channel', '=', 'in_app')
    .executeTakeFirst();
}

export async function markRead(db: Db, userId: string, ids: string[] | 'all', now: string): Promise<number> {
  let q = db
    .updateTable('notifications')
    .set({ read_at: now, updated_at: now })
    .where('recipient_user_id', '=', userId)
    .where('channel', '=', 'in_app')
    .where('read_at', 'is', null);
  if (ids !== 'all') q = q.where('id', 'in', ids);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}
