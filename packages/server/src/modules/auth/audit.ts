import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { defaultIds } from '../../lib/ids.ts';
import { AppError } from '../../errors.ts';

export interface AuditEntry {
  at: string;
  actorUserId: string | null;
  actorName: string | null;
  /** Dotted verb, e.g. `auth.login`, `auth.login_failed`, `user.update`, `api_key.revoke`. */
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  ip?: string | null;
  /** Never credentials: callers pass only what an auditor needs (usernames, changed field names…). */
  details?: Record<string, unknown> | null;
}

/** Appends one audit record. Pass the transaction when the audited change is in one. */
export async function writeAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: defaultIds.id(),
      at: entry.at,
      actor_user_id: entry.actorUserId,
      actor_name: entry.actorName,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      ip: entry.ip ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
    })
    .execute();
}

export interface AuditQuery {
  action?: string;
  actorUserId?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit: number;
}

/** Newest first, keyset-paginated on (at, id) with a signed cursor. */
export async function findAuditLog(db: Db, secret: string, q: AuditQuery) {
  let query = db.selectFrom('audit_log').selectAll();
  if (q.action) query = query.where('action', '=', q.action);
  if (q.actorUserId) query = query.where('actor_user_id', '=', q.actorUserId);
  if (q.from) query = query.where('at', '>=', new Date(q.from).toISOString());
  if (q.to) query = query.where('at', '<', new Date(q.to).toISOString());
  if (q.cursor) {
    const c = decodeCursor(secret, q.cursor);
    query = query.where((eb) => eb.or([eb('at', '<', c.at), eb.and([eb('at', '=', c.at), eb('id', '<', c.id)])]));
  }
  const rows = await query
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      at: r.at,
      actor: { id: r.actor_user_id, name: r.actor_name },
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      ip: r.ip,
      details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(secret, { at: last.at, id: last.id }) : null,
  };
}

function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(`audit:${body}`).digest('base64url').slice(0, 22);
}

function encodeCursor(secret: string, c: { at: string; id: string }): string {
  const body = Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

function decodeCursor(secret: string, cursor: string): { at: string; id: string } {
  const [body, mac] = cursor.split('.');
  const expected = body ? sign(secret, body) : '';
  if (!body || !mac || mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) {
    throw new AppError('INVALID_CURSOR', 'The cursor is not valid for this list');
  }
  const [at, id] = JSON.parse(Buffer.from(body, 'base64url').toString()) as [string, string];
  return { at, id };
}
